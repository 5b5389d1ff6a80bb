from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.policy.workdays import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, YearSchedule
from jineng.workcal.models import CalendarDay, CalendarYear


@transaction.atomic
def calendar_year_set(
    *,
    actor: Any,
    year: int,
    source: str,
    holidays: dict[dt.date, str],
    workdays: dict[dt.date, str],
) -> CalendarYear:
    """Enter (or replace) the holiday schedule of a year the chinese-calendar package does not cover."""
    if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
        raise Refusal(
            f"{year} 年的节假日安排已内置于系统（{PACKAGE_FIRST_YEAR}—{PACKAGE_LAST_YEAR} 年），无需录入",
            field="年份",
            value=str(year),
        )
    if not source.strip():
        raise Refusal("请填写依据（国务院办公厅通知的文号或标题）", field="依据")
    try:
        YearSchedule(year, frozenset(holidays), frozenset(workdays))
    except ValueError as exc:
        raise Refusal(str(exc), field="日期") from None
    for day in holidays:
        if day.weekday() >= 5:
            raise Refusal(
                f"{day.isoformat()} 本是周末，无需列为放假日", field="放假日期", value=day.isoformat()
            )
    for day in workdays:
        if day.weekday() < 5:
            raise Refusal(f"{day.isoformat()} 本是工作日，无需列为调休上班日", field="调休上班日期")
    existing = CalendarYear.objects.filter(year=year).first()
    before = ""
    if existing is not None:
        before = f"{existing.days.count()} 天"
        existing.days.all().delete()
        existing.source = source.strip()
        existing.save(update_fields=["source"])
        cal_year = existing
    else:
        cal_year = CalendarYear.objects.create(year=year, source=source.strip(), entered_by=actor)
    CalendarDay.objects.bulk_create(
        [CalendarDay(calendar_year=cal_year, date=d, is_workday=False, name=n) for d, n in holidays.items()]
        + [CalendarDay(calendar_year=cal_year, date=d, is_workday=True, name=n) for d, n in workdays.items()]
    )
    event_record(
        actor=actor,
        action="calendar.year_set",
        obj=cal_year,
        from_state=before,
        to_state=f"{len(holidays) + len(workdays)} 天",
        payload={
            "source": source.strip(),
            "holidays": sorted(d.isoformat() for d in holidays),
            "workdays": sorted(d.isoformat() for d in workdays),
        },
        region_path="/",
    )
    return cal_year
