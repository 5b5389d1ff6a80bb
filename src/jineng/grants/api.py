"""/api/v1/grants: F05 equipment grants of bases and master studios, the same services as the pages.
Out of scope → 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.grants import services
from jineng.grants.models import GrantApplication
from jineng.grants.schemas import (
    GrantApplicationIn,
    GrantApplicationOut,
    GrantRecognitionIn,
    GrantRecognitionOut,
    GrantReviewIn,
    GrantWithdrawIn,
)
from jineng.grants.selectors import (
    applications_visible,
    departments_to_choose,
    organisations_to_recognise,
    recognitions_visible,
)
from jineng.policy.equipment import Item
from jineng.regions.selectors import regions_visible

router = Router()


@router.get(
    "/recognitions", response=list[GrantRecognitionOut], summary="认定的高技能人才培训基地、技能大师工作室"
)
@paginate(PageNumberPagination, page_size=50)
def recognition_list(request: HttpRequest) -> Any:
    user = request_user(request)
    require(user, "grant.view")
    return recognitions_visible(user)


@router.post(
    "/recognitions", response={201: GrantRecognitionOut}, summary="登记认定的基地/工作室（人社局管理员）"
)
def recognition_record(request: HttpRequest, data: GrantRecognitionIn) -> Status:
    user = request_user(request)
    require(user, "grant.recognise")
    org = get_object_or_404(organisations_to_recognise(user), pk=data.organisation_id)
    dept = get_object_or_404(departments_to_choose(user), pk=data.department_id)
    region = get_object_or_404(regions_visible(user), pk=data.region_id) if data.region_id else None
    r = services.recognition_record(
        actor=user,
        organisation=org,
        kind=data.kind,
        name=data.name,
        level=data.level,
        recognised_on=data.recognised_on,
        document_number=data.document_number,
        department=dept,
        region=region,
    )
    return Status(201, r)


def _application(user: User, application_id: int) -> GrantApplication:
    return get_object_or_404(applications_visible(user), pk=application_id)


@router.get("", response=list[GrantApplicationOut], summary="实训设备补助申请（F05）")
@paginate(PageNumberPagination, page_size=50)
def application_list(request: HttpRequest, state: str = "") -> Any:
    user = request_user(request)
    require(user, "grant.view")
    qs = applications_visible(user).prefetch_related("items")
    return qs.filter(state=state) if state else qs


@router.post(
    "",
    response={201: GrantApplicationOut},
    summary="申请实训设备补助：新购置设备总值 × 比例，按类别封顶，一次性（F05）",
)
def application_create(request: HttpRequest, data: GrantApplicationIn) -> Status:
    user = request_user(request)
    require(user, "grant.apply")
    r = get_object_or_404(recognitions_visible(user), pk=data.recognition_id)
    items = [
        Item(
            row=n,
            name=i.name,
            model=i.model,
            quantity=i.quantity,
            unit_price=i.unit_price,
            invoice_number=i.invoice_number,
            purchased_on=i.purchased_on,
        )
        for n, i in enumerate(data.items, start=1)
    ]
    a = services.grant_application_create(
        actor=user, recognition=r, items=items, staff_education_fund_used=data.staff_education_fund_used
    )
    return Status(201, a)


@router.get("/{application_id}", response=GrantApplicationOut, summary="设备补助申请详情")
def application_detail(request: HttpRequest, application_id: int) -> GrantApplication:
    user = request_user(request)
    require(user, "grant.view")
    return _application(user, application_id)


@router.post(
    "/{application_id}/withdraw",
    response=GrantApplicationOut,
    summary="依托单位在人社初审签署前撤回申请（撤回后可重新申请，F05 一次性补助只计有效申请）",
)
def application_withdraw(
    request: HttpRequest, application_id: int, data: GrantWithdrawIn
) -> GrantApplication:
    user = request_user(request)
    require(user, "grant.apply")
    return services.grant_application_withdraw(
        actor=user, application=_application(user, application_id), reason=data.reason
    )


@router.post(
    "/{application_id}/review",
    response=GrantApplicationOut,
    summary="人社初审、复核（F09：不同的人）；复核通过即生成补贴申领",
)
def application_review(request: HttpRequest, application_id: int, data: GrantReviewIn) -> GrantApplication:
    user = request_user(request)
    require(user, "grant.review")
    return services.grant_application_review(
        actor=user,
        application=_application(user, application_id),
        decision=data.decision,
        comment=data.comment,
    )
