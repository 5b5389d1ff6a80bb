from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.training.models import TrainingClass


class ClassIn(Schema):
    region_id: int
    department_id: int
    contact_name: str
    contact_phone: str
    bank_name: str
    bank_account: str
    batch: str
    start_date: dt.date
    end_date: dt.date
    occupation_code: str = Field(description="2022 年版职业分类大典编码，如 6-31-01-03")
    trade_name: str = ""
    level: int | None = Field(None, description="5=五级/初级工 … 1=一级/高级技师")
    target_certificate: str
    planned_trainees: int
    total_hours: int
    theory_hours: int
    practical_hours: int
    minutes_per_hour: int
    mode: str
    delivery: str = "offline"
    online_hours: int = 0
    offline_practical_hours: int = 0
    funding_type: str
    workstations: int
    venue: str
    teacher_ids: list[int]
    enterprise_id: int | None = None
    online_platform_id: int | None = None
    cross_city_approved: bool = False


class ClassOut(Schema):
    id: int
    ref: str
    state: str
    state_label: str
    institution: str
    region: str
    department: str
    occupation_code: str
    occupation: str
    level: int | None
    start_date: dt.date
    end_date: dt.date
    planned_trainees: int
    profile: str
    review_round: int
    review_due: dt.date | None
    return_comment: str

    @staticmethod
    def resolve_state_label(obj: TrainingClass, context: Any) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_institution(obj: TrainingClass, context: Any) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_region(obj: TrainingClass, context: Any) -> str:
        return obj.region.name

    @staticmethod
    def resolve_department(obj: TrainingClass, context: Any) -> str:
        return obj.department.name

    @staticmethod
    def resolve_occupation_code(obj: TrainingClass, context: Any) -> str:
        return obj.occupation.code

    @staticmethod
    def resolve_occupation(obj: TrainingClass, context: Any) -> str:
        return obj.occupation.name

    @staticmethod
    def resolve_profile(obj: TrainingClass, context: Any) -> str:
        return f"{obj.profile_code} v{obj.profile_version}" if obj.profile_code else ""


class RosterRowIn(Schema):
    """One 花名册 row; 是/否 columns as booleans, dates as ISO dates."""

    name: str
    id_number: str
    phone: str = ""
    employer: str = ""
    is_employee: bool = False
    post_occupation: str = ""
    is_transfer: bool = False
    previous_post_occupation: str = ""
    hired_on: dt.date | None = None
    is_student: bool = False
    school: str = ""
    major_occupation: str = ""
    is_graduating_year: bool = False
    wants_training: bool | None = None
    wants_work: bool | None = None
    able_to_work: bool | None = None


class RosterIn(Schema):
    rows: list[RosterRowIn] = Field(max_length=20_000)


class ProblemOut(Schema):
    row: int | None
    field: str
    value: str
    rule: str
    clause: str
    message: str


class RosterJobOut(Schema):
    id: int
    class_id: int = Field(alias="training_class_id")
    status: str
    rows_total: int
    rows_done: int
    bad_rows: int
    message: str
    problems: list[ProblemOut] = Field(alias="report")


class ReviewIn(Schema):
    decision: str = Field(description="pass（通过）或 return（退回修改）")
    comment: str = ""


class ReasonIn(Schema):
    reason: str = ""
