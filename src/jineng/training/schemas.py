from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.policy.profiles import TRAINEE_GROUPS
from jineng.training import classform
from jineng.training.models import TrainingClass
from jineng.training.selectors import programme_of


# The body of POST /api/v1/classes: classform.ClassInput's fields, names, types and defaults, so that
# the API takes exactly what the page and the services do. No docstring: it would show in the OpenAPI.
class ClassIn(classform.ApiFields):
    pass


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
    catalogue_item_id: int | None = Field(None, description="补贴标准目录项目 id（F02）")
    programme: str = Field("", description="专项培训计划代码（J03）；空 = 不属于专项计划")
    programme_label: str = ""
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
    def resolve_programme_label(obj: TrainingClass, context: Any) -> str:
        programme = programme_of(obj)
        return programme.name if programme is not None else ""

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
    group: str = Field(
        "", description="人员类别代码（J03）：" + "、".join(f"{k}={v}" for k, v in TRAINEE_GROUPS.items())
    )
    place_code: str = Field("", description="常住地或求职就业地，6位行政区划代码（J01）")
    sentence_ends_on: dt.date | None = None
    trained_in_sentence: bool | None = None
    held_level: int | None = Field(
        None, ge=1, le=5, description="本职业现持有等级，5=五级/初级工 … 1=一级/高级技师"
    )


class GroupOut(Schema):
    code: str
    label: str


class ProgrammeOut(Schema):
    """One special programme (专项培训计划) of a profile (J03)."""

    code: str
    name: str
    profile: str
    jurisdiction: str
    clause: str
    lead: str
    groups: list[GroupOut] = Field(description="面向的人员类别；空 = 不限")


class ConfirmedOut(Schema):
    confirmed: int


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
