"""申领批处理 (claims.runs): many classes claimed or many claims signed by background tasks, chunk by chunk —
each chunk all or nothing through claims.bulk, done once however often its task is delivered."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from jineng.audit.models import Event
from jineng.claims.bulk import claims_create_bulk
from jineng.claims.models import Claim, ClaimLine, ClaimReview, ClaimRun, ClaimRunChunk, ClaimState
from jineng.claims.runs import claim_run_chunk_process, claim_run_start
from jineng.claims.selectors import run_progress
from jineng.claims.services import claim_submit
from jineng.claims.tasks import claim_run_chunk_task
from jineng.claims.tests.factories import CLAIMED, assessed_class
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.supervision.tests.factory import xuchang_class
from jineng.training.models import ClassState

API = "/api/v1/claims/runs"
FAILING_ALL = tuple(range(2, 32))  # roster rows 2…31: every trainee of a factory class


def _counts() -> dict[str, int]:
    return {
        "runs": ClaimRun.objects.count(),
        "chunks": ClaimRunChunk.objects.count(),
        "claims": Claim.objects.count(),
        "lines": ClaimLine.objects.count(),
        "reviews": ClaimReview.objects.count(),
        "events": Event.objects.count(),
    }


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(API, json.dumps(body), content_type="application/json")


def test_f02_run_claims_three_classes_in_two_chunks_as_one_batch_would(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Given three assessed classes, one with row 5 failing the exam
    classes = [assessed_class(world), assessed_class(world, failing_rows=(5,)), assessed_class(world)]
    clerk = world.users["institution"]
    # When the clerk starts a run over them in chunks of two, and the tasks run after the commit
    with django_capture_on_commit_callbacks(execute=True):
        run = claim_run_start(
            actor=clerk, kind="create", ids=[tc.pk for tc in reversed(classes)], today=CLAIMED, chunk_size=2
        )
    # Then the ids were cut in order into two chunks, both done, three claims made
    chunks = list(run.chunks.order_by("position"))
    assert [(c.position, c.ids, c.state, c.claims) for c in chunks] == [
        (1, [classes[0].pk, classes[1].pk], "done", 2),
        (2, [classes[2].pk], "done", 1),
    ]
    progress = run_progress(run)
    assert (progress.state, progress.chunks, progress.done, progress.refused, progress.claims) == (
        "done",
        2,
        2,
        0,
        3,
    )
    # And each class has its claim with the lines a batch on the page gives (F02: row 5 excluded)
    by_class = {c.training_class_id: c for c in Claim.objects.all()}
    assert sorted(by_class) == sorted(tc.pk for tc in classes)
    assert [(by_class[tc.pk].headcount, str(by_class[tc.pk].amount)) for tc in classes] == [
        (30, "60000.00"),
        (29, "58000.00"),
        (30, "60000.00"),
    ]
    assert by_class[classes[1].pk].lines.get(row=5).reasons[0]["rule"] == "F02"
    # And the trail: the start, each chunk, and each claim
    actions = list(Event.objects.filter(action__startswith="claim_run").values_list("action", flat=True))
    assert sorted(actions) == ["claim_run.chunk.done", "claim_run.chunk.done", "claim_run.started"]
    assert Event.objects.filter(action="claim.created").count() == 3


def test_f02_a_refused_chunk_names_its_class_and_rule_and_the_other_chunks_go_through(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Given three classes, the middle one with every trainee failing the exam
    fine, failed, other = (
        assessed_class(world),
        assessed_class(world, failing_rows=FAILING_ALL),
        assessed_class(world),
    )
    # When they are claimed in a run of one class per chunk
    with django_capture_on_commit_callbacks(execute=True):
        run = claim_run_start(
            actor=world.users["institution"],
            kind="create",
            ids=[fine.pk, failed.pk, other.pk],
            today=CLAIMED,
            chunk_size=1,
        )
    # Then the middle chunk is refused, naming the class, F02 and its clause; nothing of it was written
    progress = run_progress(run)
    assert (progress.state, progress.done, progress.refused, progress.claims) == ("partly_refused", 2, 1, 2)
    [refused] = progress.refusals
    assert (refused.position, refused.ids, refused.refs) == (2, [failed.pk], [failed.ref])
    assert refused.message == f"培训班 {failed.ref}：本班没有符合补贴条件的学员"
    assert {d["rule"] for d in refused.details} == {"F02"}
    assert all(str(d["clause"]).startswith("ZZ21 三(一)") for d in refused.details)
    assert not Claim.objects.filter(training_class=failed).exists()
    # And the other two classes are claimed
    assert set(Claim.objects.values_list("training_class_id", flat=True)) == {fine.pk, other.pk}
    assert Event.objects.filter(action="claim_run.chunk.refused", object_id=str(refused.pk)).count() == 1


def test_a_chunk_delivered_twice_is_done_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    # Given a run whose one chunk has been processed
    tc = assessed_class(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = claim_run_start(actor=world.users["institution"], kind="create", ids=[tc.pk], today=CLAIMED)
    chunk = run.chunks.get()
    assert chunk.state == ClaimRunChunk.State.DONE
    before = _counts()
    # When its task is delivered again (a retry, a worker lost after the commit), twice
    claim_run_chunk_task(chunk.pk)
    again = claim_run_chunk_process(chunk_id=chunk.pk)
    # Then nothing more is written: one claim for the class, no new event
    assert again is not None and again.state == ClaimRunChunk.State.DONE
    assert _counts() == before
    assert Claim.objects.filter(training_class=tc).count() == 1
    # And a chunk that no longer exists is left alone
    assert claim_run_chunk_process(chunk_id=chunk.pk + 1000) is None


def test_f09_review_run_signs_each_claim_at_its_step(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Given three submitted claims
    clerk = world.users["institution"]
    claims = [
        claim_submit(actor=clerk, claim=c, pledge_name="赵敏", pledge=True, today=CLAIMED)
        for c in claims_create_bulk(
            actor=clerk, classes=[assessed_class(world) for _ in range(3)], today=CLAIMED
        )
    ]
    # When the department's first reviewer, then the second, sign them in runs of two per chunk
    for role in ("dept_first", "dept_second"):
        with django_capture_on_commit_callbacks(execute=True):
            run = claim_run_start(
                actor=world.users[role],
                kind="review",
                ids=[c.pk for c in claims],
                decision="pass",
                comment="材料齐全",
                today=CLAIMED,
                chunk_size=2,
            )
        assert run_progress(run).state == "done"
    # Then each claim has both signatures and is on public notice (F08)
    assert ClaimReview.objects.filter(claim__in=claims).count() == 6
    assert set(Claim.objects.values_list("state", flat=True)) == {ClaimState.IN_NOTICE}


@pytest.mark.parametrize(
    ("kind", "decision", "comment", "message"),
    [
        ("pay", "", "", "批处理类别应为“批量申领”或“批量签署”"),
        ("review", "maybe", "", "审核结论应为“通过”或“退回修改”"),
        ("review", "return", " ", "退回修改须填写意见"),
        ("create", "pass", "", "批量申领不填写审核结论和意见"),
    ],
)
def test_a_malformed_run_is_refused_and_nothing_is_started(
    world: World, kind: str, decision: str, comment: str, message: str
) -> None:
    before = _counts()
    with pytest.raises(Refusal) as refused:
        claim_run_start(actor=world.users["hr_first"], kind=kind, ids=[1], decision=decision, comment=comment)
    assert refused.value.message == message
    assert _counts() == before


def test_api_clerk_starts_a_run_and_follows_it_to_done(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    classes = [assessed_class(world), assessed_class(world)]
    client = world.client(world.users["institution"])
    # When the clerk's system posts the two classes
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, {"kind": "create", "ids": [tc.pk for tc in classes]})
    # Then the run is created (its chunk sent after the commit) and reads as done
    assert response.status_code == 201, response.content
    started = response.json()
    assert (started["kind"], started["items"], started["chunks"]) == ("create", 2, 1)
    body = client.get(f"{API}/{started['id']}").json()
    assert {k: body[k] for k in ("state", "chunks", "pending", "done", "refused", "claims", "refusals")} == {
        "state": "done",
        "chunks": 1,
        "pending": 0,
        "done": 1,
        "refused": 0,
        "claims": 2,
        "refusals": [],
    }


def test_api_another_citys_class_in_a_run_is_not_found_and_nothing_starts(world: World) -> None:
    own = assessed_class(world)
    foreign = xuchang_class(world, state=ClassState.ASSESSED)
    client = world.client(world.users["institution"])
    before = _counts()
    for ids in ([foreign.pk], [own.pk, foreign.pk]):
        response = _post(client, {"kind": "create", "ids": ids})
        assert response.status_code == 404, response.content
    assert _counts() == before


def test_api_a_reviewer_cannot_start_a_claiming_run_and_nothing_starts(world: World) -> None:
    tc = assessed_class(world)
    before = _counts()
    response = _post(world.client(world.users["dept_first"]), {"kind": "create", "ids": [tc.pk]})
    assert response.status_code == 403
    assert _counts() == before


def test_api_someone_elses_run_is_not_found(world: World, django_capture_on_commit_callbacks: Any) -> None:
    tc = assessed_class(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = claim_run_start(actor=world.users["institution"], kind="create", ids=[tc.pk], today=CLAIMED)
    # The bureau's reviewer of the same city did not start it: not found
    response = world.client(world.users["hr_first"]).get(f"{API}/{run.pk}")
    assert response.status_code == 404


def test_f02_page_clerk_claims_every_unclaimed_class_and_reads_the_refused_one(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Given the school's three assessed classes, one already claimed and one with every trainee failing
    claimed, fine, failed = (
        assessed_class(world),
        assessed_class(world),
        assessed_class(world, failing_rows=FAILING_ALL),
    )
    claims_create_bulk(actor=world.users["institution"], classes=[claimed], today=CLAIMED)
    client = world.client(world.users["institution"])
    # When the clerk opens 申领批处理, she is offered the two unclaimed classes
    page = client.get("/claims/runs/").content.decode()
    assert "本机构已考核、尚未申领的培训班共 <b>2</b> 个" in page
    # And when she claims them all (one chunk of both: the failed class refuses the chunk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/claims/runs/claim-all/")
    run = ClaimRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/claims/runs/{run.pk}/"
    # Then the run page names the refused chunk, the class, F02 and its clause; nothing was claimed
    detail = client.get(f"/claims/runs/{run.pk}/").content.decode()
    assert "<b>全部批次未通过</b>" in detail  # the only chunk was refused
    assert f"培训班 {failed.ref}：本班没有符合补贴条件的学员" in detail
    assert '<span class="rule">F02</span>' in detail and "依据 ZZ21 三(一)" in detail
    assert sorted(ClaimRun.objects.get().chunks.get().ids) == sorted([fine.pk, failed.pk])
    assert not Claim.objects.filter(training_class__in=[fine, failed]).exists()
    # And the list shows the run with its one refused chunk
    listing = client.get("/claims/runs/").content.decode()
    assert f'<a href="/claims/runs/{run.pk}/">{run.pk}</a>' in listing
    assert '<span class="badge danger">1</span>' in listing


def test_page_run_in_progress_polls_and_a_finished_one_does_not(world: World) -> None:
    tc = assessed_class(world)
    # A run whose chunk has not been taken yet (the tasks are sent after the commit; none ran here)
    run = claim_run_start(actor=world.users["institution"], kind="create", ids=[tc.pk], today=CLAIMED)
    client = world.client(world.users["institution"])
    partial = client.get(f"/claims/runs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="run" class="panel" hx-get=') and "待处理 1 批" in partial
    claim_run_chunk_process(chunk_id=run.chunks.get().pk)
    done = client.get(f"/claims/runs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in done and "全部完成" in done and "已生成申领 1 笔" in done


def test_page_claim_all_with_nothing_to_claim_starts_nothing(world: World) -> None:
    before = _counts()
    response = world.client(world.users["institution"]).post("/claims/runs/claim-all/", follow=True)
    assert "本机构没有已考核、尚未申领的培训班" in response.content.decode()
    assert _counts() == before
