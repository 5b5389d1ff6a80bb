"""The outbox watchdog, run by celery beat every minute (settings.CELERY_BEAT_SCHEDULE). Idempotent: a
second pass at the same moment finds at most a task to send twice, whose work is done once."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="jineng.outbox.watchdog", ignore_result=True)
def outbox_watchdog_task() -> dict[str, int]:
    from jineng.outbox.services import outbox_watchdog

    watch = outbox_watchdog()
    return {"done": watch.done, "sent": watch.sent, "waiting": watch.waiting, "failed": watch.failed}
