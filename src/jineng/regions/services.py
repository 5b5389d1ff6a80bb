from __future__ import annotations

from typing import Any

from django.db import transaction

from jineng.audit.services import event_record
from jineng.policy.profiles import get_profile
from jineng.regions.models import Department, ProfileAssignment, Region


@transaction.atomic
def region_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    parent: Region | None,
    code: str | None = None,
    short_name: str = "",
    position: int = 0,
) -> Region:
    region = Region.objects.create(
        name=name, kind=kind, parent=parent, code=code or None, short_name=short_name, position=position
    )
    # The path holds the row's own id, known only after the insert.
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    region.depth = parent.depth + 1 if parent else 0
    region.save(update_fields=["path", "depth"])
    event_record(
        actor=actor,
        action="region.created",
        obj=region,
        to_state="active",
        payload={"name": name, "code": code, "kind": kind, "parent": parent.pk if parent else None},
        region_path=region.path,
    )
    return region


@transaction.atomic
def department_create(*, actor: Any, region: Region, name: str, kind: str, position: int = 0) -> Department:
    department = Department.objects.create(region=region, name=name, kind=kind, position=position)
    event_record(
        actor=actor,
        action="department.created",
        obj=department,
        to_state="active",
        payload={"name": name, "kind": kind, "region": region.pk},
        region_path=region.path,
        department_id=department.pk,
    )
    return department


@transaction.atomic
def profile_assign(
    *, actor: Any, region: Region, year: int, profile_code: str, profile_version: int | None = None
) -> ProfileAssignment:
    """Put a profile in force for a region and year (and, by inheritance, for the regions below)."""
    profile = get_profile(profile_code, profile_version)  # raises on an unknown code/version
    previous = ProfileAssignment.objects.select_for_update().filter(region=region, year=year).first()
    if previous is None:
        assignment = ProfileAssignment.objects.create(
            region=region, year=year, profile_code=profile.code, profile_version=profile.version
        )
        before = ""
    else:
        before = f"{previous.profile_code}@v{previous.profile_version}"
        previous.profile_code, previous.profile_version = profile.code, profile.version
        previous.save(update_fields=["profile_code", "profile_version"])
        assignment = previous
    event_record(
        actor=actor,
        action="profile.assigned",
        obj=assignment,
        from_state=before,
        to_state=profile.key,
        payload={"region": region.pk, "year": year},
        region_path=region.path,
    )
    return assignment
