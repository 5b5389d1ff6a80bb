"""Pages of 以工代训. Thin: they read through selectors and write through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jineng.accounts.requests import request_user
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused, refused
from jineng.core.pagination import paginate
from jineng.core.params import year_or_none
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import xlsx_response
from jineng.people.selectors import id_number_for
from jineng.wagetraining import services
from jineng.wagetraining.api import parse_month
from jineng.wagetraining.forms import DeclarationForm, EmployeesForm, MonthForm
from jineng.wagetraining.models import DeclarationState, Group
from jineng.wagetraining.selectors import (
    DeclarationFilter,
    declarations_search,
    declarations_visible,
    employees_of,
    months_of,
)

LIST_HEADERS = [
    "申报编号",
    "申报企业",
    "所在区域",
    "行业主管部门",
    "申报年度",
    "企业已参保",
    "状态",
    "政策档案",
    "申报日期",
]


@login_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "yigong.view")
    f = DeclarationFilter(
        year=year_or_none(request.GET.get("year")),
        state=request.GET.get("state", ""),
        q=request.GET.get("q", "").strip(),
    )
    qs = declarations_search(user, f)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "以工代训申报.xlsx",
            "以工代训申报",
            LIST_HEADERS,
            (
                [
                    d.ref,
                    d.enterprise.name,
                    d.region.name,
                    d.department.name,
                    d.year,
                    "是" if d.insured else "否",
                    d.get_state_display(),
                    f"{d.profile_code} v{d.profile_version}",
                    d.created_on,
                ]
                for d in qs.select_related("enterprise", "region", "department").iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "wagetraining/list.html",
        {
            "page": page,
            "query": query,
            "f": f,
            "states": DeclarationState.choices,
            "can_declare": can(user.role, "yigong.declare"),
        },
    )


@login_required
def declaration_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "yigong.declare")
    form = DeclarationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = services.declaration_create(
                actor=user,
                department=d["department"],
                year=d["year"],
                insured=d["insured"],
                insurance_number=d["insurance_number"],
                insured_since=d["insured_since"],
            )
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(request, f"已建立以工代训申报 {made.ref}，请导入人员名单")
            return redirect("wagetraining:detail", made.pk)
    return render(request, "wagetraining/new.html", {"form": form})


@login_required
def declaration_detail(request: HttpRequest, declaration_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "yigong.view")
    d = get_object_or_404(declarations_visible(user), pk=declaration_id)
    employees = [(e, id_number_for(user, e.person)) for e in employees_of(d)]
    return render(
        request,
        "wagetraining/detail.html",
        {
            "d": d,
            "profile": services.declaration_profile(d),
            "employees": employees,
            "months": list(months_of(d)),
            "editable": can(user.role, "yigong.declare") and d.state == DeclarationState.OPEN,
            "employees_form": EmployeesForm(),
            "month_form": MonthForm(),
            "groups": Group.choices,
            "can_see_claims": can(user.role, "claim.view"),
            "headers": services.TEMPLATE_HEADERS,
        },
    )


@login_required
def employees_template(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "yigong.declare")
    return xlsx_response("以工代训人员名单.xlsx", "人员名单", services.TEMPLATE_HEADERS, [])


@login_required
@require_POST
def employees_import(request: HttpRequest, declaration_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "yigong.declare")
    d = get_object_or_404(declarations_visible(user), pk=declaration_id)
    form = EmployeesForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的 .xlsx 文件")
        return redirect("wagetraining:detail", d.pk)
    try:
        content = uploads.upload_bytes(form.cleaned_data["file"], what=services.FORMAT)
        made = services.employees_import(actor=user, declaration=d, content=content)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已申报以工代训人员 {len(made)} 人")
    return redirect("wagetraining:detail", d.pk)


@login_required
@require_POST
def month_claim(request: HttpRequest, declaration_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "yigong.declare")
    d = get_object_or_404(declarations_visible(user), pk=declaration_id)
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写申领月份和以工代训开展情况")
        return redirect("wagetraining:detail", d.pk)
    try:
        made = services.month_claim(
            actor=user,
            declaration=d,
            month=parse_month(form.cleaned_data["month"]),
            activity=form.cleaned_data["activity"],
        )
    except Refusal as exc:
        refused(request, exc)
        return redirect("wagetraining:detail", d.pk)
    claim = made.claim
    messages.success(
        request,
        f"已生成 {made.month_label}以工代训补贴申领 {claim.ref}：{claim.headcount} 人，{claim.amount} 元，请签署承诺并提交",
    )
    return redirect("claims:detail", claim.pk)


@login_required
@require_POST
def declaration_close(request: HttpRequest, declaration_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "yigong.declare")
    d = get_object_or_404(declarations_visible(user), pk=declaration_id)
    try:
        services.declaration_close(actor=user, declaration=d)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"以工代训申报 {d.ref} 已终止")
    return redirect("wagetraining:detail", d.pk)
