"""The outbox: tasks committed with their work, sent after the commit, watched over until done.

A broker that is down delays the work and never loses it nor answers 500; a roster job whose process
died is taken over; what cannot finish fails with a message the user reads; a task sent twice does its
work once. The roster upload and the 申领批处理 run are the two products of the outbox today.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jineng.audit.models import Event
from jineng.celery import app
from jineng.claims.models import Claim, ClaimRun, ClaimRunChunk
from jineng.claims.runs import CHUNK_GIVEN_UP, claim_run_start
from jineng.claims.selectors import run_progress
from jineng.claims.tests.factories import CLAIMED, assessed_class
from jineng.conftest import World
from jineng.core.tests.test_celery import celery_conf
from jineng.outbox.models import OutboxTask
from jineng.outbox.services import outbox_send, outbox_watchdog
from jineng.training import services
from jineng.training.models import Enrolment, RosterJob
from jineng.training.services import ROSTER_JOB_GIVEN_UP
from jineng.training.tests.factories import draft_class, fresh_rows, roster_bytes

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
ROSTER_TASK = "jineng.training.roster_job_run"
CHUNK_TASK = "jineng.claims.claim_run_chunk"


@contextmanager
def broker_down() -> Iterator[None]:
    with celery_conf(task_always_eager=False, broker_url=DEAD_BROKER, result_backend="cache+memory://"):
        yield


def _later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def _upload(world: World, rows: int = 3) -> tuple[Any, RosterJob]:
    """The clerk uploads a roster on the class's page; the commit's callbacks run as after a real commit."""
    tc = draft_class(world)
    client = world.client(world.users["institution"])
    response = client.post(
        reverse("training:roster_upload", args=[tc.pk]),
        {"file": SimpleUploadedFile("花名册.xlsx", roster_bytes(fresh_rows(rows)))},
    )
    return response, RosterJob.objects.get(training_class=tc)


# --- (1) the broker is down: the request answers, the task waits, the watchdog sends it later ----------


def test_broker_down_roster_upload_answers_and_the_job_runs_once_the_broker_is_back(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Given Redis unreachable (production mode: a real broker, not eager)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        # When the clerk uploads a roster
        response, job = _upload(world)
    # Then the page answers with the job's page (no 500), the job waits 排队中 and its task is pending
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("training:roster_job", args=[job.pk]),
    )
    assert job.status == RosterJob.Status.QUEUED
    row = OutboxTask.objects.get(task=ROSTER_TASK, object_id=job.pk)
    assert (row.state, row.attempts, row.errors, row.object_type) == ("pending", 0, 1, "training.RosterJob")
    assert "Connection refused" in row.last_error or "111" in row.last_error
    assert row.next_attempt_at > timezone.now()
    page = world.client(world.users["institution"]).get(reverse("training:roster_job", args=[job.pk]))
    assert "排队中" in page.content.decode()
    # And a watchdog pass while Redis is still down sends nothing and loses nothing
    with broker_down():
        watch = outbox_watchdog(now=_later(2))
    assert (watch.sent, watch.waiting, watch.failed) == (0, 1, 0)
    row.refresh_from_db()
    assert (row.state, row.errors) == ("pending", 2)
    # When the broker is back (eager here: the task runs in-process) and the watchdog's next pass comes
    watch = outbox_watchdog(now=_later(5))
    # Then the job ran: accepted, its trainees enrolled
    job.refresh_from_db()
    assert (watch.sent, job.status, job.message) == (1, RosterJob.Status.ACCEPTED, "已导入 3 名学员")
    assert Enrolment.objects.filter(training_class=job.training_class).count() == 3
    row.refresh_from_db()
    assert (row.state, row.attempts, row.errors, row.last_error) == ("sent", 1, 0, "")
    # And the pass after the row's timeout closes it, as the job says it is over, without running it again
    watch = outbox_watchdog(now=_later(30))
    row.refresh_from_db()
    assert (watch.done, watch.sent, row.state) == (1, 0, "done")
    assert RosterJob.objects.get(pk=job.pk).runs == 1


def test_broker_down_claim_run_answers_and_every_chunk_is_done_once_the_broker_is_back(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Given three assessed classes and Redis unreachable
    classes = [assessed_class(world) for _ in range(3)]
    client = world.client(world.users["institution"])
    # When the clerk's system starts a run of one class per chunk
    with (
        broker_down(),
        override_settings(CLAIM_RUN_CHUNK=1),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/api/v1/claims/runs",
            json.dumps({"kind": "create", "ids": [tc.pk for tc in classes]}),
            content_type="application/json",
        )
    # Then the API answers 201 with the run, whose three chunks wait, each with its pending task
    assert response.status_code == 201, response.content
    run = ClaimRun.objects.get(pk=response.json()["id"])
    chunks = list(run.chunks.order_by("position"))
    assert [c.state for c in chunks] == ["pending"] * 3
    rows = OutboxTask.objects.filter(task=CHUNK_TASK).order_by("object_id")
    assert [(r.object_id, r.state, r.errors) for r in rows] == [(c.pk, "pending", 1) for c in chunks]
    assert Claim.objects.count() == 0
    # When the broker is back and the watchdog passes
    watch = outbox_watchdog(now=_later(5))
    # Then every chunk is done and each class has its claim
    assert watch.sent == 3
    assert run_progress(run).state == "done"
    assert sorted(Claim.objects.values_list("training_class_id", flat=True)) == sorted(
        tc.pk for tc in classes
    )


def test_sending_to_a_dead_broker_gives_up_at_once_for_the_whole_batch(world: World) -> None:
    # Given a run of five chunks committed while Redis is unreachable (its rows written, not yet sent)
    classes = [assessed_class(world) for _ in range(5)]
    run = claim_run_start(
        actor=world.users["institution"],
        kind="create",
        ids=[tc.pk for tc in classes],
        today=CLAIMED,
        chunk_size=1,
    )
    ids = list(OutboxTask.objects.filter(task=CHUNK_TASK).values_list("pk", flat=True))
    # When they are sent, then the first refusal stops the batch: all five wait, none was lost
    with broker_down():
        result = outbox_send(ids)
    assert (result.sent, sorted(result.waiting)) == ([], sorted(ids))
    assert set(OutboxTask.objects.filter(pk__in=ids).values_list("state", "errors")) == {("pending", 1)}
    assert run.chunks.filter(state="pending").count() == 5


# --- (2) a job whose process died while running is taken over, never left 检查中 -----------------------


def _left_running_by_a_dead_process(
    world: World, *, heartbeat_minutes_ago: float
) -> tuple[RosterJob, OutboxTask]:
    """A job as a worker killed mid-check leaves it: 检查中, its run's token taken, its task delivered."""
    tc = draft_class(world)
    job = services.roster_job_create(
        actor=world.users["institution"],
        training_class=tc,
        filename="花名册.xlsx",
        content=roster_bytes(fresh_rows(4)),
    )
    beat = timezone.now() - dt.timedelta(minutes=heartbeat_minutes_ago)
    RosterJob.objects.filter(pk=job.pk).update(status=RosterJob.Status.RUNNING, runs=1, heartbeat_at=beat)
    OutboxTask.objects.filter(object_id=job.pk, task=ROSTER_TASK).update(
        state="sent", attempts=1, sent_at=beat, next_attempt_at=beat + dt.timedelta(minutes=10)
    )
    return RosterJob.objects.get(pk=job.pk), OutboxTask.objects.get(object_id=job.pk, task=ROSTER_TASK)


