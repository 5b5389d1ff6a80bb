from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.recovery.models import BlacklistEntry, Movement, WrongPayment


class WrongIn(Schema):
    claim_id: int
    kind: str = Field(description="error 错发/多发 / fraud 骗取套取（追缴）")
    amount: Decimal
    reason: str
    rows: list[int] = Field(default_factory=list, description="涉及的申领明细序号")
    org_action: str = Field("suspend", description="骗取套取时：suspend 暂停 / exit 退出")


class RefundIn(Schema):
    amount: Decimal
    fund_kind: str = "special_account"
    reference: str = ""


class NoticeIn(Schema):
    number: str
    served_on: dt.date | None = None


class CloseIn(Schema):
    note: str = ""


class MovementOut(Schema):
    kind: str
    amount: Decimal
    on: dt.date
    fund_kind: str
    reference: str
    offset_claim: str

    @staticmethod
    def resolve_offset_claim(obj: Movement, context: Any) -> str:
        return obj.offset_claim.ref if obj.offset_claim_id else ""  # type: ignore[union-attr]


class WrongOut(Schema):
    id: int
    ref: str
    kind: str
    kind_label: str
    claim: str
    region: str
    payee: str
    rows: list[int]
    amount: Decimal
    refunded: Decimal
    offset: Decimal
    outstanding: Decimal
    reason: str
    recorded_on: dt.date
    case_state: str

    @staticmethod
    def resolve_kind_label(obj: WrongPayment, context: Any) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_claim(obj: WrongPayment, context: Any) -> str:
        return obj.source_ref

    @staticmethod
    def resolve_region(obj: WrongPayment, context: Any) -> str:
        return obj.region.name

    @staticmethod
    def resolve_payee(obj: WrongPayment, context: Any) -> str:
        return obj.payee_name

    @staticmethod
    def resolve_case_state(obj: WrongPayment, context: Any) -> str:
        case = getattr(obj, "case", None)
        return case.state if case is not None else ""


class BlacklistOut(Schema):
    organisation: str
    credit_code: str
    reason: str
    since: dt.date
    listed_by: str

    @staticmethod
    def resolve_organisation(obj: BlacklistEntry, context: Any) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_credit_code(obj: BlacklistEntry, context: Any) -> str:
        return obj.organisation.credit_code

    @staticmethod
    def resolve_listed_by(obj: BlacklistEntry, context: Any) -> str:
        return str(obj.listed_by.label)


class ReportRowOut(Schema):
    region: str
    payee: str
    raised_count: int
    raised: Decimal
    refunded_count: int
    refunded: Decimal
    offset_count: int
    offset: Decimal
    recovered: Decimal
    outstanding: Decimal


class RecoveryReportOut(Schema):
    kind: str
    region: str
    start: dt.date
    end: dt.date
    rows: list[ReportRowOut]
    total: ReportRowOut
