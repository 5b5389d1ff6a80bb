"""18.13: a class's whole record laid out as its document's form — the 开班申请, 过程监管, 结业考核,
补贴资金申领 and 资金拨付 blocks of the annexed 申请表 (ZZ21 / HC21 附件2, XC23 附件3), with who signed
each step and when. The form's name comes from the class's profile ([clauses] A10_form); a profile whose
document annexes no form gets the same blocks under a plain title. Reads only."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jineng.catalogue.models import CertificateKind
from jineng.claims.models import Claim, ClaimReview, ClaimStage, ClaimStep
from jineng.policy.profiles import Profile
from jineng.training.models import ClassReview, ReviewStage, ReviewStep, TrainingClass
from jineng.training.selectors import class_profile

# The form's 结业考核 rows, in its order: the certificate kinds each row counts.
ASSESSMENT_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("参加国家职业资格鉴定人数", (CertificateKind.QUALIFICATION,)),
    ("参加职业技能等级评定人数", (CertificateKind.SKILL_LEVEL,)),
    ("参加特种作业操作考核人数", (CertificateKind.SPECIAL_OPERATION, CertificateKind.SPECIAL_EQUIPMENT)),
    ("参加专项能力考核认定人数", (CertificateKind.SPECIAL_ABILITY,)),
    ("参加结业（培训合格证书）考核人数", (CertificateKind.COMPLETION,)),
)


@dataclass(frozen=True)
class Signatures:
    """One review block: 初审人, 复核人, the date of the last signature."""

    first: str = ""
    second: str = ""
    on: dt.date | None = None
    comment: str = ""


@dataclass(frozen=True)
class Check:
    at: dt.datetime
    place: str
    teachers: str
    present: int
    inspector: str
    remote: bool


@dataclass(frozen=True)
class AssessmentRow:
    label: str
    sat: int
    certified: int


@dataclass
class ClassForm:
    tc: TrainingClass
    title: str
    basis: str
    claim: Claim | None
    dept_review: Signatures
    hr_review: Signatures
    opening: Any  # supervision's OpeningCheck, or None
    checks: list[Check]
    average_present: int | None
    assessment_rows: list[AssessmentRow]
    assessed: int
    certified: int
    assessment_date: dt.date | None
    claim_dept: Signatures = field(default_factory=Signatures)
    claim_hr: Signatures = field(default_factory=Signatures)
    claim_finance: Signatures = field(default_factory=Signatures)
    finance_row: bool = False
    dept_days: int | None = None
    notice_days: int | None = None
    objections: list[Any] = field(default_factory=list)
    funds: list[dict[str, Any]] = field(default_factory=list)
    paid_amount: Decimal | None = None

    @property
    def supervision_rows(self) -> int:
        """Rows of the 过程监管 block: the opening check, each check (at least one line to fill), whether
        they are in the system, the bureau's opinion."""
        return max(len(self.checks), 1) + 3

    @property
    def claim_wan(self) -> Decimal | None:
        """申请补贴资金 in 万元, as the form asks, exactly."""
        return None if self.claim is None else (self.claim.amount / 10000).normalize()

    @property
    def paid_wan(self) -> Decimal | None:
        return None if self.paid_amount is None else (self.paid_amount / 10000).normalize()


def _signed(reviews: list[Any], stage_first: Any, stage_second: Any, date_of: Any) -> Signatures:
    """The last round's first and second signatures of a stage."""
    first = next((r for r in reversed(reviews) if r[0] == stage_first), None)
    second = next((r for r in reversed(reviews) if r[0] == stage_second), None)
    last = second or first
    return Signatures(
        first=first[1].label if first else "",
        second=second[1].label if second else "",
        on=date_of(last[2]) if last else None,
        comment=last[3] if last else "",
    )


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def _class_reviews(tc: TrainingClass, stage: str) -> Signatures:
    rows = [
        ((r.stage, r.step), r.reviewer, r.at, r.comment)
        for r in ClassReview.objects.filter(training_class=tc, stage=stage, decision="pass")
        .select_related("reviewer")
        .order_by("round", "at")
    ]
    return _signed(rows, (stage, ReviewStep.FIRST), (stage, ReviewStep.SECOND), _local_date)


