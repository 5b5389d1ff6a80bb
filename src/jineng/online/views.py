"""Pages of the online supervision: the bureau's and the institution's online classes, a class's record
per trainee (D04 reasons, valid hours, C07 check-ins), the inspector's daily exceptions and today's
check-ins (phones), courses (D01), devices, the event upload, and the trainee's own record. Thin: reads
through selectors, writes through services."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.requests import request_user
from jineng.catalogue.models import Occupation
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import act, refused
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.online import selectors, services
from jineng.online.models import EventKind, Requester

EVENT_COLUMNS = ["事件编号", "开班编号", "身份证号", "事件类型", "发生时间", "课序", "播放位置（秒）", "播放倍速", "是否通过", "比对分数", "图像编号"]  # fmt: skip


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "online.view")
    classes = list(selectors.online_classes(user)[:300])
    counts = selectors.events_count(classes)
    rows = [
        (tc, counts.get(tc.pk, 0), selectors.online_hours_required(tc), selectors.offline_hours_required(tc))
        for tc in classes
    ]
    return render(
        request,
        "online/list.html",
        {
            "rows": rows,
            "can_manage": can(user.role, "online.manage"),
            "can_decide": can(user.role, "course.decide"),
        },
    )


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "online.view")
    tc = get_object_or_404(selectors.classes_visible(user), pk=class_id)
    own = can(user.role, "online.manage") and user.organisation_id == tc.institution_id
    if request.method == "POST":
        require(user, "online.manage")
        if "course" in request.POST:
            chosen = selectors.class_courses(tc).filter(pk=request.POST.get("course") or 0).first()
            if chosen is None:
                messages.error(request, "“线上课程”：请选择本班线上平台报送的同职业课程")
            else:
                act(
                    request,
                    "已设置本班线上课程",
                    lambda: services.class_course_set(actor=user, training_class=tc, course=chosen),
                )
        elif "requester" in request.POST:
            act(
                request,
                "已登记考核申请主体（D06）",
                lambda: services.assessment_request_record(
                    actor=user,
                    training_class=tc,
                    requester=request.POST.get("requester", ""),
                    requester_name=request.POST.get("requester_name", ""),
                    letter_ref=request.POST.get("letter_ref", ""),
                ),
            )
        return redirect("online:detail", tc.pk)
    _, _, course = selectors.course_of(tc)
    rows = selectors.class_rows(tc)
    profile = selectors.profile_of(tc)
    return render(
        request,
        "online/detail.html",
        {
            "tc": tc,
            "rows": rows,
            "course": course,
            "own": own,
            "courses": selectors.class_courses(tc) if own else [],
            "request_": selectors.assessment_request(tc),
            "requesters": Requester.choices,
            "online_required": selectors.online_hours_required(tc),
            "offline_required": selectors.offline_hours_required(tc),
            "checks": bool(profile and profile.get("online_lesson_checks", False)),
            "face": bool(profile and profile.get("face_checkin_required", False)),
            "short_online": sum(1 for r in rows if not r.online_ok),
            "short_offline": sum(1 for r in rows if not r.offline_ok),
        },
    )


@login_required
def checkins(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "online.view")
    tc = get_object_or_404(selectors.classes_visible(user), pk=class_id)
    day = _day(request)
    rows = selectors.checkins_on(tc, day)
    return render(
        request,
        "online/checkins.html",
        {"tc": tc, "day": day, "rows": rows, "missing": sum(1 for r in rows if r.first_in is None)},
    )


@login_required
def exceptions(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "online.view")
    day = _day(request)
    return render(request, "online/exceptions.html", {"day": day, "rows": selectors.exceptions(user, day)})


@login_required
def courses(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "online.view")
    if request.method == "POST":
        require(user, "online.manage")
        try:
            videos = _videos(request.POST.get("videos", ""))
            occupation = Occupation.objects.filter(code=request.POST.get("occupation", "").strip()).first()
            if occupation is None:
                raise Refusal("请填写职业分类大典中的职业编码，如 6-31-01-03", field="职业编码")
            services.course_file(
                actor=user, code=request.POST.get("code", ""), title=request.POST.get("title", ""),
                occupation=occupation, videos=videos,
            )  # fmt: skip
            messages.success(request, "课程已报送，待省级审核（D01）")
        except Refusal as exc:
            refused(request, exc)
        return redirect("online:courses")
    return render(
        request,
        "online/courses.html",
        {
            "courses": selectors.courses_visible(user)[:300],
            "can_file": can(user.role, "online.manage") and selectors.is_platform(user),
            "can_decide": can(user.role, "course.decide"),
        },
    )


def _videos(text: str) -> list[services.VideoIn]:
    """One video per line: 课序, 名称, 分钟, 视频编号 (comma or tab separated)."""
    out = []
    for n, line in enumerate(text.strip().splitlines(), start=1):
        parts = [p.strip() for p in line.replace("\t", ",").replace("，", ",").split(",")]
        if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
            raise Refusal(
                f"第{n}行应为“课序,名称,分钟,视频编号”，如 1,安全用电,45,v/dg01-1.mp4", field="课程视频"
            )
        out.append(services.VideoIn(int(parts[0]), parts[1], int(parts[2]), parts[3]))
    return out


@login_required
@require_POST
def course_decide(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "course.decide")
    course = get_object_or_404(selectors.courses_visible(user), pk=course_id)
    approve = request.POST.get("decision") == "approve"
    act(
        request,
        "已审核同意" if approve else "已审核不同意",
        lambda: services.course_decide(
            actor=user, course=course, approve=approve, note=request.POST.get("note", "")
        ),
    )
    return redirect("online:courses")


@login_required
def devices(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "online.manage")
    secret = ""
    if request.method == "POST":
        if "revoke" in request.POST:
            device = get_object_or_404(selectors.devices_of(user), pk=request.POST.get("revoke") or 0)
            act(
                request,
                f"设备 {device.code} 已停用",
                lambda: services.device_revoke(actor=user, device=device),
            )
            return redirect("online:devices")
        try:
            device, secret = services.device_register(
                actor=user, code=request.POST.get("code", ""), site=request.POST.get("site", "")
            )
            messages.success(request, f"设备 {device.code} 已登记。设备令牌只显示这一次，请配置到设备中。")
        except Refusal as exc:
            refused(request, exc)
    return render(request, "online/devices.html", {"devices": selectors.devices_of(user), "secret": secret})


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Events as an .xlsx or .csv file, for platforms that cannot call the API."""
    user = request_user(request)
    require(user, "online.manage")
    platform = user.organisation
    if platform is None or not selectors.is_platform(user):
        raise PermissionDenied("事件文件由线上培训平台上传；签到设备请使用设备令牌调用接口")
    report = None
    f = request.FILES.get("file")
    if request.method == "POST" and isinstance(f, UploadedFile):
        try:
            content = uploads.upload_bytes(f, what="事件文件")
            rows = _event_rows(content, (f.name or "").lower().endswith(".csv"))
            events = [_event(i, r) for i, r in enumerate(rows, start=2)]
            report = services.events_ingest(actor=user, sender=platform, device=None, events=events)
        except Refusal as exc:
            refused(request, exc)
    return render(
        request,
        "online/upload.html",
        {"report": report, "columns": EVENT_COLUMNS, "kinds": EventKind.choices},
    )


