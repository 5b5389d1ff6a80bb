"""Writes of the outbox: enqueue a task with the work it belongs to, send it, and watch over it.

* ``tasks_enqueue`` writes one row per task in the caller's transaction (set-based: a 申领批处理 run of a
  thousand chunks is one insert) and sends them after the commit. A broker that does not answer costs
  the request a connection attempt of at most ``JINENG_OUTBOX_SEND_TIMEOUT`` seconds, never an error: the
  rows stay pending with the error recorded and the work waits.
* ``outbox_watchdog`` (celery beat every minute, and ``manage.py outbox_watchdog``) sends again what is
  due, with exponential backoff; asks each task's owner (``outbox.registry``) whether the work of what was
  sent is over; sends again, after a timeout, what was sent but is not done (a message lost, a worker
  that died); and gives up what cannot finish, letting the owner fail its object with a message.

Tasks take ids and are idempotent, so a task sent twice — by the watchdog and a late worker — does its
work once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from celery import Task
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from jineng.outbox.models import OutboxTask
from jineng.outbox.registry import owner_of

logger = logging.getLogger(__name__)

State = OutboxTask.State
OPEN = (State.PENDING, State.SENT)
# SQLite caps a statement's parameters; a run's thousand chunks go in slices.
_SLICE = 500


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def grace() -> dt.timedelta:
    """How long the watchdog leaves a new row to the send after its commit."""
    return dt.timedelta(seconds=_setting("JINENG_OUTBOX_GRACE_SECONDS", 60))


def backoff(errors: int) -> dt.timedelta:
    """The wait before sending again after ``errors`` failed sends in a row: 30 s, 1, 2, 4 … 15 min."""
    base = _setting("JINENG_OUTBOX_BACKOFF_SECONDS", 30)
    cap = _setting("JINENG_OUTBOX_BACKOFF_MAX_SECONDS", 900)
    return dt.timedelta(seconds=min(base * 2 ** max(errors - 1, 0), cap))


def sent_timeout(attempts: int) -> dt.timedelta:
    """How long a delivered task has to get its work done before it is sent again (doubles each time)."""
    return dt.timedelta(
        seconds=_setting("JINENG_OUTBOX_SENT_TIMEOUT_SECONDS", 600) * 2 ** max(attempts - 1, 0)
    )


T = TypeVar("T")


def _slices(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), _SLICE):
        yield items[i : i + _SLICE]


# --- enqueue -----------------------------------------------------------------------------------------


def tasks_enqueue(*, task: Task | str, objects: Sequence[models.Model]) -> list[int]:
    """One task per object (its one argument is the object's id), written in the caller's transaction
    and sent after its commit. Returns the outbox rows' ids."""
    if not transaction.get_connection().in_atomic_block:
        # The point is to commit the task with its work: outside a transaction it would be neither.
        raise RuntimeError("tasks_enqueue must run inside the transaction of the work it belongs to")
    name = task if isinstance(task, str) else task.name
    if not objects:
        return []
    now = timezone.now()
    rows = OutboxTask.objects.bulk_create(
        OutboxTask(
            task=name,
            args=[obj.pk],
            object_type=obj._meta.label,
            object_id=obj.pk,
            created_at=now,
            next_attempt_at=now + grace(),
        )
        for obj in objects
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: outbox_send(ids))
    return ids


def task_enqueue(*, task: Task | str, obj: models.Model) -> int:
    """One task for ``obj``; see ``tasks_enqueue``."""
    return tasks_enqueue(task=task, objects=[obj])[0]


# --- send --------------------------------------------------------------------------------------------


@dataclass
class Sent:
    sent: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)  # not sent: the broker did not answer
    error: str = ""


