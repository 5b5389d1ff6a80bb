"""Evaluation bodies' filings (I09): 评价机构目录 and 职业技能等级认定备案, recorded and ended by the bureau,
the recognition mark and the dashboard's 认定备案机构 count following from them; the page, its xlsx, the API."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from jineng.audit.models import Event
from jineng.catalogue.models import EvaluationFiling, EvaluationScope
from jineng.catalogue.services import ScopeLine, evaluation_filing_end, evaluation_filing_record
from jineng.catalogue.tests.scope_cases import ELECTRICIAN, WELDER, occupation
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code
from jineng.policy.profiles import get_profile
from jineng.progress import board

pytestmark = pytest.mark.django_db

ZZ21_I09 = get_profile("ZZ21", 1).rule_clause("I09")
DAY = dt.date(2021, 3, 1)


def enterprise(w: World) -> Organisation:
    return organisation_register(
        actor=None,
        name="郑州宇通集团有限公司",
        credit_code=make_credit_code("91", "410100", 501),
        kind="enterprise",
        region=w.zhengzhou,
        department=w.zz_industry,
    )


def record(w: World, org: Organisation, **kw: object) -> EvaluationFiling:
    args: dict[str, object] = {
        "actor": w.users[Role.HR_ADMIN],
        "organisation": org,
        "kind": "catalogue",
        "ref": "豫人社评备〔2021〕001号",
        "region": w.zhengzhou,
        "filed_on": DAY,
        "scope": [
            ScopeLine(occupation(ELECTRICIAN), "skill_level", 4),
            ScopeLine(occupation(WELDER), "skill_level", 3),
        ],
        "today": DAY,
    }
    args.update(kw)
    return evaluation_filing_record(**args)  # type: ignore[arg-type]


def refusal(w: World, org: Organisation, **kw: object) -> str:
    before = (EvaluationFiling.objects.count(), Event.objects.count())
    with pytest.raises(Refusal) as exc:
        record(w, org, **kw)
    assert (EvaluationFiling.objects.count(), Event.objects.count()) == before
    return exc.value.render()


def test_i09_a_filing_is_recorded_with_its_scope_region_and_dates_in_one_event(world: World) -> None:
    before = Event.objects.count()
    f = record(
        world,
        world.zz_station,
        scope=[
            ScopeLine(occupation(ELECTRICIAN), "skill_level", 4),
            ScopeLine(occupation(ELECTRICIAN), "skill_level", 4),  # the same line twice is one line
            ScopeLine(occupation(WELDER), "special_ability", None),
        ],
    )
    assert (f.kind, f.region, f.filed_on, f.valid_from, f.valid_to) == (
        "catalogue",
        world.zhengzhou,
        DAY,
        DAY,
        None,
    )
    assert sorted(str(s) for s in EvaluationScope.objects.filter(filing=f)) == [
        "焊工 专项职业能力证书",
        "电工（四级/中级工） 职业技能等级证书",
    ]
    assert Event.objects.count() == before + 1
    assert Event.objects.latest("id").action == "evaluation_filing.recorded"


def test_i09_only_an_evaluation_body_is_listed_in_the_catalogue_of_evaluation_bodies(world: World) -> None:
    assert refusal(world, world.zz_school) == (
        "“评价机构”：郑州商业技师学院（技师学院）不是评价（鉴定）机构，不能列入评价机构目录；"
        f"企业、院校开展等级认定的，登记为“职业技能等级认定备案”（规则 I09，依据 {ZZ21_I09}）"
    )


def test_i09_bad_scope_region_and_dates_are_refused_with_the_field(world: World) -> None:
    station = world.zz_station
    assert refusal(world, station, scope=[ScopeLine(occupation(ELECTRICIAN), "skill_level", None)]) == (
        "“等级”：职业技能等级证书须填写等级（1–5）"
    )
    assert refusal(world, station, scope=[ScopeLine(occupation(ELECTRICIAN), "completion", 4)]) == (
        "“等级”：培训合格证书不分等级，请勿填写等级"
    )
    assert refusal(world, station, scope=[]) == (
        f"“备案范围”：备案范围不能为空：至少填写一个职业、证书类型（及等级）（规则 I09，依据 {ZZ21_I09}）"
    )
    assert refusal(world, station, region=world.xuchang) == (
        "“可开展评价的区域”：可开展评价的区域须为中国陶瓷行业特有工种职业技能鉴定站河南分站所在的郑州市、其上级或下级区域"
        f"（规则 I09，依据 {ZZ21_I09}）"
    )
    assert refusal(world, station, valid_to=DAY) == "“失效日期”：失效日期须晚于生效日期"
    record(world, station)
    assert refusal(world, station) == "“备案编号”：备案编号 豫人社评备〔2021〕001号 已登记"


def test_i09_a_recognition_filing_marks_the_enterprise_and_its_end_unmarks_it(world: World) -> None:
    org = enterprise(world)
    assert not org.recognition_filed and not org.is_evaluation_body
    f = record(world, org, kind="recognition", ref="郑人社认备〔2021〕005号")
    org.refresh_from_db()
    assert org.recognition_filed and org.is_evaluation_body
    assert list(Event.objects.order_by("-id").values_list("action", flat=True)[:2]) == [
        "organisation.recognition_filed_changed",
        "evaluation_filing.recorded",
    ]
    evaluation_filing_end(
        actor=world.users[Role.HR_ADMIN],
        filing=f,
        valid_to=DAY + dt.timedelta(days=30),
        today=DAY + dt.timedelta(days=30),
    )
    org.refresh_from_db()
    assert not org.recognition_filed


def test_h02_the_dashboard_counts_each_newly_filed_recognition_body_once(world: World) -> None:
    # Given an enterprise filed twice for recognition in 2021 (a second filing of other trades), and a
    # station listed in the catalogue of evaluation bodies (not a recognition filing)
    org = enterprise(world)
    record(world, org, kind="recognition", ref="郑人社认备〔2021〕005号")
    record(
        world,
        org,
        kind="recognition",
        ref="郑人社认备〔2021〕019号",
        filed_on=dt.date(2021, 9, 1),
        today=dt.date(2021, 9, 1),
    )
    record(world, world.zz_station)
    # Then the city's 职业技能等级认定备案机构 is 1, in March; the department's too
    b = board.build(
        user=world.users[Role.HR_ADMIN],
        year=2021,
        region=world.zhengzhou,
        indicator="recognition_bodies",
        department_id=None,
        today=dt.date(2021, 12, 31),
        live=True,
    )
    summary = {s.indicator: s for s in b.summary}
    assert summary["recognition_bodies"].actual == 1
    assert b.trend[2] == 1 and sum(b.trend) == 1
    dept = board.build(
        user=world.users[Role.HR_ADMIN],
        year=2021,
        region=world.zhengzhou,
        indicator="recognition_bodies",
        department_id=world.zz_industry.pk,
        today=dt.date(2021, 12, 31),
        live=True,
    )
    assert {s.indicator: s for s in dept.summary}["recognition_bodies"].actual == 1


def test_i09_the_page_records_a_filing_and_exports_one_row_per_scope_line(world: World) -> None:
    occupation(ELECTRICIAN)
    client = world.client(world.users[Role.HR_ADMIN])
    response = client.post(
        "/catalogue/filings/",
        {
            "organisation": world.zz_station.pk,
            "kind": "catalogue",
            "ref": "豫人社评备〔2021〕001号",
            "region": world.zhengzhou.pk,
            "filed_on": "2021-03-01",
            "occupations": ELECTRICIAN,
            "certificate_kind": "skill_level",
            "levels": ["5", "4"],
        },
    )
    assert response.status_code == 302
    page = client.get("/catalogue/filings/").content.decode()
    assert "豫人社评备〔2021〕001号" in page and "电工（四级/中级工） 职业技能等级证书" in page
    sheet = load_workbook(BytesIO(client.get("/catalogue/filings/?format=xlsx").content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["评价机构", "统一社会信用代码", "备案类别", "备案编号"]
    assert [r[8:] for r in rows[1:]] == [
        ["6-31-01-03", "电工", "职业技能等级证书", "五级/初级工"],
        ["6-31-01-03", "电工", "职业技能等级证书", "四级/中级工"],
    ]
    assert rows[1][2] == "评价机构目录"


def test_i09_the_api_refuses_a_level_missing_with_the_field_and_rule(world: World) -> None:
    occupation(ELECTRICIAN)
    response = world.client(world.users[Role.HR_ADMIN]).post(
        "/api/v1/catalogue/evaluation-filings",
        {
            "organisation_id": world.zz_school.pk,
            "kind": "catalogue",
            "ref": "X-1",
            "region_id": world.zhengzhou.pk,
            "filed_on": "2021-03-01",
            "scope": [{"occupation_code": ELECTRICIAN, "certificate_kind": "skill_level", "level": 4}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["details"] == [
        {"field": "评价机构", "value": "郑州商业技师学院", "rule": "I09", "clause": ZZ21_I09}
    ]


# --- the xlsx import (all or nothing, a row report) ------------------------------------------------------


def filing_rows(w: World) -> list[list[object]]:
    occupation(ELECTRICIAN)
    occupation(WELDER)
    station, school = w.zz_station.credit_code, w.zz_school.credit_code
    return [
        [
            station,
            "鉴定站",
            "评价机构目录",
            "豫评备-1",
            "郑州市",
            "2021-03-01",
            "",
            "",
            ELECTRICIAN,
            "职业技能等级证书",
            "四级/中级工",
        ],
        [
            station,
            "鉴定站",
            "评价机构目录",
            "豫评备-1",
            "郑州市",
            "2021-03-01",
            "",
            "",
            WELDER,
            "专项职业能力证书",
            "",
        ],
        [
            school,
            "学院",
            "职业技能等级认定备案",
            "郑认备-2",
            "金水区",
            "2021-04-01",
            "",
            "",
            WELDER,
            "职业技能等级证书",
            "三级/高级工",
        ],
    ]


def filings_file(rows: list[list[object]]) -> bytes:
    from jineng.catalogue.filingimport import FILING_IMPORT_HEADERS
    from jineng.core.xlsx import workbook_bytes

    return workbook_bytes("评价机构备案", FILING_IMPORT_HEADERS, rows)


def run_import(w: World, rows: list[list[object]]) -> object:
    from jineng.catalogue.selectors import catalogue_regions, filing_organisations
    from jineng.catalogue.services import evaluation_filings_import

    admin = w.users[Role.HR_ADMIN]
    return evaluation_filings_import(
        actor=admin,
        content=filings_file(rows),
        organisations=filing_organisations(admin),
        regions=catalogue_regions(admin),
        today=DAY,
    )


def test_i09_an_import_records_each_filing_of_its_rows(world: World) -> None:
    result = run_import(world, filing_rows(world))
    assert (result.filings, result.lines) == (2, 3)  # type: ignore[attr-defined]
    school = EvaluationFiling.objects.get(ref="郑认备-2")
    assert (school.kind, school.region, school.organisation) == (
        "recognition",
        world.jinshui,
        world.zz_school,
    )
    # imported on 1 March, the school's filing holds from 1 April: not yet marked as filed
    world.zz_school.refresh_from_db()
    assert not world.zz_school.recognition_filed


def test_i09_an_import_with_bad_rows_writes_nothing_and_reports_every_row(world: World) -> None:
    from jineng.catalogue.services import ImportRejected

    rows = filing_rows(world)
    rows[1][10] = "四级"  # not a level's name
    rows[2][2] = "评价机构目录"  # a technician college is no evaluation body
    rows.append(
        [
            "91410100MA0000000X",
            "外地机构",
            "评价机构目录",
            "豫评备-9",
            "许昌市",
            "2021-13-01",
            "",
            "",
            "9-99",
            "证书",
            "",
        ]
    )
    before = (EvaluationFiling.objects.count(), Event.objects.count())
    with pytest.raises(ImportRejected) as exc:
        run_import(world, rows)
    assert [(e.row, e.column, e.message) for e in exc.value.errors] == [
        (3, "等级", "应为“四级/中级工”这样的等级名称，或留空"),
        (5, "可开展评价的区域", "应为本辖区或其上级区域的名称，如“郑州市”"),
        (5, "备案日期", "应为日期，如 2021-03-01"),
        (5, "统一社会信用代码", "本辖区没有登记该统一社会信用代码的机构"),
        (5, "职业编码", "2022年版职业分类大典中没有此职业编码"),
        (5, "证书类型", "应为“职业技能等级证书”“专项职业能力证书”等证书类型名称"),
    ]
    assert (EvaluationFiling.objects.count(), Event.objects.count()) == before
    # once the rows read, a filing the service refuses is reported on its first row, and nothing is written
    rows = filing_rows(world)
    rows[2][2] = "评价机构目录"
    with pytest.raises(ImportRejected) as exc:
        run_import(world, rows)
    [e] = exc.value.errors
    assert (e.row, e.column) == (4, "评价机构") and "规则 I09" in e.message
    assert (EvaluationFiling.objects.count(), Event.objects.count()) == before


def test_i09_the_import_page_and_its_template(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client(world.users[Role.HR_ADMIN])
    template = load_workbook(BytesIO(client.get("/catalogue/filings/template/").content)).active
    assert [c.value for c in template[1]][:4] == ["统一社会信用代码", "评价机构", "备案类别", "备案编号"]
    upload = SimpleUploadedFile("备案.xlsx", filings_file(filing_rows(world)))
    response = client.post("/catalogue/filings/import/", {"file": upload})
    assert response.status_code == 302 and EvaluationFiling.objects.count() == 2
