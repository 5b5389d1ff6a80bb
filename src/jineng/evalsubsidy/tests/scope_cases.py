"""Scope-matrix rows for the 评价补贴 pages and /api/v1/evaluation (collected by core's test_scope_matrix).

In scope: an evaluation body claims the certificates of the assessments it ran, an institution its
trainees', a trainee his own; each follows its own drafts. Out of scope: a Xuchang certificate or claim for
everybody, another person's for a trainee. Certificates and assessments are written through the ORM
(their lifecycle is another app's); claims through the service, priced under XC23 by a 300-yuan item.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jineng.accounts.models import User
from jineng.assessment.models import Assessment, Result
from jineng.catalogue.models import CatalogueItem
from jineng.claims.models import Claim
from jineng.conftest import World
from jineng.core.roles import Role, can
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.evalsubsidy import services
from jineng.regions.selectors import NoProfile, profile_for
from jineng.regions.services import profile_assign
from jineng.supervision.tests.factory import make_class, occupation, xuchang_class
from jineng.training.models import ClassState, Enrolment

E = f"{API}/evaluation"
CREATED = {"claims.Claim": 1, "claims.ClaimLine": 1, "audit.Event": 1}
SUBMITTED = {"audit.Event": 2}  # the bank account set, then the pledge signed


def _priced(w: World) -> None:
    """XC23 for the Zhengzhou district in 2021, and the evaluation item of 电工 中级 in 2021 and 2023."""
    try:
        code = profile_for(w.jinshui, 2021).code
    except NoProfile:
        code = ""
    if code != "XC23":
        profile_assign(actor=None, region=w.jinshui, year=2021, profile_code="XC23")
    for year in (2021, 2023):
        CatalogueItem.objects.get_or_create(
            region=w.henan,
            year=year,
            occupation=occupation(),
            trade=None,
            level=4,
            certificate_kind="skill_level",
            subsidy_type="evaluation",
            version=1,
            defaults={"hours": 80, "subsidy": Decimal("300.00"), "valid_from": dt.date(year, 1, 1)},
        )


def certificate(w: World, *, foreign: bool = False, holder: Any = None) -> Result:
    """A 中级 certificate of a one-trainee class: the Zhengzhou school's, issued by the Zhengzhou station;
    or (foreign) Xuchang's, issued by Xuchang's evaluation body."""
    _priced(w)
    if foreign:
        tc = xuchang_class(w, state=ClassState.ASSESSED, trainees=1)
        body = w.outsiders[Role.EVALUATOR].organisation
    else:
        tc = make_class(w, state=ClassState.ASSESSED, trainees=1)
        body = w.zz_station
    if holder is not None:
        Enrolment.objects.filter(training_class=tc).update(person=holder)
    e = tc.enrolments.get()
    a = Assessment.objects.create(
        training_class=tc,
        body=body,
        certificate_kind="skill_level",
        level=4,
        assessment_date=tc.end_date,
        applied_on=tc.end_date,
        applied_by=w.users[Role.INSTITUTION],
    )
    return Result.objects.create(
        assessment=a,
        enrolment=e,
        passed=True,
        certificate_kind="skill_level",
        level=4,
        certificate_number=f"EV{e.pk:06d}",
        issued_on=tc.end_date,
        issuer=str(body),
        entered_by=w.users[Role.EVALUATOR],
    )


def _applicant(w: World, u: User, *, foreign: bool = False) -> User:
    """``u`` where it may apply, else the evaluation body (so that a refused role meets a real object)."""
    role = u.role if can(u.role, "evaluation.apply") else Role.EVALUATOR
    return (w.outsiders if foreign else w.users)[role]


def own_certificate(w: World, u: User) -> Result:
    a = _applicant(w, u)
    return certificate(w, holder=a.person if a.role == Role.TRAINEE else None)


def foreign_certificates(w: World, u: User) -> list[Result]:
    out = [certificate(w, foreign=True)]
    if u.role == Role.TRAINEE:
        out.append(certificate(w))  # somebody else's
    return out


def draft(w: World, u: User, *, foreign: bool = False) -> Claim:
    a = _applicant(w, u, foreign=foreign)
    holder = a.person if a.role == Role.TRAINEE else None
    (claim,) = services.evaluation_claims_create(
        actor=a, certificates=[certificate(w, foreign=foreign, holder=holder)]
    )
    return claim


def readable(w: World, u: User, *, foreign: bool = False) -> Claim:
    """A claim ``u`` may read: an applicant's own draft; for staff, the evaluation body's, submitted
    (the bureau does not see drafts)."""
    claim = draft(w, u, foreign=foreign)
    if can(u.role, "evaluation.apply"):
        return claim
    return services.evaluation_claim_submit(
        actor=_applicant(w, u, foreign=foreign), claim=claim, pledge_name="孙评", pledge=True, **BANK
    )


BANK = {"bank_name": "中国银行", "bank_account": "6222020200998877665"}


def _detail(api: bool) -> Any:
    return lambda w, u: (
        f"{E}/claims/{readable(w, u).pk}" if api else f"/evaluation/claims/{readable(w, u).pk}/"
    )


def _detail_foreign(api: bool) -> Any:
    def paths(w: World, u: User) -> list[str]:
        claim = readable(w, u, foreign=True)
        return [f"{E}/claims/{claim.pk}" if api else f"/evaluation/claims/{claim.pk}/"]

    return paths


def _submit(api: bool) -> Any:
    return lambda w, u: (
        f"{E}/claims/{draft(w, u).pk}/submit" if api else f"/evaluation/claims/{draft(w, u).pk}/submit/"
    )


def _submit_foreign(api: bool) -> Any:
    def paths(w: World, u: User) -> list[str]:
        claim = draft(w, u, foreign=True)
        return [f"{E}/claims/{claim.pk}/submit" if api else f"/evaluation/claims/{claim.pk}/submit/"]

    return paths


def submit_data(w: World, u: User) -> dict[str, Any]:
    return {
        "pledge_name": "孙评",
        "pledge": True,
        "bank_name": "中国银行",
        "bank_account": "6222020200998877665",
    }


CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "evaluation/", roles("evaluation.list"), fixed("/evaluation/")),
    Case("GET", "evaluation/certificates/", roles("evaluation.apply"), fixed("/evaluation/certificates/")),
    Case(
        "POST",
        "evaluation/certificates/",
        roles("evaluation.apply"),
        fixed("/evaluation/certificates/"),
        data=lambda w, u: {"certificate": [own_certificate(w, u).pk]},
        foreign_data=lambda w, u: [{"certificate": [c.pk]} for c in foreign_certificates(w, u)],
        ok=302,
        delta=CREATED,
        scoped=True,
        form=True,
    ),
    Case(
        "GET",
        "evaluation/claims/<int:claim_id>/",
        roles("evaluation.view"),
        _detail(api=False),
        foreign=_detail_foreign(api=False),
        scoped=True,
    ),
    Case(
        "GET",
        "evaluation/claims/<int:claim_id>/submit/",
        roles("evaluation.apply"),
        _submit(api=False),
        foreign=_submit_foreign(api=False),
        scoped=True,
    ),
    Case(
        "POST",
        "evaluation/claims/<int:claim_id>/submit/",
        roles("evaluation.apply"),
        _submit(api=False),
        foreign=_submit_foreign(api=False),
        data=submit_data,
        ok=302,
        delta=SUBMITTED,
        scoped=True,
    ),
    # ---- API
    Case("GET", f"{E}/certificates", roles("evaluation.apply"), fixed(f"{E}/certificates")),
    Case("GET", f"{E}/claims", roles("evaluation.view"), fixed(f"{E}/claims")),
    Case(
        "POST",
        f"{E}/claims",
        roles("evaluation.apply"),
        fixed(f"{E}/claims"),
        data=lambda w, u: {"certificate_ids": [own_certificate(w, u).pk]},
        foreign_data=lambda w, u: [{"certificate_ids": [c.pk]} for c in foreign_certificates(w, u)],
        ok=201,
        delta=CREATED,
        scoped=True,
    ),
    Case(
        "GET",
        f"{E}/claims/{{claim_id}}",
        roles("evaluation.view"),
        _detail(api=True),
        foreign=_detail_foreign(api=True),
        scoped=True,
    ),
    Case(
        "POST",
        f"{E}/claims/{{claim_id}}/submit",
        roles("evaluation.apply"),
        _submit(api=True),
        foreign=_submit_foreign(api=True),
        data=submit_data,
        delta=SUBMITTED,
        scoped=True,
    ),
)
