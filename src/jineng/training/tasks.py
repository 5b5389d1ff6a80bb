"""Background work of the training app. Tasks take ids and are idempotent (see roster_job_run); they
are enqueued through the outbox (jineng.outbox), whose watchdog asks here whether a job is over and
fails the job, with a message the clerk reads, when its task cannot be run."""

from __future__ import annotations

from collections.abc import Sequence

from celery import shared_task

from jineng.outbox.registry import owner_register


@shared_task(name="jineng.training.roster_job_run", ignore_result=True)
def roster_job_run_task(job_id: int) -> None:
    from jineng.training.services import roster_job_run

    roster_job_run(job_id=job_id)


def _finished(job_ids: Sequence[int]) -> set[int]:
    from jineng.training.services import roster_jobs_finished

    return roster_jobs_finished(job_ids)


def _give_up(job_ids: Sequence[int]) -> None:
    from jineng.training.services import roster_jobs_abandon

    roster_jobs_abandon(job_ids)


owner_register(roster_job_run_task.name, finished=_finished, give_up=_give_up)
