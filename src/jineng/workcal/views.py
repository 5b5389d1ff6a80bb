from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jineng.accounts.requests import request_user
from jineng.core.errors import Refusal
from jineng.core.feedback import refused
from jineng.core.permissions import require
from jineng.core.roles import Role
from jineng.policy.workdays import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, CalendarNotCovered
from jineng.workcal.models import CalendarYear
from jineng.workcal.selectors import work_calendar
from jineng.workcal.services import calendar_year_set


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
            "is_admin": request_user(request).role == Role.HR_ADMIN,
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


class YearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    source = forms.CharField(label="依据（国务院办公厅通知）", max_length=200)
    holidays = forms.CharField(
        label="放假的工作日（每行一个：日期 节日名）",
        widget=forms.Textarea(attrs={"rows": 10, "cols": 40}),
        required=False,
    )
    workdays = forms.CharField(
        label="调休上班的周末（每行一个：日期 节日名）",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        required=False,
    )


def _parse_days(field: str, text: str) -> dict[dt.date, str]:
    days: dict[dt.date, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        raw_date, _, name = line.strip().partition(" ")
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            raise Refusal(f"第{number}行“{raw_date}”不是 YYYY-MM-DD 格式的日期", field=field) from None
        days[day] = name.strip()
    return days


@login_required
def year_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "calendar.edit")
    form = YearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cal_year = calendar_year_set(
                actor=request.user,
                year=data["year"],
                source=data["source"],
                holidays=_parse_days("放假日期", data["holidays"]),
                workdays=_parse_days("调休上班日期", data["workdays"]),
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已录入 {cal_year.year} 年节假日安排")
            return redirect("workcal:index")
    return render(request, "workcal/year_new.html", {"form": form})
