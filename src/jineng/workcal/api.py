import datetime as dt

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from jineng.core.permissions import require
from jineng.policy.workdays import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, CalendarNotCovered
from jineng.workcal.models import CalendarYear
from jineng.workcal.schemas import CountResult, CoverageOut, WorkdayResult
from jineng.workcal.selectors import work_calendar

router = Router()

ADD_CONVENTION = "起始日不计，结果为其后第 N 个工作日（期限“自…之日起 N 个工作日内”）"
SPAN_CONVENTION = "起始日为工作日则计入，结果为持续 N 个工作日的最后一天（如公示期）"
COUNT_CONVENTION = "闭区间 [start, end] 内的工作日数"


def _check_days(days: int) -> None:
    if not 1 <= days <= 366:
        raise HttpError(422, "工作日数应在 1 到 366 之间")


@router.get("/add-working-days", response=WorkdayResult, summary="期限：start 之后第 N 个工作日")
def add_working_days(request: HttpRequest, start: dt.date, days: int) -> WorkdayResult:
    require(request.user, "calendar.view")
    _check_days(days)
    try:
        result = work_calendar().add_working_days(start, days)
    except CalendarNotCovered as exc:
        raise HttpError(422, str(exc)) from None
    return WorkdayResult(start=start, days=days, result=result, convention=ADD_CONVENTION)


@router.get("/span-end", response=WorkdayResult, summary="持续 N 个工作日的期间的最后一天")
def span_end(request: HttpRequest, start: dt.date, days: int) -> WorkdayResult:
    require(request.user, "calendar.view")
    _check_days(days)
    try:
        result = work_calendar().span_end(start, days)
    except CalendarNotCovered as exc:
        raise HttpError(422, str(exc)) from None
    return WorkdayResult(start=start, days=days, result=result, convention=SPAN_CONVENTION)


@router.get("/count", response=CountResult, summary="闭区间内的工作日数")
def count(request: HttpRequest, start: dt.date, end: dt.date) -> CountResult:
    require(request.user, "calendar.view")
    if (end - start).days > 3660:
        raise HttpError(422, "区间不得超过十年")
    try:
        total = work_calendar().count_working_days(start, end)
    except CalendarNotCovered as exc:
        raise HttpError(422, str(exc)) from None
    return CountResult(start=start, end=end, working_days=total, convention=COUNT_CONVENTION)


@router.get("/coverage", response=CoverageOut, summary="已收录节假日安排的年份")
def coverage(request: HttpRequest) -> CoverageOut:
    require(request.user, "calendar.view")
    return CoverageOut(
        package_years=list(range(PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR + 1)),
        entered_years=list(CalendarYear.objects.values_list("year", flat=True)),
    )