def outbox_send(ids: Sequence[int]) -> Sent:
    """Send the open rows among ``ids``, in order; record what was sent and why the rest was not."""
    rows: list[tuple[int, str, list[Any]]] = []
    for part in _slices(list(ids)):
        rows += OutboxTask.objects.filter(pk__in=part, state__in=OPEN).values_list("pk", "task", "args")
    rows.sort()
    if not rows:
        return Sent()
    from jineng.celery import app

    if app.conf.task_always_eager:
        return _run_in_process(app, rows)
    return _publish(app, rows)


def _task(app: Any, name: str) -> Any:
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def _run_in_process(app: Any, rows: list[tuple[int, str, list[Any]]]) -> Sent:
    """The embedded mode: each task runs here and now, as Celery's eager mode does. A task that fails is
    logged and left to the watchdog, as a worker's would be; the request that started it goes on."""
    result = Sent()
    failed: list[tuple[int, str]] = []
    for pk, name, args in rows:
        try:
            _task(app, name).apply_async(args=args, task_id=f"outbox-{pk}")
        except Exception as exc:
            logger.exception("outbox task %s (%s) failed in-process", pk, name)
            failed.append((pk, f"{type(exc).__name__}: {exc}"[:2000]))
        else:
            result.sent.append(pk)
    # A task that ran and failed is a delivery like a worker's: looked at again after the timeout.
    _mark_sent(result.sent + [pk for pk, _ in failed])
    for pk, error in failed:
        OutboxTask.objects.filter(pk=pk).update(last_error=error)
    return result


def _publish(app: Any, rows: list[tuple[int, str, list[Any]]]) -> Sent:
    """Put the tasks on the broker over one connection that gives up at once when the broker does not
    answer (kombu would otherwise retry for seconds per task, holding the request)."""
    timeout = _setting("JINENG_OUTBOX_SEND_TIMEOUT_SECONDS", 2)
    result = Sent()
    connection = app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "max_retries": 0,  # no connection retries inside kombu: the watchdog retries, later
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
        },
    )
    try:
        with connection:
            for i, (pk, name, args) in enumerate(rows):
                try:
                    app.send_task(name, args=args, task_id=f"outbox-{pk}", connection=connection, retry=False)
                except Exception as exc:
                    # The broker is down or refuses: the rest would fail the same way, one timeout each.
                    result.error = f"{type(exc).__name__}: {exc}"[:2000]
                    result.waiting = [row[0] for row in rows[i:]]
                    break
                result.sent.append(pk)
    except Exception as exc:  # closing a connection that never opened
        logger.debug("outbox: closing the broker connection failed: %s", exc)
    _mark_sent(result.sent)
    if result.waiting:
        logger.warning("outbox: %d task(s) wait for the broker: %s", len(result.waiting), result.error)
        _mark_waiting(result.waiting, result.error)
    return result


def _mark_sent(ids: Sequence[int]) -> None:
    now = timezone.now()
    # Attempts counted before the update: the row's next look is after its own (doubling) timeout.
    by_attempts: dict[int, list[int]] = {}
    for part in _slices(list(ids)):
        for pk, attempts in OutboxTask.objects.filter(pk__in=part, state__in=OPEN).values_list(
            "pk", "attempts"
        ):
            by_attempts.setdefault(attempts + 1, []).append(pk)
    for attempts, pks in by_attempts.items():
        for part in _slices(pks):
            OutboxTask.objects.filter(pk__in=part, state__in=OPEN).update(
                state=State.SENT,
                attempts=attempts,
                errors=0,
                sent_at=now,
                next_attempt_at=now + sent_timeout(attempts),
                last_error="",
            )


def _mark_waiting(ids: Sequence[int], error: str) -> None:
    now = timezone.now()
    by_errors: dict[int, list[int]] = {}
    for part in _slices(list(ids)):
        for pk, errors in OutboxTask.objects.filter(pk__in=part, state__in=OPEN).values_list("pk", "errors"):
            by_errors.setdefault(errors + 1, []).append(pk)
    for errors, pks in by_errors.items():
        for part in _slices(pks):
            OutboxTask.objects.filter(pk__in=part, state__in=OPEN).update(
                state=State.PENDING, errors=errors, next_attempt_at=now + backoff(errors), last_error=error
            )


