"""What django-axes needs from Jineng: the client's address, and the answer to a locked-out login."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_STATUS = 429


def client_ip(request: HttpRequest) -> str | None:
    """Behind the TLS proxy, the right-most X-Forwarded-For entry: the address nginx itself saw (entries
    to its left are whatever the client sent). Otherwise the socket's address."""
    if settings.JINENG_CLIENT_IP_FROM_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def cool_off_minutes() -> int:
    cool_off = get_cool_off()
    return int(cool_off.total_seconds() // 60) if cool_off else 0


def lockout_message() -> str:
    return f"登录失败次数过多，账户已被暂时锁定，请 {cool_off_minutes()} 分钟后再试或联系管理员解锁。"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message, "details": []}, status=LOCKED_STATUS)
    return render(request, "accounts/lockout.html", {"message": message}, status=LOCKED_STATUS)
