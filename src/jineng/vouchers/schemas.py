from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.people.selectors import id_number_for
from jineng.vouchers.models import Voucher


class IssueIn(Schema):
    id_number: str = Field(max_length=32)
    region_id: int
    expires_on: dt.date
    occupation_code: str = Field(default="", max_length=16)  # empty: any occupation
    institution_id: int | None = None  # empty: any institution


class BindIn(Schema):
    serial: str = Field(max_length=32)
    enrolment_id: int


class RevokeIn(Schema):
    reason: str = Field(max_length=200)


class VoucherOut(Schema):
    id: int
    serial: str
    name: str
    id_number: str
    region_id: int
    region: str
    occupation_code: str
    occupation: str
    institution_id: int | None
    institution: str
    issued_on: dt.date
    expires_on: dt.date
    state: str
    state_label: str
    enrolment_id: int | None
    class_ref: str
    bound_on: dt.date | None
    certificate_number: str
    redeemed_on: dt.date | None
    closed_on: dt.date | None
    revoke_reason: str

    @staticmethod
    def resolve_name(obj: Voucher) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_number(obj: Voucher, context: Any) -> str:
        return id_number_for(context["request"].user, obj.person)

    @staticmethod
    def resolve_region(obj: Voucher) -> str:
        return obj.region.name

    @staticmethod
    def resolve_occupation_code(obj: Voucher) -> str:
        return obj.occupation.code if obj.occupation else ""

    @staticmethod
    def resolve_occupation(obj: Voucher) -> str:
        return obj.occupation.name if obj.occupation else ""

    @staticmethod
    def resolve_institution(obj: Voucher) -> str:
        return obj.institution.name if obj.institution else ""

    @staticmethod
    def resolve_state_label(obj: Voucher) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_class_ref(obj: Voucher) -> str:
        return obj.enrolment.training_class.ref if obj.enrolment else ""

    @staticmethod
    def resolve_certificate_number(obj: Voucher) -> str:
        return obj.certificate.certificate_number if obj.certificate else ""


class CountsOut(Schema):
    region_id: int
    region: str
    year: int
    issued: int
    used: int


class VoucherClaimIn(Schema):
    voucher_ids: list[int] | None = Field(
        default=None, description="要申领补贴的已兑换培训券 id；不填则为本机构全部已兑换、尚未申领的培训券"
    )
