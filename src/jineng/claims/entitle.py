"""From the records to jineng.policy.subsidy and back: what each trainee of an assessed class is owed.

Set-based: one query each for the roster with results, the inspections, the videos and the history of
every trainee across the system; the policy module judges the whole class in one call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from jineng.assessment.models import Assessment, Result
from jineng.claims.models import ClaimLine
from jineng.people.models import Person
from jineng.policy import subsidy
from jineng.policy.profiles import Profile
from jineng.policy.training import Enrolment as PastEnrolment
from jineng.policy.violations import Violation
from jineng.supervision.models import Inspection, LessonVideo, Summary
from jineng.supervision.services import _lesson
from jineng.training import facts
from jineng.training.models import Enrolment, TrainingClass


@dataclass(frozen=True)
class Line:
    person_id: int
    row: int
    status: str
    amount: Decimal
    rule_ids: tuple[str, ...]
    computation: str
    reasons: tuple[Violation, ...]


@dataclass(frozen=True)
class Computed:
    lines: list[Line]
    total: Decimal
    headcount: int
    summary: dict[str, Any]
    refusals: list[Violation] = field(default_factory=list)


def _months(start: dt.date, end: dt.date) -> int:
    """以工代训 months of a class: whole months from its start to the day after its end, at least one."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month - (after.day < start.day)
    return max(months, 1)


def _payee(tc: TrainingClass, person: Person | None) -> str:
    if person is not None:
        return "individual"
    return "enterprise" if tc.enterprise_id and tc.mode == "enterprise_self" else "institution"


def subsidy_class(tc: TrainingClass) -> subsidy.SubsidyClass:
    assessment = Assessment.objects.filter(training_class=tc).order_by("-id").first()
    base = facts.class_facts(tc)
    if assessment is not None:
        base = replace(
            base, target_certificate=assessment.certificate_kind, level=assessment.level or base.level
        )
    summary = Summary.objects.filter(training_class=tc).first()
    lessons = tuple(
        _lesson(tc, v, n)
        for n, v in enumerate(LessonVideo.objects.filter(training_class=tc).order_by("lesson_date", "id"), 1)
    )
    return subsidy.SubsidyClass(
        facts=base,
        mode=tc.mode,
        payee="institution",  # replaced per claim
        inspection_counts=tuple(
            Inspection.objects.filter(training_class=tc)
            .order_by("at", "id")
            .values_list("trainees_present", flat=True)
        ),
        opening_headcount=summary.opening_headcount if summary else None,
        lessons=lessons,
        satisfaction_share=summary.satisfaction_share if summary else None,
    )


def compute(tc: TrainingClass, profile: Profile, *, person: Person | None = None) -> Computed:
    """The whole class is judged (C02 places go in roster order across all trainees); an individual's claim
    keeps only that person's line."""
    cls = replace(subsidy_class(tc), payee=_payee(tc, person))
    enrolments = list(
        Enrolment.objects.filter(training_class=tc, status=Enrolment.Status.ENROLLED)
        .select_related("person")
        .order_by("row")
    )
    results = {
        r.enrolment_id: r
        for r in Result.objects.filter(assessment__training_class=tc, enrolment__in=enrolments).order_by("id")
    }
    months = _months(tc.start_date, tc.end_date) if tc.funding_type == "yigong" else 0
    trainees = []
    by_number: dict[str, Enrolment] = {}
    for e in enrolments:
        r = results.get(e.pk)
        passed = r is not None and r.passed and r.certificate_kind
        trainees.append(
            subsidy.TraineeFacts(
                person_key=e.person.id_number,
                name=e.person.name,
                row=e.row,
                certificate=r.certificate_kind if passed else None,  # type: ignore[union-attr]
                level=r.level if passed else None,  # type: ignore[union-attr]
                hired_on=e.hired_on,
                yigong_months=months,
            )
        )
        by_number[e.person.id_number] = e
    history = _history(list(by_number), tc)
    try:
        result = subsidy.class_entitlement(profile, cls, trainees, history)
    except subsidy.EntitlementNotSet as exc:
        return Computed([], Decimal("0.00"), 0, {}, refusals=list(exc.violations))
    lines = [
        Line(
            person_id=by_number[ln.person_key].person_id,
            row=ln.row,
            status=ClaimLine.Status.PAYABLE if ln.payable else ClaimLine.Status.EXCLUDED,
            amount=ln.amount,
            rule_ids=ln.rule_ids,
            computation=ln.computation,
            reasons=ln.violations,
        )
        for ln in result.lines
        if person is None or ln.person_key == person.id_number
    ]
    payable = [ln for ln in lines if ln.status == ClaimLine.Status.PAYABLE]
    summary: dict[str, Any] = {
        "profile": result.profile_key,
        "trained_headcount": result.trained_headcount,
        "forfeits": [v.render() for v in result.forfeits],
        "notices": [v.render() for v in result.notices],
    }
    if result.prepayment is not None:
        summary["prepayment"] = result.prepayment.computation
    return Computed(
        lines=lines,
        total=sum((ln.amount for ln in payable), Decimal("0.00")),
        headcount=len(payable),
        summary=summary,
    )


def _history(numbers: list[str], tc: TrainingClass) -> dict[str, list[PastEnrolment]]:
    """The trainees' other enrolments; those whose claim line was finally refused were not subsidised."""
    history = facts.history_for(numbers, exclude_class=tc.pk)
    refused = set(
        ClaimLine.objects.filter(person__id_number__in=numbers, status=ClaimLine.Status.EXCLUDED)
        .exclude(training_class=tc)
        .values_list("person__id_number", "training_class__ref")
    )
    if not refused:
        return dict(history)
    return {
        number: [replace(e, subsidised=False) if (number, e.class_ref) in refused else e for e in past]
        for number, past in history.items()
    }
