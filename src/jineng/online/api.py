"""/api/v1/online: what platforms and devices send (their own tokens), and the verdicts judged from it —
the same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router
from ninja.security import HttpBearer, SessionAuth

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.accounts.services import api_token_authenticate
from jineng.catalogue.models import Occupation
from jineng.core.permissions import require
from jineng.online import selectors, services
from jineng.online.models import Course, Device, Requester
from jineng.online.schemas import (
    CheckinOut,
    ClassCourseIn,
    ClassRecordOut,
    CourseDecideIn,
    CourseIn,
    CourseOut,
    DeviceIn,
    DeviceIssuedOut,
    DeviceOut,
    EventsIn,
    ExceptionOut,
    IngestOut,
    OnlineClassOut,
    RequesterIn,
    RequesterOut,
)
from jineng.orgs.models import Organisation
from jineng.training.models import TrainingClass

router = Router()


class SenderAuth(HttpBearer):
    """A device's own token (jnd_…), or a user's API token (jn_…): the operation then accepts only an
    online platform's clerk. A device token opens this one operation and nothing else."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        device = services.device_authenticate(token)
        if device is not None:
            request.online_device = device  # type: ignore[attr-defined]
            return device
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


@router.post(
    "/events",
    response=IngestOut,
    auth=[SenderAuth(), SessionAuth()],
    summary="线上平台、人脸识别签到设备报送事件（D04、C07）：重复只存一次，问题事件逐条报告",
    description="线上平台用其经办人的 API 令牌，签到设备用登记时取得的设备令牌。每批最多 10000 条；"
    "未知的开班编号或学员、培训期间以外的时间、格式错误的字段逐条报告，其余事件存入。",
)
def events(request: HttpRequest, data: EventsIn) -> services.IngestReport:
    device: Device | None = getattr(request, "online_device", None)
    actor: User | None = None
    if device is not None:
        sender = device.institution
    else:
        actor = request_user(request)
        require(actor, "online.manage")
        if actor.organisation is None or actor.organisation.kind != Organisation.Kind.ONLINE_PLATFORM:
            raise PermissionDenied(
                "只有线上培训平台（用其 API 令牌）或登记的签到设备（用设备令牌）可以报送事件"
            )
        sender = actor.organisation
    rows = [services.EventIn(**e.dict()) for e in data.events]
    return services.events_ingest(actor=actor, sender=sender, device=device, events=rows)


def _class_out(tc: TrainingClass, trainees: int | None = None) -> dict[str, Any]:
    return {
        "id": tc.pk,
        "ref": tc.ref,
        "delivery": tc.delivery,
        "delivery_label": tc.get_delivery_display(),
        "institution": tc.institution.name,
        "platform": tc.online_platform.name if tc.online_platform else "",
        "start_date": tc.start_date,
        "end_date": tc.end_date,
        "trainees": trainees if trainees is not None else getattr(tc, "trainees", 0),
        "online_hours_required": selectors.online_hours_required(tc),
        "offline_hours_required": selectors.offline_hours_required(tc),
    }


