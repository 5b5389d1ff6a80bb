from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.core.roles import can
from jineng.core.scope import scope_of
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
    set_by = actor if getattr(actor, "pk", None) else None
    if previous is None:
        assignment = ProfileAssignment.objects.create(
            region=region,
            year=year,
            profile_code=profile.code,
            profile_version=profile.version,
            set_by=set_by,
            set_at=timezone.now(),
        )
        before = ""
    else:
        before = f"{previous.profile_code}@v{previous.profile_version}"
        previous.profile_code, previous.profile_version = profile.code, profile.version
        previous.set_by, previous.set_at = set_by, timezone.now()
        previous.save(update_fields=["profile_code", "profile_version", "set_by", "set_at"])
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


@transaction.atomic
def profile_put_in_force(
    *,
    actor: Any,
    region: Region,
    year: int,
    profile_code: str,
    other_years_confirmed: bool = False,
) -> ProfileAssignment:
    """The bureau's page for a new year (or a changed document): a profile in force for a region of its
    subtree and a year, audited. A profile written for other years (ZZ21 for 2026) is put in force only
    when the bureau says so, knowingly; classes already submitted keep the profile frozen on them."""
    if not can(actor.role, "profile.assign"):
        raise Refusal("只有人社局管理员可以设定政策档案")
    if not scope_of(actor).contains_path(region.path):
        raise Refusal("只能为本辖区设定政策档案", field="地区", value=region.name)
    if not 2000 <= year <= 2100:
        raise Refusal("年度应为 2000 至 2100", field="年度", value=str(year))
    try:
        profile = get_profile(profile_code)
    except KeyError:
        raise Refusal("没有这个政策档案", field="政策档案", value=profile_code) from None
    if year not in profile.years and not other_years_confirmed:
        written = "、".join(str(y) for y in profile.years)
        raise Refusal(
            f"《{profile.document}》是为 {written} 年制定的，{year} 年适用须确认"
            "（勾选“确认在文件年度以外适用”），或待新的政策档案",
            field="政策档案",
            value=profile.code,
        )
    return profile_assign(actor=actor, region=region, year=year, profile_code=profile.code)


@transaction.atomic
def department_add(*, actor: Any, region: Region, name: str, kind: str) -> Department:
    """18.3: the bureau adds a department of a region of its subtree (a new 行业主管部门 that co-reviews
    classes, or a 群团 body that reports), on a page, audited."""
    if not can(actor.role, "department.manage"):
        raise Refusal("只有人社局管理员可以增加部门")
    if not scope_of(actor).contains_path(region.path):
        raise Refusal("只能为本辖区增加部门", field="所属区域", value=region.name)
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise Refusal("请填写部门名称（不超过64字）", field="名称", value=name[:20])
    if kind not in Department.Kind.values:
        raise Refusal("部门类别不正确", field="类别", value=kind)
    if Department.objects.filter(region=region, name=name).exists():
        raise Refusal(f"{region.name}已有“{name}”", field="名称", value=name)
    position = Department.objects.filter(region=region).count() + 1
    return department_create(actor=actor, region=region, name=name, kind=kind, position=position)


_PHONE = re.compile(r"^[0-9][0-9\- ]{3,30}[0-9]$")


@transaction.atomic
def region_contact_set(*, actor: Any, region: Region, phone: str) -> Region:
    """18.11: the bureau's telephone for questions and objections, named on its public notices (actor
    None: the system, as the demo's set-up)."""
    if actor is not None:
        if not can(actor.role, "region.contact"):
            raise Refusal("只有人社局管理员可以设定咨询电话")
        if not scope_of(actor).contains_path(region.path):
            raise Refusal("只能为本辖区设定咨询电话", field="所属区域", value=region.name)
    phone = (phone or "").strip()
    if phone and not _PHONE.match(phone):
        raise Refusal(
            "请填写电话号码，如 0371-67890123（只含数字和连字符）", field="咨询电话", value=phone[:32]
        )
    region = Region.objects.select_for_update().get(pk=region.pk)
    before = region.bureau_phone
    if before == phone:
        return region
    region.bureau_phone = phone
    region.save(update_fields=["bureau_phone"])
    event_record(
        actor=actor,
        action="region.contact_changed",
        obj=region,
        payload={"before": before, "phone": phone},
        region_path=region.path,
    )
    return region