# --- watchdog ----------------------------------------------------------------------------------------


@dataclass
class Watch:
    done: int = 0
    sent: int = 0
    waiting: int = 0
    failed: int = 0
    pruned: int = 0
    error: str = ""


def outbox_watchdog(*, now: dt.datetime | None = None, limit: int = 5000) -> Watch:
    """One pass over the open rows that are due (see the module's docstring). Safe to run twice at once:
    the worst is a task sent twice, which does its work once."""
    now = now or timezone.now()
    watch = Watch()
    max_attempts = int(_setting("JINENG_OUTBOX_MAX_ATTEMPTS", 5))
    oldest = now - dt.timedelta(seconds=_setting("JINENG_OUTBOX_MAX_AGE_SECONDS", 24 * 3600))
    due = (
        OutboxTask.objects.filter(state__in=OPEN, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", "task", "object_id", "attempts", "created_at")[:limit]
    )
    by_task: dict[str, list[_Due]] = {}
    for pk, task, object_id, attempts, created in due:
        by_task.setdefault(task, []).append(_Due(pk, object_id, attempts, created))
    resend: list[int] = []
    for task, rows in by_task.items():
        owner = owner_of(task)
        if owner is None:
            logger.error(
                "outbox: no owner registered for task %s; %d row(s) left as they are", task, len(rows)
            )
            continue
        finished: set[int] = set()
        for some in _slices(rows):
            finished.update(owner.finished([row.object_id for row in some]))
        done = [row.pk for row in rows if row.object_id in finished]
        for part in _slices(done):
            watch.done += OutboxTask.objects.filter(pk__in=part, state__in=OPEN).update(
                state=State.DONE, finished_at=now
            )
        left = [row for row in rows if row.object_id not in finished]
        # Given up: delivered too often without its work getting done, or too old (a broker down for a day).
        hopeless = [row for row in left if row.attempts >= max_attempts or row.created_at < oldest]
        if hopeless:
            watch.failed += _give_up(owner.give_up, hopeless, now, max_attempts)
        resend += [row.pk for row in left if row not in hopeless]
    if resend:
        result = outbox_send(resend)
        watch.sent, watch.waiting, watch.error = len(result.sent), len(result.waiting), result.error
    keep = dt.timedelta(days=_setting("JINENG_OUTBOX_KEEP_DONE_DAYS", 7))
    watch.pruned = OutboxTask.objects.filter(state=State.DONE, finished_at__lt=now - keep).delete()[0]
    return watch


class _Due(NamedTuple):
    pk: int
    object_id: int
    attempts: int
    created_at: dt.datetime


def _give_up(
    give_up: Callable[[Sequence[int]], None], rows: list[_Due], now: dt.datetime, max_attempts: int
) -> int:
    count = 0
    for part in _slices(rows):
        with transaction.atomic():
            # The owner fails its objects and the rows close in one transaction: both or neither.
            pks = [row.pk for row in part]
            locked = dict(
                OutboxTask.objects.select_for_update()
                .filter(pk__in=pks, state__in=OPEN)
                .values_list("pk", "last_error")
            )
            rows_left = [row for row in part if row.pk in locked]
            if not rows_left:
                continue
            give_up([row.object_id for row in rows_left])
            for pk, _, attempts, _ in rows_left:
                reason = (
                    f"gave up after {attempts} deliveries without the work getting done"
                    if attempts >= max_attempts
                    else "gave up: still not done at the maximum age (was the broker down?)"
                )
                last = locked[pk]
                OutboxTask.objects.filter(pk=pk).update(
                    state=State.FAILED,
                    finished_at=now,
                    last_error=f"{reason}; last error: {last}" if last else reason,
                )
            count += len(rows_left)
    logger.warning("outbox: gave up %d task(s)", count)
    return count