def test_a_job_left_running_by_a_dead_process_is_taken_over_and_imported(world: World) -> None:
    # Given a job left 检查中 eleven minutes ago by a worker that died
    job, _ = _left_running_by_a_dead_process(world, heartbeat_minutes_ago=11)
    # When the watchdog passes (its task was delivered but the job is not over: it sends it again)
    watch = outbox_watchdog()
    # Then the new delivery takes the job over (its lease ran out) and imports the roster
    job.refresh_from_db()
    assert (watch.sent, job.status, job.runs, job.message) == (1, "accepted", 2, "已导入 4 名学员")
    assert Enrolment.objects.filter(training_class=job.training_class).count() == 4
    assert job.heartbeat_at is None


def test_a_job_held_by_a_live_run_is_not_taken_over_by_a_second_delivery(world: World) -> None:
    # Given a job whose run is alive (its heartbeat a minute old)
    job, _ = _left_running_by_a_dead_process(world, heartbeat_minutes_ago=1)
    events = Event.objects.count()
    # When its task is delivered again
    again = services.roster_job_run(job_id=job.pk)
    # Then the second delivery leaves it to the live run: nothing written
    assert (again.status, again.runs) == ("running", 1)
    assert (Enrolment.objects.count(), Event.objects.count()) == (0, events)


