"""Entering a year's holiday schedule beyond the package (2027+) and counting on it."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import Event
from jineng.core.errors import Refusal
from jineng.policy.workdays import CalendarNotCovered
from jineng.workcal.models import CalendarDay, CalendarYear
from jineng.workcal.selectors import work_calendar
from jineng.workcal.services import calendar_year_set

D = dt.date
SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"

pytestmark = pytest.mark.django_db


def _set_2027(**overrides: object) -> CalendarYear:
    kwargs: dict[str, object] = {
        "actor": None,
        "year": 2027,
        "source": SOURCE,
        "holidays": {D(2027, 1, 1): "元旦"},  # a Friday
        "workdays": {D(2027, 2, 7): "春节调休"},  # a Sunday
    }
    kwargs.update(overrides)
    return calendar_year_set(**kwargs)  # type: ignore[arg-type]


def test_a_year_the_package_covers_is_refused() -> None:
    with pytest.raises(Refusal) as excinfo:
        calendar_year_set(actor=None, year=2026, source=SOURCE, holidays={}, workdays={})
    assert excinfo.value.field == "年份"
    assert excinfo.value.value == "2026"
    assert excinfo.value.message == "2026 年的节假日安排已内置于系统（2004—2026 年），无需录入"
    assert CalendarYear.objects.count() == 0
    assert Event.objects.count() == 0


def test_2027_is_stored_and_the_calendar_answers_for_it() -> None:
    # Given no calendar for 2027
    with pytest.raises(CalendarNotCovered, match="2027"):
        work_calendar().is_working_day(D(2027, 1, 1))
    # When the schedule is entered
    year = _set_2027()
    # Then the days are stored
    assert year.year == 2027
    assert year.source == SOURCE
    assert {(d.date, d.is_workday, d.name) for d in year.days.all()} == {
        (D(2027, 1, 1), False, "元旦"),
        (D(2027, 2, 7), True, "春节调休"),
    }
    # And the selector's calendar follows them
    cal = work_calendar()
    assert cal.covers(2027) and not cal.covers(2028)
    assert cal.is_working_day(D(2027, 1, 1)) is False
    assert cal.is_working_day(D(2027, 2, 7)) is True
    assert cal.is_working_day(D(2027, 1, 4)) is True
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.span_end(D(2027, 2, 5), 2) == D(2027, 2, 7)
    assert cal.count_working_days(D(2027, 2, 1), D(2027, 2, 7)) == 6
    assert cal.next_uncovered_year(2026) == 2028


def test_an_entered_year_with_no_days_is_covered() -> None:
    calendar_year_set(actor=None, year=2028, source="国办通知", holidays={}, workdays={})
    cal = work_calendar()
    assert cal.covers(2028)
    assert cal.is_working_day(D(2028, 1, 3)) is True  # Monday
    assert cal.is_working_day(D(2028, 1, 1)) is False  # Saturday


def test_entering_a_year_again_replaces_its_days() -> None:
    first = _set_2027()
    since = Event.objects.order_by("-id").first().pk  # type: ignore[union-attr]
    second = _set_2027(
        source="国办发明电（更正）",
        holidays={D(2027, 10, 1): "国庆节", D(2027, 10, 4): "国庆节"},
        workdays={D(2027, 9, 26): "国庆调休"},
    )
    assert second.pk == first.pk
    assert CalendarYear.objects.count() == 1
    assert second.source == "国办发明电（更正）"
    assert sorted(CalendarDay.objects.values_list("date", flat=True)) == [
        D(2027, 9, 26),
        D(2027, 10, 1),
        D(2027, 10, 4),
    ]
    [event] = Event.objects.filter(pk__gt=since)
    assert (event.from_state, event.to_state) == ("2 天", "3 天")
    cal = work_calendar()
    assert cal.is_working_day(D(2027, 1, 1)) is True  # no longer a holiday
    assert cal.is_working_day(D(2027, 9, 26)) is True


def test_a_weekend_holiday_is_refused() -> None:
    with pytest.raises(Refusal) as excinfo:
        _set_2027(holidays={D(2027, 1, 2): "元旦"})  # a Saturday
    assert excinfo.value.message == "2027-01-02 本是周末，无需列为放假日"
    assert excinfo.value.field == "放假日期"
    assert CalendarYear.objects.count() == 0


def test_a_weekday_workday_is_refused() -> None:
    with pytest.raises(Refusal) as excinfo:
        _set_2027(workdays={D(2027, 2, 8): "调休"})  # a Monday
    assert excinfo.value.message == "2027-02-08 本是工作日，无需列为调休上班日"
    assert CalendarYear.objects.count() == 0


def test_a_day_of_another_year_is_refused() -> None:
    with pytest.raises(Refusal) as excinfo:
        _set_2027(holidays={D(2028, 1, 3): "元旦"})
    assert excinfo.value.message == "2028-01-03 不属于 2027 年"
    assert excinfo.value.field == "日期"


def test_a_day_both_off_and_worked_is_refused() -> None:
    with pytest.raises(Refusal, match="不能既是节假日又是调休工作日"):
        _set_2027(holidays={D(2027, 2, 7): "x"}, workdays={D(2027, 2, 7): "y"})


def test_an_empty_source_is_refused() -> None:
    with pytest.raises(Refusal) as excinfo:
        _set_2027(source="   ")
    assert excinfo.value.field == "依据"
    assert CalendarYear.objects.count() == 0
    assert Event.objects.count() == 0


def test_a_refused_replacement_keeps_the_old_days() -> None:
    _set_2027()
    with pytest.raises(Refusal):
        _set_2027(holidays={D(2027, 1, 2): "元旦"})
    assert CalendarDay.objects.count() == 2
    assert work_calendar().is_working_day(D(2027, 1, 1)) is False
