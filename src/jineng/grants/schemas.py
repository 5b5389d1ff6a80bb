"""Schemas of /api/v1/grants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.grants.models import EquipmentItem, GrantApplication, Recognition


class GrantRecognitionIn(Schema):
    organisation_id: int
    kind: str = Field(description="base 高技能人才培训基地 / studio 技能大师工作室")
    name: str = Field(max_length=128)
    level: str = Field(description="national 国家级 / provincial 省级 / city 市级 / county 县级")
    recognised_on: dt.date
    document_number: str = Field(max_length=64, description="认定文号")
    department_id: int = Field(description="行业主管部门（审核补贴申领，F07）")
    region_id: int | None = Field(None, description="基地/工作室所在区域；不填为依托单位所在区域")


class GrantRecognitionOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    organisation: str
    level: str
    level_label: str
    recognised_on: dt.date
    document_number: str
    department: str
    region: str

    @staticmethod
    def resolve_region(obj: Recognition, context: Any) -> str:
        return obj.region.name

    @staticmethod
    def resolve_kind_label(obj: Recognition, context: Any) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_level_label(obj: Recognition, context: Any) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_organisation(obj: Recognition, context: Any) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_department(obj: Recognition, context: Any) -> str:
        return obj.department.name


class GrantItemIn(Schema):
    name: str = Field(max_length=128, description="设备名称")
    model: str = Field("", max_length=128, description="规格型号")
    quantity: int = Field(description="数量")
    unit_price: Decimal = Field(description="单价（元）")
    invoice_number: str = Field(max_length=64, description="购置发票号码")
    purchased_on: dt.date = Field(description="购置日期")


class GrantApplicationIn(Schema):
    recognition_id: int
    staff_education_fund_used: bool = Field(description="依法提取职工教育经费并用于基地/工作室建设（F05）")
    items: list[GrantItemIn] = Field(max_length=500, description="新购置实训设备（F05：只补助新购置设备）")


class GrantReviewIn(Schema):
    decision: str = Field(description="pass 通过 / return 不予核准")
    comment: str = ""


class GrantWithdrawIn(Schema):
    reason: str = Field(description="撤回原因（不超过200字）")


class GrantItemOut(Schema):
    row: int
    name: str
    model: str
    quantity: int
    unit_price: Decimal
    value: Decimal
    invoice_number: str
    purchased_on: dt.date


class GrantApplicationOut(Schema):
    id: int
    ref: str
    recognition_id: int
    recognition: str
    kind_label: str
    organisation: str
    state: str
    state_label: str
    profile: str
    equipment_value: Decimal
    amount: Decimal
    computation: str
    applied_on: dt.date
    first_on: dt.date | None
    second_on: dt.date | None
    claim_ref: str
    claim_state: str
    items: list[GrantItemOut]

    @staticmethod
    def resolve_recognition(obj: GrantApplication, context: Any) -> str:
        return obj.recognition.name

    @staticmethod
    def resolve_kind_label(obj: GrantApplication, context: Any) -> str:
        return obj.recognition.get_kind_display()

    @staticmethod
    def resolve_organisation(obj: GrantApplication, context: Any) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_state_label(obj: GrantApplication, context: Any) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_profile(obj: GrantApplication, context: Any) -> str:
        return f"{obj.profile_code} v{obj.profile_version}"

    @staticmethod
    def resolve_claim_ref(obj: GrantApplication, context: Any) -> str:
        return obj.claim.ref if obj.claim else ""

    @staticmethod
    def resolve_claim_state(obj: GrantApplication, context: Any) -> str:
        return obj.claim.get_state_display() if obj.claim else ""

    @staticmethod
    def resolve_items(obj: GrantApplication, context: Any) -> list[EquipmentItem]:
        return list(obj.items.all())