def test_a_superseded_run_does_not_write_its_outcome(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a run that is slow, and taken over by a later run while it checks (its lease ran out)
    tc = draft_class(world)
    job = services.roster_job_create(
        actor=world.users["institution"],
        training_class=tc,
        filename="花名册.xlsx",
        content=roster_bytes(fresh_rows(2)),
    )
    read = services.read_roster

    def taken_over(*args: Any, **kwargs: Any) -> Any:
        RosterJob.objects.filter(pk=job.pk).update(runs=7)  # a later run's token
        return read(*args, **kwargs)

    monkeypatch.setattr(services, "read_roster", taken_over)
    # When the first run ends, then its rows and outcome are dropped: the job is the later run's
    result = services.roster_job_run(job_id=job.pk)
    assert (result.status, result.runs) == ("running", 7)
    assert Enrolment.objects.count() == 0


def test_a_run_that_fails_unexpectedly_releases_the_job_for_its_next_delivery(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    tc = draft_class(world)
    job = services.roster_job_create(
        actor=world.users["institution"],
        training_class=tc,
        filename="花名册.xlsx",
        content=roster_bytes(fresh_rows(2)),
    )

    def broken(plan: Any, check: Any) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "_roster_write", broken)
    with pytest.raises(RuntimeError):
        services.roster_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.runs, job.heartbeat_at) == ("queued", 1, None)


# --- (3) what cannot finish fails, with a message the user reads --------------------------------------


