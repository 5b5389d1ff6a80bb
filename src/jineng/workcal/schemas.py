from __future__ import annotations

import datetime as dt

from ninja import Schema


class WorkdayResult(Schema):
    start: dt.date
    days: int
    result: dt.date
    convention: str


class CountResult(Schema):
    start: dt.date
    end: dt.date
    working_days: int
    convention: str


class CoverageOut(Schema):
    package_years: list[int]
    entered_years: list[int]
