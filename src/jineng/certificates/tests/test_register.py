"""The one certificate register (issue 16): every route adds a certificate that the dashboard counts exactly
once (H03, E07, E08), for the region, department and unit it belongs to; the same certificate twice is one
row; a body adds only what it is filed for (I09); batches are all or nothing with a report by row."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.test import Client, override_settings
from openpyxl import Workbook

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.assessment import services as assessment
from jineng.assessment.tests.scope_cases import applied
from jineng.catalogue.tests.helpers import body_filed
from jineng.certificates import services
from jineng.certificates.models import Certificate, Route
from jineng.conftest import PASSWORD, World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.people.models import Person
from jineng.policy.identity import make_credit_code, make_id_number
from jineng.supervision.tests.factory import occupation

pytestmark = pytest.mark.django_db

DAY = dt.date(2021, 6, 30)
C = "/api/v1/certificates"


def enterprise(w: World) -> tuple[Organisation, User]:
    """A 金水区 enterprise under 市工信局, filed for recognition of 电工, and its clerk."""
    org = organisation_register(
        actor=None,
        name="郑州测试电气有限公司",
        credit_code=make_credit_code("91", "410105", 71),
        kind="enterprise",
        region=w.jinshui,
        department=w.zz_industry,
    )
    body_filed(org, occupation())
    clerk = user_create(
        actor=None,
        username="qy_clerk",
        password=PASSWORD,
        display_name="企业经办",
        role=Role.INSTITUTION,
        region=w.jinshui,
        organisation=org,
    )
    return org, clerk


def evaluator(w: World) -> User:
    body_filed(w.zz_station, occupation())
    return w.users[Role.EVALUATOR]


def row(n: int, **kw: Any) -> dict[str, Any]:
    out = {
        "id_number": make_id_number("410105", dt.date(1991, 2, 3), 100 + n),
        "name": f"持证人{n}",
        "route": "social_evaluation",
        "kind": "skill_level",
        "number": f"Z{n:06d}",
        "occupation_code": "6-31-01-03",
        "level": 3,
        "issued_on": DAY.isoformat(),
    }
    out.update(kw)
    return out


def board(w: World, indicator: str, **params: Any) -> dict[str, Any]:
    client = w.client(w.users[Role.HR_ADMIN])
    got = client.get("/api/v1/progress", {"year": 2021, "indicator": indicator, **params})
    assert got.status_code == 200, got.content[:300]
    return got.json()  # type: ignore[no-any-return]


def actual(body: dict[str, Any], indicator: str) -> int:
    return next(s["actual"] for s in body["summary"] if s["indicator"] == indicator)


def by_unit(w: World, indicator: str) -> list[tuple[int | None, int]]:
    """The dashboard's unit figures (its units table lists the plan's units; here every unit with a count)."""
    from jineng.progress.selectors import Filter, actual_rows

    rows = actual_rows(Filter(year=2021, region=w.zhengzhou), by=("organisation",), indicators=(indicator,))
    got: dict[int | None, int] = {}
    for r in rows:  # one row per certificate kind and level: summed per unit
        got[r.organisation_id] = got.get(r.organisation_id, 0) + r.persons
    return sorted((unit, n) for unit, n in got.items() if n)


def post(w: World, user: User, rows: list[dict[str, Any]]) -> Any:
    return w.client(user).post(C, rows, content_type="application/json")


@pytest.mark.parametrize(
    ("route", "kind", "level", "counted"),
    [
        ("enterprise", "skill_level", 3, {"skilled": 1, "high_skilled": 1, "technicians": 0}),
        ("social_evaluation", "skill_level", 4, {"skilled": 1, "high_skilled": 0, "technicians": 0}),
        ("competition", "skill_level", 2, {"skilled": 1, "high_skilled": 1, "technicians": 1}),
        ("appraisal", "qualification", 3, {"skilled": 1, "high_skilled": 1, "technicians": 0}),
        ("special_ability", "special_ability", None, {"skilled": 0, "high_skilled": 0, "technicians": 0}),
    ],
)
def test_h03_each_route_adds_a_certificate_counted_once_on_the_dashboard(
    world: World, route: str, kind: str, level: int | None, counted: dict[str, int]
) -> None:
    # Given an enterprise filed for recognition (its own route) or the evaluation body (the others)
    _, clerk = enterprise(world)
    user = clerk if route == "enterprise" else evaluator(world)
    # When it adds one certificate of that route, twice (a retried request)
    data = [row(1, route=route, kind=kind, level=level)]
    first, again = post(world, user, data), post(world, user, data)
    # Then the first registers it and the second reports it as already in the register
    assert first.status_code == 201, first.content[:500]
    assert (first.json()["registered"], first.json()["already"]) == (1, 0)
    assert (again.json()["registered"], again.json()["already"]) == (0, 1)
    assert again.json()["rows"][0]["outcome_label"] == "已在登记册中（同一证书只登记一次）"
    assert Certificate.objects.filter(route=route).count() == 1
    # And the dashboard counts it exactly once (E07/E08: 高级工+ with no earlier certificate is also skilled)
    for indicator, n in counted.items():
        assert actual(board(world, indicator), indicator) == n, indicator
    # H04's helper counts: one certificate, special-ability ones apart
    from jineng.progress.selectors import Filter, actual_rows

    rows = actual_rows(
        Filter(year=2021, region=world.zhengzhou), by=(), indicators=("certificates", "special_completion")
    )
    got = {r.indicator: r.persons for r in rows}
    assert got.get("certificates", 0) == 1
    assert got.get("special_completion", 0) == (1 if kind == "special_ability" else 0)


def test_h03_class_result_lands_in_the_register_and_counts_once_with_the_body_sending_it_again(
    world: World,
) -> None:
    # Given an assessment applied for a 金水区 class of 3 (中级 skill-level certificates)
    a = applied(world)
    tc = a.training_class
    rows = [
        assessment.ResultRow(
            id_number=e.person.id_number,
            passed=True,
            certificate_kind="skill_level",
            level=4,
            certificate_number=f"KB{i}",
            issued_on=DAY,
            issuer="鉴定站",
        )
        for i, e in enumerate(tc.enrolments.select_related("person").order_by("row"))
    ]
    a.assessment_date = DAY - dt.timedelta(days=1)
    a.save(update_fields=["assessment_date"])
    # When the body enters the results
    assessment.results_enter(actor=evaluator(world), assessment=a, rows=rows)
    # Then each passed result is one row of the register, for the class's region, department and institution
    got = list(Certificate.objects.order_by("number").values_list("route", "region", "department", "unit"))
    assert got == [(Route.CLASS_RESULT, tc.region_id, tc.department_id, tc.institution_id)] * 3
    # And when the body also sends one of them by API, it is the same certificate: one row
    e = tc.enrolments.select_related("person").order_by("row").first()
    assert e is not None
    again = post(
        world,
        world.users[Role.EVALUATOR],
        [row(1, id_number=e.person.id_number, name=e.person.name, number="KB0", level=4)],
    )
    assert again.json()["already"] == 1 and Certificate.objects.count() == 3
    # And the dashboard counts 3 new skilled talents in 金水区, for the class's institution
    body = board(world, "skilled")
    assert actual(body, "skilled") == 3
    assert by_unit(world, "skilled") == [(tc.institution_id, 3)]


def test_h03_competition_winner_counts_for_his_unit_region_and_department(world: World) -> None:
    # Given a competition certificate the body issues to an enterprise's technician (his unit named)
    org, _ = enterprise(world)
    post(world, evaluator(world), [row(5, route="competition", level=2, unit_credit_code=org.credit_code)])
    c = Certificate.objects.get()
    # Then it counts for the enterprise, its region and its department, once
    assert (c.unit_id, c.region_id, c.department_id) == (org.pk, world.jinshui.pk, world.zz_industry.pk)
    body = board(world, "technicians")
    assert actual(body, "technicians") == 1
    assert by_unit(world, "technicians") == [(org.pk, 1)]
    dept = board(world, "technicians", department_id=world.zz_industry.pk)
    assert actual(dept, "technicians") == 1
    other = board(world, "technicians", department_id=world.zz_education.pk)
    assert actual(other, "technicians") == 0


def test_i09_b01_batch_all_or_nothing_with_a_report_by_row(world: World) -> None:
    # Given a body filed for 电工 levels 4 and 5 only, and a number already registered for someone else
    body_filed(world.zz_station, occupation(), levels=(4, 5))
    post(world, world.users[Role.EVALUATOR], [row(1, level=4)])
    before = (Certificate.objects.count(), Person.objects.count())
    # When a batch has a good row, a 高级工 row (not filed), that other holder's number and a bad ID number
    got = post(
        world,
        world.users[Role.EVALUATOR],
        [
            row(2, level=4),
            row(3, level=3),
            row(4, number="Z000001", level=4),
            row(6, id_number="410105199102031230"),
        ],
    )
    # Then nothing is registered and each bad row is named with its rule
    assert got.status_code == 422
    details = [(d["row"], d["field"], d["rule"]) for d in got.json()["details"]]
    assert details == [(2, "考核机构", "I09"), (3, "证书编号", "E02"), (4, "身份证号", "B01")]
    assert "I09" in got.json()["details"][0]["message"]
    assert (Certificate.objects.count(), Person.objects.count()) == before


def test_b01_a_new_holder_is_registered_from_the_id_number(world: World) -> None:
    number = make_id_number("410105", dt.date(1988, 8, 8), 7)
    assert not Person.objects.filter(id_number=number).exists()
    got = post(world, evaluator(world), [row(1, id_number=number, name="周新")])
    assert got.status_code == 201
    person = Person.objects.get(id_number=number)
    assert (person.name, person.region_id) == ("周新", world.zz_station.region_id)
    assert Certificate.objects.get().holder == person


def test_i09_only_an_enterprise_adds_enterprise_recognition(world: World) -> None:
    got = post(world, evaluator(world), [row(1, route="enterprise")])
    assert got.status_code == 422
    assert [(d["field"], d["rule"]) for d in got.json()["details"]] == [("取证途径", "I09")]
    assert "职业技能鉴定站" in got.json()["details"][0]["message"]


def test_refused_for_a_role_that_issues_no_certificates(world: World) -> None:
    got = post(world, world.users[Role.HR_ADMIN], [row(1)])
    assert got.status_code == 403
    with pytest.raises(Refusal):
        services.certificates_register(actor=world.users[Role.HR_ADMIN], rows=[])


def workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(services.TEMPLATE_HEADERS)
    for r in rows:
        ws.append(r)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_row(n: int, **kw: Any) -> list[Any]:
    r = row(n, **kw)
    return [
        r["id_number"],
        r["name"],
        Route(r["route"]).label,
        "职业技能等级证书",
        r["number"],
        r["occupation_code"],
        "三级/高级工",
        "",
        r["issued_on"],
        "",
        "",
    ]


def test_h03_xlsx_import_through_the_page_all_or_nothing(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    org, clerk = enterprise(world)
    client = world.client(clerk)
    assert client.get("/certificates/template/").status_code == 200
    # When the file has a row with an unknown route, nothing is registered and the row is named
    bad = workbook([xlsx_row(1, route="enterprise"), [*xlsx_row(2)[:2], "自评", *xlsx_row(2)[3:]]])
    page = client.post("/certificates/import/", {"file": SimpleUploadedFile("z.xlsx", bad)}, follow=True)
    assert "第 3 行" in page.content.decode() or "3" in page.content.decode()
    assert Certificate.objects.count() == 0
    # When the file is good, both rows are registered and the report lists them
    good = workbook([xlsx_row(1, route="enterprise"), xlsx_row(2, route="enterprise")])
    page = client.post("/certificates/import/", {"file": SimpleUploadedFile("z.xlsx", good)})
    text = page.content.decode()
    assert page.status_code == 200 and text.count("已登记") >= 2
    assert sorted(Certificate.objects.values_list("number", "route", "unit")) == [
        ("Z000001", "enterprise", org.pk),
        ("Z000002", "enterprise", org.pk),
    ]
    assert actual(board(world, "high_skilled"), "high_skilled") == 2


def test_public_check_masks_the_holder_and_is_limited(world: World) -> None:
    post(world, evaluator(world), [row(1, name="张三丰")])
    anyone = Client()
    # The QR code's address fills in the number; the name is typed
    page = anyone.get("/certificates/check/?number=Z000001")
    assert page.status_code == 200 and 'value="Z000001"' in page.content.decode()
    ok = anyone.post("/certificates/check/", {"number": "Z000001", "name": "张三丰"}).content.decode()
    assert (
        "真实有效" in ok
        and "张*丰" in ok
        and "4101**********" in ok
        and "张三丰" not in ok.split("</form>")[1]
    )
    wrong = anyone.post("/certificates/check/", {"number": "Z000001", "name": "李四"}).content.decode()
    assert "未查到" in wrong and "张*丰" not in wrong
    api = anyone.get(f"{C}/check", {"number": "Z000001", "name": "张三丰"}).json()
    assert (api["genuine"], api["holder"], api["level"]) == (True, "张*丰", "三级/高级工")
    assert anyone.get(f"{C}/check", {"number": "Z000001", "name": "李四"}).json()["genuine"] is False
    with override_settings(JINENG_CERTIFICATE_CHECKS_PER_WINDOW=5):  # 4 used above
        assert anyone.get(f"{C}/check", {"number": "Z000001", "name": "李四"}).status_code == 200
        limited = anyone.get(f"{C}/check", {"number": "Z000001", "name": "李四"})
        assert limited.status_code == 429 and "过于频繁" in limited.json()["message"]
        assert anyone.post("/certificates/check/", {"number": "Z1", "name": "李四"}).status_code == 429


def test_register_pages_carry_the_qr_code_to_the_check(world: World) -> None:
    post(world, evaluator(world), [row(1)])
    c = Certificate.objects.get()
    client = world.client(world.users[Role.HR_ADMIN])
    listed = client.get("/certificates/").content.decode()
    assert "<svg" in listed and "社会培训评价组织评价" in listed
    detail = client.get(f"/certificates/{c.pk}/").content.decode()
    assert "<svg" in detail and "/certificates/check/?number=Z000001" in detail
    assert client.get("/certificates/?format=xlsx").status_code == 200
    # Out of scope: a Xuchang bureau admin does not see a Zhengzhou certificate
    assert world.client(world.outsiders[Role.HR_ADMIN]).get(f"/certificates/{c.pk}/").status_code == 404
