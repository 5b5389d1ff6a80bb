from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class SupervisedClassOut(Schema):
    id: int
    ref: str
    state: str
    institution: str
    region: str
    start_date: dt.date
    end_date: dt.date

    @staticmethod
    def resolve_institution(obj: object) -> str:
        return obj.institution.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_region(obj: object) -> str:
        return obj.region.name  # type: ignore[attr-defined]


class SupervisionSummaryOut(Schema):
    class_id: int
    state: str
    opening_headcount: int | None = None
    trained_headcount: int | None = None
    inspections: int
    subsidy_forfeited: bool = False
    satisfaction_share: Decimal | None = None
    satisfaction_effect: str = ""
    assessment_suspended: bool = False


class OpenIn(Schema):
    present: int = Field(ge=0)
    signed_in: int = Field(ge=0)
    materials_kept: bool
    note: str = ""


class InspectionIn(Schema):
    at: dt.datetime
    place: str
    teachers_present: str
    trainees_present: int = Field(ge=0)
    remote: bool = False
    media_refs: str = ""
    note: str = ""


class InspectionOut(Schema):
    id: int
    at: dt.datetime
    place: str
    teachers_present: str
    trainees_present: int
    remote: bool


class CheckInIn(Schema):
    id_number: str = Field(max_length=32)
    at: dt.datetime
    matched: bool
    device: str = Field(max_length=64)


class CheckInReportOut(Schema):
    received: int
    stored: int
    duplicates: int
    refused: list[dict[str, object]]


class LeaveIn(Schema):
    enrolment_id: int
    lesson_date: dt.date
    reason: str
    written: bool = True


class MakeUpIn(Schema):
    made_up_on: dt.date
    video_ref: str


class LeaveOut(Schema):
    id: int
    enrolment_id: int
    lesson_date: dt.date
    made_up_on: dt.date | None


class VideoIn(Schema):
    lesson_date: dt.date
    kind: str
    hours: int = Field(ge=1)
    filmed_minutes: int = Field(ge=0)
    continuous_minutes_per_hour: list[int] = []
    not_all_visible: int = Field(default=0, ge=0)
    video_ref: str


class VideoOut(Schema):
    id: int
    lesson_date: dt.date
    kind: str
    retain_until: dt.date | None


class SatisfactionIn(Schema):
    surveyed: int = Field(ge=0)
    satisfied: int = Field(ge=0)
