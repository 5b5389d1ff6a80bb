"""The public certificate check's limit: at most CHECKS_PER_WINDOW checks from one address in WINDOW, kept
in the database so that every web worker shares it. Over the limit the page and the API answer 429 and
nothing is looked up."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jineng.accounts.lockout import client_ip
from jineng.certificates.models import CheckAttempt

CHECKS_PER_WINDOW = 20
WINDOW = dt.timedelta(minutes=10)
KEPT = dt.timedelta(days=1)
MESSAGE = f"查询过于频繁：同一网络地址每 {int(WINDOW.total_seconds() // 60)} 分钟最多查询 {CHECKS_PER_WINDOW} 次，请稍后再试"


def limit() -> int:
    return int(getattr(settings, "JINENG_CERTIFICATE_CHECKS_PER_WINDOW", CHECKS_PER_WINDOW))


@transaction.atomic
def allow_check(request: HttpRequest) -> bool:
    """Record this check; False when the address has used up its checks in the window."""
    now = timezone.now()
    address = (client_ip(request) or "unknown")[:64]
    CheckAttempt.objects.filter(at__lt=now - KEPT).delete()
    recent = CheckAttempt.objects.filter(address=address, at__gte=now - WINDOW).count()
    if recent >= limit():
        return False
    CheckAttempt.objects.create(address=address, at=now)
    return True
