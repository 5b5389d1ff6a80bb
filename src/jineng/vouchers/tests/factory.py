"""Vouchers for tests: issued and bound through the services, certificates straight through the ORM
(results entry is the assessment app's, tested there)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jineng.accounts.models import User
from jineng.assessment.models import Assessment, Result
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.people.models import Person
from jineng.regions.models import Region
from jineng.supervision.tests.factory import make_class, xuchang_class
from jineng.training.models import Enrolment
from jineng.vouchers.models import Voucher
from jineng.vouchers.services import voucher_bind, voucher_issue


def today() -> dt.date:
    return timezone.localdate()


def hr(w: World, *, foreign: bool = False) -> User:
    return (w.outsiders if foreign else w.users)[Role.HR_ADMIN]


def issue(
    w: World,
    person: Person,
    *,
    region: Region | None = None,
    on: dt.date | None = None,
    days: int = 365,
    foreign: bool = False,
    **kw: object,
) -> Voucher:
    on = on or today()
    return voucher_issue(
        actor=hr(w, foreign=foreign),
        person=person,
        region=region or (w.xuchang if foreign else w.zhengzhou),
        expires_on=on + dt.timedelta(days=days),
        today=on,
        **kw,  # type: ignore[arg-type]
    )


def enrolment(w: World, *, foreign: bool = False, person: Person | None = None, **kw: object) -> Enrolment:
    """One trainee in a fresh approved class (Zhengzhou 金水区 / 郑州商业技师学院, or Xuchang's twin)."""
    if person is None:
        tc = xuchang_class(w, trainees=1, **kw) if foreign else make_class(w, trainees=1, **kw)  # type: ignore[arg-type]
        return tc.enrolments.get()
    tc = xuchang_class(w, trainees=0, **kw) if foreign else make_class(w, trainees=0, **kw)  # type: ignore[arg-type]
    return Enrolment.objects.create(training_class=tc, person=person, row=2)


def bound(w: World, *, foreign: bool = False, person: Person | None = None, **kw: object) -> Voucher:
    e = enrolment(w, foreign=foreign, person=person, **kw)
    v = issue(w, e.person, foreign=foreign)
    return voucher_bind(actor=hr(w, foreign=foreign), voucher=v, enrolment=e)


def certify(w: World, e: Enrolment, *, passed: bool = True, number: str | None = None) -> Result:
    """The evaluation body's result for ``e``: passed with a certificate number, unless told otherwise."""
    tc = e.training_class
    a = Assessment.objects.filter(training_class=tc).first() or Assessment.objects.create(
        training_class=tc,
        body=w.zz_station,
        certificate_kind="skill_level",
        level=4,
        assessment_date=tc.end_date + dt.timedelta(days=5),
        applied_on=tc.end_date,
        applied_by=w.users[Role.INSTITUTION],
    )
    return Result.objects.create(
        assessment=a,
        enrolment=e,
        passed=passed,
        certificate_kind="skill_level" if passed else "",
        level=4 if passed else None,
        certificate_number=(number or f"ZS{e.pk:08d}") if passed else "",
        issued_on=a.assessment_date if passed else None,
        issuer="职业技能鉴定站" if passed else "",
        entered_by=w.users[Role.EVALUATOR],
    )