def _claim_reviews(claim: Claim, stage: str) -> Signatures:
    rows = [
        ((r.stage, r.step), r.reviewer, r.on, r.comment)
        for r in ClaimReview.objects.filter(claim=claim, stage=stage, decision="pass")
        .select_related("reviewer")
        .order_by("round", "at")
    ]
    return _signed(rows, (stage, ClaimStep.FIRST), (stage, ClaimStep.SECOND), lambda d: d)


_DATED = re.compile(r"^\d{4}年")


def _title(profile: Profile | None, year: int) -> tuple[str, str]:
    """(the form's title for ``year``, the annex it is) from the profile, as the document heads its form:
    "2021年度补贴性职业技能提升培训申请表" (the annex names "年度…", the year is filled in),
    "2023年政府补贴培训评价资金申请表" (the annex names its year already); a plain title where no form
    is annexed."""
    clause = profile.clauses.get("A10_form", "") if profile else ""
    if not clause:
        return f"{year}年度补贴性职业技能培训申请表", ""
    parts = clause.split(" ", 2)
    name = parts[-1] if len(parts) == 3 else clause
    if _DATED.match(name):
        return name, clause
    return (f"{year}{name}" if name.startswith("年度") else f"{year}年{name}"), clause


def class_form(tc: TrainingClass, claim: Claim | None) -> ClassForm:
    """The form of ``tc`` (a class the reader may see) and of its claim (one the reader may see, or None)."""
    profile = class_profile(tc)
    title, basis = _title(profile, tc.year)
    opening = getattr(tc, "opening_check", None)
    inspections = list(tc.inspections.select_related("inspector").order_by("at"))
    checks = [
        Check(i.at, i.place, i.teachers_present, i.trainees_present, i.inspector.label, i.remote)
        for i in inspections
    ]
    present = [c.present for c in checks] + ([opening.present] if opening else [])
    average = round(sum(present) / len(present)) if present else None
    results = list(
        tc.enrolments.filter(result__isnull=False).values_list("result__certificate_kind", "result__passed")
    )
    rows = [
        AssessmentRow(
            label,
            sum(1 for kind, _ in results if kind in kinds),
            sum(1 for kind, passed in results if kind in kinds and passed),
        )
        for label, kinds in ASSESSMENT_ROWS
    ]
    first_assessment = tc.assessments.order_by("assessment_date").first()
    form = ClassForm(
        tc=tc,
        title=title,
        basis=basis,
        claim=claim,
        dept_review=_class_reviews(tc, ReviewStage.DEPT),
        hr_review=_class_reviews(tc, ReviewStage.HR),
        opening=opening,
        checks=checks,
        average_present=average,
        assessment_rows=rows,
        assessed=len(results),
        certified=sum(1 for _, passed in results if passed),
        assessment_date=first_assessment.assessment_date if first_assessment else None,
    )
    if profile is not None:
        form.finance_row = bool(profile.get("finance_review_required", False))
        form.dept_days = profile.get("dept_review_working_days")
        form.notice_days = profile.get("public_notice_working_days")
    if claim is not None:
        form.claim_dept = _claim_reviews(claim, ClaimStage.DEPT)
        form.claim_hr = _claim_reviews(claim, ClaimStage.HR)
        form.claim_finance = _claim_reviews(claim, ClaimStage.FINANCE)
        form.objections = list(claim.objections.order_by("received_on", "id"))
        item = getattr(claim, "batch_item", None)
        if item is not None and claim.paid_on:
            form.funds = list(item.funds)
            form.paid_amount = item.amount
    return form
