"""Helpers for the F04 tests: a project-based class prepaid between approval and opening, then run to
assessment and claimed through the real services (the steps of factories.assessed_class, split)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jineng.assessment.services import ResultRow, assessment_apply, results_enter
from jineng.claims import prepayments, services
from jineng.claims.models import Claim, PaymentBatch, Prepayment
from jineng.claims.tests.factories import CLAIMED, END, EXAM, NOTICE_OVER, at
from jineng.conftest import World
from jineng.supervision.services import class_end, class_open, inspection_record
from jineng.training.models import TrainingClass
from jineng.training.tests.factories import START, approved_class

REQUESTED = dt.date(2021, 5, 20)
PREPAID = dt.date(2021, 5, 21)
COLLECT = dt.date(2021, 7, 7)
PAY_DAY = dt.date(2021, 7, 9)


def project_class(w: World) -> TrainingClass:
    """The school's 电工 class (中级, 30 planned trainees, 2000 yuan each under ZZ21 F02), as 项目制."""
    return approved_class(w, mode="project", funding_type="on_job")


def prepaid(w: World, tc: TrainingClass, share: str = "0.50") -> Prepayment:
    p = prepayments.prepayment_request(
        actor=w.users["institution"], training_class=tc, share=Decimal(share), today=REQUESTED
    )
    for role in ("hr_first", "hr_second"):
        p = prepayments.prepayment_review(actor=w.users[role], prepayment=p, decision="pass", today=REQUESTED)
    return prepayments.prepayment_pay(actor=w.users["finance"], prepayment=p, today=PREPAID)


def assess(w: World, tc: TrainingClass, *, failing_rows: tuple[int, ...] = ()) -> TrainingClass:
    inspector = w.users["inspector"]
    tc = class_open(
        actor=inspector, training_class=tc, present=30, signed_in=30, materials_kept=True, today=START
    )
    for i in range(2):
        inspection_record(
            actor=inspector,
            training_class=tc,
            at=at(START + dt.timedelta(days=3 + i)),
            place=tc.venue,
            teachers_present="教师1、教师2",
            trainees_present=30,
        )
    tc = class_end(actor=inspector, training_class=tc, today=END)
    assessment = assessment_apply(
        actor=w.users["institution"],
        training_class=tc,
        body=w.zz_station,
        certificate_kind="skill_level",
        level=tc.level,
        assessment_date=EXAM,
        venue=tc.venue,
        today=END + dt.timedelta(days=1),
    )
    rows = []
    for e in tc.enrolments.select_related("person").order_by("row"):
        passed = e.row not in failing_rows
        rows.append(
            ResultRow(
                id_number=e.person.id_number,
                passed=passed,
                certificate_kind="skill_level" if passed else "",
                level=tc.level if passed else None,
                certificate_number=f"Z{tc.pk:04d}{e.row:04d}" if passed else "",
                issued_on=EXAM + dt.timedelta(days=5) if passed else None,
                issuer=w.zz_station.name if passed else "",
            )
        )
    results_enter(actor=w.users["evaluator"], assessment=assessment, rows=rows)
    tc.refresh_from_db()
    return tc


def approved_claim(w: World, tc: TrainingClass) -> Claim:
    claim = services.claim_create(actor=w.users["institution"], training_class=tc, today=CLAIMED)
    claim = services.claim_submit(
        actor=w.users["institution"], claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED
    )
    for role in ("dept_first", "dept_second"):
        claim = services.claim_review(actor=w.users[role], claim=claim, decision="pass", today=CLAIMED)
    claim = services.claim_notice_close(actor=w.users["hr_first"], claim=claim, today=NOTICE_OVER)
    for role in ("hr_first", "hr_second"):
        claim = services.claim_review(actor=w.users[role], claim=claim, decision="pass", today=NOTICE_OVER)
    return claim


def batch_to_finance(w: World) -> PaymentBatch:
    batch = services.batch_open(actor=w.users["hr_admin"], region=w.zhengzhou, today=COLLECT)
    services.batch_collect(actor=w.users["hr_admin"], batch=batch)
    return services.batch_send(actor=w.users["hr_second"], batch=batch)


def pay(w: World, batch: PaymentBatch, reference: str = "HX0709001") -> PaymentBatch:
    return services.batch_pay(actor=w.users["finance"], batch=batch, bank_reference=reference, today=PAY_DAY)
