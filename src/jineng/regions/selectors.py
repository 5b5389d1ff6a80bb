from __future__ import annotations

from django.db.models import QuerySet

from jineng.core.roles import can
from jineng.core.scope import Viewer, scope_of
from jineng.policy.profiles import Profile, get_profile
from jineng.regions.models import Department, ProfileAssignment, Region


class NoProfile(LookupError):
    def __init__(self, region: Region, year: int) -> None:
        self.region = region
        self.year = year
        super().__init__(f"{region.name} 及其上级区域均未设定 {year} 年适用的政策档案，请管理员先设定")


def regions_visible(user: Viewer) -> QuerySet[Region]:
    if not can(user.role, "region.view"):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=scope_of(user).region_path)


def departments_visible(user: Viewer) -> QuerySet[Department]:
    if not can(user.role, "department.view"):
        return Department.objects.none()
    scope = scope_of(user)
    qs = Department.objects.filter(scope.region_q()).select_related("region")
    if scope.is_department:
        # A department reviewer without a department sees none rather than all.
        if scope.department_id is None:
            return qs.none()
        qs = qs.filter(id=scope.department_id)
    return qs


def profile_assignment_for(region: Region, year: int) -> ProfileAssignment:
    """The nearest assignment on the chain region → root, in one query."""
    found = (
        ProfileAssignment.objects.filter(region_id__in=region.ancestor_ids(), year=year)
        .select_related("region")
        .order_by("-region__depth")
        .first()
    )
    if found is None:
        raise NoProfile(region, year)
    return found


def profile_for(region: Region, year: int) -> Profile:
    assignment = profile_assignment_for(region, year)
    return get_profile(assignment.profile_code, assignment.profile_version)


def profile_latest(region: Region, year: int) -> Profile:
    """The profile in force in ``year``, else the latest one assigned to an earlier year: for a clause to
    quote where the act (a catalogue listing, a voucher, a report) is not tied to one programme year.
    Nearest region first within a year; NoProfile when the chain has none up to ``year``."""
    found = (
        ProfileAssignment.objects.filter(region_id__in=region.ancestor_ids(), year__lte=year)
        .select_related("region")
        .order_by("-year", "-region__depth")
        .first()
    )
    if found is None:
        raise NoProfile(region, year)
    return get_profile(found.profile_code, found.profile_version)


def rule_clause(region: Region, year: int, rule: str) -> str:
    """The clause of ``rule`` for an act of ``region``: as its profile words it (profile_latest); for a
    region above the profiles (a province over cities with their own documents), as the profiles
    assigned below it word it, each distinct wording once. NoProfile when there is none at all."""
    try:
        return profile_latest(region, year).rule_clause(rule)
    except NoProfile:
        below = (
            ProfileAssignment.objects.filter(region__path__startswith=region.path, year__lte=year)
            .values_list("profile_code", "profile_version")
            .distinct()
        )
        texts = sorted({get_profile(code, version).rule_clause(rule) for code, version in below})
        if not texts:
            raise
        return "；".join(texts)
