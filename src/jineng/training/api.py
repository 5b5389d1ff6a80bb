"""/api/v1/classes: the same services as the pages, for institutions' own systems and reviewers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import workbook_bytes
from jineng.policy.profiles import TRAINEE_GROUPS, latest_profiles
from jineng.training import services
from jineng.training.models import RosterJob, TrainingClass
from jineng.training.roster import COLUMNS, HEADERS
from jineng.training.schemas import (
    ClassIn,
    ClassOut,
    ConfirmedOut,
    ProgrammeOut,
    ReasonIn,
    ReviewIn,
    RosterIn,
    RosterJobOut,
)
from jineng.training.selectors import QueueFilter, classes_search, classes_visible

router = Router()


def _class(user: User, class_id: int) -> TrainingClass:
    return get_object_or_404(classes_visible(user), pk=class_id)


@router.get(
    "/programmes", response=list[ProgrammeOut], summary="各政策口径的专项培训计划及其面向的人员类别（J03）"
)
def programme_list(request: HttpRequest) -> list[dict[str, Any]]:
    require(request_user(request), "class.view")
    return [
        {
            "code": p.code,
            "name": p.name,
            "profile": profile.code,
            "jurisdiction": profile.jurisdiction,
            "clause": p.clause,
            "lead": p.lead,
            "groups": [{"code": g, "label": TRAINEE_GROUPS[g]} for g in p.groups],
        }
        for profile in latest_profiles()
        for p in profile.programmes.values()
    ]


@router.get("", response=list[ClassOut], summary="培训班（按状态、编号/机构/职业、审核超期筛选）")
@paginate(PageNumberPagination, page_size=50)
def class_list(request: HttpRequest, state: str = "", q: str = "", overdue: bool = False) -> Any:
    user = request_user(request)
    require(user, "class.view")
    return classes_search(user, QueueFilter(state=state, q=q, overdue=overdue), today=timezone.localdate())


@router.post("", response={201: ClassOut}, summary="申请开班（附件2/附件3 各栏），保存为草稿")
def class_create(request: HttpRequest, data: ClassIn) -> Status:
    user = request_user(request)
    require(user, "class.apply")
    tc = services.class_create(actor=user, data=services.ClassInput(**data.dict()))
    return Status(201, tc)


@router.get("/{class_id}", response=ClassOut, summary="培训班详情")
def class_detail(request: HttpRequest, class_id: int) -> TrainingClass:
    user = request_user(request)
    require(user, "class.view")
    return _class(user, class_id)


@router.post(
    "/{class_id}/roster",
    response={202: RosterJobOut},
    summary="上传花名册（整表检查 B01–B08、A14，全部通过才导入）；返回检查任务，用 roster-jobs/{id} 查看进度",
)
def roster_upload(request: HttpRequest, class_id: int, data: RosterIn) -> Status:
    user = request_user(request)
    require(user, "class.apply")
    tc = _class(user, class_id)
    # The API's rows go through the same reader as an uploaded spreadsheet: one path, one set of checks.
    content = workbook_bytes(
        "花名册",
        HEADERS,
        ([_cell(getattr(row, c.attr)) for c in COLUMNS] for row in data.rows),
    )
    job = services.roster_job_create(actor=user, training_class=tc, filename="api.xlsx", content=content)
    return Status(202, RosterJob.objects.get(pk=job.pk))


def _cell(value: Any) -> Any:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return value if value is not None else ""


@router.get("/roster-jobs/{job_id}", response=RosterJobOut, summary="花名册检查进度与问题清单")
def roster_job(request: HttpRequest, job_id: int) -> RosterJob:
    user = request_user(request)
    require(user, "class.view")
    job = get_object_or_404(RosterJob.objects.defer("content"), pk=job_id)
    _class(user, job.training_class_id)
    return job


@router.post(
    "/{class_id}/submit", response=ClassOut, summary="提交审核（按政策档案检查 A01–A09、A11–A13、D02、D05）"
)
def class_submit(request: HttpRequest, class_id: int) -> TrainingClass:
    user = request_user(request)
    require(user, "class.apply")
    return services.class_submit(actor=user, training_class=_class(user, class_id))


@router.post("/{class_id}/review", response=ClassOut, summary="审核签署（F09：初审、复核为不同的人）")
def class_review(request: HttpRequest, class_id: int, data: ReviewIn) -> TrainingClass:
    user = request_user(request)
    if not can(user.role, "class.review_hr"):
        require(user, "class.review_dept")
    return services.class_review(
        actor=user, training_class=_class(user, class_id), decision=data.decision, comment=data.comment
    )


@router.post("/{class_id}/withdraw", response=ClassOut, summary="机构撤回开班申请")
def class_withdraw(request: HttpRequest, class_id: int, data: ReasonIn) -> TrainingClass:
    user = request_user(request)
    require(user, "class.apply")
    return services.class_withdraw(actor=user, training_class=_class(user, class_id), reason=data.reason)


@router.post("/{class_id}/groups/confirm", response=ConfirmedOut, summary="人社部门核实学员人员类别（J03）")
def class_groups_confirm(request: HttpRequest, class_id: int) -> dict[str, int]:
    user = request_user(request)
    require(user, "class.confirm_groups")
    return {"confirmed": services.class_groups_confirm(actor=user, training_class=_class(user, class_id))}


@router.post("/{class_id}/cancel", response=ClassOut, summary="人社部门取消开班")
def class_cancel(request: HttpRequest, class_id: int, data: ReasonIn) -> TrainingClass:
    user = request_user(request)
    require(user, "class.cancel")
    return services.class_cancel(actor=user, training_class=_class(user, class_id), reason=data.reason)
