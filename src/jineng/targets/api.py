"""/api/v1/plans: target plans, the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.requests import request_user
from jineng.core.errors import error_envelope
from jineng.core.pagination import PageNumberPagination
from jineng.core.params import year_query
from jineng.core.permissions import require
from jineng.core.xlsx import workbook_bytes
from jineng.policy.profiles import TRAINEE_GROUPS
from jineng.regions.models import Region
from jineng.targets import selectors, services
from jineng.targets.models import Plan, PlanImport
from jineng.targets.schemas import (
    PlanDetailOut,
    PlanImportIn,
    PlanImportOut,
    PlanOut,
    ProgrammeProgressOut,
    SplitIn,
    SplitOut,
)

router = Router()


@router.get(
    "/programmes",
    response=ProgrammeProgressOut,
    summary="专项培训计划与人员类别的培训人次（J03；按已开班学员统计）",
)
def programme_progress(
    request: HttpRequest, year: int = year_query(...), region_id: int | None = None
) -> Any:
    user = request_user(request)
    require(user, "plan.view")
    regions = selectors.programme_regions(user)
    region = regions.filter(pk=region_id).first() if region_id is not None else regions.first()
    if region is None:
        raise Http404("没有这个地区，或不在您的管辖范围内")
    p = selectors.programme_progress(user, year=year, region=region)

    def count(c: Any) -> dict[str, int]:
        return {"classes": c.classes, "trainees": c.trainees, "confirmed": c.confirmed, "upgrade": c.upgrade}

    return {
        "year": p.year,
        "region": p.region.name,
        "profile": f"{p.profile.code} v{p.profile.version}" if p.profile else "",
        "problem": p.problem,
        "programmes": [
            {
                "code": r.programme.code,
                "name": r.programme.name,
                "clause": r.programme.clause,
                "groups": [TRAINEE_GROUPS[g] for g in r.programme.groups],
                "lead": r.programme.lead,
                "target": r.target,
                "upgrade_share_min": str(r.programme.upgrade_share_min)
                if r.programme.upgrade_share_min is not None
                else None,
                "upgrade_short": r.upgrade_short,
                "count": count(r.count),
            }
            for r in p.programmes
        ],
        "groups": [{"code": g.code, "label": g.label, "count": count(g.count)} for g in p.groups],
    }


@router.get("", response=list[PlanOut], summary="目标计划（按年度、下达地区筛选）")
@paginate(PageNumberPagination, page_size=50)
def plan_list(request: HttpRequest, year: int | None = year_query(None), region_id: int | None = None) -> Any:
    user = request_user(request)
    require(user, "plan.view")
    return selectors.plan_list(user, year=year, region_id=region_id)


@router.post(
    "/import",
    response={201: PlanImportOut},
    summary="导入目标计划（与 Excel 模板同一套检查；全部行无误才导入，否则 422 并逐行列出问题）",
)
def plan_import(request: HttpRequest, data: PlanImportIn) -> Status | HttpResponse:
    user = request_user(request)
    require(user, "plan.manage")
    region = selectors.manageable_regions(user).filter(pk=data.region_id).first()
    if region is None or not isinstance(region, Region):
        raise Http404("没有这个地区，或不在您的管辖范围内")
    # The API's rows go through the same reader as an uploaded spreadsheet: one path, one set of checks.
    content = workbook_bytes("目标任务", data.headers, data.rows)
    record = services.plan_import(
        actor=user,
        year=data.year,
        region=region,
        source=data.source,
        title=data.title,
        layout=data.layout,
        content=content,
        filename="api.xlsx",
    )
    if record.state == PlanImport.State.REFUSED:
        return error_envelope(
            422,
            "refused",
            f"目标计划未导入：共 {len(record.report)} 个问题（导入记录 {record.pk}）",
            record.report,
        )
    return Status(201, record)


# After /import: Django tries the routes in order, and "import" would match {plan_id}.
@router.get("/{plan_id}", response=PlanDetailOut, summary="目标计划详情：原表各行、合计、H01/H07 提示")
def plan_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    user = request_user(request)
    require(user, "plan.view")
    try:
        plan = selectors.plan_get(user, plan_id)
    except Plan.DoesNotExist:
        raise Http404("没有这个目标计划，或不在您的管辖范围内") from None
    table = selectors.plan_table(user, plan)
    return {
        "plan": plan,
        "indicators": table.indicators,
        "labels": table.headers,
        "rows": [
            {
                "label": r.label,
                "name": r.key_name,
                "lead_units": r.lead_units,
                "figures": r.cells,
                "province": r.province,
                "warnings": [w.render() for w in r.warnings],
            }
            for r in table.rows
        ],
        "totals": table.totals,
        "controls": [
            {
                "label": c.label,
                "covers": c.covers,
                "figures": c.cells,
                "differences": c.differences,
                "clause": c.clause,
            }
            for c in table.controls
        ],
        "warnings": [w.render() for w in table.warnings],
    }


@router.post(
    "/{plan_id}/splits",
    response={201: SplitOut},
    summary="登记跨表分解：本表的某一行（地区本级）或合计分解到其他各表（H01；各表合计与被分解数不一致时提示差额）",
)
def split_create(request: HttpRequest, plan_id: int, data: SplitIn) -> Status:
    user = request_user(request)
    require(user, "plan.manage")
    try:
        whole = selectors.plan_get(user, plan_id)
        parts = [selectors.plan_get(user, pk) for pk in data.part_ids]
    except Plan.DoesNotExist:
        raise Http404("没有这个目标计划，或不在您的管辖范围内") from None
    region = None
    if data.whole_region_id is not None:
        region = Region.objects.filter(pk=data.whole_region_id).first()
        if region is None:
            raise Http404("没有这个地区")
    split = services.split_record(
        actor=user, whole=whole, parts=parts, label=data.label, clause=data.clause, whole_region=region
    )
    return Status(
        201,
        {
            "id": split.pk,
            "whole": whole.source,
            "parts": [p.source for p in parts],
            "label": split.label,
            "warnings": [w.render() for w in selectors.split_warnings(split)],
        },
    )
