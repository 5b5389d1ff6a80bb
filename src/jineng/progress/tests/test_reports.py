"""H06 monthly report: a county submits, the city approves only once every county is in, then issues a
通报 ranking them; pages, exports and the print view."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.progress import services
from jineng.progress.models import Bulletin, MonthlyReport, ReportState
from jineng.progress.tests.factories import opened
from jineng.targets.models import Plan, Target

pytestmark = pytest.mark.django_db

TODAY = dt.date(2021, 7, 5)


def _targets(w: World) -> None:
    p = Plan.objects.create(year=2021, region=w.zhengzhou, source="测试", title="测试目标")
    Target.objects.create(plan=p, indicator="training", region=w.jinshui, persons=10, position=1)
    Target.objects.create(plan=p, indicator="training", region=w.erqi, persons=4, position=2)


def _submit(w: World, region: object, month: int = 6) -> MonthlyReport:
    return services.report_submit(
        actor=w.users["hr_first"],
        region=region,  # type: ignore[arg-type]
        year=2021,
        month=month,
        today=TODAY,
    )


def test_h06_county_submits_its_month_with_figures_frozen_from_the_actuals(world: World) -> None:
    # Given 金水区's target of 10 and a class of 5 opened in June
    _targets(world)
    opened(world, trainees=5)
    # When 金水区 submits June
    report = _submit(world, world.jinshui)
    # Then the report holds June's figures and the target, and the trail says who
    assert report.state == ReportState.SUBMITTED
    assert report.figures["training"] == {"month": 5, "cumulative": 5, "target": 10}
    assert report.figures["subsidised"] == {"month": 0, "cumulative": 0, "target": None}
    assert Event.objects.filter(action="report.submit", object_id=str(report.pk)).count() == 1
    # and May's report does not see June's class
    assert _submit(world, world.jinshui, month=5).figures["training"]["cumulative"] == 0


def test_h06_city_approval_waits_for_all_counties_and_names_the_missing(world: World) -> None:
    # Given only 金水区 has submitted June
    _submit(world, world.jinshui)
    # When the city approves, it is refused, naming 二七区, and nothing changes
    with pytest.raises(Refusal) as refused:
        services.report_approve(
            actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6, today=TODAY
        )
    assert refused.value.rule == "H06"
    assert "二七区" in refused.value.message and "金水区" not in refused.value.message
    assert "共 1 个，已报送 1 个" in refused.value.message
    assert list(MonthlyReport.objects.values_list("region__name", "state")) == [("金水区", "submitted")]
    # When 二七区 submits too, the city approves
    _submit(world, world.erqi)
    city = services.report_approve(
        actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6, today=TODAY
    )
    # Then every county's report and the city's own are approved
    assert city.state == ReportState.APPROVED and city.approved_by == world.users["hr_admin"]
    assert set(MonthlyReport.objects.values_list("region__name", "state")) == {
        ("金水区", "approved"),
        ("二七区", "approved"),
        ("郑州市", "approved"),
    }
    # and an approved county cannot submit again
    with pytest.raises(Refusal, match="已审核"):
        _submit(world, world.jinshui)


def test_h06_a_region_with_lower_regions_does_not_submit_and_a_future_month_is_refused(world: World) -> None:
    with pytest.raises(Refusal, match="有下级地区"):
        _submit(world, world.zhengzhou)
    with pytest.raises(Refusal, match="尚未到来"):
        _submit(world, world.jinshui, month=8)
    with pytest.raises(Refusal, match="没有下级地区"):
        services.report_approve(
            actor=world.users["hr_admin"], region=world.jinshui, year=2021, month=6, today=TODAY
        )


def test_h06_reports_outside_the_scope_are_refused(world: World) -> None:
    with pytest.raises(Refusal, match="本辖区"):
        services.report_submit(
            actor=world.outsiders["hr_first"], region=world.jinshui, year=2021, month=6, today=TODAY
        )
    with pytest.raises(Refusal, match="角色"):
        services.report_submit(
            actor=world.users["auditor"], region=world.jinshui, year=2021, month=6, today=TODAY
        )
    assert MonthlyReport.objects.count() == 0


def test_h06_bulletin_ranks_the_counties_once_the_month_is_approved(world: World) -> None:
    # Given targets 10 and 4, and 5 and 4 trained in June
    _targets(world)
    opened(world, trainees=5)
    opened(world, trainees=4, region=world.erqi)
    _submit(world, world.jinshui)
    _submit(world, world.erqi)
    # A bulletin before approval is refused
    with pytest.raises(Refusal, match="尚未审核"):
        services.bulletin_issue(actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6)
    services.report_approve(
        actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6, today=TODAY
    )
    # When the city issues June's bulletin
    bulletin = services.bulletin_issue(
        actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6
    )
    # Then 二七区 ranks first (100%), 金水区 second (50%, ahead of June's 49.59% of the year)
    training = next(b for b in bulletin.ranking if b["indicator"] == "training")
    assert [(r["name"], r["rank"], r["rate"], r["behind"]) for r in training["rows"]] == [
        ("二七区", 1, "1.0000", False),
        ("金水区", 2, "0.5000", False),
    ]
    assert bulletin.elapsed == "49.59%"
    assert bulletin.title == "关于2021年1—6月郑州市职业技能提升行动目标任务完成情况的通报"
    with pytest.raises(Refusal, match="已通报"):
        services.bulletin_issue(actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6)


def _sheet(response: object) -> list[tuple[object, ...]]:
    wb = load_workbook(BytesIO(response.content))  # type: ignore[attr-defined]
    return [tuple(r) for r in wb.active.iter_rows(values_only=True)]  # type: ignore[union-attr]


def test_pages_dashboard_reports_export_and_print(world: World) -> None:
    _targets(world)
    opened(world, trainees=5)
    opened(world, trainees=4, region=world.erqi)
    client = world.client(world.users["hr_admin"])
    # The dashboard: charts' data, the lower regions, drill-down links
    page = client.get("/progress/", {"year": 2021})
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and 'id="chart-data"' in html
    assert f"region={world.jinshui.pk}" in html and "金水区" in html
    # Drill down to a county: its units
    county = client.get("/progress/", {"year": 2021, "region": world.jinshui.pk}).content.decode()
    assert world.zz_school.name in county
    # Excel in the table's layout
    rows = _sheet(client.get("/progress/", {"year": 2021, "format": "xlsx"}))
    assert rows[0][:7] == ("序号", "地区/部门/单位", "目标任务", "累计完成", "完成率", "排名", "进度")
    assert rows[1][:6] == (1, "金水区", 10, 5, "50.00%", 2)
    # Reports: submit both counties, approve, issue through the pages
    hr = world.client(world.users["hr_first"])
    for county_region in (world.jinshui, world.erqi):
        hr.post("/progress/reports/submit/", {"region": county_region.pk, "year": 2021, "month": 6})
    admin = client
    admin.post("/progress/reports/approve/", {"region": world.zhengzhou.pk, "year": 2021, "month": 6})
    admin.post("/progress/bulletins/issue/", {"region": world.zhengzhou.pk, "year": 2021, "month": 6})
    assert Bulletin.objects.count() == 1
    listing = admin.get("/progress/reports/", {"region": world.zhengzhou.pk, "year": 2021, "month": 6})
    assert "已报送 2 个，共 2 个" in listing.content.decode()
    sheet = _sheet(
        admin.get(
            "/progress/reports/", {"region": world.zhengzhou.pk, "year": 2021, "month": 6, "format": "xlsx"}
        )
    )
    assert sheet[0][:7] == (
        "序号",
        "地区",
        "状态",
        "职业技能培训（人次）·目标",
        "职业技能培训（人次）·当月",
        "职业技能培训（人次）·累计",
        "职业技能培训（人次）·完成率",
    )
    assert sheet[1][:7] == (1, "金水区", "已审核", 10, 5, 5, "50.00%")
    report = MonthlyReport.objects.get(region=world.jinshui)
    printed = admin.get(f"/progress/reports/{report.pk}/", {"print": 1}).content.decode()
    assert (
        "金水区2021年6月职业技能提升行动月报" in printed and "data-print" in printed
    )  # the print button (core/static/jineng/app.js)
    # H06 as the profile words it
    assert (
        "依据：H06 月统计、月报制度（ZZHS21 六 月统计、适时通报；HC21 三(一) 落实月报制度；"
        "XC23 三(一) 周调度、月通报）。"
    ) in printed
    bulletin = Bulletin.objects.get()
    assert "二七区" in admin.get(f"/progress/bulletins/{bulletin.pk}/").content.decode()
    assert _sheet(admin.get(f"/progress/bulletins/{bulletin.pk}/", {"format": "xlsx"}))[1][:3] == (
        "职业技能培训（人次）",
        1,
        "二七区",
    )


def test_api_board_and_report_flow(world: World) -> None:
    opened(world, trainees=5)
    client = world.client(world.users["hr_admin"])
    got = client.get("/api/v1/progress", {"year": 2021, "region_id": world.zhengzhou.pk}).json()
    assert {r["name"]: r["actual"] for r in got["regions"]}["金水区"] == 5
    hr = world.client(world.users["hr_first"])
    made = hr.post(
        "/api/v1/progress/reports",
        {"region_id": world.jinshui.pk, "year": 2021, "month": 6},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    refused = client.post(
        "/api/v1/progress/reports/approve",
        {"region_id": world.zhengzhou.pk, "year": 2021, "month": 6},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "二七区" in refused.json()["message"]


def test_h06_the_province_waits_for_its_cities_in_turn(world: World) -> None:
    # Given Zhengzhou's month approved but Xuchang's not
    _submit(world, world.jinshui)
    _submit(world, world.erqi)
    services.report_approve(
        actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6, today=TODAY
    )
    from jineng.accounts.services import user_update

    province_admin = user_update(actor=None, user=world.users["hr_admin"], region=world.henan)
    # When the province approves, it is refused naming 许昌市
    with pytest.raises(Refusal) as refused:
        services.report_approve(actor=province_admin, region=world.henan, year=2021, month=6, today=TODAY)
    assert "许昌市" in refused.value.message and "郑州市" not in refused.value.message.split("：")[-1]
