"""H06 the full reporting calendar: departments report monthly like regions, the 周调度, 季度讲评, 半年督导
and 全年总结 of the profiles that require them, deadlines in working days, approval or return by the level
above, and the list of what is late (page, xlsx, API, the home page's 待办)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.home.selectors import work_for
from jineng.policy import reporting
from jineng.policy.profiles import get_profile
from jineng.policy.workdays import CalendarNotCovered, WorkCalendar
from jineng.progress import services
from jineng.progress.models import MonthlyReport, ReportState
from jineng.progress.selectors import offered_kinds, reports_late
from jineng.progress.tests.factories import opened
from jineng.targets.models import Plan, Target
from jineng.workcal.selectors import work_calendar
from jineng.workcal.services import calendar_year_set

pytestmark = pytest.mark.django_db

D = dt.date
TODAY_ZZ = D(2021, 7, 5)


# --- departments report monthly like regions ---------------------------------------------------------------


def test_h06_a_department_submits_its_month_and_the_bureau_approves(world: World) -> None:
    # Given the 工信局's own target of 20 (ZZHS21 表2 style) and a class of 5 of its opened in June
    plan = Plan.objects.create(year=2021, region=world.zhengzhou, source="测试", title="部门目标")
    Target.objects.create(
        plan=plan,
        indicator="training",
        department=world.zz_industry,
        region=world.zhengzhou,
        persons=20,
        position=1,
    )
    opened(world, trainees=5, department=world.zz_industry)
    opened(world, trainees=2, department=world.zz_education, seq=1)
    clerk = world.users["dept_first"]
    # When the department's user submits June for its department
    report = services.periodic_report_submit(
        actor=clerk, kind="monthly", year=2021, number=6, department=world.zz_industry, today=TODAY_ZZ
    )
    # Then the report holds the department's own actuals and target, frozen, in the department's region
    assert (report.kind, report.year, report.period, report.month) == ("monthly", 2021, 6, 6)
    assert (report.region, report.department, report.state) == (
        world.zhengzhou,
        world.zz_industry,
        "submitted",
    )
    assert report.figures["training"] == {"month": 5, "cumulative": 5, "target": 20}
    assert report.figures["vouchers_issued"] == {"month": 0, "cumulative": 0, "target": None}
    # And the department may not submit for another department, nor approve
    with pytest.raises(Refusal, match="行业部门只能报送本部门的定期报告"):
        services.periodic_report_submit(
            actor=clerk, kind="monthly", year=2021, number=6, department=world.zz_education, today=TODAY_ZZ
        )
    with pytest.raises(Refusal, match="您的角色不能审核定期报告"):
        services.report_review(actor=clerk, report=report, approve=True)
    # When the bureau of its region approves
    approved = services.report_review(actor=world.users["hr_admin"], report=report, approve=True)
    # Then it is approved, by him, and the trail has both steps
    assert (approved.state, approved.approved_by) == (ReportState.APPROVED, world.users["hr_admin"])
    assert list(
        Event.objects.filter(action__startswith="report.", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", "to_state")
    ) == [("report.submit", "submitted"), ("report.approve", "approved")]
    # And an approved report is not submitted again
    with pytest.raises(Refusal, match="市工信局2021年6月月报已审核，不能再次报送"):
        services.periodic_report_submit(
            actor=clerk, kind="monthly", year=2021, number=6, department=world.zz_industry, today=TODAY_ZZ
        )
    # And the regions' monthly report of June is untouched by it (one row per region, one per department)
    assert not MonthlyReport.objects.filter(department=None).exists()


def test_h06_the_level_above_returns_a_report_with_a_reason_and_it_is_submitted_again(world: World) -> None:
    # Given 金水区 submitted June
    report = services.report_submit(
        actor=world.users["hr_first"], region=world.jinshui, year=2021, month=6, today=TODAY_ZZ
    )
    # When the city returns it without a reason, it is refused
    with pytest.raises(Refusal) as refused:
        services.report_review(actor=world.users["hr_admin"], report=report, approve=False, reason=" ")
    assert refused.value.field == "退回原因"
    # When the city returns it with a reason
    returned = services.report_review(
        actor=world.users["hr_admin"], report=report, approve=False, reason="补贴性培训人数与台账不符"
    )
    assert (returned.state, returned.return_reason) == (ReportState.RETURNED, "补贴性培训人数与台账不符")
    assert Event.objects.filter(action="report.return", object_id=str(report.pk)).count() == 1
    # Then the city cannot approve June while 金水区's report is back with it
    services.report_submit(
        actor=world.users["hr_first"], region=world.erqi, year=2021, month=6, today=TODAY_ZZ
    )
    with pytest.raises(Refusal) as waiting:
        services.report_approve(
            actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6, today=TODAY_ZZ
        )
    assert waiting.value.value == "金水区"
    assert waiting.value.rule == "H06"
    # And once 金水区 submits again, the city approves
    again = services.report_submit(
        actor=world.users["hr_first"], region=world.jinshui, year=2021, month=6, today=TODAY_ZZ
    )
    assert again.state == ReportState.SUBMITTED
    city = services.report_approve(
        actor=world.users["hr_admin"], region=world.zhengzhou, year=2021, month=6, today=TODAY_ZZ
    )
    assert city.state == ReportState.APPROVED


def test_h06_a_bureau_does_not_return_its_own_regions_report(world: World) -> None:
    # Given 金水区's own bureau admin (a county user) and its submitted June
    report = services.report_submit(
        actor=world.users["hr_first"], region=world.jinshui, year=2021, month=6, today=TODAY_ZZ
    )
    county_admin = world.users["hr_admin"]
    county_admin.region = world.jinshui
    # When he returns his own county's report, it is refused: the level above decides
    with pytest.raises(Refusal) as refused:
        services.report_review(actor=county_admin, report=report, approve=False, reason="重报")
    assert refused.value.message == "金水区的报告由上一级审核"
    assert refused.value.rule == "H06"


# --- the other periodic reports, where the profile requires them ---------------------------------------------


def test_h06_the_kinds_offered_follow_the_profile(world: World) -> None:
    # ZZ21 (ZZHS21 六 月统计) requires the monthly report; XC23 三(一) all five.
    assert offered_kinds(world.zhengzhou, 2021) == ("monthly",)
    assert offered_kinds(world.jinshui, 2021) == ("monthly",)
    assert offered_kinds(world.xuchang, 2023) == ("weekly", "monthly", "quarterly", "half_year", "year")
    # The province, above both: what its cities' profiles require in the year
    assert offered_kinds(world.henan, 2023) == ("weekly", "monthly", "quarterly", "half_year", "year")
    # A year with no profile: the monthly report only
    assert offered_kinds(world.xuchang, 2022) == ("monthly",)
    assert reporting.required_kinds(get_profile("HC21")) == ("monthly",)
    assert reporting.required_kinds(get_profile("XC19")) == ("monthly",)


@pytest.mark.parametrize(
    ("kind", "number", "today", "name", "months"),
    [
        ("weekly", 6, D(2023, 2, 13), "2023年第6周（02-06至02-12）", (2, 2)),
        ("quarterly", 1, D(2023, 4, 3), "2023年第一季度", (1, 3)),
        ("half_year", 1, D(2023, 7, 3), "2023年上半年", (1, 6)),
        ("year", 1, D(2024, 1, 8), "2023年", (1, 12)),
    ],
)
def test_h06_xc23_periodic_reports_are_generated_and_submitted(
    world: World, kind: str, number: int, today: dt.date, name: str, months: tuple[int, int]
) -> None:
    # Given a 魏都区 class of 4 that opened on 6 February 2023
    opened(
        world,
        trainees=4,
        region=world.weidu,
        department=world.xc_industry,
        start=D(2023, 2, 6),
        end=D(2023, 2, 20),
    )
    # When 魏都区 submits the period under XC23, which requires it
    report = services.periodic_report_submit(
        actor=world.outsiders["hr_first"],
        kind=kind,
        year=2023,
        number=number,
        region=world.weidu,
        today=today,
    )
    # Then it is the period's report, its figures generated from the records up to the period's last month
    assert reporting.Period(kind, 2023, number).name == name
    assert (report.kind, report.period, report.month, report.state) == (kind, number, months[1], "submitted")
    assert report.figures["training"] == {"month": 4, "cumulative": 4, "target": None}
    # And the city makes its own by approving it (its only county is in)
    city = services.periodic_report_approve(
        actor=world.outsiders["hr_admin"],
        kind=kind,
        year=2023,
        number=number,
        region=world.xuchang,
        today=today,
    )
    assert city.state == ReportState.APPROVED
    assert city.figures["training"]["cumulative"] == 4
    assert MonthlyReport.objects.get(pk=report.pk).state == ReportState.APPROVED


@pytest.mark.parametrize("kind", ["weekly", "quarterly", "half_year", "year"])
def test_h06_zz21_does_not_offer_what_its_documents_do_not_require(world: World, kind: str) -> None:
    # When 金水区 submits a report ZZ21 does not require, it is refused with the rule and clause
    with pytest.raises(Refusal) as refused:
        services.periodic_report_submit(
            actor=world.users["hr_first"],
            kind=kind,
            year=2021,
            number=1,
            region=world.jinshui,
            today=D(2022, 3, 1),
        )
    label = reporting.Period(kind, 2021, 1).kind_label
    assert refused.value.message == f"金水区2021年适用的政策档案未要求{label}，不能报送"
    assert refused.value.rule == "H06"
    assert refused.value.clause.startswith("ZZHS21 六")
    assert not MonthlyReport.objects.exists()
    # And the page offers the monthly report only
    page = world.client(world.users["hr_first"]).get("/progress/calendar/?year=2021").content.decode()
    assert ">月报</a>" in page and "季度讲评</a>" not in page and "周调度</a>" not in page


def test_h06_a_period_not_begun_is_refused(world: World) -> None:
    with pytest.raises(Refusal, match="2023年第二季度尚未到来"):
        services.periodic_report_submit(
            actor=world.outsiders["hr_first"],
            kind="quarterly",
            year=2023,
            number=2,
            region=world.weidu,
            today=D(2023, 3, 31),
        )


# --- deadlines in working days ----------------------------------------------------------------------------


def test_h06_the_deadline_is_counted_in_working_days_across_a_holiday() -> None:
    xc23, calendar = get_profile("XC23"), WorkCalendar()
    # April 2023 ends on a Sunday; 1–3 May are the Labour Day holiday, Saturday 6 May is worked:
    # 4, 5, 6, 8, 9 May are the five working days after it.
    assert reporting.due_on(xc23, reporting.Period("monthly", 2023, 4), calendar) == D(2023, 5, 9)
    # Week 3 of 2023 ends on Sunday 22 January; 23–27 January are the Spring Festival, Saturday 28 is worked.
    assert reporting.due_on(xc23, reporting.Period("weekly", 2023, 3), calendar) == D(2023, 1, 28)
    # The first quarter: 10 working days after Friday 31 March, Qingming (5 April) off: 3, 4, 6, 7, 10–14,
    # 17 April.
    assert reporting.due_on(xc23, reporting.Period("quarterly", 2023, 1), calendar) == D(2023, 4, 17)
    # A kind the profile does not require has no deadline, never a guessed one
    assert reporting.due_on(get_profile("ZZ21"), reporting.Period("weekly", 2021, 3), calendar) is None
    assert reporting.days_overdue(D(2023, 5, 9), D(2023, 5, 9)) == 0
    assert reporting.days_overdue(D(2023, 5, 9), D(2023, 5, 12)) == 3


def test_h06_a_deadline_in_an_entered_year_follows_the_entered_holidays() -> None:
    xc23, december = get_profile("XC23"), reporting.Period("monthly", 2026, 12)
    # Without the 2027 schedule, the deadline is not guessed
    with pytest.raises(CalendarNotCovered):
        reporting.due_on(xc23, december, work_calendar())
    # Given the bureau enters 2027 with 1 January (a Friday) off
    calendar_year_set(
        actor=None,
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知",
        holidays={D(2027, 1, 1): "元旦"},
        workdays={},
    )
    # Then December 2026's report is due on the fifth working day after it: 4, 5, 6, 7, 8 January
    assert reporting.due_on(xc23, december, work_calendar()) == D(2027, 1, 8)


# --- what is late -------------------------------------------------------------------------------------------

LATE_DAY = D(2023, 2, 8)


def _late_world(world: World) -> None:
    """Xuchang 2023 on 8 February: 魏都区 sent weeks 1–5 and the city approved them; 魏都区 sent January,
    not yet approved; the 工信局 sent week 1 and the bureau returned it."""
    hr, admin = world.outsiders["hr_first"], world.outsiders["hr_admin"]
    for week in range(1, 6):
        services.periodic_report_submit(
            actor=hr, kind="weekly", year=2023, number=week, region=world.weidu, today=LATE_DAY
        )
        services.periodic_report_approve(
            actor=admin, kind="weekly", year=2023, number=week, region=world.xuchang, today=LATE_DAY
        )
    services.periodic_report_submit(
        actor=hr, kind="monthly", year=2023, number=1, region=world.weidu, today=LATE_DAY
    )
    week1 = services.periodic_report_submit(
        actor=world.outsiders["dept_first"],
        kind="weekly",
        year=2023,
        number=1,
        department=world.xc_industry,
        today=LATE_DAY,
    )
    services.report_review(actor=admin, report=week1, approve=False, reason="数据有误")


EXPECTED_LATE = [
    # kind, period, subject, state, action, due, days overdue
    ("weekly", 1, "市工信局", "returned", "submit", D(2023, 1, 9), 30),
    ("weekly", 2, "市工信局", "missing", "submit", D(2023, 1, 16), 23),
    ("weekly", 3, "市工信局", "missing", "submit", D(2023, 1, 28), 11),
    ("weekly", 4, "市工信局", "missing", "submit", D(2023, 1, 30), 9),
    ("weekly", 5, "市工信局", "missing", "submit", D(2023, 2, 6), 2),
    ("monthly", 1, "许昌市", "pending", "approve", D(2023, 2, 7), 1),
    ("monthly", 1, "市工信局", "missing", "submit", D(2023, 2, 7), 1),
    ("monthly", 1, "魏都区", "submitted", "approve", D(2023, 2, 7), 1),
]


def test_h06_the_late_list_shows_exactly_the_overdue_reports_with_their_days(world: World) -> None:
    _late_world(world)
    # When the Xuchang bureau asks on 8 February 2023
    late = reports_late(world.outsiders["hr_admin"], year=2023, today=LATE_DAY)
    # Then exactly the reports past their deadline and not approved are listed, most overdue first
    assert [
        (r.period.kind, r.period.number, r.subject, r.state, r.action, r.due_on, r.days_overdue) for r in late
    ] == EXPECTED_LATE
    # And the 工信局 sees its own only; Zhengzhou sees none of Xuchang's
    own = reports_late(world.outsiders["dept_first"], year=2023, today=LATE_DAY)
    assert [(r.period.kind, r.period.number, r.days_overdue) for r in own] == [
        ("weekly", 1, 30),
        ("weekly", 2, 23),
        ("weekly", 3, 11),
        ("weekly", 4, 9),
        ("weekly", 5, 2),
        ("monthly", 1, 1),
    ]
    assert reports_late(world.users["hr_admin"], year=2023, today=LATE_DAY) == []
    # And on the due day itself nothing of January's monthly reports is late yet
    assert [
        r
        for r in reports_late(world.outsiders["hr_admin"], year=2023, today=D(2023, 2, 7))
        if r.period.kind == "monthly"
    ] == []


def test_h06_the_late_page_exports_and_the_api_lists_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _late_world(world)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: LATE_DAY)
    client = world.client(world.outsiders["hr_admin"])
    page = client.get("/progress/late/?year=2023").content.decode()
    assert "共 8 项，其中待报送 6 项" in page and "已退回待重报" in page and "周调度" in page
    response = client.get("/progress/late/?year=2023&format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "报告", "期次", "地区", "行业部门", "状态", "待办", "报送时限", "逾期天数")
    assert rows[1] == (
        1,
        "周调度",
        "2023年第1周（01-02至01-08）",
        "许昌市",
        "市工信局",
        "已退回待重报",
        "待报送",
        "2023-01-09",
        30,
    )
    assert rows[8] == (8, "月报", "2023年1月", "魏都区", None, "已报送待审核", "待审核", "2023-02-07", 1)
    assert len(rows) == 9
    api = client.get("/api/v1/progress/late?year=2023").json()
    assert [(r["kind"], r["period"], r["department"], r["state"], r["days_overdue"]) for r in api][:2] == [
        ("weekly", 1, "市工信局", "returned", 30),
        ("weekly", 2, "市工信局", "missing", 23),
    ]
    assert len(api) == 8


def test_h06_late_reports_are_in_the_home_pages_todo(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _late_world(world)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: LATE_DAY)
    # The department must submit its six; the bureau approves two and its county user submits none
    dept = [(w.label, w.count, w.url, w.level) for w in work_for(world.outsiders["dept_first"])]
    assert ("逾期未报送的定期报告", 6, "/progress/late/", "danger") in dept
    admin = {w.label: (w.count, w.hint) for w in work_for(world.outsiders["hr_admin"])}
    assert admin["逾期未审核的定期报告"] == (2, "H06 已过报送时限，最早期限 2023年2月7日，最多逾期 1 天")
    assert "逾期未报送的定期报告" not in admin  # the county's are all in; a department's are its own to send
    first = {w.label for w in work_for(world.outsiders["hr_first"])}
    assert "逾期未审核的定期报告" not in first and "逾期未报送的定期报告" not in first


# --- pages and exports --------------------------------------------------------------------------------------


def test_h06_the_calendar_page_lists_regions_and_departments_and_exports(world: World) -> None:
    _late_world(world)
    client = world.client(world.outsiders["hr_admin"])
    page = client.get(f"/progress/calendar/?kind=monthly&year=2023&number=1&region={world.xuchang.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "许昌市 2023年1月月报" in html and "市工信局" in html and "已报送待审核" in html
    for label in ("周调度", "月报", "季度讲评", "半年督导", "全年总结"):
        assert f"{label}</a>" in html
    xlsx = client.get(
        f"/progress/calendar/?kind=weekly&year=2023&number=1&region={world.xuchang.pk}&format=xlsx"
    )
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert [r[1:3] for r in rows[1:]] == [
        ("魏都区", "已审核"),
        ("市工信局", "已退回"),
        ("许昌市（本级）", "已审核"),
    ]
    # The department's own page offers its submit button
    dept_page = world.client(world.outsiders["dept_first"]).get(
        "/progress/calendar/?kind=weekly&year=2023&number=2"
    )
    assert "报送2023年第2周（01-09至01-15）周调度" in dept_page.content.decode()
