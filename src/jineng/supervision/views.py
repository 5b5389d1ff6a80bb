from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused, refusal_lines, refused
from jineng.core.permissions import require
from jineng.core.roles import Role, can
from jineng.people.selectors import id_number_for
from jineng.regions.selectors import NoProfile, profile_for
from jineng.supervision import links, selectors, services
from jineng.supervision.api import require_end
from jineng.supervision.forms import (
    LeaveForm,
    MakeUpForm,
    SatisfactionForm,
    VideoForm,
)
from jineng.supervision.models import Leave, Summary
from jineng.training.models import ClassState, TrainingClass


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Each role's supervision work: inspectors and HR (today, no inspection yet — C01), the institution
    (to open, to end, to apply assessment for)."""
    user = request_user(request)
    require(user, "class.view")
    today = timezone.localdate()
    sections = []
    if can(user.role, "class.supervise"):
        sections += [
            ("今日在训与开班", selectors.classes_today(user, today), ""),
            ("尚无培训期间检查的班级", selectors.classes_without_inspection(user), "C01"),
        ]
    if user.role == Role.INSTITUTION or not can(user.role, "class.supervise"):
        sections += [
            ("待开班当日检查", selectors.classes_to_open(user, today), "A10"),
            ("已到结业日期待结业", selectors.classes_to_end(user, today), "C02"),
            ("待申请结业考核", selectors.classes_to_apply(user), "E01"),
        ]
    return render(
        request,
        "supervision/queue.html",
        {"sections": [(t, list(qs[:200]), rule) for t, qs, rule in sections], "today": today},
    )


class OpenForm(forms.Form):
    present = forms.IntegerField(label="实到人数", min_value=0)
    signed_in = forms.IntegerField(label="签到人数", min_value=0)
    materials_kept = forms.BooleanField(label="培训资料已留存", required=False)
    note = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectForm(forms.Form):
    place = forms.CharField(label="地点", max_length=200)
    teachers_present = forms.CharField(label="师资情况（在岗教师）", max_length=200)
    trainees_present = forms.IntegerField(label="在位学员数", min_value=0)
    remote = forms.BooleanField(label="远程视频检查（C03）", required=False)
    media_refs = forms.CharField(label="照片/视频编号", required=False)
    note = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def today_page(request: HttpRequest) -> HttpResponse:
    """The inspector's phone page: today's classes in the region, one form per class."""
    user = request_user(request)
    require(user, "class.supervise")
    today = timezone.localdate()
    rows = []
    for tc in selectors.classes_today(user, today)[:100]:
        form = (
            OpenForm(prefix=f"c{tc.pk}")
            if tc.state == ClassState.APPROVED
            else InspectForm(prefix=f"c{tc.pk}", initial={"place": tc.venue})
        )
        rows.append(
            {
                "tc": tc,
                "form": form,
                "opening": tc.state == ClassState.APPROVED,
                "inspected": tc.inspections.exists(),
            }
        )
    return render(request, "supervision/today.html", {"rows": rows, "today": today})


@login_required
@require_POST
def open_class(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.supervise")
    tc = get_object_or_404(selectors.classes_supervised(user), pk=class_id)
    form = OpenForm(request.POST, prefix=f"c{tc.pk}")
    if not form.is_valid():
        messages.error(request, "开班当日检查表填写不完整")
        return redirect("supervision:today")
    try:
        services.class_open(actor=user, training_class=tc, **form.cleaned_data)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"{tc.ref} 已开班，开班人数 {form.cleaned_data['present']} 人")
    return redirect("supervision:today")


@login_required
@require_POST
def inspect_class(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.supervise")
    tc = get_object_or_404(selectors.classes_supervised(user), pk=class_id)
    form = InspectForm(request.POST, prefix=f"c{tc.pk}")
    if not form.is_valid():
        messages.error(request, "检查记录填写不完整：须记录地点、师资、出勤（规则 C01）")
        return redirect("supervision:today")
    try:
        services.inspection_record(actor=user, training_class=tc, at=timezone.now(), **form.cleaned_data)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"{tc.ref} 检查已记录")
    return redirect("supervision:today")


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.view")
    tc = get_object_or_404(selectors.classes_supervised(user), pk=class_id)
    attendance = selectors.attendance(tc)
    summary = Summary.objects.filter(training_class=tc).first()
    return render(
        request,
        "supervision/detail.html",
        {
            "tc": tc,
            "opening": getattr(tc, "opening_check", None),
            "summary": summary,
            "inspections": tc.inspections.select_related("inspector"),
            "videos": tc.videos.all(),
            "attendance": [(a, id_number_for(user, a.enrolment.person)) for a in attendance],
            "today": timezone.localdate(),
            "actions": links.class_actions(user, tc, timezone.localdate()),
            "satisfaction_violation": links.satisfaction_violation(tc, summary),
        },
    )


# --- the institution's records while the class runs (C04–C06 videos, C08 leave) -------------------------


def _class(user: User, class_id: int) -> TrainingClass:
    """The class if it is in the user's supervision scope, else 404 (the capability is checked first)."""
    return get_object_or_404(selectors.classes_supervised(user), pk=class_id)


