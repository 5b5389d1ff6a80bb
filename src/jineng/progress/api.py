"""/api/v1/progress: the dashboard's figures, monthly reports (H06) and bulletins — same services as pages."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.core.pagination import PageNumberPagination
from jineng.core.params import month_query, year_query
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.progress import board, ledgerbook, services
from jineng.progress.models import Bulletin, Competition, LedgerEntry, MediaItem, MonthlyReport
from jineng.progress.schemas import (
    BoardOut,
    BulletinOut,
    CompetitionIn,
    CompetitionOut,
    ComplianceOut,
    LateReportOut,
    LedgerBatchIn,
    LedgerEntryIn,
    LedgerEntryOut,
    MediaItemIn,
    MediaItemOut,
    PeriodicApproveIn,
    PeriodicReportIn,
    PeriodicReportOut,
    PeriodicReviewIn,
    PeriodIn,
    ReportOut,
    WithdrawIn,
)
from jineng.progress.selectors import (
    INDICATORS,
    bulletins_visible,
    competition_regions,
    competitions_visible,
    department_for_progress,
    department_for_report,
    ledger_departments,
    ledger_regions,
    ledger_visible,
    media_compliance,
    media_items_visible,
    periodic_reports_visible,
    record_departments,
    record_regions,
    region_for_progress,
    reports_late,
    reports_visible,
)
from jineng.regions.models import Department, Region
from jineng.targets.selectors import cross_table_warnings

router = Router()


@router.get(
    "", response=BoardOut, summary="目标完成进度：全部指标、下级地区、部门、单位、按月（实绩由记录自动统计）"
)
def progress_board(
    request: HttpRequest,
    year: int | None = year_query(None),
    region_id: int | None = None,
    indicator: str = "training",
    department_id: int | None = None,
) -> Any:
    user = request_user(request)
    require(user, "progress.view")
    today = timezone.localdate()
    b = board.build(
        user=user,
        year=year if year and 2000 <= year <= 2100 else today.year,
        region=region_for_progress(user, region_id),
        indicator=indicator if indicator in INDICATORS else "training",
        department_id=department_for_progress(user, department_id),
        today=today,
    )
    return {
        "year": b.year,
        "region_id": b.region.pk,
        "region": b.region.name,
        "indicator": b.indicator,
        "elapsed": b.elapsed,
        "summary": b.summary,
        "regions": b.regions,
        "departments": b.departments,
        "units": b.units,
        "trend": b.trend,
        "plan_warnings": [w.render() for w in cross_table_warnings(year=b.year, region=b.region)],
    }


@router.get("/reports", response=list[ReportOut], summary="月报（按地区、年度、月份）")
def report_list(
    request: HttpRequest, year: int | None = year_query(None), month: int | None = month_query(None)
) -> Any:
    user = request_user(request)
    require(user, "progress.view")
    qs = reports_visible(user).filter(kind="monthly", department=None)
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    return list(qs[:500])


@router.post("/reports", response={201: ReportOut}, summary="报送本地区月报（H06，县级）")
def report_submit(request: HttpRequest, data: PeriodIn) -> Status:
    user = request_user(request)
    require(user, "report.submit")
    region = region_for_progress(user, data.region_id)
    report = services.report_submit(actor=user, region=region, year=data.year, month=data.month)
    return Status(201, report)


@router.post("/reports/approve", response=ReportOut, summary="审核月报：下级地区须全部报送（H06）")
def report_approve(request: HttpRequest, data: PeriodIn) -> MonthlyReport:
    user = request_user(request)
    require(user, "report.approve")
    region = region_for_progress(user, data.region_id)
    return services.report_approve(actor=user, region=region, year=data.year, month=data.month)


@router.get("/reports/{report_id}", response=ReportOut, summary="月报详情")
def report_detail(request: HttpRequest, report_id: int) -> MonthlyReport:
    user = request_user(request)
    require(user, "progress.view")
    return get_object_or_404(reports_visible(user), pk=report_id)


@router.post("/bulletins", response={201: BulletinOut}, summary="签发月通报：下级地区按完成率排名（H06）")
def bulletin_issue(request: HttpRequest, data: PeriodIn) -> Status:
    user = request_user(request)
    require(user, "report.approve")
    region = region_for_progress(user, data.region_id)
    return Status(201, services.bulletin_issue(actor=user, region=region, year=data.year, month=data.month))


@router.get("/bulletins/{bulletin_id}", response=BulletinOut, summary="通报详情")
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> Bulletin:
    user = request_user(request)
    require(user, "progress.view")
    return get_object_or_404(bulletins_visible(user), pk=bulletin_id)


# --- H08 publicity items and H02 competitions ------------------------------------------------------------


def _department(user: User, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    return get_object_or_404(record_departments(user), pk=department_id)


def _region(user: User, region_id: int | None, *, competition: bool = False) -> Region | None:
    if region_id is None:
        return None
    return get_object_or_404(competition_regions(user) if competition else record_regions(user), pk=region_id)


@router.get("/media", response=list[MediaItemOut], summary="宣传信息（H08；year 发布年度，含已撤回）")
@paginate(PageNumberPagination, page_size=50)
def media_list(request: HttpRequest, year: int | None = year_query(None)) -> Any:
    user = request_user(request)
    require(user, "outreach.view")
    qs = media_items_visible(user)
    return qs.filter(published_on__year=year) if year else qs


@router.post("/media", response={201: MediaItemOut}, summary="登记宣传信息（H08）")
def media_create(request: HttpRequest, data: MediaItemIn) -> Status:
    user = request_user(request)
    require(user, "outreach.record")
    department = _department(user, data.department_id)
    region = _region(user, data.region_id)
    item = services.media_item_record(
        actor=user,
        region=region,
        department=department,
        title=data.title,
        media_name=data.media_name,
        media_level=data.media_level,
        published_on=data.published_on,
        link=data.link,
    )
    return Status(201, item)


@router.post("/media/{item_id}/withdraw", response=MediaItemOut, summary="撤回宣传信息（不再计入 H08）")
def media_withdraw(request: HttpRequest, item_id: int, data: WithdrawIn) -> MediaItem:
    user = request_user(request)
    require(user, "outreach.record")
    item = get_object_or_404(media_items_visible(user), pk=item_id)
    return services.media_item_withdraw(actor=user, item=item, reason=data.reason)


@router.get(
    "/media/compliance",
    response=ComplianceOut,
    summary="H08 达标情况：各县（市、区）县级以上媒体、市直部门市级以上媒体的篇数与差额",
)
def media_compliance_get(
    request: HttpRequest, year: int = year_query(), region_id: int | None = None
) -> dict[str, Any]:
    user = request_user(request)
    require(user, "outreach.view")
    c = media_compliance(user, region_for_progress(user, region_id), year)
    return {
        "region_id": c.region.pk,
        "year": c.year,
        "refusal": c.refusal,
        "counties": [{**asdict(s), "shortfall": s.shortfall, "ok": s.ok} for s in c.counties],
        "departments": [{**asdict(s), "shortfall": s.shortfall, "ok": s.ok} for s in c.departments],
    }


@router.get(
    "/competitions", response=list[CompetitionOut], summary="技能竞赛（H02；year 举办年度，含已撤回）"
)
@paginate(PageNumberPagination, page_size=50)
def competition_list(request: HttpRequest, year: int | None = year_query(None)) -> Any:
    user = request_user(request)
    require(user, "outreach.view")
    qs = competitions_visible(user)
    return qs.filter(held_on__year=year) if year else qs


@router.post("/competitions", response={201: CompetitionOut}, summary="登记技能竞赛（H02 技能竞赛场次）")
def competition_create(request: HttpRequest, data: CompetitionIn) -> Status:
    user = request_user(request)
    require(user, "outreach.record")
    department = _department(user, data.department_id)
    region = _region(user, data.region_id, competition=True)
    assert region is not None
    competition = services.competition_record(
        actor=user,
        region=region,
        department=department,
        name=data.name,
        level=data.level,
        held_on=data.held_on,
        participants=data.participants,
    )
    return Status(201, competition)


@router.post(
    "/competitions/{competition_id}/withdraw", response=CompetitionOut, summary="撤回技能竞赛（不再计入 H02）"
)
def competition_withdraw(request: HttpRequest, competition_id: int, data: WithdrawIn) -> Competition:
    user = request_user(request)
    require(user, "outreach.record")
    competition = get_object_or_404(competitions_visible(user), pk=competition_id)
    return services.competition_withdraw(actor=user, competition=competition, reason=data.reason)


# --- E09 技能培训台账 ---------------------------------------------------------------------------------------


def _ledger_input(data: LedgerEntryIn) -> ledgerbook.LedgerInput:
    return ledgerbook.LedgerInput(
        region_id=data.region_id,
        department_id=data.department_id,
        title=data.title,
        kind=data.kind,
        occupation_code=data.occupation_code,
        start_date=data.start_date,
        end_date=data.end_date,
        persons=data.persons,
    )


@router.get("/ledger", response=list[LedgerEntryOut], summary="技能培训台账（E09；year 开始年度，含已撤回）")
@paginate(PageNumberPagination, page_size=50)
def ledger_list(request: HttpRequest, year: int | None = year_query(None), late: bool = False) -> Any:
    user = request_user(request)
    require(user, "trainingbook.view")
    qs = ledger_visible(user)
    if year:
        qs = qs.filter(start_date__year=year)
    return qs.filter(days_late__gt=0) if late else qs


@router.post("/ledger", response={201: LedgerEntryOut}, summary="录入一项技能培训台账（E09：培训结束后录入）")
def ledger_create(request: HttpRequest, data: LedgerEntryIn) -> Status:
    user = request_user(request)
    require(user, "trainingbook.record")
    get_object_or_404(ledger_regions(user), pk=data.region_id)
    if data.department_id is not None:
        get_object_or_404(ledger_departments(user), pk=data.department_id)
    return Status(201, ledgerbook.ledger_entry_record(actor=user, data=_ledger_input(data)))


@router.post(
    "/ledger/batch",
    response={201: list[LedgerEntryOut]},
    summary="批量录入技能培训台账（全部无误才录入，否则 422 逐条列出问题）",
)
def ledger_batch(request: HttpRequest, data: LedgerBatchIn) -> Status:
    user = request_user(request)
    require(user, "trainingbook.record")
    rows = [(i, _ledger_input(e)) for i, e in enumerate(data.entries, start=1)]
    return Status(201, ledgerbook.ledger_entries_record(actor=user, rows=rows))


@router.post("/ledger/{entry_id}/withdraw", response=LedgerEntryOut, summary="撤回技能培训台账（不再计入）")
def ledger_withdraw(request: HttpRequest, entry_id: int, data: WithdrawIn) -> LedgerEntry:
    user = request_user(request)
    require(user, "trainingbook.record")
    entry = get_object_or_404(ledger_visible(user), pk=entry_id)
    return ledgerbook.ledger_entry_withdraw(actor=user, entry=entry, reason=data.reason)


# --- H06 the reporting calendar: 周调度, 月报, 季度讲评, 半年督导, 全年总结 of regions and departments ----


@router.get(
    "/periodic-reports",
    response=list[PeriodicReportOut],
    summary="定期报告（H06：地区和行业部门，按种类、年度、期次）",
)
def periodic_report_list(
    request: HttpRequest,
    kind: str | None = None,
    year: int | None = year_query(None),
    number: int | None = None,
) -> Any:
    user = request_user(request)
    require(user, "progress.view")
    qs = periodic_reports_visible(user)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if number:
        qs = qs.filter(period=number)
    return list(qs.order_by("-year", "kind", "-period", "region__path", "department_id")[:500])


@router.post(
    "/periodic-reports",
    response={201: PeriodicReportOut},
    summary="报送定期报告（H06：县（区）报送本级，行业部门报送本部门；数据报送时冻结）",
)
def periodic_report_submit(request: HttpRequest, data: PeriodicReportIn) -> Status:
    user = request_user(request)
    if not can(user.role, "report.submit_department"):
        require(user, "report.submit")
    region: Region | None = None
    department: Department | None = None
    if scope_of(user).is_department or data.department_id is not None:
        department = department_for_report(user, data.department_id)
    else:
        region = region_for_progress(user, data.region_id)
    report = services.periodic_report_submit(
        actor=user, kind=data.kind, year=data.year, number=data.number, region=region, department=department
    )
    return Status(201, report)


@router.post(
    "/periodic-reports/approve",
    response=PeriodicReportOut,
    summary="审核生成本级定期报告：下级地区须全部报送（H06）",
)
def periodic_report_approve(request: HttpRequest, data: PeriodicApproveIn) -> MonthlyReport:
    user = request_user(request)
    require(user, "report.approve")
    region = region_for_progress(user, data.region_id)
    return services.periodic_report_approve(
        actor=user, kind=data.kind, year=data.year, number=data.number, region=region
    )


@router.post(
    "/periodic-reports/{report_id}/review",
    response=PeriodicReportOut,
    summary="上一级审核或退回已报送的定期报告（H06，退回须写原因）",
)
def periodic_report_review(request: HttpRequest, report_id: int, data: PeriodicReviewIn) -> MonthlyReport:
    user = request_user(request)
    require(user, "report.approve")
    report = get_object_or_404(periodic_reports_visible(user), pk=report_id)
    return services.report_review(
        actor=user, report=report, approve=data.decision == "approve", reason=data.reason
    )


@router.get(
    "/late",
    response=list[LateReportOut],
    summary="逾期报告（H06：已过报送时限、尚未报送或尚未审核，含逾期天数）",
)
def late_reports(
    request: HttpRequest, year: int | None = year_query(None), region_id: int | None = None
) -> Any:
    user = request_user(request)
    require(user, "progress.view")
    today = timezone.localdate()
    region = region_for_progress(user, region_id)
    late = reports_late(user, year=year or today.year, today=today, region=region)
    return [
        {
            "kind": r.period.kind,
            "kind_label": r.period.kind_label,
            "year": r.period.year,
            "period": r.period.number,
            "period_name": r.period.name,
            "region_id": r.region.pk,
            "region": r.region.name,
            "department_id": r.department.pk if r.department is not None else None,
            "department": r.department.name if r.department is not None else None,
            "state": r.state,
            "state_label": r.state_label,
            "action": r.action,
            "due_on": r.due_on,
            "days_overdue": r.days_overdue,
            "report_id": r.report_id,
        }
        for r in late
    ]
