"""H06 the reporting calendar: which periodic reports a profile requires, their periods, their deadlines.

A report covers one period of its kind: an ISO week (周调度, Monday–Sunday, numbered by ISO 8601 within
its ISO year), a month (月报), a quarter (季度讲评), a half year (半年督导) or the year (全年总结). Its
deadline is the profile's ``report_due_<kind>_working_days`` working days after the period's last day,
counted by the working-day calendar (``WorkCalendar.add_working_days``: the last day is not counted). A
profile that sets no deadline for a kind sets none: nothing is late then, never a guessed date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jineng.policy.profiles import REPORT_KINDS, Profile
from jineng.policy.workdays import WorkCalendar

H06 = "H06"
MONTHLY = "monthly"
KIND_ORDER: tuple[str, ...] = tuple(REPORT_KINDS)
_CN_NUMBERS = "一二三四"


def deadline_param(kind: str) -> str:
    return f"report_due_{kind}_working_days"


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    year: int
    number: int  # ISO week 1–53, month 1–12, quarter 1–4, half 1–2, year 1

    @property
    def start(self) -> dt.date:
        if self.kind == "weekly":
            return dt.date.fromisocalendar(self.year, self.number, 1)
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == "weekly":
            return dt.date.fromisocalendar(self.year, self.number, 7)
        last = self.last_month
        return dt.date(self.year + last // 12, last % 12 + 1, 1) - dt.timedelta(days=1)

    @property
    def first_month(self) -> int:
        """The first month whose figures the period's own column sums (a week: the month it ends in)."""
        span = _MONTHS.get(self.kind)
        if span is None:
            return self.last_month
        return (self.number - 1) * span + 1

    @property
    def last_month(self) -> int:
        """The month the cumulative figures run to: the period's last month (a week: the month its Sunday
        falls in, or December when the Sunday is in the next year)."""
        span = _MONTHS.get(self.kind)
        if span is None:
            sunday = dt.date.fromisocalendar(self.year, self.number, 7)
            return sunday.month if sunday.year == self.year else 12
        return self.number * span

    @property
    def kind_label(self) -> str:
        return REPORT_KINDS[self.kind]

    @property
    def name(self) -> str:
        """The period as a report's title names it: "2023年第12周", "2023年3月", "2023年第一季度" …"""
        if self.kind == "weekly":
            return f"{self.year}年第{self.number}周（{self.start:%m-%d}至{self.end:%m-%d}）"
        if self.kind == "monthly":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarterly":
            return f"{self.year}年第{_CN_NUMBERS[self.number - 1]}季度"
        if self.kind == "half_year":
            return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
        return f"{self.year}年"

    @property
    def title(self) -> str:
        return f"{self.name}{self.kind_label}"


# Months per period of the month-based kinds.
_MONTHS = {"monthly": 1, "quarterly": 3, "half_year": 6, "year": 12}


def period_count(kind: str, year: int) -> int:
    if kind == "weekly":
        return dt.date(year, 12, 28).isocalendar()[1]  # 52 or 53
    return 12 // _MONTHS[kind]


def period_of(kind: str, year: int, number: int) -> Period:
    """The period, or ValueError in Chinese naming what is wrong."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"报告种类应为{'、'.join(REPORT_KINDS.values())}之一")
    if not 2000 <= year <= 2100:
        raise ValueError("年度应在2000至2100之间")
    count = period_count(kind, year)
    if not 1 <= number <= count:
        raise ValueError(f"{REPORT_KINDS[kind]}的期次应为1至{count}")
    return Period(kind, year, number)


def periods(kind: str, year: int) -> list[Period]:
    return [Period(kind, year, n) for n in range(1, period_count(kind, year) + 1)]


def period_containing(kind: str, day: dt.date) -> Period:
    if kind == "weekly":
        iso = day.isocalendar()
        return Period(kind, iso[0], iso[1])
    return Period(kind, day.year, (day.month - 1) // _MONTHS[kind] + 1)


def required_kinds(profile: Profile) -> tuple[str, ...]:
    """H06: the kinds the profile's documents require, in calendar order (none when not set)."""
    kinds = set(profile.get("report_kinds", []))
    return tuple(k for k in KIND_ORDER if k in kinds)


def due_on(profile: Profile, period: Period, calendar: WorkCalendar) -> dt.date | None:
    """H06: the last day to submit the period's report, or None where the profile sets no deadline.
    CalendarNotCovered propagates: a deadline in a year the calendar does not hold is not guessed."""
    days = profile.get(deadline_param(period.kind))
    if days is None:
        return None
    return calendar.add_working_days(period.end, int(days))


def days_overdue(due: dt.date, today: dt.date) -> int:
    """Calendar days past the deadline (0 on or before it)."""
    return max((today - due).days, 0)
