"""/api/v1/notices: the public notice (F08) through the API, without an account — masked, and objections
accepted only while the notice runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from jineng.audit.models import Event
from jineng.claims.models import Objection
from jineng.claims.selectors import mask_name
from jineng.claims.tests.captcha_kit import solved
from jineng.claims.tests.factories import in_notice, submitted_claim
from jineng.conftest import World
from jineng.policy.identity import mask_id_number


@pytest.fixture
def during_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tuesday 6 July 2021, inside the factories' notice of 5–7 July."""
    moment = timezone.make_aware(dt.datetime(2021, 7, 6, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _post(path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    if path.endswith("/objections"):
        body = {**body, **solved()}  # 18.11: answered as its reader would
    response = Client().post(path, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_f08_notice_api_lists_and_shows_masked_lines_without_login(world: World, during_notice: None) -> None:
    # Given a claim on notice and one only submitted (not public yet)
    claim = in_notice(world)
    # When anyone asks, with no token and no session
    listing = Client().get("/api/v1/notices").json()
    detail = Client().get(f"/api/v1/notices/{claim.pk}").json()
    # Then only the noticed claim is listed, running, with its total
    assert [(n["ref"], n["headcount"], n["amount"], n["running"]) for n in listing["items"]] == [
        (claim.ref, 30, "60000.00", True)
    ]
    assert (detail["notice_start"], detail["notice_end"], detail["objections"]) == (
        "2021-07-05",
        "2021-07-07",
        0,
    )
    line = claim.lines.select_related("person").get(row=2)
    first = detail["lines"][0]
    assert first == {
        "row": 2,
        "name": mask_name(line.person.name),
        "id_number": mask_id_number(line.person.id_number),
        "status": "予以补贴",
        "amount": "2000.00",
    }
    body = json.dumps(detail, ensure_ascii=False)
    assert line.person.id_number not in body and line.person.name not in body


def test_f08_notice_api_hides_a_claim_not_yet_on_notice(world: World, during_notice: None) -> None:
    claim = submitted_claim(world)
    assert Client().get(f"/api/v1/notices/{claim.pk}").status_code == 404
    before = Event.objects.count()
    status, _ = _post(
        f"/api/v1/notices/{claim.pk}/objections", {"name": "王某", "contact": "139", "text": "x"}
    )
    assert status == 404 and Objection.objects.count() == 0 and Event.objects.count() == before


def test_f08_objection_through_the_api_is_recorded_against_the_named_row(
    world: World, during_notice: None
) -> None:
    claim = in_notice(world)
    status, body = _post(
        f"/api/v1/notices/{claim.pk}/objections",
        {"name": "王某", "contact": "13900001111", "text": "第3行学员未参加培训", "row": 3},
    )
    assert status == 201 and "异议已收到" in body["message"]
    o = Objection.objects.get(pk=body["id"])
    assert (o.claim_id, o.line.row, o.outcome, o.name) == (claim.pk, 3, "open", "王某")
    assert Client().get(f"/api/v1/notices/{claim.pk}").json()["objections"] == 1


def test_f08_objection_through_the_api_after_the_notice_is_refused_and_nothing_stored(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = in_notice(world)
    before = Event.objects.count()
    after_notice = timezone.make_aware(dt.datetime(2021, 7, 9, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: after_notice)
    status, body = _post(
        f"/api/v1/notices/{claim.pk}/objections", {"name": "王某", "contact": "139", "text": "未参加培训"}
    )
    assert (status, body["message"]) == (422, "不能提出异议")
    [detail] = body["details"]
    assert (detail["field"], detail["value"], detail["rule"]) == ("异议日期", "2021-07-09", "F08")
    assert "不在公示期内" in detail["message"] and detail["clause"].startswith("ZZ21 附件2")
    assert Objection.objects.count() == 0 and Event.objects.count() == before


def test_f08_public_notice_exports_the_masked_list_as_xlsx(world: World) -> None:
    from io import BytesIO
    from urllib.parse import quote

    from openpyxl import load_workbook

    claim = in_notice(world)
    line = claim.lines.select_related("person").get(row=2)
    response = Client().get(f"/claims/notices/{claim.pk}/?format=xlsx")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f"attachment; filename*=UTF-8''{quote(f'补贴公示-{claim.ref}.xlsx')}"
    )
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("花名册行号", "姓名", "身份证号", "结论", "金额（元）")
    assert len(rows) == 1 + 30
    assert rows[1] == (
        2,
        mask_name(line.person.name),
        mask_id_number(line.person.id_number),
        "予以补贴",
        2000,
    )
    names_and_numbers = {v for row in rows for v in row}
    assert line.person.id_number not in names_and_numbers and line.person.name not in names_and_numbers
