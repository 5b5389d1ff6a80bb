"""Bounded integer parameters shared by the API and the pages.

A year reaches the database as a date range (``issued_at__year=…`` becomes ``date(year, 1, 1)``), so
year 0, a negative year or year 99999 was a ValueError and a 500; a month outside 1–12 likewise.
The bounds are those of the programme's data: every year the platform can hold a plan, a profile or a
voucher for, with room on both sides."""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Interval
from ninja import Query

YEAR_MIN = 2000
YEAR_MAX = 2100

# For input schemas: out of range is a 422 naming the parameter, and the OpenAPI
# document carries the bounds, so a generated client never sends one.
Year = Annotated[int, Interval(ge=YEAR_MIN, le=YEAR_MAX)]
Month = Annotated[int, Interval(ge=1, le=12)]


# For a view's own parameters: `year: int | None = year_query(None)`. A type alias in the annotation is
# not enough there: @paginate's wrapper resolves the annotations in ninja's module, where it is unknown.
def year_query(default: Any = ...) -> Any:
    return Query(default, ge=YEAR_MIN, le=YEAR_MAX, description="年度")


def month_query(default: Any = ...) -> Any:
    return Query(default, ge=1, le=12, description="月份 1–12")


def year_or_none(raw: str | None) -> int | None:
    """A page's ``?year=`` filter: a year within the bounds, or None (no filter) for anything else."""
    try:
        year = int(raw or "")
    except ValueError:
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None
