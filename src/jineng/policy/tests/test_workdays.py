"""The working-day calendar that policy deadlines (F07, F08, F10, E01, E09) are counted on."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jineng.policy.workdays import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    CalendarNotCovered,
    WorkCalendar,
    YearSchedule,
)

D = dt.date
HYP = settings(database=None, deadline=None, max_examples=200)

# 2027, as an admin would enter it: New Year's Day (a Friday) off, Sunday 7 February worked.
Y2027 = YearSchedule(2027, holidays=frozenset({D(2027, 1, 1)}), workdays=frozenset({D(2027, 2, 7)}))


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_package_covers_2004_to_2026() -> None:
    assert (PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR) == (2004, 2026)


def test_national_day_2026_and_its_adjusted_working_saturday(cal: WorkCalendar) -> None:
    # The National Day holiday is 1–7 October 2026; Saturday 10 October is worked.
    for day in range(1, 8):
        assert cal.is_working_day(D(2026, 10, day)) is False
    assert cal.is_working_day(D(2026, 10, 10)) is True  # Saturday, worked in lieu
    assert D(2026, 10, 10).weekday() == 5
    assert cal.is_working_day(D(2026, 10, 11)) is False  # an ordinary Sunday
    assert cal.is_working_day(D(2026, 9, 30)) is True


def test_holiday_name_is_chinese(cal: WorkCalendar) -> None:
    assert cal.holiday_name(D(2026, 10, 1)) == "国庆节"
    assert cal.holiday_name(D(2026, 10, 10)) == "国庆节"  # the weekend worked in lieu of it
    assert cal.holiday_name(D(2026, 10, 12)) is None
    assert WorkCalendar({2027: Y2027}).holiday_name(D(2027, 1, 1)) is None


def test_f07_add_working_days_across_national_day(cal: WorkCalendar) -> None:
    # Given a claim received on Monday 28 September 2026 / When 5 working days are counted
    # Then the start day is not counted and the deadline is Saturday 10 October (an adjusted working day):
    # 09-29, 09-30, 10-08, 10-09, 10-10
    assert cal.add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 10)
    assert cal.add_working_days(D(2026, 9, 28), 1) == D(2026, 9, 29)
    assert cal.add_working_days(D(2026, 9, 28), 3) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 9, 28), 6) == D(2026, 10, 12)


def test_f07_add_working_days_from_a_holiday(cal: WorkCalendar) -> None:
    assert cal.add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)


def test_f08_span_end_counts_the_first_day_when_it_is_a_working_day(cal: WorkCalendar) -> None:
    # A 3-working-day public notice beginning on Monday 28 September ends on Wednesday 30 September
    assert cal.span_end(D(2026, 9, 28), 3) == D(2026, 9, 30)
    # One beginning on Wednesday 30 September: 09-30, 10-08, 10-09
    assert cal.span_end(D(2026, 9, 30), 3) == D(2026, 10, 9)
    # XC23's 5 working days from 30 September: 09-30, 10-08, 10-09, 10-10, 10-12
    assert cal.span_end(D(2026, 9, 30), 5) == D(2026, 10, 12)
    assert cal.span_end(D(2026, 9, 28), 1) == D(2026, 9, 28)


def test_f08_span_end_from_a_holiday_starts_on_the_next_working_day(cal: WorkCalendar) -> None:
    assert cal.span_end(D(2026, 10, 1), 1) == D(2026, 10, 8)
    assert cal.span_end(D(2026, 10, 1), 3) == D(2026, 10, 10)


def test_count_working_days_is_a_closed_range(cal: WorkCalendar) -> None:
    # 10-08, 10-09, 10-10
    assert cal.count_working_days(D(2026, 10, 1), D(2026, 10, 11)) == 3
    assert cal.count_working_days(D(2026, 9, 28), D(2026, 9, 28)) == 1
    assert cal.count_working_days(D(2026, 10, 1), D(2026, 10, 1)) == 0
    assert cal.count_working_days(D(2026, 10, 11), D(2026, 10, 1)) == 0  # end before start


@pytest.mark.parametrize("n", [0, -1])
def test_non_positive_day_counts_refused(cal: WorkCalendar, n: int) -> None:
    with pytest.raises(ValueError, match="工作日数应为正整数"):
        cal.add_working_days(D(2026, 9, 28), n)
    with pytest.raises(ValueError, match="工作日数应为正整数"):
        cal.span_end(D(2026, 9, 28), n)


def test_a_year_nobody_entered_is_refused_not_guessed(cal: WorkCalendar) -> None:
    # Given the package's calendar only (up to 2026)
    # When a date in 2027 is asked about / Then CalendarNotCovered names the year
    with pytest.raises(CalendarNotCovered) as excinfo:
        cal.is_working_day(D(2027, 3, 1))
    assert "2027" in str(excinfo.value)
    assert excinfo.value.year == 2027
    assert excinfo.value.day == D(2027, 3, 1)
    assert isinstance(excinfo.value, LookupError)


def test_a_deadline_running_into_an_uncovered_year_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarNotCovered, match="2027"):
        cal.add_working_days(D(2026, 12, 30), 3)
    with pytest.raises(CalendarNotCovered, match="2027"):
        cal.span_end(D(2026, 12, 31), 2)
    with pytest.raises(CalendarNotCovered, match="2027"):
        cal.count_working_days(D(2026, 12, 31), D(2027, 1, 4))
    with pytest.raises(CalendarNotCovered, match="2003"):
        cal.is_working_day(D(2003, 6, 2))


def test_an_entered_year_is_used() -> None:
    # Given 2027 entered with 1 January (Friday) off and 7 February (Sunday) worked
    cal = WorkCalendar({2027: Y2027})
    assert D(2027, 1, 1).weekday() == 4 and D(2027, 2, 7).weekday() == 6
    # Then those two days follow the schedule and the other days follow the week
    assert cal.is_working_day(D(2027, 1, 1)) is False
    assert cal.is_working_day(D(2027, 2, 7)) is True
    assert cal.is_working_day(D(2027, 1, 4)) is True  # Monday
    assert cal.is_working_day(D(2027, 2, 6)) is False  # Saturday
    # And counting crosses from the package's 2026 into the entered 2027
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.span_end(D(2027, 2, 5), 2) == D(2027, 2, 7)
    assert cal.count_working_days(D(2027, 2, 1), D(2027, 2, 7)) == 6
    assert cal.count_working_days(D(2026, 12, 31), D(2027, 1, 4)) == 2
    # But 2028 is still unknown
    with pytest.raises(CalendarNotCovered, match="2028"):
        cal.is_working_day(D(2028, 1, 3))


def test_covered_years_and_next_uncovered_year() -> None:
    cal = WorkCalendar({2027: Y2027})
    assert cal.covers(2004) and cal.covers(2026) and cal.covers(2027)
    assert not cal.covers(2003) and not cal.covers(2028)
    assert cal.covered_years() == list(range(2004, 2028))
    assert cal.next_uncovered_year(2025) == 2028
    assert WorkCalendar().next_uncovered_year(2025) == 2027
    assert WorkCalendar().next_uncovered_year(2030) == 2030


@pytest.mark.parametrize("year", [2004, 2020, 2026])
def test_entering_a_year_the_package_covers_is_refused(year: int) -> None:
    with pytest.raises(ValueError, match=f"{year} 年已由 chinese-calendar 收录"):
        WorkCalendar({year: YearSchedule(year)})


def test_year_schedule_refuses_a_day_of_another_year() -> None:
    with pytest.raises(ValueError, match="2028-01-03 不属于 2027 年"):
        YearSchedule(2027, holidays=frozenset({D(2028, 1, 3)}))


def test_year_schedule_refuses_a_day_both_off_and_worked() -> None:
    with pytest.raises(ValueError, match="2027-10-01 不能既是节假日又是调休工作日"):
        YearSchedule(2027, holidays=frozenset({D(2027, 10, 1)}), workdays=frozenset({D(2027, 10, 1)}))


# --- properties ------------------------------------------------------------------------------------

# Dates whose 40-working-day horizon stays inside the package's years.
dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 10, 31))
counts = st.integers(min_value=1, max_value=40)


@HYP
@given(start=dates, n=counts)
def test_add_working_days_skips_the_start_and_counts_n(start: dt.date, n: int) -> None:
    cal = WorkCalendar()
    end = cal.add_working_days(start, n)
    assert end > start
    assert cal.is_working_day(end)
    assert cal.count_working_days(start + dt.timedelta(days=1), end) == n


@HYP
@given(first=dates, n=counts)
def test_span_end_lasts_exactly_n_working_days(first: dt.date, n: int) -> None:
    cal = WorkCalendar()
    end = cal.span_end(first, n)
    assert end >= first
    assert cal.is_working_day(end)
    assert cal.count_working_days(first, end) == n
    # and the span is the shortest one: a day earlier it would be one working day short
    assert cal.count_working_days(first, end - dt.timedelta(days=1)) == n - 1


@HYP
@given(start=dates, n=counts)
def test_add_working_days_is_span_end_from_the_next_day(start: dt.date, n: int) -> None:
    cal = WorkCalendar()
    assert cal.add_working_days(start, n) == cal.span_end(start + dt.timedelta(days=1), n)


@HYP
@given(
    start=st.dates(min_value=D(2027, 1, 1), max_value=D(2027, 10, 31)),
    n=counts,
)
def test_properties_hold_in_an_entered_year(start: dt.date, n: int) -> None:
    cal = WorkCalendar({2027: Y2027})
    end = cal.add_working_days(start, n)
    assert cal.is_working_day(end)
    assert cal.count_working_days(start + dt.timedelta(days=1), end) == n
    assert cal.count_working_days(start, cal.span_end(start, n)) == n
