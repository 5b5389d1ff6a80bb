"""/api/v1/supervision: the same services as the pages; out-of-scope classes answer 404."""

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
from jineng.core.roles import Role
from jineng.supervision import services
from jineng.supervision.models import Summary
from jineng.supervision.schemas import (
    CheckInIn,
    CheckInReportOut,
    InspectionIn,
    InspectionOut,
    LeaveIn,
    LeaveOut,
    MakeUpIn,
    OpenIn,
    SatisfactionIn,
    SupervisedClassOut,
    SupervisionSummaryOut,
    VideoIn,
    VideoOut,
)
from jineng.supervision.selectors import class_for, classes_supervised, leave_for
from jineng.training.models import Enrolment, TrainingClass

router = Router()


def require_end(user: User) -> None:
    """Ending a class: the institution for its own class, or the supervising staff."""
    if getattr(user, "role", None) != Role.INSTITUTION:
        require(user, "class.supervise")


def _summary(tc: TrainingClass) -> dict[str, Any]:
    s = Summary.objects.filter(training_class=tc).first()
    return {
        "class_id": tc.pk,
        "state": tc.state,
        "opening_headcount": s.opening_headcount if s else None,
        "trained_headcount": s.trained_headcount if s else None,
        "inspections": tc.inspections.count(),
        "subsidy_forfeited": bool(s and s.subsidy_forfeited),
        "satisfaction_share": s.satisfaction_share if s else None,
        "satisfaction_effect": s.satisfaction_effect if s else "",
        "assessment_suspended": bool(s and s.assessment_suspended),
    }


@router.get("/classes", response=list[SupervisedClassOut], summary="受监管的培训班（已批准及以后）")
@paginate(PageNumberPagination, page_size=50)
def classes(request: HttpRequest, state: str = "") -> Any:
    user = request_user(request)
    require(user, "class.view")
    qs = classes_supervised(user)
    return qs.filter(state=state) if state else qs


@router.get(
    "/classes/{class_id}",
    response=SupervisionSummaryOut,
    summary="培训班过程监管汇总（开班人数、平均出勤人数、满意度）",
)
def class_summary(request: HttpRequest, class_id: int) -> dict[str, Any]:
    user = request_user(request)
    require(user, "class.view")
    return _summary(class_for(user, class_id))


@router.post(
    "/classes/{class_id}/open",
    response=SupervisionSummaryOut,
    summary="开班当日检查（A10 须已批准且已到开班日期；C02 实到人数）",
)
def class_open(request: HttpRequest, class_id: int, data: OpenIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, "class.supervise")
    tc = services.class_open(
        actor=user,
        training_class=class_for(user, class_id),
        present=data.present,
        signed_in=data.signed_in,
        materials_kept=data.materials_kept,
        note=data.note,
    )
    return _summary(tc)


@router.post(
    "/classes/{class_id}/inspections", response={201: InspectionOut}, summary="培训期间检查（C01；C03 远程）"
)
def inspection_create(request: HttpRequest, class_id: int, data: InspectionIn) -> Status:
    user = request_user(request)
    require(user, "class.supervise")
    inspection = services.inspection_record(
        actor=user, training_class=class_for(user, class_id), **data.dict()
    )
    return Status(201, inspection)


@router.post(
    "/classes/{class_id}/checkins",
    response=CheckInReportOut,
    summary="人脸识别签到批量接收（C07）：同一记录只存一次，问题行逐行报告",
)
def checkins(request: HttpRequest, class_id: int, data: list[CheckInIn]) -> services.CheckInReport:
    user = request_user(request)
    require(user, "assessment.apply")  # the institution's own systems send them
    rows = [services.CheckInRow(r.id_number, r.at, r.matched, r.device) for r in data]
    return services.checkins_ingest(actor=user, training_class=class_for(user, class_id), rows=rows)


@router.post("/classes/{class_id}/leaves", response={201: LeaveOut}, summary="书面请假（C08）")
def leave_create(request: HttpRequest, class_id: int, data: LeaveIn) -> Status:
    user = request_user(request)
    require(user, "assessment.apply")
    tc = class_for(user, class_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("training_class"), pk=data.enrolment_id, training_class=tc
    )
    leave = services.leave_record(
        actor=user,
        enrolment=enrolment,
        lesson_date=data.lesson_date,
        reason=data.reason,
        written=data.written,
    )
    return Status(201, leave)


@router.post("/leaves/{leave_id}/makeup", response=LeaveOut, summary="补课（C08，须全程录像，计入到课率）")
def leave_make_up(request: HttpRequest, leave_id: int, data: MakeUpIn) -> Any:
    user = request_user(request)
    require(user, "assessment.apply")
    return services.leave_make_up(
        actor=user, leave=leave_for(user, leave_id), made_up_on=data.made_up_on, video_ref=data.video_ref
    )


@router.post("/classes/{class_id}/videos", response={201: VideoOut}, summary="授课录像（C04、C05、C06）")
def video_create(request: HttpRequest, class_id: int, data: VideoIn) -> Status:
    user = request_user(request)
    require(user, "assessment.apply")
    video = services.video_record(actor=user, training_class=class_for(user, class_id), **data.dict())
    return Status(201, video)


@router.post(
    "/classes/{class_id}/end",
    response=SupervisionSummaryOut,
    summary="结业（C02 培训人数 = 检查在位平均人数）",
)
def class_end(request: HttpRequest, class_id: int) -> dict[str, Any]:
    user = request_user(request)
    require_end(user)
    return _summary(services.class_end(actor=user, training_class=class_for(user, class_id)))


@router.post(
    "/classes/{class_id}/satisfaction", response=SupervisionSummaryOut, summary="培训满意度调查结果（C09）"
)
def satisfaction(request: HttpRequest, class_id: int, data: SatisfactionIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, "class.supervise")
    tc = class_for(user, class_id)
    services.satisfaction_record(
        actor=user, training_class=tc, surveyed=data.surveyed, satisfied=data.satisfied
    )
    return _summary(tc)