VIDEO_PARAMS = (
    "min_practical_video_minutes_per_hour",
    "video_incomplete_forfeit_count",
    "video_retention_years",
)
SATISFACTION_PARAMS = ("satisfaction_min", "satisfaction_effect", "satisfaction_rectification_months")


def _clerk_class(request: HttpRequest, class_id: int) -> tuple[User, TrainingClass]:
    # The institution's own records: the capability the API uses for the institution's clerk.
    user = request_user(request)
    require(user, "assessment.apply")
    return user, _class(user, class_id)


@login_required
def videos(request: HttpRequest, class_id: int) -> HttpResponse:
    """授课录像 of a lesson (C04 refused when short, C05 forfeits at the profile's count, C06 retention)."""
    user, tc = _clerk_class(request, class_id)
    allowed = links.may_record_lessons(user, tc)
    form = VideoForm(request.POST or None, initial={"lesson_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        forfeited = Summary.objects.filter(training_class=tc, subsidy_forfeited=True).exists()
        try:
            video = services.video_record(actor=user, training_class=tc, **form.cleaned_data)
        except Refusal as exc:
            form_refused(form, exc, form.aliases())
        else:
            messages.success(
                request,
                f"已登记 {video.lesson_date:%Y-%m-%d} {video.get_kind_display()}课录像 {video.video_ref}"
                + (f"，留存至 {video.retain_until:%Y-%m-%d}" if video.retain_until else ""),
            )
            summary = Summary.objects.get(training_class=tc)
            if summary.subsidy_forfeited and not forfeited:  # C05 reached with this lesson
                messages.warning(request, f"本班已取消补贴资格：{summary.forfeit_reason}")
            return redirect("supervision:videos", tc.pk)
    return render(
        request,
        "supervision/videos.html",
        {
            "tc": tc,
            "form": form,
            "allowed": allowed,
            "videos": tc.videos.all(),
            "summary": Summary.objects.filter(training_class=tc).first(),
            "notes": links.rule_notes(tc, VIDEO_PARAMS),
        },
    )


def _make_up_allowed(tc: TrainingClass) -> tuple[bool, str]:
    """C08: whether the class's profile lets a make-up lesson count, and the clause to quote."""
    try:
        profile = profile_for(tc.region, tc.year)
    except NoProfile as exc:
        return False, str(exc)
    param = profile.param("make_up_lessons_allowed")
    if param.is_set:
        allowed = bool(profile.get("make_up_lessons_allowed"))
        cite = profile.cite("make_up_lessons_allowed")
        return allowed, cite if allowed else f"{cite}：补课不计入到课率"
    return False, f"{profile.code} 未规定请假补课计入到课率：{param.note}"


def _leave_rows(user: User, tc: TrainingClass) -> list[dict[str, object]]:
    leaves = Leave.objects.filter(enrolment__training_class=tc).select_related("enrolment__person")
    return [
        {"leave": lv, "id": id_number_for(user, lv.enrolment.person), "form": MakeUpForm(prefix=f"m{lv.pk}")}
        for lv in leaves.order_by("lesson_date", "enrolment__row", "id")
    ]


@login_required
def leaves(request: HttpRequest, class_id: int) -> HttpResponse:
    """书面请假 (C08) and the filmed make-up lessons that count toward attendance."""
    user, tc = _clerk_class(request, class_id)
    allowed = links.may_record_lessons(user, tc)
    form = LeaveForm(
        request.POST or None, user=user, training_class=tc, initial={"lesson_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            leave = services.leave_record(
                actor=user,
                enrolment=d["enrolment"],
                lesson_date=d["lesson_date"],
                reason=d["reason"],
                written=d["written"],
            )
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(
                request, f"已登记 {leave.enrolment.person.name} {leave.lesson_date:%Y-%m-%d} 的书面请假"
            )
            return redirect("supervision:leaves", tc.pk)
    make_up, make_up_clause = _make_up_allowed(tc)
    return render(
        request,
        "supervision/leaves.html",
        {
            "tc": tc,
            "form": form,
            "allowed": allowed,
            "rows": _leave_rows(user, tc),
            "make_up": make_up and allowed,
            "make_up_clause": make_up_clause,
        },
    )


@login_required
@require_POST
def make_up(request: HttpRequest, leave_id: int) -> HttpResponse:
    """C08 make-up lesson for one leave. From htmx: the leave's table row comes back, with the refusal
    next to the field; otherwise back to the leave page with a message."""
    user = request_user(request)
    require(user, "assessment.apply")
    leave = get_object_or_404(
        Leave.objects.select_related("enrolment__person", "enrolment__training_class"),
        pk=leave_id,
        enrolment__training_class__in=selectors.classes_supervised(user),
    )
    tc = leave.enrolment.training_class
    form = MakeUpForm(request.POST, prefix=f"m{leave.pk}")
    done = False
    if form.is_valid():
        try:
            leave = services.leave_make_up(actor=user, leave=leave, **form.cleaned_data)
        except Refusal as exc:
            form_refused(form, exc)
        else:
            done = True
    if request.headers.get("HX-Request"):
        row = {"leave": leave, "id": id_number_for(user, leave.enrolment.person), "form": form}
        return render(
            request, "supervision/_leave_row.html", {"r": row, "make_up": True, "tc": tc, "done": done}
        )
    if done:
        messages.success(
            request, f"已登记 {leave.enrolment.person.name} 的补课（{leave.made_up_on:%Y-%m-%d}）"
        )
    else:
        # Each message already names its field (the form's messages and the refusals alike).
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    return redirect("supervision:leaves", tc.pk)


# --- end of training (C01, C02) and satisfaction (C09) ---------------------------------------------------


@login_required
def end(request: HttpRequest, class_id: int) -> HttpResponse:
    """结业: the trained headcount becomes the average present at the inspections (C02)."""
    user = request_user(request)
    require_end(user)
    tc = _class(user, class_id)
    today = timezone.localdate()
    errors: list[str] = []
    if request.method == "POST":
        try:
            tc = services.class_end(actor=user, training_class=tc)
        except Refusal as exc:
            errors = refusal_lines(exc)
        else:
            summary = Summary.objects.get(training_class=tc)
            messages.success(
                request,
                f"{tc.ref} 已结业：培训人数按 {summary.inspections_counted} 次检查的在位平均人数计为 "
                f"{summary.trained_headcount} 人（C02）",
            )
            return redirect("supervision:detail", tc.pk)
    inspections = list(tc.inspections.select_related("inspector"))
    return render(
        request,
        "supervision/end.html",
        {
            "tc": tc,
            "errors": errors,
            "allowed": links.may_end(user, tc, today),
            "today": today,
            "inspections": inspections,
            "summary": Summary.objects.filter(training_class=tc).first(),
        },
    )


@login_required
def satisfaction(request: HttpRequest, class_id: int) -> HttpResponse:
    """培训满意度调查 (C09), entered by the supervising staff after the class ended."""
    user = request_user(request)
    require(user, "class.supervise")
    tc = _class(user, class_id)
    summary = Summary.objects.filter(training_class=tc).first()
    initial = {"surveyed": (summary.surveyed or summary.trained_headcount) if summary else None}
    if summary and summary.satisfied is not None:
        initial["satisfied"] = summary.satisfied
    form = SatisfactionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.satisfaction_record(actor=user, training_class=tc, **form.cleaned_data)
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(request, f"已记录满意度调查：{summary.satisfied}/{summary.surveyed} 人满意")
            violation = links.satisfaction_violation(tc, summary)
            if violation is not None:
                messages.warning(request, violation.render())
            return redirect("supervision:detail", tc.pk)
    return render(
        request,
        "supervision/satisfaction.html",
        {
            "tc": tc,
            "form": form,
            "allowed": links.may_survey(user, tc),
            "summary": summary,
            "violation": links.satisfaction_violation(tc, summary),
            "notes": links.rule_notes(tc, SATISFACTION_PARAMS),
        },
    )
