"""The 评价补贴 pages and /api/v1/evaluation: an applicant sees each certificate priced with its cited
source, claims by ticking or by an uploaded list of numbers, and signs; bad requests get a Chinese 4xx in
the API's envelope, and nothing is written."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.assessment.models import Result
from jineng.catalogue.tests.helpers import xlsx
from jineng.claims import services as claims_services
from jineng.claims.models import Claim, ClaimState
from jineng.conftest import World
from jineng.core.tests.test_scope_matrix import assert_envelope
from jineng.evalsubsidy.tests.factories import (
    EVAL_4,
    ITEM,
    LINE,
    SOURCE,
    certificates,
    certified,
    standards,
    under,
)

pytestmark = pytest.mark.django_db

E = "/api/v1/evaluation"


def _given(world: World, code: str = "XC23") -> list[str]:
    standards(world, EVAL_4)
    under(world, code)
    tc = certified(world)
    return [r.certificate_number for r in certificates(tc, 3)]


def test_f02_the_page_prices_each_certificate_with_its_source_and_a_tick_claims_it(world: World) -> None:
    # Given three certificates of the station, under XC23
    numbers = _given(world)
    client = world.client(world.users["evaluator"])
    # When the station opens its certificates
    page = client.get("/evaluation/certificates/").content.decode()
    # Then each shows 300 yuan and the computation citing the item and the clause
    assert f"{LINE}（{ITEM}；{SOURCE['XC23']}）" in page
    assert numbers[0] in page
    # When it ticks the first one and claims
    first = Result.objects.order_by("enrolment__row").first()
    assert first is not None
    response = client.post("/evaluation/certificates/", {"certificate": [first.pk]})
    # Then one draft claim of 300 yuan is made and listed
    assert response.status_code == 302
    claim = Claim.objects.get(programme="evaluation")
    assert (claim.amount, claim.headcount, claim.state) == (D("300.00"), 1, ClaimState.DRAFT)
    listing = client.get("/evaluation/").content.decode()
    assert claim.ref in listing and "评价机构" in listing
    # And the page now says the certificate is held by that claim
    assert f"已在申领 {claim.ref} 中" in client.get("/evaluation/certificates/").content.decode()


def test_an_uploaded_list_of_numbers_claims_them_and_an_unknown_number_refuses_all(world: World) -> None:
    numbers = _given(world)
    client = world.client(world.users["evaluator"])
    bad = SimpleUploadedFile("清单.xlsx", xlsx([[numbers[0]], ["NOPE-1"]], ["证书编号"]))
    page = client.post("/evaluation/certificates/", {"file": bad})
    assert page.status_code == 200
    assert "以下证书编号不在本单位（本人）可申领范围内或不存在：NOPE-1" in page.content.decode()
    assert not Claim.objects.exists()
    good = SimpleUploadedFile("清单.xlsx", xlsx([[n] for n in numbers[:2]], ["证书编号"]))
    assert client.post("/evaluation/certificates/", {"file": good}).status_code == 302
    assert Claim.objects.get().amount == D("600.00")


def test_the_submit_page_signs_the_pledge_with_the_bank_account(world: World) -> None:
    _given(world)
    client = world.client(world.users["evaluator"])
    api = client.post(E + "/claims", {"certificate_numbers": _numbers(1)}, content_type="application/json")
    claim_id = api.json()[0]["id"]
    # Without the pledge: F06, on the form, nothing changes
    page = client.post(
        f"/evaluation/claims/{claim_id}/submit/",
        {"pledge_name": "孙评", "bank_account": "6222020200998877665"},
    )
    assert page.status_code == 200 and "F06" in page.content.decode()
    assert Claim.objects.get().state == ClaimState.DRAFT
    ok = client.post(
        f"/evaluation/claims/{claim_id}/submit/",
        {
            "pledge_name": "孙评",
            "pledge": "on",
            "bank_name": "中国银行",
            "bank_account": "6222020200998877665",
        },
    )
    assert ok.status_code == 302
    claim = Claim.objects.get()
    assert (claim.state, claim.pledge_signed_by, claim.bank_account) == (
        ClaimState.SUBMITTED,
        "孙评",
        "6222020200998877665",
    )


def _numbers(n: int) -> list[str]:
    return list(Result.objects.order_by("enrolment__row").values_list("certificate_number", flat=True)[:n])


def test_f02_api_lists_priced_certificates_and_claims_them(world: World) -> None:
    _given(world)
    client = world.client(world.users["evaluator"])
    body = client.get(E + "/certificates").json()
    assert len(body) == 30
    first = body[0]
    assert (first["claimable"], first["amount"], first["reasons"], first["held_by"]) == (
        True,
        "300.00",
        [],
        "",
    )
    assert first["computation"] == f"{LINE}（{ITEM}；{SOURCE['XC23']}）"
    made = client.post(E + "/claims", {"certificate_ids": [first["id"]]}, content_type="application/json")
    assert made.status_code == 201
    (claim,) = made.json()
    assert (claim["programme"], claim["programme_label"], claim["applicant_kind"], claim["amount"]) == (
        "evaluation",
        "职业技能评价补贴",
        "evaluation_body",
        "300.00",
    )
    assert [c["ref"] for c in client.get(E + "/claims").json()["items"]] == [claim["ref"]]


def test_f02_api_refusals_are_chinese_4xx_and_write_nothing(world: World) -> None:
    _given(world, "ZZ21")
    client = world.client(world.users["evaluator"])
    post = lambda body: client.post(E + "/claims", body, content_type="application/json")  # noqa: E731
    # ZZ21 sets no evaluation subsidy: refused with its own reason
    body = assert_envelope(post({"certificate_numbers": _numbers(1)}), 422, "refused")
    assert "没有可申领的补贴" in body["message"]
    assert body["details"][0]["rule"] == "F02"
    assert "本政策口径未规定“评价补贴按省补贴标准目录执行”" in body["details"][0]["message"]
    # Nothing chosen; an unknown number; a certificate out of scope; a malformed body
    assert assert_envelope(post({}), 422, "refused")["message"] == "“证书”：请选择要申领评价补贴的证书"
    assert "NOPE" in assert_envelope(post({"certificate_numbers": ["NOPE"]}), 422, "refused")["message"]
    assert_envelope(post({"certificate_ids": [999999]}), 404, "not_found")
    assert_envelope(post({"certificate_ids": "一"}), 422, "validation_error")
    assert_envelope(client.get(E + "/certificates?page=0"), 422, "validation_error")
    assert not Claim.objects.exists()


def test_a_reviewer_may_read_but_not_apply(world: World) -> None:
    client = world.client(world.users["dept_first"])
    assert client.get("/evaluation/").status_code == 200
    assert client.get("/evaluation/certificates/").status_code == 403
    assert_envelope(client.post(E + "/claims", {}, content_type="application/json"), 403, "forbidden")


def test_f02_the_evaluation_body_follows_its_own_claim_on_its_detail_page_and_api(world: World) -> None:
    # Given the station's claim of two certificates, submitted and passed by the department's first reviewer
    _given(world)
    station = world.client(world.users["evaluator"])
    made = station.post(E + "/claims", {"certificate_numbers": _numbers(2)}, content_type="application/json")
    claim_id = made.json()[0]["id"]
    station.post(
        f"/evaluation/claims/{claim_id}/submit/",
        {
            "pledge_name": "孙评",
            "pledge": "on",
            "bank_name": "中国银行",
            "bank_account": "6222020200998877665",
        },
    )
    claim = Claim.objects.get()
    claims_services.claim_review(actor=world.users["dept_first"], claim=claim, decision="pass")
    # When the station opens the claim's page
    page = station.get(f"/evaluation/claims/{claim_id}/").content.decode()
    # Then it sees both certificates priced with their source, and the department's first signature (F09)
    assert page.count(f"{LINE}（{ITEM}；{SOURCE['XC23']}）") == 2
    assert world.users["dept_first"].label in page and "行业主管部门初审" in page
    assert "签署承诺并提交" not in page  # submitted: nothing left to sign
    # dated and priced as the documents write them (18)
    day = claim.submitted_on
    assert day is not None and f"<dt>提交日期</dt><dd>{day.year}年{day.month}月{day.day}日</dd>" in page
    assert '<dt>申请补贴资金</dt><dd class="num">600.00 元</dd>' in page
    # And the API says the same, line by line
    body = station.get(f"{E}/claims/{claim_id}").json()
    assert (body["ref"], body["state"], body["amount"], len(body["lines"])) == (
        claim.ref,
        ClaimState.SUBMITTED,  # waiting for the department's second signature
        "600.00",
        2,
    )
    assert [ln["amount"] for ln in body["lines"]] == ["300.00", "300.00"]
    assert [(r["stage"], r["step"], r["decision"]) for r in body["reviews"]] == [("dept", "first", "pass")]
    # And the listing links to it
    assert f"/evaluation/claims/{claim_id}/" in station.get("/evaluation/").content.decode()


def test_the_claim_detail_of_another_applicant_is_not_found(world: World) -> None:
    # Given the station's draft
    _given(world)
    station = world.client(world.users["evaluator"])
    made = station.post(E + "/claims", {"certificate_numbers": _numbers(1)}, content_type="application/json")
    claim_id = made.json()[0]["id"]
    # Then the trainee, and the bureau before it is submitted, find nothing there
    for role in ("trainee", "hr_first"):
        client = world.client(world.users[role])
        assert client.get(f"/evaluation/claims/{claim_id}/").status_code == 404
        assert_envelope(client.get(f"{E}/claims/{claim_id}"), 404, "not_found")
