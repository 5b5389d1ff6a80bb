from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.claims.models import Claim, ClaimLine, ClaimReview
from jineng.claims.schemas import ClaimLineOut, ClaimOut
from jineng.claims.selectors import lines_of, reviews_of
from jineng.evalsubsidy.selectors import Priced


class EvaluationCertificateOut(Schema):
    """A certificate an applicant may claim, priced: the amount with its cited source, or why not."""

    id: int
    certificate_number: str
    holder: str
    certificate_kind: str
    certificate_kind_label: str
    level: int | None
    occupation: str
    class_ref: str
    issued_on: dt.date
    claimable: bool = Field(description="可申领：按目录项目计价且尚未在其他申领中")
    amount: Decimal | None = Field(description="评价补贴（元）；不予补贴时为空")
    computation: str = Field(description="计算过程与依据（目录项目及版本、政策档案条款）")
    reasons: list[dict[str, Any]] = Field(description="不予补贴原因：规则、条款、说明")
    held_by: str = Field(description="已持有该证书评价补贴明细的申领编号")

    @staticmethod
    def of(p: Priced) -> dict[str, Any]:
        r = p.result
        reasons = (
            [{"rule": v.rule, "clause": v.clause, "message": v.message} for v in p.line.reasons]
            if p.line
            else []
        )
        if p.refusal:
            reasons.append({"rule": "", "clause": "", "message": p.refusal})
        return {
            "id": r.pk,
            "certificate_number": r.certificate_number,
            "holder": r.enrolment.person.name,
            "certificate_kind": r.certificate_kind,
            "certificate_kind_label": r.get_certificate_kind_display(),
            "level": r.level,
            "occupation": r.assessment.training_class.occupation.name,
            "class_ref": r.assessment.training_class.ref,
            "issued_on": r.issued_on,
            "claimable": p.claimable,
            "amount": p.line.amount if p.line and p.line.payable else None,
            "computation": p.line.computation if p.line else "",
            "reasons": reasons,
            "held_by": p.held_by,
        }


class EvaluationClaimIn(Schema):
    certificate_ids: list[int] = Field(default_factory=list, max_length=5000, description="证书 id")
    certificate_numbers: list[str] = Field(default_factory=list, max_length=5000, description="证书编号")


class EvaluationSubmitIn(Schema):
    pledge_name: str = Field(description="申请承诺人（F06）")
    pledge: bool = Field(description="已阅读并同意承诺书")
    bank_name: str = ""
    bank_account: str = Field("", description="收款银行账号；个人申领须填写")


class EvaluationReviewOut(Schema):
    round: int
    stage: str = Field(description="dept 行业主管部门 / hr 人社部门 / finance 财政部门")
    step: str = Field(description="first 初审 / second 复核")
    reviewer: str
    decision: str
    comment: str
    on: dt.date

    @staticmethod
    def resolve_reviewer(obj: ClaimReview, context: Any) -> str:
        return obj.reviewer.label


class EvaluationClaimDetailOut(ClaimOut):
    """One evaluation claim with its certificates' lines and its signatures so far."""

    lines: list[ClaimLineOut]
    reviews: list[EvaluationReviewOut]

    @staticmethod
    def resolve_lines(obj: Claim, context: Any) -> list[ClaimLine]:
        return list(lines_of(obj))

    @staticmethod
    def resolve_reviews(obj: Claim, context: Any) -> list[ClaimReview]:
        return list(reviews_of(obj))


__all__ = [
    "ClaimOut",
    "EvaluationCertificateOut",
    "EvaluationClaimDetailOut",
    "EvaluationClaimIn",
    "EvaluationSubmitIn",
]