def test_a_roster_job_whose_task_never_finishes_fails_with_a_message_on_its_page_and_in_the_api(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a worker that dies on this job every time (here: the check raises each time it runs)
    def dies(plan: Any, check: Any) -> int:
        raise MemoryError("killed")

    monkeypatch.setattr(services, "_roster_write", dies)
    with django_capture_on_commit_callbacks(execute=True):
        _, job = _upload(world)
    # When the watchdog has sent it again and again, each time after the row's timeout
    moment = timezone.now()
    for _ in range(10):
        moment += dt.timedelta(hours=1)
        outbox_watchdog(now=moment)
    # Then, after five deliveries, the task is given up and the job 已失败 with the message
    row = OutboxTask.objects.get(task=ROSTER_TASK, object_id=job.pk)
    assert (row.state, row.attempts) == ("failed", 5)
    assert row.last_error.startswith("gave up after 5 deliveries")
    job.refresh_from_db()
    assert (job.status, job.message, job.runs) == ("failed", ROSTER_JOB_GIVEN_UP, 5)
    assert ROSTER_JOB_GIVEN_UP.startswith("后台任务多次未能执行完毕")
    assert Enrolment.objects.count() == 0
    client = world.client(world.users["institution"])
    page = client.get(reverse("training:roster_job", args=[job.pk])).content.decode()
    assert "已失败" in page and ROSTER_JOB_GIVEN_UP in page
    body = client.get(f"/api/v1/classes/roster-jobs/{job.pk}").json()
    assert (body["status"], body["message"]) == ("failed", ROSTER_JOB_GIVEN_UP)
    assert Event.objects.filter(action="roster.given_up", object_id=str(job.pk)).count() == 1


def test_a_job_waiting_for_a_broker_down_for_a_day_fails_with_the_message(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        _, job = _upload(world)
        watch = outbox_watchdog(now=_later(24 * 60 + 1))
    job.refresh_from_db()
    assert (watch.failed, job.status, job.message) == (1, "failed", ROSTER_JOB_GIVEN_UP)
    assert OutboxTask.objects.get(object_id=job.pk, task=ROSTER_TASK).state == "failed"


def test_a_chunk_whose_task_never_finishes_is_refused_with_a_message_and_the_others_go_through(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a run of two chunks, of which the second one's task keeps dying
    first, second = assessed_class(world), assessed_class(world)
    run = claim_run_start(
        actor=world.users["institution"],
        kind="create",
        ids=[first.pk, second.pk],
        today=CLAIMED,
        chunk_size=1,
    )
    from jineng.claims import runs

    process = runs.claim_run_chunk_process
    doomed = run.chunks.get(position=2).pk

    def dies(*, chunk_id: int) -> Any:
        if chunk_id == doomed:
            raise MemoryError("killed")
        return process(chunk_id=chunk_id)

    monkeypatch.setattr(runs, "claim_run_chunk_process", dies)
    # When the watchdog sends and sends again
    moment = timezone.now()
    for _ in range(10):
        moment += dt.timedelta(hours=1)
        outbox_watchdog(now=moment)
    # Then the first chunk is done, the second refused with the message, and the run says so
    progress = run_progress(run)
    assert (progress.state, progress.done, progress.refused, progress.claims) == ("partly_refused", 1, 1, 1)
    [refused] = progress.refusals
    assert (refused.position, refused.message) == (2, CHUNK_GIVEN_UP)
    body = world.client(world.users["institution"]).get(f"/api/v1/claims/runs/{run.pk}").json()
    assert body["refusals"][0]["message"] == CHUNK_GIVEN_UP
    assert not Claim.objects.filter(training_class=second).exists()
    assert ClaimRunChunk.objects.get(pk=doomed).state == "refused"


# --- (4) a task sent twice does its work once ------------------------------------------------------------


def test_a_roster_task_sent_twice_imports_once(world: World) -> None:
    tc = draft_class(world)
    job = services.roster_job_create(
        actor=world.users["institution"],
        training_class=tc,
        filename="花名册.xlsx",
        content=roster_bytes(fresh_rows(3)),
    )
    row = OutboxTask.objects.get(object_id=job.pk, task=ROSTER_TASK)
    outbox_send([row.pk])
    events = Event.objects.count()
    # The same task again (the watchdog and a late message, or two watchdogs at once)
    outbox_send([row.pk])
    job.refresh_from_db()
    assert (job.status, job.runs) == ("accepted", 1)
    assert Enrolment.objects.filter(training_class=tc).count() == 3
    assert Event.objects.count() == events
    row.refresh_from_db()
    assert row.attempts == 2


def test_a_chunk_task_sent_twice_claims_once(world: World) -> None:
    tc = assessed_class(world)
    run = claim_run_start(actor=world.users["institution"], kind="create", ids=[tc.pk], today=CLAIMED)
    [row] = OutboxTask.objects.filter(task=CHUNK_TASK)
    outbox_send([row.pk])
    events = Event.objects.count()
    outbox_send([row.pk])
    assert Claim.objects.filter(training_class=tc).count() == 1
    assert (run_progress(run).state, Event.objects.count()) == ("done", events)
    # And the watchdog closes the row without sending it a third time
    watch = outbox_watchdog(now=_later(60 * 23))
    row.refresh_from_db()
    assert (watch.sent, row.state, row.attempts) == (0, "done", 2)


# --- the service and the command ------------------------------------------------------------------------


def test_a_rolled_back_upload_leaves_no_task(world: World) -> None:
    from django.db import transaction

    tc = draft_class(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.roster_job_create(
            actor=world.users["institution"],
            training_class=tc,
            filename="x.xlsx",
            content=roster_bytes(fresh_rows(1)),
        )
        raise RuntimeError("the request failed after the upload")
    assert not OutboxTask.objects.exists() and not RosterJob.objects.exists()


def test_management_command_runs_one_pass(world: World) -> None:
    _left_running_by_a_dead_process(world, heartbeat_minutes_ago=30)
    out = StringIO()
    call_command("outbox_watchdog", stdout=out)
    assert out.getvalue().startswith("已完成 0，已发送 1，等待消息队列 0，已放弃 0")
    assert RosterJob.objects.get().status == "accepted"


def test_the_watchdog_is_on_the_beat_schedule() -> None:
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule["jineng.outbox.watchdog"] == 60.0
    app.loader.import_default_modules()  # what a worker does as it starts
    assert "jineng.outbox.watchdog" in app.tasks


# --- a real Redis: the outbox's own connection puts the task where the workers read -------------------


@pytest.mark.redis
def test_outbox_publishes_to_the_queue_the_workers_read(world: World) -> None:
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        pytest.skip("REDIS_URL 未设置：真实 Redis 测试只在提供 Redis 时运行")
    import redis

    client = redis.Redis.from_url(url)
    client.delete("celery")
    tc = assessed_class(world)
    claim_run_start(actor=world.users["institution"], kind="create", ids=[tc.pk], today=CLAIMED)
    [row] = OutboxTask.objects.filter(task=CHUNK_TASK)
    with celery_conf(task_always_eager=False, broker_url=url, result_backend="cache+memory://"):
        result = outbox_send([row.pk])
    try:
        assert result.sent == [row.pk]
        [raw] = client.lrange("celery", 0, -1)
        message = json.loads(raw)
        args, _, _ = json.loads(base64.b64decode(message["body"]))
        assert (message["headers"]["task"], message["headers"]["id"], args) == (
            CHUNK_TASK,
            f"outbox-{row.pk}",
            [row.object_id],
        )
    finally:
        client.delete("celery")
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 1)
