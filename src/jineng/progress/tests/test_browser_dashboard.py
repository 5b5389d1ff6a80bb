"""Issue 5 in a real browser: the dashboard at Zhengzhou's real size (15 districts, 15 departments), a
drill-down to a district, the month's reports and the export of the city's month.

Targets, classes and the districts' June reports are set up through the ORM and the services; from there
the walk goes through the pages: the city's admin opens 进度看板, sees the bars, trend and ranking, drills
down to 金水区 (its units), goes to 月报与通报, approves June once every district is in, issues the 通报 and
downloads the month's report as .xlsx. Each step is saved as a screenshot (docs/screenshots/dashboard*.png
when JINENG_SCREENSHOT_DIR points there).
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import Clock, login, menu, open_page, says, step_shot, titled
from jineng.progress import services
from jineng.progress.models import Bulletin, MonthlyReport
from jineng.progress.tests.factories import certify, claimed, counties, opened
from jineng.regions.services import department_create
from jineng.targets.models import Plan, Target

pytestmark = pytest.mark.browser

browser = browser_kit.browser
shots = browser_kit.shots
page = browser_kit.page
clock = browser_kit.clock

TODAY = dt.date(2021, 7, 5)
DEPARTMENTS = ["市发展改革委", "市财政局", "市住房城乡建设局", "市交通运输局", "市农业农村局", "市商务局",
               "市文化广电和旅游局", "市卫生健康委", "市退役军人事务局", "市应急管理局", "市国资委",
               "市市场监管局", "市总工会"]  # fmt: skip


def _city(world: World) -> None:
    """Zhengzhou at its real size, with targets for every district and classes in most of them."""
    districts = [world.jinshui, world.erqi, *counties(world, 13)]
    depts = [world.zz_industry, world.zz_education] + [
        department_create(actor=None, region=world.zhengzhou, name=name, kind="industry")
        for name in DEPARTMENTS
    ]
    plan = Plan.objects.create(year=2021, region=world.zhengzhou, source="ZZ21 附件1", title="测试目标")
    for i, d in enumerate(districts):
        Target.objects.create(plan=plan, indicator="training", region=d, persons=20 + 4 * i, position=i)
        Target.objects.create(plan=plan, indicator="skilled", region=d, persons=10 + 2 * i, position=100 + i)
    for i, dept in enumerate(depts):
        Target.objects.create(
            plan=plan,
            indicator="training",
            region=world.zhengzhou,
            department=dept,
            persons=15,
            position=200 + i,
        )
    for i, d in enumerate(districts[:12]):
        month = 1 + i % 6
        tc = opened(
            world,
            trainees=3 + (i * 7) % 17,
            region=d,
            department=depts[i % len(depts)],
            start=dt.date(2021, month, 3),
            end=dt.date(2021, month, 25),
        )
        if i % 2 == 0:
            claimed(world, tc)
        for e in list(tc.enrolments.all())[: 2 + i % 5]:
            certify(world, e, level=3 if i % 3 == 0 else 4, issued_on=dt.date(2021, month, 28))


def test_dashboard_drill_down_and_the_months_report(
    transactional_db: None,
    world: World,
    live_server: Any,
    page: Any,
    shots: Path,
    clock: Clock,
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    _city(world)
    clock.set(TODAY)
    login(page, base, world.users["hr_admin"].username, PASSWORD)

    # --- the city's dashboard: 15 districts, charts drawn, the ranking -------------------------------
    menu(page, "进度看板")
    page.goto(base + "/progress/?year=2021")
    page.wait_for_load_state("networkidle")
    titled(page, "2021 年 郑州市 目标任务完成进度")
    expect(page.locator("#regions tbody tr")).to_have_count(15)
    expect(page.locator("#departments tbody tr")).to_have_count(15)
    # ECharts drew its canvases
    for chart in ("#chart-bars", "#chart-trend", "#chart-rank"):
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
    step_shot(page, shots, "dashboard-01-city")

    # --- drill down to 金水区: its units ----------------------------------------------------------------
    page.locator("#regions a", has_text="金水区").click()
    page.wait_for_load_state("networkidle")
    titled(page, "金水区")
    expect(page.locator("#units")).to_contain_text(world.zz_school.name)
    says(page, "郑州市")  # the crumbs lead back up
    step_shot(page, shots, "dashboard-02-county")

    # --- the month's reports: every district submits June (the services, as their clerks would) -------
    for district in world.zhengzhou.children.all():
        services.report_submit(
            actor=world.users["hr_first"], region=district, year=2021, month=6, today=TODAY
        )
    open_page(page, base, f"/progress/reports/?region={world.zhengzhou.pk}&year=2021&month=6")
    says(page, "已报送 15 个，共 15 个")
    page.get_by_role("button", name="审核郑州市2021年6月月报").click()
    says(page, "已审核郑州市2021年6月月报")
    page.get_by_role("button", name="签发6月通报（按完成率排名）").click()
    says(page, "已签发郑州市2021年6月通报")
    assert MonthlyReport.objects.filter(state="approved").count() == 16
    step_shot(page, shots, "dashboard-03-reports")

    # --- export the month's report in the table's layout -----------------------------------------------
    with page.expect_download() as download:
        page.locator("#export").click()
    sheet = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "地区", "状态", "职业技能培训（人次）·目标")
    assert len(rows) == 1 + 15 + 1  # header, 15 districts, the city's total
    assert rows[-1][1] == "郑州市（合计）"

    # --- the bulletin and the print view ---------------------------------------------------------------
    bulletin = Bulletin.objects.get()
    open_page(page, base, f"/progress/bulletins/{bulletin.pk}/")
    titled(page, "通报")
    step_shot(page, shots, "dashboard-04-bulletin")
    report = MonthlyReport.objects.get(region=world.jinshui)
    page.goto(base + f"/progress/reports/{report.pk}/?print=1")
    expect(page.locator("h1")).to_contain_text("金水区2021年6月职业技能提升行动月报")
    browser_kit.shot(page, shots, "dashboard-05-print")
