"""Reads of F05 equipment grants, scoped to the user: an organisation's clerk its own bases, studios and
applications; the bureau and auditors those of their region subtree."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jineng.accounts.models import User
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.grants.models import GrantApplication, GrantState, Recognition
from jineng.orgs.models import Organisation
from jineng.regions.models import Department


def recognitions_visible(user: User) -> QuerySet[Recognition]:
    if not can(user.role, "grant.view"):
        return Recognition.objects.none()
    scope = scope_of(user)
    qs = Recognition.objects.select_related("organisation", "region", "department")
    if user.role == Role.INSTITUTION:
        return qs.filter(organisation_id=scope.organisation_id) if scope.organisation_id else qs.none()
    return qs.filter(scope.region_q())


def recognitions_to_apply(user: User) -> QuerySet[Recognition]:
    """The clerk's bases and studios without a live application (F05: 一次性补助)."""
    if not can(user.role, "grant.apply"):
        return Recognition.objects.none()
    return recognitions_visible(user).exclude(
        applications__state__in=[s for s in GrantState.values if s != GrantState.REJECTED]
    )


def applications_visible(user: User) -> QuerySet[GrantApplication]:
    if not can(user.role, "grant.view"):
        return GrantApplication.objects.none()
    scope = scope_of(user)
    qs = GrantApplication.objects.select_related(
        "recognition", "organisation", "region", "department", "claim", "first_reviewer", "second_reviewer"
    )
    if user.role == Role.INSTITUTION:
        return qs.filter(organisation_id=scope.organisation_id) if scope.organisation_id else qs.none()
    return qs.filter(scope.region_q())


def review_queue(user: User) -> QuerySet[GrantApplication]:
    """What waits for this reviewer: 初审 the submitted, 复核 the first-signed (F09)."""
    waiting = {Role.HR_FIRST: GrantState.SUBMITTED, Role.HR_SECOND: GrantState.FIRST_SIGNED}
    state = waiting.get(Role(user.role)) if user.role else None
    if state is None:
        return GrantApplication.objects.none()
    return applications_visible(user).filter(state=state)


def organisations_to_recognise(user: User) -> QuerySet[Organisation]:
    if not can(user.role, "grant.recognise"):
        return Organisation.objects.none()
    return Organisation.objects.filter(scope_of(user).region_q()).order_by("name")


def departments_to_choose(user: User) -> QuerySet[Department]:
    """Departments of the user's region or above (a department reviews the claims of its region and below)."""
    if not can(user.role, "grant.recognise") or user.region is None:
        return Department.objects.none()
    region = user.region
    return (
        Department.objects.filter(
            Q(region_id__in=region.ancestor_ids()) | Q(region__path__startswith=region.path)
        )
        .select_related("region")
        .order_by("region__path", "position", "name")
    )
