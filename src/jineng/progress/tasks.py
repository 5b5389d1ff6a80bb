"""Background work of the progress app: the dashboard's roll-up, rebuilt on a schedule
(settings.CELERY_BEAT_SCHEDULE). Idempotent: each run rebuilds the current year whole."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="jineng.progress.refresh", ignore_result=True)
def actuals_refresh_task() -> int:
    from jineng.progress.services import actuals_refresh

    return actuals_refresh(actor=None, year=timezone.localdate().year)
