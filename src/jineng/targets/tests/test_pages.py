"""Plan pages and API: the document's table, exact totals, H01/H05 beside the figures, export, scope."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from jineng.audit.models import Event
from jineng.core.roles import Role
from jineng.targets.models import Target
from jineng.targets.selectors import target_rows
from jineng.targets.tests.factories import department_plan, region_plan

pytestmark = pytest.mark.django_db


def test_h01_plan_page_shows_table_totals_and_the_difference(world, hr_admin):
    plan = department_plan(world)
    page = world.client(hr_admin).get(f"/targets/{plan.pk}/").content.decode()
    assert "市工信局" in page and "市教育局" in page
    assert '<th class="num">1500</th>' in page  # the exact totals row
    assert "各部门合计 1500 人，比合计 0.16万（1600人）少 100 人" in page
    assert "-100" in page


def test_h01_region_plan_checks_the_county_subtotal(world, hr_admin):
    plan = region_plan(world)
    response = world.client(hr_admin).get(f"/api/v1/plans/{plan.pk}")
    body = response.json()
    assert body["totals"] == {"subsidised": 140000}
    assert body["warnings"] == []
    assert [(c["label"], c["figures"], c["differences"]) for c in body["controls"]] == [
        ("郑州市总计", {"subsidised": 140000}, {}),
        ("县（市、区）合计", {"subsidised": 40000}, {}),
    ]


def test_h01_plan_export_is_the_documents_layout(world, hr_admin):
    plan = department_plan(world)
    response = world.client(hr_admin).get(f"/targets/{plan.pk}/?format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [
        ("序号", "部门", "新增高技能人才（人）"),
        (1, "市工信局", 500),
        (2, "市教育局", 1000),
        (None, "各行合计", 1500),
        (None, "合计（原表）", 1600),
    ]


def test_plan_list_filters_by_year_and_exports(world, hr_admin):
    department_plan(world)
    department_plan(world, year=2023)
    client = world.client(hr_admin)
    assert client.get("/targets/?year=2023").context["page"].paginator.count == 1
    rows = list(
        load_workbook(BytesIO(client.get("/targets/?format=xlsx").content)).active.iter_rows(values_only=True)
    )
    assert rows[0] == ("年度", "下达地区", "出处", "标题", "表式", "行数")
    assert [r[0] for r in rows[1:]] == [2023, 2021]


def test_h05_province_figure_above_the_city_guidance_stands(world, hr_admin):
    plan = department_plan(world)
    row = plan.targets.get(department=world.zz_industry)
    client = world.client(hr_admin)
    client.post(f"/targets/rows/{row.pk}/province/", {"persons": "800"})
    rows = target_rows(user=hr_admin, year=2021, region=world.zhengzhou)
    assert sorted(r.persons for r in rows) == [800, 1000]
    # A province figure below the city's guidance: the guidance stands.
    client.post(f"/targets/rows/{row.pk}/province/", {"persons": "300"})
    assert sorted(r.persons for r in target_rows(user=hr_admin, year=2021, region=world.zhengzhou)) == [
        500,
        1000,
    ]
    assert Target.objects.get(pk=row.pk).province_persons == 300
    assert Event.objects.filter(action="target.province_set").count() == 2


def test_h05_bad_province_figure_is_refused_and_nothing_changes(world, hr_admin):
    row = department_plan(world).targets.get(department=world.zz_industry)
    before = Event.objects.count()
    response = world.client(hr_admin).post(
        f"/targets/rows/{row.pk}/province/", {"persons": "很多"}, follow=True
    )
    assert "“省级下达数”：“很多”不是整数（规则 H05）" in response.content.decode()
    assert Event.objects.count() == before
    assert Target.objects.get(pk=row.pk).province_persons is None


def test_department_user_sees_only_its_rows_and_no_totals(world):
    plan = department_plan(world)
    user = world.users[Role.DEPT_FIRST]
    body = world.client(user).get(f"/api/v1/plans/{plan.pk}").json()
    assert [r["label"] for r in body["rows"]] == ["市工信局"]
    assert body["controls"] == [] and body["warnings"] == []


def test_scope_outsider_gets_404_and_nothing_changed(world):
    plan = department_plan(world)
    row = plan.targets.get(department=world.zz_industry)
    outsider = world.client(world.outsiders[Role.HR_ADMIN])
    before = (Event.objects.count(), Target.objects.get(pk=row.pk).province_persons)
    assert outsider.get(f"/targets/{plan.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/plans/{plan.pk}").status_code == 404
    assert outsider.post(f"/targets/rows/{row.pk}/province/", {"persons": "9"}).status_code == 404
    assert (Event.objects.count(), Target.objects.get(pk=row.pk).province_persons) == before


def test_target_rows_of_a_district_are_its_own(world, hr_admin):
    region_plan(world)
    rows = target_rows(user=hr_admin, year=2021, region=world.jinshui)
    assert [(r.indicator, r.region_id, r.persons) for r in rows] == [("subsidised", world.jinshui.pk, 25000)]
    # A Xuchang user asking about a Zhengzhou district sees nothing.
    assert target_rows(user=world.outsiders[Role.HR_ADMIN], year=2021, region=world.jinshui) == []
