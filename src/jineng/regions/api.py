import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError

from jineng.core.params import year_query
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.policy.profiles import Parameter, Profile, all_profiles, get_profile
from jineng.regions.models import Region
from jineng.regions.schemas import (
    DepartmentOut,
    ParameterOut,
    ProfileOut,
    ProfileSummaryOut,
    RegionOut,
    RegionProfileOut,
)
from jineng.regions.selectors import NoProfile, departments_visible, profile_assignment_for, regions_visible

router = Router()
policy_router = Router()


def _region_out(r: Region) -> RegionOut:
    return RegionOut(
        id=r.pk,
        name=r.name,
        code=r.code,
        kind=r.kind,
        kind_label=r.get_kind_display(),
        parent_id=r.parent_id,
        depth=r.depth,
    )


@router.get("/regions", response=list[RegionOut], summary="管辖范围内的行政区域（树，按路径排序）")
def regions(request: HttpRequest) -> list[RegionOut]:
    require(request.user, "region.view")
    return [_region_out(r) for r in regions_visible(request_viewer(request))]


@router.get(
    "/regions/{region_id}/profile", response=RegionProfileOut, summary="区域某年度适用的政策档案（含继承）"
)
def region_profile(request: HttpRequest, region_id: int, year: int = year_query()) -> RegionProfileOut:
    require(request.user, "region.view")
    region = get_object_or_404(regions_visible(request_viewer(request)), pk=region_id)
    try:
        assignment = profile_assignment_for(region, year)
    except NoProfile as exc:
        raise HttpError(404, str(exc)) from None
    profile = get_profile(assignment.profile_code, assignment.profile_version)
    return RegionProfileOut(
        region_id=region.pk, year=year, assigned_at_region=assignment.region.name, profile=_summary(profile)
    )


@router.get("/departments", response=list[DepartmentOut], summary="管辖范围内的部门")
def departments(request: HttpRequest) -> list[DepartmentOut]:
    require(request.user, "department.view")
    qs: Any = departments_visible(request_viewer(request))
    return [
        DepartmentOut(id=d.pk, name=d.name, kind=d.kind, region_id=d.region_id, region=d.region.name)
        for d in qs
    ]


def _summary(p: Profile) -> ProfileSummaryOut:
    return ProfileSummaryOut(
        code=p.code,
        version=p.version,
        short=p.short,
        jurisdiction=p.jurisdiction,
        years=list(p.years),
        document=p.document,
    )


def _json_value(param: Parameter) -> Any:
    value = param.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@policy_router.get("", response=list[ProfileSummaryOut], summary="全部政策档案")
def profiles(request: HttpRequest) -> list[ProfileSummaryOut]:
    require(request.user, "profile.view")
    return [_summary(p) for p in all_profiles().values()]


@policy_router.get("/{code}", response=ProfileOut, summary="一个政策档案的全部参数（规则编号、条款）")
def profile_detail(request: HttpRequest, code: str, version: int | None = None) -> ProfileOut:
    require(request.user, "profile.view")
    try:
        profile = get_profile(code, version)
    except KeyError as exc:
        raise HttpError(404, str(exc.args[0])) from None
    return ProfileOut(
        **_summary(profile).dict(),
        parameters=[
            ParameterOut(
                name=p.spec.name,
                label=p.spec.label,
                rule=p.rule,
                kind=p.spec.kind,
                value=_json_value(p),
                display=p.display(),
                clause=p.clause,
                note=p.note,
            )
            for p in profile.params.values()
        ],
    )
