"""Reads of 企业新型学徒制, scoped to the user: the institution's and the enterprise's clerks see their
own cohorts; bureau staff those of their region (a department its own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jineng.accounts.models import User
from jineng.apprenticeship.models import Apprentice, Cohort
from jineng.claims.selectors import HeldLine, lines_held
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.policy import apprenticeship as rules
from jineng.regions.models import Department


def cohorts_visible(user: User) -> QuerySet[Cohort]:
    if not can(user.role, "apprenticeship.view"):
        return Cohort.objects.none()
    scope = scope_of(user)
    qs = Cohort.objects.select_related("enterprise", "institution", "occupation", "region", "department")
    if scope.is_organisation:
        org = scope.organisation_id
        return qs.filter(Q(institution_id=org) | Q(enterprise_id=org)) if org else qs.none()
    qs = qs.filter(scope.region_q())
    if scope.is_department:
        qs = qs.filter(department_id=scope.department_id) if scope.department_id else qs.none()
    return qs


def cohorts_managed(user: User) -> QuerySet[Cohort]:
    """The cohorts the user's clerk acts for: those of his own institution."""
    if not can(user.role, "apprenticeship.manage") or not user.organisation_id:
        return Cohort.objects.none()
    return cohorts_visible(user).filter(institution_id=user.organisation_id)


def cohorts_search(user: User, *, q: str = "", state: str = "") -> QuerySet[Cohort]:
    qs = cohorts_visible(user)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(
            Q(ref__icontains=q)
            | Q(enterprise__name__contains=q)
            | Q(institution__name__contains=q)
            | Q(occupation__name__contains=q)
            | Q(agreement_number__icontains=q)
        )
    return qs


def apprentices_of(cohort: Cohort) -> QuerySet[Apprentice]:
    return cohort.apprentices.select_related("person").order_by("row")


def enterprise_by_code(credit_code: str) -> Organisation | None:
    """The enterprise an agreement names, by its 统一社会信用代码 (any enterprise on the register)."""
    return Organisation.objects.filter(
        credit_code=credit_code.strip().upper(), kind=Organisation.Kind.ENTERPRISE
    ).first()


def departments_offered(user: User) -> QuerySet[Department]:
    """The departments a clerk may name: those of his region, below it and above it."""
    region = user.region
    if region is None:
        return Department.objects.none()
    return Department.objects.filter(
        Q(region__path__startswith=region.path) | Q(region_id__in=region.ancestor_ids())
    )


def departments_for(user: User, enterprise: Organisation) -> QuerySet[Department]:
    """The departments of the enterprise's region and the regions above it that the clerk may name."""
    return departments_offered(user).filter(region_id__in=enterprise.region.ancestor_ids())


@dataclass(frozen=True)
class StageRow:
    stage: rules.Stage
    claimable: bool  # ended, not yet held by a live claim
    held: HeldLine | None  # a line of the stage held by a live claim (its claim)
    payable_now: int  # apprentices the stage would pay (not left before its end)


def stage_rows(cohort: Cohort, *, today: dt.date) -> list[StageRow]:
    apprentices = list(cohort.apprentices.all())
    out = []
    for st in cohort.stages():
        keys = [rules.line_key(cohort.pk, a.person_id, st.number) for a in apprentices]
        held = lines_held(keys)
        first = next(iter(held.values()), None)
        staying = sum(
            1 for a in apprentices if a.joined_on <= st.start and (a.left_on is None or a.left_on > st.end)
        )
        out.append(StageRow(st, today > st.end and not held and cohort.state != "ended", first, staying))
    return out
