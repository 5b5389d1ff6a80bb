"""An assessed class built through the real services, and the funds that pay it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jineng.assessment.services import ResultRow, assessment_apply, results_enter
from jineng.claims import services
from jineng.claims.models import Claim
from jineng.conftest import World
from jineng.ledger import services as ledger
from jineng.ledger.models import FundKind
from jineng.online.tests.factory import face_checkins_cover
from jineng.supervision.services import class_end, class_open, inspection_record
from jineng.training.models import TrainingClass
from jineng.training.tests.factories import START, approved_class

END = START + dt.timedelta(days=20)  # the training factory's end date
EXAM = END + dt.timedelta(days=7)
CLAIMED = dt.date(2021, 7, 5)  # a Monday
PAID_REF = "95588202107090001"


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def assessed_class(
    w: World,
    *,
    present: tuple[int, ...] = (30, 30),
    failing_rows: tuple[int, ...] = (),
    certificate: str = "skill_level",
    unchecked_rows: tuple[int, ...] = (),
    **overrides: Any,
) -> TrainingClass:
    """30 trainees of the Zhengzhou school's 电工 class (中级, level 4), in-job (F02) unless overridden;
    inspections count ``present``; the rows in ``failing_rows`` (roster rows 2…31) fail the exam."""
    overrides.setdefault("funding_type", "on_job")
    tc = approved_class(w, **overrides)
    inspector = w.users["inspector"]
    tc = class_open(
        actor=inspector,
        training_class=tc,
        present=tc.enrolments.count(),
        signed_in=tc.enrolments.count(),
        materials_kept=True,
        today=START,
    )
    face_checkins_cover(tc, skip_rows=unchecked_rows)  # C07, where the class's profile requires it (XC23)
    for i, n in enumerate(present):
        inspection_record(
            actor=inspector,
            training_class=tc,
            at=at(START + dt.timedelta(days=3 + i)),
            place=tc.venue,
            teachers_present="教师1、教师2",
            trainees_present=n,
        )
    tc = class_end(actor=inspector, training_class=tc, today=END)
    assessment = assessment_apply(
        actor=w.users["institution"],
        training_class=tc,
        body=w.zz_station,
        certificate_kind=certificate,
        level=tc.level,
        # E05: a completion exam is set by the county bureau or above
        exam_set_by="county" if certificate == "completion" else "",
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
                certificate_kind=certificate if passed else "",
                level=tc.level if passed else None,
                certificate_number=f"Z{tc.pk:04d}{e.row:04d}" if passed else "",
                issued_on=EXAM + dt.timedelta(days=5) if passed else None,
                issuer=w.zz_station.name if passed else "",
            )
        )
    results_enter(actor=w.users["evaluator"], assessment=assessment, rows=rows)
    tc.refresh_from_db()
    return tc


def funded(w: World, special: str = "100000.00", employment: str = "500000.00") -> None:
    """Zhengzhou's special account and employment subsidy fund, with their appropriations."""
    for kind, amount in ((FundKind.SPECIAL_ACCOUNT, special), (FundKind.EMPLOYMENT_SUBSIDY, employment)):
        fund = ledger.fund_open(actor=None, region=w.zhengzhou, kind=kind)
        if Decimal(amount):
            ledger.fund_appropriate(
                actor=None,
                fund=fund,
                amount=Decimal(amount),
                key=f"test:approp:{kind}",
                date=dt.date(2021, 1, 4),
            )


def submitted_claim(w: World, tc: TrainingClass | None = None) -> Claim:
    tc = tc or assessed_class(w)
    claim = services.claim_create(actor=w.users["institution"], training_class=tc, today=CLAIMED)
    return services.claim_submit(
        actor=w.users["institution"], claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED
    )


def in_notice(w: World, tc: TrainingClass | None = None) -> Claim:
    claim = submitted_claim(w, tc)
    for role in ("dept_first", "dept_second"):
        claim = services.claim_review(actor=w.users[role], claim=claim, decision="pass", today=CLAIMED)
    return claim


NOTICE_OVER = dt.date(2021, 7, 8)  # 5, 6, 7 July are the three working days from Monday 5 July


def approved(w: World, tc: TrainingClass | None = None) -> Claim:
    claim = in_notice(w, tc)
    claim = services.claim_notice_close(actor=w.users["hr_first"], claim=claim, today=NOTICE_OVER)
    for role in ("hr_first", "hr_second"):
        claim = services.claim_review(actor=w.users[role], claim=claim, decision="pass", today=NOTICE_OVER)
    return claim


def to_paid(w: World, claim: Claim, *, claimed: dt.date, notice_over: dt.date) -> Claim:
    """A draft claim of any programme through pledge, department, notice, bureau (and finance where the
    claim's profile has it, two officers, F09), the Zhengzhou batch and the bank: the common way."""
    from jineng.accounts.services import user_create
    from jineng.claims.models import ClaimState

    claim = services.claim_submit(
        actor=w.users["institution"], claim=claim, pledge_name="赵敏", pledge=True, today=claimed
    )
    for role in ("dept_first", "dept_second"):
        claim = services.claim_review(actor=w.users[role], claim=claim, decision="pass", today=claimed)
    claim = services.claim_notice_close(actor=w.users["hr_first"], claim=claim, today=notice_over)
    for role in ("hr_first", "hr_second"):
        claim = services.claim_review(actor=w.users[role], claim=claim, decision="pass", today=notice_over)
    if claim.state == ClaimState.HR_REVIEWED:
        second = user_create(
            actor=None,
            username="zz_czj2",
            password="Test@pass-2026",
            display_name="钱多",
            role="finance",
            region=w.zhengzhou,
            department=w.users["finance"].department,
        )
        for officer in (w.users["finance"], second):
            claim = services.claim_review(actor=officer, claim=claim, decision="pass", today=notice_over)
    assert claim.state == ClaimState.APPROVED
    batch = services.batch_open(actor=w.users["hr_admin"], region=w.zhengzhou, today=notice_over)
    services.batch_collect(actor=w.users["hr_admin"], batch=batch)
    batch = services.batch_send(actor=w.users["hr_second"], batch=batch)
    services.batch_pay(actor=w.users["finance"], batch=batch, bank_reference="HX1", today=batch.pay_on)
    claim.refresh_from_db()
    return claim
