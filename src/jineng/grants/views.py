"""Pages of F05 equipment grants: the list (with the clerk's bases and studios to apply for), the bureau's
record of recognised bases and studios, the application form, the detail with the two signatures (F09)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.requests import request_user
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import act_returning, form_refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.templatetags.jineng import yuan
from jineng.core.xlsx import xlsx_response
from jineng.grants import services
from jineng.grants.forms import FORM_ROWS, ApplicationForm, RecognitionForm, item_rows
from jineng.grants.models import GrantState
from jineng.grants.selectors import applications_visible, recognitions_to_apply, recognitions_visible
from jineng.regions.selectors import profiles_in_view

LIST_HEADERS = [
    "申请编号",
    "申请单位",
    "类别",
    "区域",
    "年度",
    "新购置实训设备总值（元）",
    "补助金额（元）",
    "状态",
    "申请日期",
    "补贴申领",
    "计算过程（F05）",
]


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "grant.view")
    state = request.GET.get("state", "")
    qs = applications_visible(user)
    if state:
        qs = qs.filter(state=state)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "实训设备补助申请.xlsx",
            "设备补助申请",
            LIST_HEADERS,
            (
                [
                    a.ref,
                    a.organisation.name,
                    a.recognition.get_kind_display(),
                    a.region.name,
                    a.year,
                    a.equipment_value,
                    a.amount,
                    a.get_state_display(),
                    a.applied_on,
                    a.claim.ref if a.claim_id else "",  # type: ignore[union-attr]
                    a.computation,
                ]
                for a in qs.select_related("organisation", "recognition", "region", "claim").iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "grants/list.html",
        {
            "page": page,
            "query": query,
            "state": state,
            "states": GrantState.choices,
            "to_apply": recognitions_to_apply(user)[:50],
            "may_recognise": can(user.role, "grant.recognise"),
            # F05: the share and caps as the profiles in view fix them, or that they do not.
            "profiles": profiles_in_view(user.region, timezone.localdate().year),
        },
    )


@login_required
def recognition_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "grant.view")
    page, query = paginate(request, recognitions_visible(user))
    return render(
        request,
        "grants/recognitions.html",
        {"page": page, "query": query, "may_recognise": can(user.role, "grant.recognise")},
    )


@login_required
def recognition_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "grant.recognise")
    form = RecognitionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = services.recognition_record(actor=user, **d)
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(request, f"已登记{r.get_kind_display()}“{r.name}”")
            return redirect("grants:recognitions")
    return render(request, "grants/recognition_new.html", {"form": form})


@login_required
def grant_apply(request: HttpRequest, recognition_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "grant.apply")
    r = get_object_or_404(recognitions_visible(user), pk=recognition_id)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["file"]:
                items = services.items_workbook_read(uploads.upload_bytes(d["file"], what="设备清单"))
            else:
                items = services.items_read(item_rows(request.POST))
            a = services.grant_application_create(
                actor=user,
                recognition=r,
                items=items,
                staff_education_fund_used=d["staff_education_fund_used"],
            )
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(
                request, f"设备补助申请 {a.ref} 已提交人社部门审核，补助 {yuan(a.amount)} 元（F05）"
            )
            return redirect("grants:detail", a.pk)
    return render(
        request,
        "grants/apply.html",
        {"form": form, "r": r, "rows": item_rows(request.POST), "form_rows": FORM_ROWS},
    )


@login_required
def item_template(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "grant.apply")
    return xlsx_response("新购置实训设备清单.xlsx", "设备清单", services.ITEM_HEADERS, [])


@login_required
def grant_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "grant.view")
    a = get_object_or_404(applications_visible(user), pk=application_id)
    return render(
        request,
        "grants/detail.html",
        {
            "a": a,
            "items": a.items.all(),
            "may_review": services.WAITING.get(a.state) == user.role,
            "may_withdraw": a.state == GrantState.SUBMITTED
            and can(user.role, "grant.apply")
            and user.organisation_id == a.organisation_id,
            "may_see_claim": a.claim_id is not None and can(user.role, "claim.view"),
        },
    )


@login_required
@require_POST
def grant_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "grant.apply")
    a = get_object_or_404(applications_visible(user), pk=application_id)
    act_returning(
        request,
        "已撤回，可重新申请",
        lambda: services.grant_application_withdraw(
            actor=user, application=a, reason=request.POST.get("reason", "")
        ),
    )
    return redirect("grants:detail", a.pk)


@login_required
@require_POST
def grant_review(request: HttpRequest, application_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "grant.review")
    a = get_object_or_404(applications_visible(user), pk=application_id)
    act_returning(
        request,
        "已签署",
        lambda: services.grant_application_review(
            actor=user,
            application=a,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        ),
    )
    return redirect("grants:detail", a.pk)
