"""Background work of the claims app. Tasks take ids and are idempotent (see claims.runs)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="jineng.claims.claim_run_chunk", ignore_result=True)
def claim_run_chunk_task(chunk_id: int) -> None:
    from jineng.claims.runs import claim_run_chunk_process

    claim_run_chunk_process(chunk_id=chunk_id)
