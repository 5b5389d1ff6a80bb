"""China's working-day calendar: statutory holidays and adjusted working weekends.

Years 2004–2026 come from the ``chinese-calendar`` package. A later year is known only once an admin
has entered the State Council's schedule for it (a :class:`YearSchedule`); asking about a date in a
year nobody has covered raises :class:`CalendarNotCovered`: a deadline is never guessed.

Counting conventions (written down because policy deadlines depend on them):

* ``add_working_days(start, n)`` — a deadline "within n working days from start" (e.g. F07 review
  "自受理之日起15个工作日内"). As for any period counted in days (民法典 第二百零一条), the start day is
  not counted: the result is the n-th working day after ``start``.
* ``span_end(first_day, n)`` — the last day of a period that lasts n working days and begins on
  ``first_day`` (e.g. F08 public notice "不少于5个工作日"): ``first_day`` counts if it is a working day.
* ``count_working_days(start, end)`` — working days in the closed range [start, end].

So ``count_working_days(d + 1 day, add_working_days(d, n)) == n`` and
``count_working_days(f, span_end(f, n)) == n`` (property-tested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import chinese_calendar
from chinese_calendar import constants as _cc_constants

# The years the package's own tables cover, read from the package rather than typed here.
PACKAGE_FIRST_YEAR: int = min(_cc_constants.holidays).year
PACKAGE_LAST_YEAR: int = max(_cc_constants.holidays).year
_HOLIDAY_CHINESE: dict[str, str] = {h.value: h.chinese for h in _cc_constants.Holiday}


class CalendarNotCovered(LookupError):
    def __init__(self, day: dt.date) -> None:
        self.day = day
        self.year = day.year
        super().__init__(
            f"工作日历未收录 {day.year} 年的法定节假日安排（{day.isoformat()}）：请管理员在“工作日历”中"
            f"录入国务院办公厅公布的 {day.year} 年安排后再计算，系统不做推测"
        )


@dataclass(frozen=True)
class YearSchedule:
    """An admin-entered year: weekdays off (holidays) and weekend days worked (调休上班)."""

    year: int
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for day in self.holidays | self.workdays:
            if day.year != self.year:
                raise ValueError(f"{day.isoformat()} 不属于 {self.year} 年")
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"{min(both).isoformat()} 不能既是节假日又是调休工作日")


class WorkCalendar:
    def __init__(self, extra_years: Mapping[int, YearSchedule] | None = None) -> None:
        self._extra = dict(extra_years or {})
        for year in self._extra:
            if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
                raise ValueError(f"{year} 年已由 chinese-calendar 收录，不能再手工录入")

    def covers(self, year: int) -> bool:
        return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR or year in self._extra

    def covered_years(self) -> list[int]:
        return sorted(set(range(PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR + 1)) | set(self._extra))

    def is_working_day(self, day: dt.date) -> bool:
        if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
            return bool(chinese_calendar.is_workday(day))
        schedule = self._extra.get(day.year)
        if schedule is None:
            raise CalendarNotCovered(day)
        if day in schedule.workdays:
            return True
        if day in schedule.holidays:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str | None:
        """The holiday's Chinese name ("国庆节"), also on a weekend worked in lieu of it."""
        if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            # The package answers with the English enum value ("National Day"); the pages are Chinese.
            return _HOLIDAY_CHINESE.get(name, str(name)) if name else None
        return None

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        if n < 1:
            raise ValueError("工作日数应为正整数")
        day = start
        remaining = n
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def span_end(self, first_day: dt.date, n: int) -> dt.date:
        if n < 1:
            raise ValueError("工作日数应为正整数")
        day = first_day
        remaining = n - 1 if self.is_working_day(first_day) else n
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def count_working_days(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return 0
        total = 0
        day = start
        while day <= end:
            total += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return total

    def next_uncovered_year(self, after: int) -> int:
        year = after
        while self.covers(year):
            year += 1
        return year
