"""Background work of the claims app. Tasks take ids and are idempotent (see claims.runs); they are
enqueued through the outbox (jineng.outbox), whose watchdog asks here whether a chunk is over and
refuses it, with a message the run's page shows, when its task cannot be run."""

from __future__ import annotations

from collections.abc import Sequence

from celery import shared_task

from jineng.outbox.registry import owner_register


@shared_task(name="jineng.claims.claim_run_chunk", ignore_result=True)
def claim_run_chunk_task(chunk_id: int) -> None:
    from jineng.claims.runs import claim_run_chunk_process

    claim_run_chunk_process(chunk_id=chunk_id)


def _finished(chunk_ids: Sequence[int]) -> set[int]:
    from jineng.claims.runs import run_chunks_finished

    return run_chunks_finished(chunk_ids)


def _give_up(chunk_ids: Sequence[int]) -> None:
    from jineng.claims.runs import claim_run_chunks_abandon

    claim_run_chunks_abandon(chunk_ids)


owner_register(claim_run_chunk_task.name, finished=_finished, give_up=_give_up)
