from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class ApprenticeIn(Schema):
    id_number: str = Field(max_length=32)
    name: str = Field(max_length=32)
    hired_on: dt.date = Field(description="入职日期（学徒须为本企业职工）")
    joined_on: dt.date = Field(description="加入学徒培养日期")


class CohortIn(Schema):
    enterprise_credit_code: str = Field(max_length=18, description="企业统一社会信用代码")
    occupation_code: str = Field(max_length=16)
    level: int | None = Field(default=None, ge=1, le=5, description="5 五级/初级工 … 1 一级/高级技师")
    certificate_kind: str = Field(default="skill_level", max_length=24)
    agreement_number: str = Field(max_length=64)
    agreement_date: dt.date
    start_date: dt.date
    planned_years: int = Field(ge=1, le=2)
    department_id: int
    apprentices: list[ApprenticeIn] = Field(default_factory=list, max_length=2000)


class ApprenticesIn(Schema):
    apprentices: list[ApprenticeIn] = Field(min_length=1, max_length=2000)


class ApprenticeLeaveIn(Schema):
    left_on: dt.date
    reason: str = Field(max_length=64)


class ApprenticeCertifyIn(Schema):
    certificate_kind: str = Field(max_length=24)
    level: int | None = Field(default=None, ge=1, le=5)
    certificate_number: str = Field(max_length=64)
    issued_on: dt.date
    issuer: str = Field(default="", max_length=128)


class ApprenticeOut(Schema):
    id: int
    row: int
    name: str
    id_number: str = Field(description="按查看人权限打码")
    hired_on: dt.date
    joined_on: dt.date
    left_on: dt.date | None
    state: str
    state_label: str
    certificate_number: str


class CohortStageOut(Schema):
    number: int
    start: dt.date
    end: dt.date
    final: bool
    claimable: bool
    claim_ref: str


class CohortOut(Schema):
    id: int
    ref: str
    enterprise_id: int
    enterprise: str
    institution_id: int
    institution: str
    occupation_code: str
    occupation: str
    level: int | None
    certificate_kind: str
    agreement_number: str
    agreement_date: dt.date
    start_date: dt.date
    end_date: dt.date
    planned_years: int
    region_id: int
    region: str
    department_id: int
    state: str
    state_label: str
    profile_code: str
    apprentices: int


class CohortDetailOut(CohortOut):
    apprentice_list: list[ApprenticeOut]
    stages: list[CohortStageOut]
