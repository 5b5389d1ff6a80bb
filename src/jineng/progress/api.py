"""/api/v1/progress: the dashboard's figures, monthly reports (H06) and bulletins — same services as pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status

from jineng.accounts.models import User
from jineng.core.permissions import require
from jineng.progress import board, services
from jineng.progress.models import Bulletin, MonthlyReport
from jineng.progress.schemas import BoardOut, BulletinOut, PeriodIn, ReportOut
from jineng.progress.selectors import (
    INDICATORS,
    bulletins_visible,
    department_for_progress,
    region_for_progress,
    reports_visible,
)

router = Router()


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.get(
    "", response=BoardOut, summary="目标完成进度：全部指标、下级地区、部门、单位、按月（实绩由记录自动统计）"
)
def progress_board(
    request: HttpRequest,
    year: int | None = None,
    region_id: int | None = None,
    indicator: str = "training",
    department_id: int | None = None,
) -> Any:
    user = _user(request)
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
    }


@router.get("/reports", response=list[ReportOut], summary="月报（按地区、年度、月份）")
def report_list(request: HttpRequest, year: int | None = None, month: int | None = None) -> Any:
    user = _user(request)
    require(user, "progress.view")
    qs = reports_visible(user)
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    return list(qs[:500])


@router.post("/reports", response={201: ReportOut}, summary="报送本地区月报（H06，县级）")
def report_submit(request: HttpRequest, data: PeriodIn) -> Status:
    user = _user(request)
    require(user, "report.submit")
    region = region_for_progress(user, data.region_id)
    report = services.report_submit(actor=user, region=region, year=data.year, month=data.month)
    return Status(201, report)


@router.post("/reports/approve", response=ReportOut, summary="审核月报：下级地区须全部报送（H06）")
def report_approve(request: HttpRequest, data: PeriodIn) -> MonthlyReport:
    user = _user(request)
    require(user, "report.approve")
    region = region_for_progress(user, data.region_id)
    return services.report_approve(actor=user, region=region, year=data.year, month=data.month)


@router.get("/reports/{report_id}", response=ReportOut, summary="月报详情")
def report_detail(request: HttpRequest, report_id: int) -> MonthlyReport:
    user = _user(request)
    require(user, "progress.view")
    return get_object_or_404(reports_visible(user), pk=report_id)


@router.post("/bulletins", response={201: BulletinOut}, summary="签发月通报：下级地区按完成率排名（H06）")
def bulletin_issue(request: HttpRequest, data: PeriodIn) -> Status:
    user = _user(request)
    require(user, "report.approve")
    region = region_for_progress(user, data.region_id)
    return Status(201, services.bulletin_issue(actor=user, region=region, year=data.year, month=data.month))


@router.get("/bulletins/{bulletin_id}", response=BulletinOut, summary="通报详情")
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> Bulletin:
    user = _user(request)
    require(user, "progress.view")
    return get_object_or_404(bulletins_visible(user), pk=bulletin_id)