@router.get("/classes", response=list[OnlineClassOut], summary="线上+线下、纯线上培训班")
def classes(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    require(user, "online.view")
    return [_class_out(tc) for tc in selectors.online_classes(user)[:500]]


@router.get(
    "/classes/{class_id}",
    response=ClassRecordOut,
    summary="班级线上学习记录：逐人逐课的有效性与原因（D04）、有效课时、人脸签到课时（C07）",
)
def class_record(request: HttpRequest, class_id: int) -> dict[str, Any]:
    user = request_user(request)
    require(user, "online.view")
    tc = selectors.class_for(user, class_id)
    rows = selectors.class_rows(tc)
    _, _, course = selectors.course_of(tc)
    return {
        "training_class": _class_out(tc, len(rows)),
        "course": f"{course.code} {course.title}（{course.get_state_display()}）" if course else "",
        "trainees": [_trainee_out(r) for r in rows],
    }


@router.get(
    "/classes/{class_id}/checkins",
    response=list[CheckinOut],
    summary="某日人脸识别签到（C07），供现场点名对照",
)
def checkins(request: HttpRequest, class_id: int, day: dt.date | None = None) -> Any:
    user = request_user(request)
    require(user, "online.view")
    tc = selectors.class_for(user, class_id)
    return selectors.checkins_on(tc, day or timezone.localdate())


@router.get(
    "/exceptions", response=list[ExceptionOut], summary="每日异常清单：无效课次多或缺少人脸签到的班级"
)
def exceptions(request: HttpRequest, day: dt.date | None = None) -> list[dict[str, Any]]:
    user = request_user(request)
    require(user, "online.view")
    return [
        {
            "class_id": r.training_class.pk,
            "ref": r.training_class.ref,
            "institution": r.training_class.institution.name,
            "trainees": r.trainees,
            "invalid_lessons": r.invalid_lessons,
            "trainees_with_invalid": r.trainees_with_invalid,
            "missing_checkins": r.missing_checkins,
            "reasons": [f"{reason} {n} 次" for reason, n in r.reasons],
        }
        for r in selectors.exceptions(user, day or timezone.localdate())
    ]


def _course_out(c: Course) -> dict[str, Any]:
    return {
        "id": c.pk,
        "code": c.code,
        "title": c.title,
        "platform": c.platform.name,
        "occupation": c.occupation.name,
        "state": c.state,
        "state_label": c.get_state_display(),
        "videos": getattr(c, "video_count", 0) or c.videos.count(),
        "decision_note": c.decision_note,
    }


@router.get("/courses", response=list[CourseOut], summary="线上课程及省级审核状态（D01）")
def courses(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    require(user, "online.view")
    return [_course_out(c) for c in selectors.courses_visible(user)[:500]]


@router.post(
    "/courses", response=CourseOut, summary="线上平台报送课程及其视频（D01：新增视频须经省级审核同意）"
)
def course_file(request: HttpRequest, data: CourseIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, "online.manage")
    occupation = get_object_or_404(Occupation, pk=data.occupation_id)
    course = services.course_file(
        actor=user,
        code=data.code,
        title=data.title,
        occupation=occupation,
        videos=[services.VideoIn(v.lesson, v.title, v.minutes, v.video_ref) for v in data.videos],
    )
    return _course_out(course)


@router.post("/courses/{course_id}/decide", response=CourseOut, summary="审核线上课程视频（D01）")
def course_decide(request: HttpRequest, course_id: int, data: CourseDecideIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, "course.decide")
    course = get_object_or_404(selectors.courses_visible(user), pk=course_id)
    return _course_out(
        services.course_decide(actor=user, course=course, approve=data.approve, note=data.note)
    )


@router.post("/classes/{class_id}/course", response=CourseOut, summary="设置班级的线上课程")
def class_course(request: HttpRequest, class_id: int, data: ClassCourseIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, "online.manage")
    tc = selectors.class_for(user, class_id)
    course = get_object_or_404(selectors.class_courses(tc), pk=data.course_id)
    services.class_course_set(actor=user, training_class=tc, course=course)
    return _course_out(course)


@router.post(
    "/classes/{class_id}/assessment-request",
    response=RequesterOut,
    summary="登记纯线上培训的考核申请主体（D06）",
)
def assessment_request(request: HttpRequest, class_id: int, data: RequesterIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, "online.manage")
    tc = selectors.class_for(user, class_id)
    r = services.assessment_request_record(
        actor=user,
        training_class=tc,
        requester=data.requester,
        requester_name=data.requester_name,
        letter_ref=data.letter_ref,
    )
    return {
        "requester": r.requester,
        "requester_label": Requester(r.requester).label,
        "requester_name": r.requester_name,
        "letter_ref": r.letter_ref,
    }


def _device_out(d: Device) -> dict[str, Any]:
    return {
        "id": d.pk,
        "code": d.code,
        "site": d.site,
        "active": d.revoked_at is None,
        "last_used_at": d.last_used_at,
    }


@router.get("/devices", response=list[DeviceOut], summary="本机构的人脸识别签到设备")
def devices(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    require(user, "online.manage")
    return [_device_out(d) for d in selectors.devices_of(user)]


@router.post("/devices", response=DeviceIssuedOut, summary="登记人脸识别签到设备，取得设备令牌（只显示一次）")
def device_register(request: HttpRequest, data: DeviceIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, "online.manage")
    device, secret = services.device_register(actor=user, code=data.code, site=data.site)
    return {**_device_out(device), "token": secret}


@router.post("/devices/{device_id}/revoke", response=DeviceOut, summary="停用签到设备（其令牌随即失效）")
def device_revoke(request: HttpRequest, device_id: int) -> dict[str, Any]:
    user = request_user(request)
    require(user, "online.manage")
    device = get_object_or_404(selectors.devices_of(user), pk=device_id)
    return _device_out(services.device_revoke(actor=user, device=device))


@router.get("/me", response=list[ClassRecordOut], summary="学员本人的线上学习与签到记录")
def me(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    require(user, "self.view")
    return [
        {"training_class": _class_out(tc, 1), "course": "", "trainees": [_trainee_out(r)]}
        for tc, r in selectors.trainee_record(user)
    ]


def _trainee_out(r: selectors.TraineeRow) -> dict[str, Any]:
    return {
        "row": r.row,
        "name": r.name,
        "id_number": r.id_masked,
        "valid_hours": r.valid_hours,
        "required_online_hours": r.required_online,
        "invalid_lessons": r.invalid_count,
        "checked_in_hours": r.checked_hours,
        "required_offline_hours": r.required_offline,
        "lessons": [
            {
                "lesson": lesson.lesson,
                "minutes": lesson.minutes,
                "valid": lesson.valid,
                "reasons": [v.render() for v in lesson.reasons],
                "photos": lesson.photos[:20],
            }
            for lesson in (r.record.lessons if r.record else [])
        ],
    }
