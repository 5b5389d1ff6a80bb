from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

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


def profiles_in_view(region: Region | None, year: int) -> list[Profile]:
    """The profiles that govern the acts of ``region`` in ``year``: its own (profile_latest); for a region
    above the profiles (a province over cities with their own documents), each profile assigned below it up
    to ``year``, once, by code. Empty when there is none (or no region): a page then says so."""
    if region is None:
        return []
    try:
        return [profile_latest(region, year)]
    except NoProfile:
        below = (
            ProfileAssignment.objects.filter(region__path__startswith=region.path, year__lte=year)
            .values_list("profile_code", "profile_version")
            .distinct()
        )
        found = {(code, version): get_profile(code, version) for code, version in below}
        return [found[k] for k in sorted(found)]


def rule_clause(region: Region, year: int, rule: str) -> str:
    """The clause of ``rule`` for an act of ``region``: as its profile words it (profile_latest); for a
    region above the profiles, as the profiles assigned below it word it, each distinct wording once
    (profiles_in_view). NoProfile when there is none at all."""
    profiles = profiles_in_view(region, year)
    if not profiles:
        raise NoProfile(region, year)
    return "；".join(sorted({p.rule_clause(rule) for p in profiles}))


def rule_clause_shown(region: Region | None, year: int, rule: str) -> str:
    """rule_clause for a page's help text: empty where no profile governs the region (the page says so)."""
    try:
        return rule_clause(region, year, rule) if region is not None else ""
    except NoProfile:
        return ""


def assignments_visible(user: Viewer) -> QuerySet[ProfileAssignment]:
    """The profiles in force in the user's subtree and above it (what its regions inherit)."""
    if not can(user.role, "profile.view"):
        return ProfileAssignment.objects.none()
    scope = scope_of(user)
    region = Region.objects.filter(path=scope.region_path).first()
    above = region.ancestor_ids() if region is not None else []
    return (
        ProfileAssignment.objects.filter(
            Q(region__path__startswith=scope.region_path) | Q(region_id__in=above)
        )
        .select_related("region", "set_by")
        .order_by("-year", "region__path")
    )


def assignable_regions(user: Viewer, capability: str = "profile.assign") -> QuerySet[Region]:
    """The regions of the user's subtree, for a set-up the capability allows."""
    if not can(user.role, capability):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=scope_of(user).region_path).order_by("path")


@dataclass(frozen=True)
class Bureau:
    """18.11: who issues a region's public notices, and the telephone they name."""

    name: str
    phone: str


def bureau_of(region: Region) -> Bureau:
    """The region's 人力资源和社会保障局 and its telephone (the nearest ancestor's when the region has none;
    the national 12333 service line when no level has one)."""
    ids = region.ancestor_ids()
    phones = dict(Region.objects.filter(pk__in=ids).values_list("pk", "bureau_phone"))
    phone = next((phones[i] for i in reversed(ids) if phones.get(i)), "")
    return Bureau(f"{region.name}人力资源和社会保障局", phone or "12333（人社服务热线）")
