from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class PeriodIn(Schema):
    region_id: int = Field(description="地区")
    year: int = Field(description="年度")
    month: int = Field(description="月份 1–12")


class LineOut(Schema):
    key: int
    name: str
    target: int | None
    actual: int
    rate: Decimal | None
    rank: int | None
    behind: bool
    months: list[int]


class SummaryOut(Schema):
    indicator: str
    label: str
    target: int | None
    actual: int | None = Field(description="null：本平台无对应记录可统计")
    rate: Decimal | None
    behind: bool


class BoardOut(Schema):
    year: int
    region_id: int
    region: str
    indicator: str
    elapsed: Decimal = Field(description="时间进度（按天计）")
    summary: list[SummaryOut]
    regions: list[LineOut]
    departments: list[LineOut]
    units: list[LineOut]
    trend: list[int]


class ReportOut(Schema):
    id: int
    region_id: int
    region: str = Field(alias="region.name")
    year: int
    month: int
    state: str
    figures: dict[str, dict[str, int | None]]
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None


class BulletinOut(Schema):
    id: int
    region_id: int
    year: int
    month: int
    title: str
    elapsed: str
    ranking: list[dict[str, object]]
    issued_at: dt.datetime
