"""Background work of the training app. Tasks take ids and are idempotent (see roster_job_run)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="jineng.training.roster_job_run", ignore_result=True)
def roster_job_run_task(job_id: int) -> None:
    from jineng.training.services import roster_job_run

    roster_job_run(job_id=job_id)
