from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.claims.models import Claim, ClaimLine, PaymentBatch


class ClaimCreateIn(Schema):
    class_id: int


class SubmitIn(Schema):
    pledge_name: str = Field(description="申请承诺人（F06）")
    pledge: bool = Field(description="已阅读并同意承诺书")


class BankIn(Schema):
    bank_name: str
    bank_account: str


class ClaimReviewIn(Schema):
    decision: str = Field(description="pass 通过 / return 退回修改")
    comment: str = ""


class ReviewBatchIn(Schema):
    claim_ids: list[int] = Field(
        min_length=1, max_length=1000, description="待签署的申领 id（一次至多 1000 笔）"
    )
    decision: str = Field(description="pass 通过 / return 退回修改")
    comment: str = ""


class ResolveIn(Schema):
    outcome: str = Field(description="dismissed 异议不成立 / upheld 异议成立（核减该学员）")
    resolution: str


class PayIn(Schema):
    bank_reference: str


class ClaimLineOut(Schema):
    row: int
    person: str = Field(description="学员姓名；补贴单位本身的明细（如设备补助）为空")
    id_number: str
    label: str = Field(description="补贴事项：月份、设备等；培训班明细为空")
    status: str
    amount: Decimal
    rule_ids: list[str]
    computation: str
    reasons: list[dict[str, Any]]

    @staticmethod
    def resolve_person(obj: ClaimLine, context: Any) -> str:
        return obj.person.name if obj.person else ""

    @staticmethod
    def resolve_id_number(obj: ClaimLine, context: Any) -> str:
        from jineng.people.selectors import id_number_for

        return id_number_for(context["request"].user, obj.person) if obj.person else ""

    @staticmethod
    def resolve_rule_ids(obj: ClaimLine, context: Any) -> list[str]:
        return [r for r in obj.rule_ids.split(",") if r]


class ClaimOut(Schema):
    id: int
    ref: str
    programme: str = Field(description="补贴项目代码（training 职业技能培训补贴、yigong 以工代训…）")
    programme_label: str
    source_ref: str = Field(description="来源单号：培训班开班编号、以工代训申报编号等")
    class_ref: str = Field(description="培训班开班编号；非培训班的补贴项目为空")
    title: str = Field(description="申领事项")
    period_start: dt.date | None
    period_end: dt.date | None
    state: str
    state_label: str
    applicant_kind: str
    payee: str
    headcount: int
    amount: Decimal
    profile: str
    submitted_on: dt.date | None
    review_due: dt.date | None
    notice_start: dt.date | None
    notice_end: dt.date | None
    paid_on: dt.date | None
    return_comment: str
    computation: dict[str, Any]

    @staticmethod
    def resolve_class_ref(obj: Claim, context: Any) -> str:
        return obj.source_ref if obj.training_class_id else ""

    @staticmethod
    def resolve_state_label(obj: Claim, context: Any) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_payee(obj: Claim, context: Any) -> str:
        return obj.payee_name

    @staticmethod
    def resolve_profile(obj: Claim, context: Any) -> str:
        return f"{obj.profile_code} v{obj.profile_version}" if obj.profile_code else ""


class BatchOut(Schema):
    id: int
    ref: str
    region: str
    cycle: str
    period_start: dt.date
    collect_on: dt.date
    send_on: dt.date
    pay_on: dt.date
    state: str
    bank_reference: str
    paid_on: dt.date | None

    @staticmethod
    def resolve_region(obj: PaymentBatch, context: Any) -> str:
        return obj.region.name


class RunIn(Schema):
    kind: str = Field(description="create 批量申领（培训班 id）/ review 批量签署（申领 id）")
    ids: list[int] = Field(
        min_length=1, max_length=100_000, description="培训班或申领 id（一次至多 100,000 项）"
    )
    decision: str = Field("", description="批量签署：pass 通过 / return 退回修改")
    comment: str = ""


class RunRefusalOut(Schema):
    position: int
    ids: list[int]
    refs: list[str] = Field(description="该批第一个（及最后一个）培训班或申领的编号")
    message: str
    details: list[dict[str, Any]]


class RunOut(Schema):
    id: int
    kind: str
    state: str = Field(
        description="queued 排队中 / running 处理中 / done 全部完成 / partly_refused 部分未通过 / refused 全部未通过"
    )
    items: int
    chunks: int
    pending: int
    done: int
    refused: int
    claims: int = Field(description="已完成各批的申领笔数（新建或签署）")
    refusals: list[RunRefusalOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj: Any, context: Any) -> int:
        return int(obj.run.pk)

    @staticmethod
    def resolve_kind(obj: Any, context: Any) -> str:
        return str(obj.run.kind)

    @staticmethod
    def resolve_items(obj: Any, context: Any) -> int:
        return int(obj.run.items)

    @staticmethod
    def resolve_created_at(obj: Any, context: Any) -> dt.datetime:
        return obj.run.created_at
