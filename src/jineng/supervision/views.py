from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.roles import Role, can
from jineng.core.errors import Refusal
from jineng.core.permissions import require
from jineng.people.selectors import id_number_for
from jineng.supervision import selectors, services
from jineng.supervision.models import Summary
from jineng.training.models import ClassState


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Each role's supervision work: inspectors and HR (today, no inspection yet — C01), the institution
    (to open, to end, to apply assessment for)."""
    user = _user(request)
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
    user = _user(request)
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
    user = _user(request)
    require(user, "class.supervise")
    tc = get_object_or_404(selectors.classes_supervised(user), pk=class_id)
    form = OpenForm(request.POST, prefix=f"c{tc.pk}")
    if not form.is_valid():
        messages.error(request, "开班当日检查表填写不完整")
        return redirect("supervision:today")
    try:
        services.class_open(actor=user, training_class=tc, **form.cleaned_data)
    except Refusal as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, f"{tc.ref} 已开班，开班人数 {form.cleaned_data['present']} 人")
    return redirect("supervision:today")


@login_required
@require_POST
def inspect_class(request: HttpRequest, class_id: int) -> HttpResponse:
    user = _user(request)
    require(user, "class.supervise")
    tc = get_object_or_404(selectors.classes_supervised(user), pk=class_id)
    form = InspectForm(request.POST, prefix=f"c{tc.pk}")
    if not form.is_valid():
        messages.error(request, "检查记录填写不完整：须记录地点、师资、出勤（规则 C01）")
        return redirect("supervision:today")
    try:
        services.inspection_record(actor=user, training_class=tc, at=timezone.now(), **form.cleaned_data)
    except Refusal as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, f"{tc.ref} 检查已记录")
    return redirect("supervision:today")


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    user = _user(request)
    require(user, "class.view")
    tc = get_object_or_404(selectors.classes_supervised(user), pk=class_id)
    attendance = selectors.attendance(tc)
    return render(
        request,
        "supervision/detail.html",
        {
            "tc": tc,
            "opening": getattr(tc, "opening_check", None),
            "summary": Summary.objects.filter(training_class=tc).first(),
            "inspections": tc.inspections.select_related("inspector"),
            "videos": tc.videos.all(),
            "attendance": [(a, id_number_for(user, a.enrolment.person)) for a in attendance],
            "today": timezone.localdate(),
        },
    )
