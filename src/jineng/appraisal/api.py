"""/api/v1/appraisal: the yearly evaluation and the employment follow-up, the same services as the pages;
/api/v1/appraisal/exited is public (I05)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from jineng.accounts.requests import request_user
from jineng.appraisal import selectors, services
from jineng.appraisal.models import Review
from jineng.appraisal.schemas import (
    ComputeIn,
    DecideIn,
    ExitedOut,
    FollowUpIn,
    RecordedOut,
    ReviewOut,
)
from jineng.core.params import year_query
from jineng.core.permissions import require
from jineng.training.selectors import classes_visible

router = Router()
public = Router()


@router.get("/reviews", response=list[ReviewOut], summary="机构年度绩效评价（I03、I04）")
def review_list(request: HttpRequest, year: int | None = year_query(None)) -> Any:
    user = request_user(request)
    require(user, "appraisal.view")
    qs = selectors.reviews_visible(user)
    return qs.filter(year=year) if year else qs


@router.post("/reviews/compute", response=list[ReviewOut], summary="按记录计算本年度各机构的绩效数据（I03）")
def review_compute(request: HttpRequest, data: ComputeIn) -> list[Review]:
    user = request_user(request)
    require(user, "appraisal.decide")
    region = get_object_or_404(selectors.review_regions(user), pk=data.region_id)
    return services.reviews_compute(actor=user, region=region, year=data.year)


@router.post(
    "/reviews/{review_id}/decide",
    response=ReviewOut,
    summary="作出评价决定：下年度目录（I04、I05 退出并公开）与项目制资格（F04）",
)
def review_decide(request: HttpRequest, review_id: int, data: DecideIn) -> Review:
    user = request_user(request)
    require(user, "appraisal.decide")
    review = get_object_or_404(selectors.reviews_visible(user), pk=review_id)
    return services.review_decide(
        actor=user, review=review, catalogue=data.catalogue, project=data.project, reason=data.reason
    )


@router.post(
    "/classes/{class_id}/follow-ups", response=RecordedOut, summary="登记学员就业跟踪（就业跟踪问卷）"
)
def follow_ups(request: HttpRequest, class_id: int, data: FollowUpIn) -> dict[str, int]:
    user = request_user(request)
    require(user, "followup.record")
    tc = get_object_or_404(classes_visible(user), pk=class_id)
    rows = [services.FollowUpRow(r.row, r.employed, r.employer) for r in data.rows]
    return {
        "recorded": services.follow_ups_record(
            actor=user, training_class=tc, rows=rows, surveyed_on=data.surveyed_on
        )
    }


@public.get("", response=list[ExitedOut], auth=None, summary="退出目录的培训机构（公开，I05）")
def exited(request: HttpRequest, year: int | None = year_query(None)) -> Any:
    return selectors.exited_public(year)
