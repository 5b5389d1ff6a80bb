"""Reads of 以工代训 declarations, always through the user's scope.

An enterprise's clerk sees his enterprise's declarations; bureau staff, finance and auditors those of
their region subtree; a department's reviewers those of their department there. Nobody else any.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jineng.accounts.models import User
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.regions.models import Department
from jineng.wagetraining.models import Declaration, Employee, MonthClaim


def declarations_visible(user: User) -> QuerySet[Declaration]:
    if not can(user.role, "yigong.view"):
        return Declaration.objects.none()
    scope = scope_of(user)
    qs = Declaration.objects.select_related("enterprise", "region", "department")
    if user.role == Role.INSTITUTION:
        return qs.filter(enterprise_id=scope.organisation_id) if scope.organisation_id else qs.none()
    qs = qs.filter(scope.region_q())
    if scope.is_department:
        return qs.filter(department_id=scope.department_id) if scope.department_id else qs.none()
    return qs


@dataclass(frozen=True)
class DeclarationFilter:
    year: int | None = None
    state: str = ""
    q: str = ""  # a reference or the start of the enterprise's name


def declarations_search(user: User, f: DeclarationFilter) -> QuerySet[Declaration]:
    qs = declarations_visible(user)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.state:
        qs = qs.filter(state=f.state)
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(ref=q.upper()) | Q(enterprise__name__startswith=q))
    return qs.annotate(employee_count=Count("employees", distinct=True)).order_by("-year", "-id")


def employees_of(declaration: Declaration) -> QuerySet[Employee]:
    """The declaration's employees; the caller has found the declaration through the user's scope."""
    return declaration.employees.select_related("person").order_by("row")


def months_of(declaration: Declaration) -> QuerySet[MonthClaim]:
    return declaration.months.select_related("claim").order_by("month", "id")


def departments_for(user: User) -> QuerySet[Department]:
    """The 行业主管部门 an enterprise's clerk may declare to: of its region or a region above it."""
    if not can(user.role, "yigong.declare") or user.organisation is None:
        return Department.objects.none()
    region = user.organisation.region
    return (
        Department.objects.filter(region_id__in=region.ancestor_ids(), kind=Department.Kind.INDUSTRY)
        .select_related("region")
        .order_by("region__depth", "position", "name")
    )
