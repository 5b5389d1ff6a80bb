"""批量签署: a reviewer ticks claims in the queue (page) or lists them (API) and signs them all at once
through claims.bulk.claims_review_bulk — all or none, the refusal naming the claim and the rule (F09)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.messages import get_messages
from django.test import Client

from jineng.accounts.services import user_create
from jineng.audit.models import Event
from jineng.claims.bulk import claims_create_bulk
from jineng.claims.models import Claim, ClaimReview, ClaimState
from jineng.claims.services import claim_submit
from jineng.claims.tests.factories import CLAIMED, assessed_class, funded
from jineng.claims.tests.scope_cases import claim_in
from jineng.conftest import World
from jineng.ledger.models import JournalEntry

API = "/api/v1/claims/review-batch"


def _counts() -> tuple[int, int, int, list[str]]:
    return (
        ClaimReview.objects.count(),
        Event.objects.count(),
        JournalEntry.objects.count(),
        list(Claim.objects.order_by("pk").values_list("state", flat=True)),
    )


def _submitted(world: World, n: int) -> list[Claim]:
    classes = [assessed_class(world) for _ in range(n)]
    clerk = world.users["institution"]
    return [
        claim_submit(actor=clerk, claim=c, pledge_name="赵敏", pledge=True, today=CLAIMED)
        for c in claims_create_bulk(actor=clerk, classes=classes, today=CLAIMED)
    ]


def _post_api(client: Client, body: dict[str, Any]) -> Any:
    return client.post(API, json.dumps(body), content_type="application/json")


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_f09_queue_page_signs_three_ticked_claims_then_the_api_signs_them_second(world: World) -> None:
    # Given three submitted claims in the department's queue
    claims = _submitted(world, 3)
    ids = sorted(c.pk for c in claims)
    first = world.client(world.users["dept_first"])
    page = first.get("/claims/queue/").content.decode()
    assert all(f'name="claim" value="{pk}"' in page for pk in ids)
    # When the first reviewer ticks all three and signs once
    response = first.post("/claims/queue/sign/", {"claim": ids, "decision": "pass", "comment": "材料齐全"})
    # Then each claim has his first signature and its own event, and they still wait for the second
    assert response.status_code == 302 and response["Location"] == "/claims/queue/"
    assert _messages(response) == ["已签署 3 笔申领"]
    reviews = ClaimReview.objects.order_by("claim_id")
    assert [(r.claim_id, r.stage, r.step, r.reviewer_id, r.comment) for r in reviews] == [
        (pk, "dept", "first", world.users["dept_first"].pk, "材料齐全") for pk in ids
    ]
    assert sorted(int(e.object_id) for e in Event.objects.filter(action="claim.review.dept.first")) == ids
    assert set(Claim.objects.filter(pk__in=ids).values_list("state", flat=True)) == {ClaimState.SUBMITTED}
    # When the second reviewer signs the same three through the API
    response = _post_api(world.client(world.users["dept_second"]), {"claim_ids": ids, "decision": "pass"})
    # Then all three are on public notice (F08), returned in id order
    assert response.status_code == 200, response.content
    assert [(c["id"], c["state"]) for c in response.json()] == [(pk, "in_notice") for pk in ids]
    assert ClaimReview.objects.filter(step="second", reviewer=world.users["dept_second"]).count() == 3


def test_f09_batch_sign_is_refused_naming_the_claim_when_the_same_person_signs_first_and_second(
    world: World,
) -> None:
    # Given two claims at finance (XC23 has the F10 step; one finance role, so F09 is about persons)
    funded(world)
    a = claim_in(world, ClaimState.HR_REVIEWED, profile="XC23")
    b = claim_in(world, ClaimState.HR_REVIEWED, profile="XC23")
    finance = world.users["finance"]
    response = _post_api(world.client(finance), {"claim_ids": [a.pk, b.pk], "decision": "pass"})
    assert response.status_code == 200, response.content
    before = _counts()
    # When the same officer signs both again, on the page and through the API
    page = world.client(finance).post("/claims/queue/sign/", {"claim": [a.pk, b.pk], "decision": "pass"})
    api = _post_api(world.client(finance), {"claim_ids": [a.pk, b.pk], "decision": "pass"})
    # Then both are refused under F09, naming the first claim, and nothing changed
    said = _messages(page)
    assert said[0].startswith(
        f"“复核人”：申领 {a.ref}：不能签署：初审人与复核人须为不同的人（规则 F09，依据 "
    )
    assert api.status_code == 422
    body = api.json()
    assert body["code"] == "refused"
    assert body["message"].startswith(f"“复核人”：申领 {a.ref}：不能签署") and "规则 F09" in body["message"]
    assert [d["rule"] for d in body["details"]] == ["F09"]
    assert _counts() == before
    # And another finance officer's batch signature approves both
    other = user_create(
        actor=None,
        username="zz_czj2",
        password="Test@pass-2026",
        display_name="钱多",
        role="finance",
        region=world.zhengzhou,
        department=finance.department,
    )
    response = _post_api(world.client(other), {"claim_ids": [a.pk, b.pk], "decision": "pass"})
    assert response.status_code == 200, response.content.decode()
    assert [c["state"] for c in response.json()] == ["approved", "approved"]
    assert JournalEntry.objects.filter(kind="payable").count() == 2


def test_f09_batch_with_a_claim_at_another_step_signs_none_of_them(world: World) -> None:
    first, second = _submitted(world, 2)
    client = world.client(world.users["dept_first"])
    client.post("/claims/queue/sign/", {"claim": [first.pk], "decision": "pass"})
    before = _counts()
    response = client.post("/claims/queue/sign/", {"claim": [first.pk, second.pk], "decision": "pass"})
    assert response.status_code == 302
    # (the first post's success message is still in the session, unread)
    assert _messages(response)[1:] == [
        f"申领 {first.ref}：此环节须由行业部门复核办理（当前：行业主管部门审核复核）（规则 F09，依据 ZZ21 附件2 初审人、复核人）"
    ]
    assert _counts() == before


def test_batch_sign_naming_a_claim_outside_the_scope_is_404_and_signs_nothing(world: World) -> None:
    # Given a Zhengzhou claim and a Xuchang one
    own = claim_in(world, ClaimState.SUBMITTED)
    foreign = claim_in(world, ClaimState.SUBMITTED, foreign=True)
    before = _counts()
    client = world.client(world.users["dept_first"])
    # When the Zhengzhou reviewer lists both (page and API), and the Xuchang twin lists his own city's
    assert (
        client.post("/claims/queue/sign/", {"claim": [own.pk, foreign.pk], "decision": "pass"}).status_code
        == 404
    )
    assert _post_api(client, {"claim_ids": [own.pk, foreign.pk], "decision": "pass"}).status_code == 404
    outsider = world.client(world.outsiders["dept_first"])
    assert _post_api(outsider, {"claim_ids": [own.pk], "decision": "pass"}).status_code == 404
    # Then nothing was signed
    assert _counts() == before


def test_batch_sign_with_nothing_ticked_says_so_and_changes_nothing(world: World) -> None:
    claim_in(world, ClaimState.SUBMITTED)
    before = _counts()
    client = world.client(world.users["dept_first"])
    response = client.post("/claims/queue/sign/", {"decision": "pass"})
    assert _messages(response) == ["请先勾选要签署的申领"]
    assert _post_api(client, {"claim_ids": [], "decision": "pass"}).status_code == 422
    assert _counts() == before


def test_queue_offers_checkboxes_only_for_claims_waiting_for_a_signature(world: World) -> None:
    # Given a claim on notice and one whose notice closed, in the bureau's queue
    running = claim_in(world, ClaimState.IN_NOTICE)
    closed = claim_in(world, ClaimState.NOTICE_CLOSED)
    page = world.client(world.users["hr_first"]).get("/claims/queue/").content.decode()
    assert f'name="claim" value="{closed.pk}"' in page
    assert f'name="claim" value="{running.pk}"' not in page
    assert "批量签署所选申领" in page
    # And an auditor's queue, who signs nothing, has no form
    audit = world.client(world.users["auditor"]).get("/claims/queue/")
    assert 'action="/claims/queue/sign/"' not in audit.content.decode()
