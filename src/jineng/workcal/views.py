from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jineng.accounts.roles import Role
from jineng.core.permissions import require
from jineng.policy.workdays import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, CalendarNotCovered
from jineng.workcal.models import CalendarYear
from jineng.workcal.selectors import work_calendar


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "calendar.view")
    today = timezone.localdate()
    calendar = work_calendar()
    # The next 30 days, so an official sees at a glance which days count.
    upcoming = []
    for offset in range(30):
        day = today + dt.timedelta(days=offset)
        try:
            upcoming.append(
                {"day": day, "work": calendar.is_working_day(day), "name": calendar.holiday_name(day)}
            )
        except CalendarNotCovered:
            upcoming.append({"day": day, "work": None, "name": None})
    return render(
        request,
        "workcal/index.html",
        {
            "today": today,
            "first": PACKAGE_FIRST_YEAR,
            "last": PACKAGE_LAST_YEAR,
            "entered": CalendarYear.objects.all(),
            "next_uncovered": calendar.next_uncovered_year(today.year),
            "upcoming": upcoming,
            "is_admin": request.user.role == Role.HR_ADMIN,  # type: ignore[union-attr]
        },
    )


@login_required
def compute(request: HttpRequest) -> HttpResponse:
    """The calculator's answer, as a fragment for htmx (or a whole page without it)."""
    require(request.user, "calendar.view")
    context: dict[str, object] = {}
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
        days = int(request.GET.get("days", ""))
        if not 1 <= days <= 366:
            raise ValueError
    except ValueError:
        context["error"] = "请输入正确的起始日期和 1—366 之间的工作日数"
    else:
        calendar = work_calendar()
        try:
            context.update(
                start=start,
                days=days,
                deadline=calendar.add_working_days(start, days),
                span_end=calendar.span_end(start, days),
            )
        except CalendarNotCovered as exc:
            context["error"] = str(exc)
    template = "workcal/_result.html" if request.headers.get("HX-Request") else "workcal/result_page.html"
    return render(request, template, context)
