"""The school's clerk registers a cohort and imports its apprentices on the pages (the one bounded xlsx
reader), claims a stage there; the API answers bad input with a Chinese 4xx and writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jineng.apprenticeship.models import Apprentice, Cohort
from jineng.apprenticeship.services import TEMPLATE_HEADERS
from jineng.apprenticeship.tests.factory import cohort, enterprise, rows, standards
from jineng.claims.models import Claim
from jineng.claims.tests.test_standards import under
from jineng.conftest import World
from jineng.training.tests.factories import occupation, prepared_institution

pytestmark = pytest.mark.django_db


def sheet(*lines: list[Any]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    for line in lines:
        ws.append(line)
    buffer = BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("学徒名单.xlsx", buffer.getvalue())


def test_a08_the_clerk_registers_a_cohort_with_its_list_and_sees_row_refusals(world: World) -> None:
    # Given the school with two full-time 电工 teachers and an enterprise of 金水区, under ZZ21
    prepared_institution(world)
    occupation()
    firm = enterprise(world)
    school = world.client(world.users["institution"])
    two = rows(2)
    form = {
        "enterprise_credit_code": firm.credit_code,
        "occupation_code": "6-31-01-03",
        "level": "4",
        "certificate_kind": "skill_level",
        "agreement_number": "XQ-2021-001",
        "agreement_date": "2021-02-20",
        "start_date": "2021-03-01",
        "planned_years": "2",
        "department": world.zz_industry.pk,
    }
    # When the list has a row hired after it joined, then nothing is written and the row is named
    bad = sheet([two[0].id_number, "学徒1", "2021-04-01", "2021-03-01"])
    page = school.post("/apprenticeship/new/", {**form, "file": bad})
    assert page.status_code == 200
    assert "第2行“入职日期”：学徒须为本企业职工：入职日期晚于加入日期" in page.content.decode()
    assert not Cohort.objects.exists()
    # When the list is right, then the cohort and its two apprentices are registered
    good = sheet(
        [two[0].id_number, "学徒1", dt.date(2020, 9, 1), dt.date(2021, 3, 1)],
        [two[1].id_number, "学徒2", "2020-09-01", "2021-03-01"],
    )
    response = school.post("/apprenticeship/new/", {**form, "file": good})
    c = Cohort.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/apprenticeship/{c.pk}/"
    assert (c.profile_code, c.planned_years, c.apprentices.count()) == ("ZZ21", 2, 2)
    detail = school.get(f"/apprenticeship/{c.pk}/").content.decode()
    assert "第1年" in detail and "第2年（结业）" in detail and "学徒2" in detail
    # And staff see it with ID numbers masked where they need not see them; the auditor too
    shown = world.client(world.users["auditor"]).get(f"/apprenticeship/{c.pk}/").content.decode()
    assert two[0].id_number not in shown and two[0].id_number[:4] + "**" in shown
    assert c.ref in world.client(world.users["hr_first"]).get("/apprenticeship/").content.decode()


def test_f02_the_clerk_claims_a_stage_from_the_cohort_page(world: World) -> None:
    standards(world)
    under(world, "XC23")
    c = cohort(world, apprentices=2, years=2, today=dt.date(2021, 3, 1))
    school = world.client(world.users["institution"])
    # The page is dated today (2026): the first year is long over, so it is offered
    page = school.get(f"/apprenticeship/{c.pk}/").content.decode()
    assert "申领第1年补贴" in page
    response = school.post(f"/apprenticeship/{c.pk}/stages/1/claim/")
    claim = Claim.objects.get(programme="apprenticeship")
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    assert (claim.headcount, claim.amount) == (2, D("8000.00"))
    detail = school.get(f"/claims/{claim.pk}/").content.decode()
    assert "企业新型学徒制补贴" in detail and c.ref in detail
    # And the cohort page now names the claim instead of offering the stage again
    page = school.get(f"/apprenticeship/{c.pk}/").content.decode()
    assert claim.ref in page and "申领第1年补贴" not in page


def test_api_refuses_bad_input_in_chinese_and_writes_nothing(world: World) -> None:
    prepared_institution(world, teachers=1)
    occupation()
    api = world.client(world.users["institution"])
    body = {
        "enterprise_credit_code": enterprise(world).credit_code,
        "occupation_code": "6-31-01-03",
        "level": 4,
        "agreement_number": "XQ-1",
        "agreement_date": "2021-02-20",
        "start_date": "2021-03-01",
        "planned_years": 1,
        "department_id": world.zz_industry.pk,
        "apprentices": [
            {"id_number": r.id_number, "name": r.name, "hired_on": "2020-09-01", "joined_on": "2021-03-01"}
            for r in rows(21)
        ],
    }
    # A08: 21 apprentices for one full-time teacher (ZZ21: 20 per teacher) → 422 naming rule and field
    response = api.post("/api/v1/apprenticeship", body, content_type="application/json")
    assert response.status_code == 422
    got = response.json()
    assert got["code"] == "refused" and got["message"] == "学徒名单未导入：共 1 处问题"
    assert (got["details"][0]["rule"], got["details"][0]["field"]) == ("A08", "学徒名单")
    # A three-year span, a date that is no date: 422 in Chinese
    response = api.post(
        "/api/v1/apprenticeship", {**body, "planned_years": 3}, content_type="application/json"
    )
    assert response.status_code == 422 and any(
        "\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"]
    )
    response = api.post(
        "/api/v1/apprenticeship", {**body, "start_date": "2021-02-30"}, content_type="application/json"
    )
    assert response.status_code == 422 and any(
        "\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"]
    )
    # An unknown enterprise: 404 in Chinese
    response = api.post(
        "/api/v1/apprenticeship",
        {**body, "enterprise_credit_code": "91410105MA00000000"},
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not Cohort.objects.exists() and not Apprentice.objects.exists()
    # A stage beyond the cohort's span: 422 naming the field, nothing claimed
    c = cohort(world, apprentices=1, years=2, teachers=1)
    response = api.post(f"/api/v1/apprenticeship/{c.pk}/stages/3/claim", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["message"] == "“培养年度”：本学徒制培养期为 2 年，没有第3年"
    assert response.json()["details"][0]["field"] == "培养年度"
    assert not Claim.objects.exists()


def test_a09_the_bureau_exports_the_cohorts(world: World) -> None:
    # Given a two-year 电工 中级 cohort of the school under XC23
    from io import BytesIO

    from openpyxl import load_workbook

    standards(world)
    under(world, "XC23")
    c = cohort(world, apprentices=2, years=2, today=dt.date(2021, 3, 1))
    # When the bureau's admin exports the cohorts
    response = world.client(world.users["hr_admin"]).get("/apprenticeship/?format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    # Then each column is in Chinese: the agreement, the span and the profile it runs under
    assert rows[0][0] == "培养编号" and rows[0][7] == "培养期"
    assert (rows[1][0], rows[1][2], rows[1][3], rows[1][5], rows[1][7], rows[1][9]) == (
        c.ref,
        world.zz_school.name,
        "电工",
        "XQ-2021-001",
        "2年",
        "XC23 v1",
    )


def test_the_api_completes_a_cohort_once_its_span_is_over_as_the_page_does(world: World) -> None:
    from jineng.audit.models import Event
    from jineng.core.tests.test_scope_matrix import assert_envelope

    # Given a one-year cohort of 2021 (long over today) and a two-year one starting this year
    under(world, "XC23")
    over = cohort(world, apprentices=1, years=1, today=dt.date(2021, 3, 1))
    school = world.client(world.users["institution"])
    # When the school's clerk completes the first through the API
    events = Event.objects.count()
    done = school.post(f"/api/v1/apprenticeship/{over.pk}/complete")
    # Then it is completed, with one audit event, and the detail says so
    assert done.status_code == 200
    assert (done.json()["ref"], done.json()["state"]) == (over.ref, "completed")
    assert Event.objects.filter(action="apprenticeship.completed").count() == 1
    assert Event.objects.count() == events + 1
    # And completing it again is refused in Chinese, naming the state, and writes nothing
    again = assert_envelope(school.post(f"/api/v1/apprenticeship/{over.pk}/complete"), 422, "refused")
    assert again["message"] == "“状态”：学徒制培养当前状态为“已结业”"
    assert Event.objects.count() == events + 1
    # And a reviewer of the bureau may not complete it
    hr = world.client(world.users["hr_first"])
    assert_envelope(hr.post(f"/api/v1/apprenticeship/{over.pk}/complete"), 403, "forbidden")
