"""Pages of 企业新型学徒制. Thin: they read through selectors and write through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.requests import request_user
from jineng.apprenticeship import services
from jineng.apprenticeship.forms import CertifyForm, CohortForm, ImportForm, LeaveForm
from jineng.apprenticeship.models import Apprentice, CohortState
from jineng.apprenticeship.selectors import (
    apprentices_of,
    cohorts_managed,
    cohorts_search,
    cohorts_visible,
    stage_rows,
)
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused, refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import xlsx_response
from jineng.people.selectors import id_number_for

LIST_HEADERS = [
    "培养编号",
    "企业",
    "培训机构",
    "职业（工种）",
    "等级",
    "校企合作协议编号",
    "培养开始日期",
    "培养期",
    "状态",
    "政策档案",
]


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "apprenticeship.view")
    q, state = request.GET.get("q", "").strip(), request.GET.get("state", "")
    qs = cohorts_search(user, q=q, state=state)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "学徒制培养.xlsx",
            "学徒制培养",
            LIST_HEADERS,
            (
                [
                    c.ref,
                    c.enterprise.name,
                    c.institution.name,
                    c.occupation.name,
                    c.get_level_display() if c.level else "",
                    c.agreement_number,
                    c.start_date,
                    c.get_planned_years_display(),
                    c.get_state_display(),
                    f"{c.profile_code} v{c.profile_version}",
                ]
                for c in qs.select_related("enterprise", "institution", "occupation").iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "apprenticeship/list.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "state": state,
            "states": CohortState.choices,
            "can_manage": can(user.role, "apprenticeship.manage"),
        },
    )


@login_required
def cohort_new(request: HttpRequest) -> HttpResponse:
    """登记学徒制培养: the agreement, and the apprentice list now or later (A08/A09)."""
    user = request_user(request)
    require(user, "apprenticeship.manage")
    form = CohortForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rows = (
                services.apprentices_workbook_read(uploads.upload_bytes(d["file"], what="学徒名单"))
                if d.get("file")
                else []
            )
            if user.organisation is None:
                raise Refusal("本账号未关联培训机构", field="培训机构")
            c = services.cohort_register(
                actor=user,
                enterprise=d["enterprise_credit_code"],
                institution=user.organisation,
                occupation=d["occupation_code"],
                level=d["level"],
                certificate_kind=d["certificate_kind"],
                agreement_number=d["agreement_number"],
                agreement_date=d["agreement_date"],
                start_date=d["start_date"],
                planned_years=d["planned_years"],
                department=d["department"],
                apprentices=rows,
            )
        except Refusal as exc:
            form_refused(form, exc, {"学徒名单": "file", "企业": "enterprise_credit_code"})
        else:
            messages.success(request, f"学徒制培养 {c.ref} 已登记，学徒 {c.apprentices.count()} 名")
            return redirect("apprenticeship:detail", c.pk)
    return render(request, "apprenticeship/new.html", {"form": form})


@login_required
def template(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "apprenticeship.manage")
    return xlsx_response("学徒名单.xlsx", "学徒名单", services.TEMPLATE_HEADERS, [])


@login_required
def cohort_detail(request: HttpRequest, cohort_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "apprenticeship.view")
    c = get_object_or_404(cohorts_visible(user), pk=cohort_id)
    manage = cohorts_managed(user).filter(pk=c.pk).exists()
    return render(
        request,
        "apprenticeship/detail.html",
        {
            "c": c,
            "rows": [(a, id_number_for(user, a.person)) for a in apprentices_of(c)],
            "stages": stage_rows(c, today=timezone.localdate()),
            "manage": manage,
            "import_form": ImportForm(),
            "leave_form": LeaveForm(),
            "certify_form": CertifyForm(initial={"certificate_kind": c.certificate_kind, "level": c.level}),
        },
    )


@login_required
@require_POST
def apprentices_import(request: HttpRequest, cohort_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "apprenticeship.manage")
    c = get_object_or_404(cohorts_managed(user), pk=cohort_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择学徒名单文件（.xlsx）")
        return redirect("apprenticeship:detail", c.pk)
    try:
        rows = services.apprentices_workbook_read(
            uploads.upload_bytes(form.cleaned_data["file"], what="学徒名单")
        )
        made = services.apprentices_add(actor=user, cohort=c, rows=rows)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已导入学徒 {len(made)} 名")
    return redirect("apprenticeship:detail", c.pk)


def _apprentice(request: HttpRequest, cohort_id: int, apprentice_id: int) -> Apprentice:
    user = request_user(request)
    require(user, "apprenticeship.manage")
    c = get_object_or_404(cohorts_managed(user), pk=cohort_id)
    return get_object_or_404(Apprentice.objects.filter(cohort=c).select_related("person"), pk=apprentice_id)


@login_required
@require_POST
def apprentice_leave(request: HttpRequest, cohort_id: int, apprentice_id: int) -> HttpResponse:
    a = _apprentice(request, cohort_id, apprentice_id)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退出日期和退出原因")
        return redirect("apprenticeship:detail", cohort_id)
    try:
        services.apprentice_leave(
            actor=request_user(request),
            apprentice=a,
            left_on=form.cleaned_data["left_on"],
            reason=form.cleaned_data["reason"],
        )
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"{a.person.name} 已登记退出，此后各年度不再补贴")
    return redirect("apprenticeship:detail", cohort_id)


@login_required
@require_POST
def apprentice_certify(request: HttpRequest, cohort_id: int, apprentice_id: int) -> HttpResponse:
    a = _apprentice(request, cohort_id, apprentice_id)
    form = CertifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写证书类型、证书编号和发证日期")
        return redirect("apprenticeship:detail", cohort_id)
    d = form.cleaned_data
    try:
        services.apprentice_certify(
            actor=request_user(request),
            apprentice=a,
            certificate_kind=d["certificate_kind"],
            level=d["level"],
            certificate_number=d["certificate_number"],
            issued_on=d["issued_on"],
            issuer=d["issuer"],
        )
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"{a.person.name} 的结业证书已登记")
    return redirect("apprenticeship:detail", cohort_id)


@login_required
@require_POST
def cohort_complete(request: HttpRequest, cohort_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "apprenticeship.manage")
    c = get_object_or_404(cohorts_managed(user), pk=cohort_id)
    try:
        services.cohort_complete(actor=user, cohort=c)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"学徒制培养 {c.ref} 已结业")
    return redirect("apprenticeship:detail", c.pk)


@login_required
@require_POST
def stage_claim(request: HttpRequest, cohort_id: int, stage: int) -> HttpResponse:
    """申领第 N 年补贴: a draft claim; the clerk then signs and submits it like any claim."""
    user = request_user(request)
    require(user, "apprenticeship.manage")
    require(user, "claim.apply")
    c = get_object_or_404(cohorts_managed(user), pk=cohort_id)
    try:
        claim = services.stage_claim_create(actor=user, cohort=c, stage=stage)
    except Refusal as exc:
        refused(request, exc)
        return redirect("apprenticeship:detail", c.pk)
    messages.success(request, f"已生成补贴申领 {claim.ref}，请核对明细、签署承诺后提交")
    return redirect("claims:detail", claim.pk)
