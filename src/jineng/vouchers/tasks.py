"""Background work of the vouchers app: the daily expiry run (scheduled in settings.CELERY_BEAT_SCHEDULE).

Idempotent: it expires what is due on the day it runs, and a second run, a retry or a late run after a
missed day finds nothing more to do than what is still due.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="jineng.vouchers.expire", ignore_result=True)
def vouchers_expire_task() -> int:
    from jineng.vouchers.services import vouchers_expire

    return vouchers_expire(today=timezone.localdate())
