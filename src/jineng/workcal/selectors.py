from __future__ import annotations

from jineng.policy.workdays import WorkCalendar, YearSchedule
from jineng.workcal.models import CalendarDay, CalendarYear


def work_calendar() -> WorkCalendar:
    """The package's years plus every admin-entered year, in two queries."""
    days_by_year: dict[int, tuple[set, set]] = {y.year: (set(), set()) for y in CalendarYear.objects.all()}
    for day in CalendarDay.objects.select_related("calendar_year").only(
        "date", "is_workday", "calendar_year__year"
    ):
        holidays, workdays = days_by_year[day.calendar_year.year]
        (workdays if day.is_workday else holidays).add(day.date)
    return WorkCalendar(
        {year: YearSchedule(year, frozenset(h), frozenset(w)) for year, (h, w) in days_by_year.items()}
    )
