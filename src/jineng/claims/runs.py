"""申领批处理: thousands of classes claimed, or thousands of claims signed, by Celery workers side by side.

A run cuts its ids into chunks (``CLAIM_RUN_CHUNK``, 1,000 by default) and sends one task per chunk after
the commit (through the outbox, jineng.outbox: the tasks are rows written with the run); each worker takes a chunk and calls ``claims.bulk`` with it — the same checks and writes as a
batch signed on the page — and records the chunk's outcome in that same transaction. So:

* a chunk is all or nothing, and done exactly once: the chunk row is locked and must still be pending,
  so a task delivered twice (a retry, a worker lost after the commit) finds it done and does nothing;
* a refused chunk names its class or claim, the rule and the clause, and the other chunks go through
  (a clerk fixes that class and starts a run for it, or claims it on its page);
* the chunks of one run have no order between them. A class's B02/B08 history counts the enrolments
  *before* it whoever claims first; only an earlier class's refused line (which makes its enrolment not
  count) can be missed by a class judged at the same moment — as with two clerks claiming at once — and
  then the later class is refused rather than paid twice. Claims that depend on each other (earlier
  classes first) go in separate runs, one after the other; the bench does so.

In the embedded default (eager Celery) the tasks run one after the other in the starting request, after
its commit; with a broker and ``celery worker --concurrency N`` they run N at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.claims import bulk
from jineng.claims.models import Claim, ClaimRun, ClaimRunChunk
from jineng.claims.selectors import run_item_refs
from jineng.core.errors import Refusal
from jineng.outbox.services import tasks_enqueue
from jineng.training.models import TrainingClass

MAX_ITEMS = 100_000  # a province's year of classes fits; more is split by whoever starts the runs


def _chunk_size() -> int:
    return int(getattr(settings, "CLAIM_RUN_CHUNK", 1000))


@transaction.atomic
def claim_run_start(
    *,
    actor: User,
    kind: str,
    ids: Sequence[int],
    decision: str = "",
    comment: str = "",
    today: dt.date | None = None,
    chunk_size: int | None = None,
) -> ClaimRun:
    """A run over ``ids`` — assessed classes to claim (``create``) or claims to sign (``review``) — cut
    into chunks, one task each, sent after the commit. The caller has checked that the actor sees every
    id (the API answers 404 otherwise); what each chunk may do is checked when it runs, by claims.bulk."""
    if kind not in ClaimRun.Kind.values:
        raise Refusal("批处理类别应为“批量申领”或“批量签署”", field="类别", value=kind)
    unique = sorted(set(ids))
    if not unique:
        raise Refusal("未选择培训班或申领", field="id")
    if len(unique) > MAX_ITEMS:
        raise Refusal(f"一次批处理至多 {MAX_ITEMS:,} 项，本次 {len(unique):,} 项", field="id")
    if kind == ClaimRun.Kind.REVIEW:
        bulk.check_decision(decision, comment)
    elif decision or comment:
        raise Refusal("批量申领不填写审核结论和意见", field="审核结论")
    size = chunk_size or _chunk_size()
    run = ClaimRun.objects.create(
        kind=kind,
        actor=actor,
        decision=decision,
        comment=comment.strip(),
        on=today or timezone.localdate(),
        items=len(unique),
        chunk_size=size,
    )
    chunks = ClaimRunChunk.objects.bulk_create(
        ClaimRunChunk(run=run, position=n + 1, ids=unique[i : i + size])
        for n, i in enumerate(range(0, len(unique), size))
    )
    event_record(
        actor=actor,
        action="claim_run.started",
        obj=run,
        to_state=ClaimRunChunk.State.PENDING,
        payload={"kind": kind, "items": len(unique), "chunks": len(chunks), "decision": decision},
    )
    from jineng.claims.tasks import claim_run_chunk_task

    # In this transaction, one insert for all chunks: the run and its tasks commit together, and are sent
    # after the commit (a broker that is down delays them; the outbox watchdog sends them later).
    tasks_enqueue(task=claim_run_chunk_task, objects=chunks)
    return run


CHUNK_GIVEN_UP = (
    "后台任务多次未能执行完毕（后台服务繁忙或中断），本批未办理，其中的培训班或申领未作任何改动。"
    "请对这些培训班或申领重新发起批处理；如仍失败，请联系管理员。"
)


def run_chunks_finished(chunk_ids: Sequence[int]) -> set[int]:
    """Of these chunks, those that are done or refused, or no longer exist (the outbox asks)."""
    open_ = set(
        ClaimRunChunk.objects.filter(pk__in=chunk_ids, state=ClaimRunChunk.State.PENDING).values_list(
            "pk", flat=True
        )
    )
    return set(chunk_ids) - open_


@transaction.atomic
def claim_run_chunks_abandon(chunk_ids: Sequence[int]) -> int:
    """Refuse chunks whose task could not be run (the outbox gave up), with a message the run's page and
    API show. A chunk being processed is locked: it finishes first, and is then no longer pending."""
    chunks = list(
        ClaimRunChunk.objects.select_for_update(of=("self",))
        .select_related("run", "run__actor")
        .filter(pk__in=chunk_ids, state=ClaimRunChunk.State.PENDING)
    )
    now = timezone.now()
    for chunk in chunks:
        chunk.state, chunk.message, chunk.finished_at = ClaimRunChunk.State.REFUSED, CHUNK_GIVEN_UP, now
        chunk.save(update_fields=["state", "message", "finished_at"])
        event_record(
            actor=chunk.run.actor,
            action="claim_run.chunk.given_up",
            obj=chunk,
            from_state=ClaimRunChunk.State.PENDING,
            to_state=chunk.state,
            payload={"run": chunk.run_id, "position": chunk.position, "message": chunk.message},
        )
    return len(chunks)


@transaction.atomic
def claim_run_chunk_process(*, chunk_id: int) -> ClaimRunChunk | None:
    """One chunk, once: claims.bulk on its ids and the chunk's outcome, in one transaction. A chunk that
    is no longer pending (done by an earlier delivery) or no longer exists is left alone."""
    chunk = (
        ClaimRunChunk.objects.select_for_update(of=("self",))
        .select_related("run", "run__actor")
        .filter(pk=chunk_id)
        .first()
    )
    if chunk is None or chunk.state != ClaimRunChunk.State.PENDING:
        return chunk
    run = chunk.run
    try:
        # claims.bulk locks and reads the classes or claims itself, by id: only the ids are read here.
        with transaction.atomic():  # a refusal undoes the chunk's writes, not its outcome below
            if run.kind == ClaimRun.Kind.CREATE:
                classes = list(TrainingClass.objects.filter(pk__in=chunk.ids).only("pk").order_by("pk"))
                done = bulk.claims_create_bulk(actor=run.actor, classes=classes, today=run.on)
            else:
                claims = list(Claim.objects.filter(pk__in=chunk.ids).only("pk").order_by("pk"))
                done = bulk.claims_review_bulk(
                    actor=run.actor, claims=claims, decision=run.decision, comment=run.comment, today=run.on
                )
        chunk.state, chunk.claims = ClaimRunChunk.State.DONE, len(done)
    except Refusal as exc:
        message = exc.render()
        if len(chunk.ids) == 1:
            # claims.bulk names the class or claim only in a batch of several; a chunk of one is named here.
            ref = run_item_refs(run, chunk.ids).get(chunk.ids[0], str(chunk.ids[0]))
            message = f"{'培训班' if run.kind == ClaimRun.Kind.CREATE else '申领'} {ref}：{message}"
        chunk.state, chunk.message, chunk.details = ClaimRunChunk.State.REFUSED, message, exc.details()
    chunk.finished_at = timezone.now()
    chunk.save(update_fields=["state", "claims", "message", "details", "finished_at"])
    event_record(
        actor=run.actor,
        action=f"claim_run.chunk.{chunk.state}",
        obj=chunk,
        from_state=ClaimRunChunk.State.PENDING,
        to_state=chunk.state,
        payload={"run": run.pk, "position": chunk.position, "claims": chunk.claims, "message": chunk.message},
    )
    return chunk