def _event_rows(content: bytes, is_csv: bool) -> list[list[Any]]:
    if is_csv:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refusal("CSV 文件须为 UTF-8 编码", field="文件") from None
        rows: list[list[Any]] = list(csv.reader(io.StringIO(text)))
    else:
        rows = [
            list(r)
            for r in uploads.xlsx_rows(
                content, unreadable="无法读取文件：请上传 .xlsx 或 .csv", what="事件文件"
            )
        ]
    if not rows or [str(c or "").strip() for c in rows[0][: len(EVENT_COLUMNS)]] != EVENT_COLUMNS:
        raise Refusal("第1行须为表头：" + "、".join(EVENT_COLUMNS), field="表头")
    body = [r for r in rows[1:] if any(str(c or "").strip() for c in r)]
    if len(body) > services.MAX_EVENTS:
        raise Refusal(f"每个文件最多 {services.MAX_EVENTS} 条事件，请分成多个文件", field="行数")
    return body


def _event(row: int, r: list[Any]) -> services.EventIn:
    cells = [str(c).strip() if c is not None else "" for c in (list(r) + [""] * 11)[:11]]

    def number(i: int, name: str) -> int | None:
        if not cells[i]:
            return None
        try:
            return int(float(cells[i]))
        except ValueError:
            raise Refusal(f"第{row}行“{name}”应为整数", field=name) from None

    def decimal(i: int, name: str) -> Decimal | None:
        if not cells[i]:
            return None
        try:
            return Decimal(cells[i])
        except InvalidOperation:
            raise Refusal(f"第{row}行“{name}”应为数字", field=name) from None

    try:
        at = dt.datetime.fromisoformat(cells[4])
    except ValueError:
        raise Refusal(
            f"第{row}行“发生时间”应为如 2023-06-05T09:00:00+08:00 的时间", field="发生时间"
        ) from None
    if at.tzinfo is None:
        at = timezone.make_aware(at)
    passed = {"是": True, "true": True, "1": True, "否": False, "false": False, "0": False}.get(
        cells[8].lower()
    )
    return services.EventIn(
        event_id=cells[0], class_ref=cells[1], id_number=cells[2], kind=cells[3], at=at,
        lesson=number(5, "课序"), position=number(6, "播放位置（秒）"), speed=decimal(7, "播放倍速"),
        passed=passed, score=decimal(9, "比对分数"), ref=cells[10],
    )  # fmt: skip


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "self.view")
    return render(request, "online/me.html", {"records": selectors.trainee_record(user)})
