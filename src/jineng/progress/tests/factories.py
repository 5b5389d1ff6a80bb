"""Records the actuals are counted from, written straight through the ORM (their workflows are other
apps' and tested there): classes with rosters, passed results (and their rows of the certificate register), approved claim lines, vouchers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jineng.assessment.models import Assessment, Result
from jineng.certificates.models import Certificate, Route
from jineng.claims.models import Claim, ClaimLine
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.people.models import Person
from jineng.regions.models import Region
from jineng.regions.services import region_create
from jineng.supervision.tests.factory import make_class
from jineng.training.models import ClassState, Enrolment, TrainingClass


def opened(w: World, *, trainees: int, region: Region | None = None, **kw: object) -> TrainingClass:
    return make_class(w, trainees=trainees, state=ClassState.ASSESSED, region=region, **kw)  # type: ignore[arg-type]


def certify(
    w: World,
    enrolment: Enrolment,
    *,
    kind: str = "skill_level",
    level: int | None = 4,
    issued_on: dt.date = dt.date(2021, 7, 2),
    passed: bool = True,
) -> Result:
    tc = enrolment.training_class
    assessment = tc.assessments.first() or Assessment.objects.create(
        training_class=tc,
        body=w.zz_station,
        certificate_kind=kind,
        level=level,
        assessment_date=issued_on,
        applied_on=issued_on - dt.timedelta(days=5),
        applied_by=w.users[Role.INSTITUTION],
        state=Assessment.State.RESULTS_ENTERED,
    )
    result = Result.objects.create(
        assessment=assessment,
        enrolment=enrolment,
        passed=passed,
        certificate_kind=kind if passed else "",
        level=level if passed else None,
        certificate_number=f"T{enrolment.pk:08d}" if passed else "",
        issued_on=issued_on if passed else None,
        entered_by=w.users[Role.EVALUATOR],
    )
    if passed:  # as results_enter registers it: the register is what the indicators count (H03)
        Certificate.objects.create(
            holder=enrolment.person,
            kind=kind,
            number=result.certificate_number,
            occupation_id=tc.occupation_id,
            level=level,
            body=assessment.body,
            issued_on=issued_on,
            route=Route.CLASS_RESULT,
            training_class=tc,
            enrolment=enrolment,
            region_id=tc.region_id,
            department_id=tc.department_id,
            unit_id=tc.institution_id,
        )
    return result


def enrol(tc: TrainingClass, person: Person, row: int) -> Enrolment:
    return Enrolment.objects.create(training_class=tc, person=person, row=row)


def claimed(w: World, tc: TrainingClass, *, state: str = "approved", payable: int | None = None) -> Claim:
    """A claim of the class in ``state`` with one payable line per trainee (the first ``payable``)."""
    claim = Claim.objects.create(
        ref=f"BTPROG{tc.pk:06d}",
        training_class=tc,
        region=tc.region,
        department=tc.department,
        applicant_kind="institution",
        payee_organisation=tc.institution,
        bank_name="中国银行",
        bank_account="6222020200112233445",
        state=state,
        headcount=0,
        amount=Decimal("0"),
        created_by=w.users[Role.INSTITUTION],
    )
    enrolments = list(tc.enrolments.order_by("row"))
    for i, e in enumerate(enrolments):
        ok = payable is None or i < payable
        ClaimLine.objects.create(
            claim=claim,
            person=e.person,
            training_class=tc,
            row=e.row,
            status="payable" if ok else "excluded",
            amount=Decimal("2000.00") if ok else Decimal("0.00"),
            rule_ids="F02",
            computation="F02",
        )
    return claim


def counties(w: World, n: int) -> list[Region]:
    """More districts under Zhengzhou (the world has 金水区 and 二七区), for a city of real size."""
    return [
        region_create(actor=None, name=f"测试区{i:02d}", kind="district", parent=w.zhengzhou, code=None)
        for i in range(1, n + 1)
    ]
