"""/api/v1/prepayments: F04 prepayment of project-based classes, the same services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.claims import prepayments as services
from jineng.claims.models import Prepayment, ProjectStop
from jineng.claims.prepayment_selectors import (
    prepayments_visible,
    project_performance,
    project_performance_of,
    project_stops_visible,
)
from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.core.roles import Role
from jineng.training.selectors import classes_visible

router = Router()


class PrepaymentIn(Schema):
    class_id: int
    share: Decimal | None = Field(None, description="预拨比例，如 0.30；不填为政策上限（F04）")


class PrepaymentReviewIn(Schema):
    decision: str = Field(description="pass 通过 / return 不予核准")
    comment: str = ""


class PrepaymentOut(Schema):
    id: int
    ref: str
    class_ref: str
    institution: str
    state: str
    state_label: str
    profile: str
    basis: Decimal
    share: Decimal
    amount: Decimal
    computation: str
    requested_on: dt.date
    paid_on: dt.date | None
    settled_on: dt.date | None
    settled_final: Decimal | None
    settled_excess: Decimal

    @staticmethod
    def resolve_class_ref(obj: Prepayment, context: Any) -> str:
        return obj.training_class.ref

    @staticmethod
    def resolve_institution(obj: Prepayment, context: Any) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_state_label(obj: Prepayment, context: Any) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_profile(obj: Prepayment, context: Any) -> str:
        return f"{obj.profile_code} v{obj.profile_version}"


def _prepayment(user: User, prepayment_id: int) -> Prepayment:
    return get_object_or_404(prepayments_visible(user), pk=prepayment_id)


@router.get("", response=list[PrepaymentOut], summary="项目制预拨（F04）")
@paginate(PageNumberPagination, page_size=50)
def prepayment_list(request: HttpRequest, state: str = "") -> Any:
    user = request_user(request)
    require(user, "prepayment.view")
    qs = prepayments_visible(user)
    return qs.filter(state=state) if state else qs


@router.post("", response={201: PrepaymentOut}, summary="申请预拨：预计补贴 × 预拨比例（F04）")
def prepayment_request(request: HttpRequest, data: PrepaymentIn) -> Status:
    user = request_user(request)
    require(user, "prepayment.apply")
    tc = get_object_or_404(classes_visible(user), pk=data.class_id)
    return Status(201, services.prepayment_request(actor=user, training_class=tc, share=data.share))


class PerformanceOut(Schema):
    institution_id: int
    institution: str
    classes: int
    opening: int = Field(description="开班人数")
    trained: int = Field(description="检查在位平均人数（C02）")
    attendance: Decimal | None = Field(description="出勤率")
    enrolled: int = Field(description="已考核班级学员数")
    passed: int = Field(description="考核合格人数")
    completion: Decimal | None = Field(description="结业比例")
    stop_id: int | None = Field(description="未恢复的项目制资格停止决定")


class ProjectStopIn(Schema):
    institution_id: int
    reason: str


class ProjectLiftIn(Schema):
    reason: str


class ProjectStopOut(Schema):
    id: int
    institution: str
    profile: str
    reason: str
    figures: dict[str, Any]
    stopped_on: dt.date
    lifted_on: dt.date | None
    lift_reason: str

    @staticmethod
    def resolve_institution(obj: ProjectStop, context: Any) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_profile(obj: ProjectStop, context: Any) -> str:
        return f"{obj.profile_code} v{obj.profile_version}"


@router.get(
    "/performance",
    response=list[PerformanceOut],
    summary="项目制机构培训效果：出勤率、结业比例与项目制资格（F04）",
)
def performance(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    require(user, "prepayment.view")
    return [
        {
            "institution_id": p.institution.pk,
            "institution": p.institution.name,
            "classes": p.classes,
            "opening": p.opening,
            "trained": p.trained,
            "attendance": p.attendance,
            "enrolled": p.enrolled,
            "passed": p.passed,
            "completion": p.completion,
            "stop_id": p.stop.pk if p.stop else None,
        }
        for p in project_performance(user)
        if user.role != Role.INSTITUTION
    ]


@router.post(
    "/stops", response={201: ProjectStopOut}, summary="停止机构的项目制资格（F04，政策档案有规定的）"
)
def stop(request: HttpRequest, data: ProjectStopIn) -> Status:
    user = request_user(request)
    require(user, "project.stop")
    figures = project_performance_of(user, data.institution_id)
    found = figures.institution if figures else None
    if found is None:
        raise Http404("培训机构不存在")
    return Status(201, services.project_stop(actor=user, institution=found, reason=data.reason))


@router.post("/stops/{stop_id}/lift", response=ProjectStopOut, summary="恢复机构的项目制资格")
def lift(request: HttpRequest, stop_id: int, data: ProjectLiftIn) -> ProjectStop:
    user = request_user(request)
    require(user, "project.stop")
    found = get_object_or_404(project_stops_visible(user), pk=stop_id)
    return services.project_stop_lift(actor=user, stop=found, reason=data.reason)


@router.get("/{prepayment_id}", response=PrepaymentOut, summary="预拨详情")
def prepayment_detail(request: HttpRequest, prepayment_id: int) -> Prepayment:
    user = request_user(request)
    require(user, "prepayment.view")
    return _prepayment(user, prepayment_id)


@router.post("/{prepayment_id}/review", response=PrepaymentOut, summary="人社初审、复核（F09：不同的人）")
def prepayment_review(request: HttpRequest, prepayment_id: int, data: PrepaymentReviewIn) -> Prepayment:
    user = request_user(request)
    require(user, "prepayment.review")
    return services.prepayment_review(
        actor=user, prepayment=_prepayment(user, prepayment_id), decision=data.decision, comment=data.comment
    )


@router.post("/{prepayment_id}/pay", response=PrepaymentOut, summary="财政拨付预拨款（仅一次）")
def prepayment_pay(request: HttpRequest, prepayment_id: int) -> Prepayment:
    user = request_user(request)
    require(user, "prepayment.pay")
    return services.prepayment_pay(actor=user, prepayment=_prepayment(user, prepayment_id))
