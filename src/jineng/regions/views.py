from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jineng.core.feedback import act
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.core.roles import can
from jineng.core.xlsx import xlsx_response
from jineng.policy.profiles import SCHEMA, all_profiles, get_profile, latest_profiles, policy_documents
from jineng.regions.models import Department, ProfileAssignment, Region
from jineng.regions.selectors import (
    assignable_regions,
    assignments_visible,
    departments_visible,
    regions_visible,
)
from jineng.regions.services import department_add, profile_put_in_force, region_contact_set


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "region.view")
    viewer = request_viewer(request)
    if request.method == "POST":
        # 18.11: the bureau's telephone that its public notices name.
        require(viewer, "region.contact")
        chosen = (
            assignable_regions(viewer, "region.contact")
            .filter(pk=_int(request.POST.get("region")) or 0)
            .first()
        )
        if chosen is None:
            raise Http404("没有这个地区，或不在您的管辖范围内")
        phone = request.POST.get("phone", "")
        act(
            request,
            f"已设定{chosen.name}人社局咨询电话：{phone.strip() or '（清除，沿用上级）'}",
            lambda: region_contact_set(actor=viewer, region=chosen, phone=phone),
        )
        return redirect("regions:list")
    regions = list(regions_visible(viewer))
    # Assignments on the visible regions and on their ancestors (inherited), none from other cities.
    chain = {ancestor for region in regions for ancestor in region.ancestor_ids()}
    assignments = {(a.region_id, a.year): a for a in ProfileAssignment.objects.filter(region_id__in=chain)}
    years = sorted({year for _, year in assignments} | {_year(request)})
    # Counted through the relation orgs declares on Region: regions sits below orgs and imports none of it.
    org_counts = dict(
        Region.objects.filter(pk__in=[r.pk for r in regions])
        .annotate(n=Count("organisations"))
        .values_list("pk", "n")
    )
    rows: list[dict[str, Any]] = []
    by_id = {r.pk: r for r in regions}
    for region in regions:
        cells = []
        for year in years:
            # Inherited: the nearest ancestor's assignment (ancestors precede descendants in path order).
            found, inherited = None, False
            for ancestor_id in reversed(region.ancestor_ids()):
                if (ancestor_id, year) in assignments:
                    found = assignments[(ancestor_id, year)]
                    inherited = ancestor_id != region.pk
                    break
            cells.append(
                {"a": found, "inherited": inherited, "from": by_id.get(found.region_id) if found else None}
            )
        rows.append({"region": region, "cells": cells, "orgs": org_counts.get(region.pk, 0)})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "行政区域.xlsx",
            "行政区域",
            ["名称", "GB/T 2260 代码", "类别", "层级", "机构数", *[f"{y}年政策档案" for y in years]],
            (
                [
                    r["region"].name,
                    r["region"].code or "",
                    r["region"].get_kind_display(),
                    r["region"].depth,
                    r["orgs"],
                    *[(c["a"].profile_code if c["a"] else "未设定") for c in r["cells"]],
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "regions/list.html",
        {
            "rows": rows,
            "years": years,
            "may_contact": can(viewer.role, "region.contact"),
            "contact_regions": assignable_regions(viewer, "region.contact"),
        },
    )


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "department.view")
    user = request_viewer(request)
    if request.method == "POST":
        require(user, "department.manage")
        region = (
            assignable_regions(user, "department.manage")
            .filter(pk=_int(request.POST.get("region")) or 0)
            .first()
        )
        if region is None:
            raise Http404("没有这个地区，或不在您的管辖范围内")
        name = request.POST.get("name", "")
        act(
            request,
            f"已增加部门：{region.name} {name.strip()}",
            lambda: department_add(actor=user, region=region, name=name, kind=request.POST.get("kind", "")),
        )
        return redirect("regions:departments")
    departments = departments_visible(user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "部门.xlsx",
            "部门",
            ["区域", "部门", "类别"],
            ([d.region.name, d.name, d.get_kind_display()] for d in departments),
        )
    return render(
        request,
        "regions/departments.html",
        {
            "departments": departments,
            "may_add": can(user.role, "department.manage"),
            "regions": assignable_regions(user, "department.manage"),
            "kinds": Department.Kind.choices,
        },
    )


@login_required
def profile_list(request: HttpRequest) -> HttpResponse:
    """All profiles side by side, one row per parameter, grouped by rule ID."""
    require(request.user, "profile.view")
    profiles = list(all_profiles().values())
    rows: list[dict[str, Any]] = [
        {"spec": spec, "cells": [p.param(spec.name) for p in profiles]} for spec in SCHEMA
    ]
    only = request.GET.get("rule", "").strip().upper()
    if only:
        rows = [r for r in rows if r["spec"].rule == only]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "政策档案对照.xlsx",
            "政策档案对照",
            ["规则", "参数", *[f"{p.code} {p.short}" for p in profiles]],
            (
                [
                    r["spec"].rule,
                    r["spec"].label,
                    *[
                        (c.display() + (f"（{c.clause}）" if c.is_set else f"（{c.note}）"))
                        for c in r["cells"]
                    ],
                ]
                for r in rows
            ),
        )
    by_code = {p.code: p for p in profiles}
    documents = [(d, by_code.get(d.code)) for d in policy_documents()]
    return render(
        request,
        "regions/profiles.html",
        {"profiles": profiles, "rows": rows, "rule": only, "documents": documents},
    )


@login_required
def profiles_in_force(request: HttpRequest) -> HttpResponse:
    """Which profile is in force where and when (18.3): the bureau's admin puts one in force for a region of
    its subtree and a year, here, instead of in /admin/."""
    user = request_viewer(request)
    require(user, "profile.view")
    if request.method == "POST":
        require(user, "profile.assign")
        region = assignable_regions(user).filter(pk=_int(request.POST.get("region")) or 0).first()
        if region is None:
            raise Http404("没有这个地区，或不在您的管辖范围内")
        year = _int(request.POST.get("year")) or 0
        code = request.POST.get("profile", "")
        act(
            request,
            f"已设定{region.name}{year}年适用的政策档案：{code}",
            lambda: profile_put_in_force(
                actor=user,
                region=region,
                year=year,
                profile_code=code,
                other_years_confirmed=request.POST.get("other_years") == "1",
            ),
        )
        return redirect("regions:profiles_in_force")
    return render(
        request,
        "regions/profiles_in_force.html",
        {
            "assignments": _labelled(assignments_visible(user)),
            "profiles": latest_profiles(),
            "regions": assignable_regions(user),
            "year": timezone.localdate().year,
            "may_assign": can(user.role, "profile.assign"),
        },
    )


@dataclass(frozen=True)
class InForce:
    """One row of the in-force table: the assignment, its profile's name and, when it is in force outside
    the years its document was written for, those years (a warning on the page)."""

    assignment: ProfileAssignment
    label: str
    written_for: str = ""


def _labelled(assignments: Iterable[ProfileAssignment]) -> list[InForce]:
    out = []
    for a in assignments:
        try:
            profile = get_profile(a.profile_code, a.profile_version)
        except KeyError:
            out.append(InForce(a, f"{a.profile_code} v{a.profile_version}"))
            continue
        label = f"{profile.jurisdiction} {profile.short}（{profile.code} v{profile.version}）"
        written = "" if a.year in profile.years else "、".join(str(y) for y in profile.years)
        out.append(InForce(a, label, written))
    return out


def _int(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None
