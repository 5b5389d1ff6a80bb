from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.assessment.models import Assessment, Result
from jineng.people.selectors import id_number_for


class ApplyIn(Schema):
    body_id: int
    certificate_kind: str
    level: int | None = None
    assessment_date: dt.date
    offline: bool = True
    exam_set_by: str = ""
    venue: str = ""


class AssessmentOut(Schema):
    id: int
    class_id: int
    class_ref: str
    body_id: int
    body: str
    certificate_kind: str
    level: int | None
    assessment_date: dt.date
    applied_on: dt.date
    state: str

    @staticmethod
    def resolve_class_id(obj: Assessment) -> int:
        return obj.training_class_id

    @staticmethod
    def resolve_class_ref(obj: Assessment) -> str:
        return obj.training_class.ref

    @staticmethod
    def resolve_body(obj: Assessment) -> str:
        return obj.body.name


class ResultIn(Schema):
    id_number: str = Field(
        max_length=32, description="身份证号：完整号码；或与 key 一起给出模板中的脱敏号码，或留空"
    )
    passed: bool
    certificate_kind: str = ""
    level: int | None = None
    certificate_number: str = ""
    issued_on: dt.date | None = None
    issuer: str = ""
    key: int | None = Field(None, ge=1, description="考号（结果模板中的花名册行号）")


class ResultsOut(Schema):
    entered: int
    assessment_state: str
    class_state: str


class CertificateOut(Schema):
    name: str
    id_number: str
    class_ref: str
    occupation: str
    certificate_kind: str
    level: int | None
    certificate_number: str
    issued_on: dt.date | None
    issuer: str

    @staticmethod
    def resolve_name(obj: Result) -> str:
        return obj.enrolment.person.name

    @staticmethod
    def resolve_id_number(obj: Result, context: Any) -> str:
        return id_number_for(context["request"].user, obj.enrolment.person)

    @staticmethod
    def resolve_class_ref(obj: Result) -> str:
        return obj.assessment.training_class.ref

    @staticmethod
    def resolve_occupation(obj: Result) -> str:
        return obj.assessment.training_class.occupation.name


class ArrangementIn(Schema):
    body_id: int
    basis: str = Field(
        description="no_local_body（本地无备案评价机构）或 small_group（考核人数较少，统筹集中）"
    )
    reason: str = Field(min_length=1, max_length=300)


class ArrangementOut(Schema):
    id: int
    class_id: int
    class_ref: str
    body_id: int
    body: str
    basis: str
    basis_label: str
    reason: str
    decided_by: str
    decided_at: dt.datetime

    @staticmethod
    def resolve_class_id(obj: Any) -> int:
        return int(obj.training_class_id)

    @staticmethod
    def resolve_class_ref(obj: Any) -> str:
        return str(obj.training_class.ref)

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return str(obj.body.name)

    @staticmethod
    def resolve_basis_label(obj: Any) -> str:
        return str(obj.get_basis_display())

    @staticmethod
    def resolve_decided_by(obj: Any) -> str:
        return str(obj.decided_by.label)
