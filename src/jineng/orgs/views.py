from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.audit import kinds
from jineng.audit.models import Event
from jineng.core.errors import Refusal
from jineng.core.feedback import refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.core.roles import HR_ROLES, can
from jineng.core.xlsx import xlsx_response
from jineng.orgs.models import Organisation, Sanction
from jineng.orgs.selectors import (
    SANCTION_STATES,
    organisations_editable,
    organisations_search,
    organisations_visible,
    sanction_state,
    sanctions_in_force_visible,
    sanctions_visible,
    school_record_visible,
)
from jineng.orgs.services import (
    DETAIL_FIELDS,
    annual_inspection_record,
    liability_incident_record,
    organisation_details_update,
    organisation_register,
    sanction_impose,
    sanction_lift_sign,
)
from jineng.policy.identity import mask_bank_account, mask_phone
from jineng.regions.models import Department, Region
from jineng.regions.selectors import departments_visible, regions_visible


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.view")
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    qs = organisations_search(request_viewer(request), q=q, kind=kind, status=status)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "机构名录.xlsx",
            "机构名录",
            ["名称", "统一社会信用代码", "类别", "所在区域", "主管部门", "状态"],
            (
                [
                    o.name,
                    o.credit_code,
                    o.get_kind_display(),
                    o.region.name,
                    o.department.name if o.department else "",
                    o.get_status_display(),
                ]
                for o in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "orgs/list.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "kind": kind,
            "status": status,
            "kinds": Organisation.Kind.choices,
            "statuses": Organisation.Status.choices,
            "can_register": can(request_viewer(request).role, "org.register"),
        },
    )


@login_required
def org_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    require(request.user, "org.view")
    org = get_object_or_404(organisations_visible(request_viewer(request)), pk=org_id)
    full = request_viewer(request).role in HR_ROLES or request_viewer(request).organisation_id == org.pk
    events: list[Any] = list(Event.objects.filter(object_type=org._meta.label, object_id=str(org.pk))[:20])
    for e in events:
        e.action_label = kinds.label_of(e.action)
        e.detail = kinds.detail_of(e.payload)
        e.from_label = kinds.state_label(e.object_type, e.from_state)
        e.to_label = kinds.state_label(e.object_type, e.to_state)
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "phone": org.contact_phone if full else mask_phone(org.contact_phone),
            "account": org.bank_account if full else mask_bank_account(org.bank_account),
            "events": events,
            "editable": organisations_editable(request_viewer(request)).filter(pk=org.pk).exists(),
            **_standing(request, org),
        },
    )


# --------------------------------------------------------------------------------------------------
# Sanctions (I01) and a private school's record (I02).


def _labelled(sanctions: list[Any], viewer: Any) -> list[Any]:
    """Each sanction with its state in Chinese, and whether the viewer may sign its lift now."""
    today = timezone.localdate()
    manage = can(viewer.role, "sanction.manage")
    for s in sanctions:
        s.state = sanction_state(s, today)
        s.state_label = SANCTION_STATES[s.state]
        signed = {sig.signer_id for sig in s.lift_signatures.all()}
        s.can_sign = (
            manage
            and s.state in ("in_force", "lift_pending")
            and s.kind != Sanction.Kind.CATALOGUE_EXIT
            and viewer.pk not in signed
        )
    return sanctions


def _standing(request: HttpRequest, org: Organisation) -> dict[str, Any]:
    viewer = request_viewer(request)
    if not can(viewer.role, "sanction.view"):
        return {}
    inspections, incidents = school_record_visible(viewer, org)
    return {
        "sanctions": _labelled(list(sanctions_visible(viewer).filter(organisation=org)), viewer),
        "inspections": inspections,
        "incidents": incidents,
        "can_manage": can(viewer.role, "sanction.manage"),
        "sanction_form": SanctionForm(),
        "kinds": [(k, label) for k, label in Sanction.Kind.choices if k != Sanction.Kind.CATALOGUE_EXIT],
    }


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label="处理类别",
        choices=[(k, label) for k, label in Sanction.Kind.choices if k != Sanction.Kind.CATALOGUE_EXIT],
    )
    decision = forms.CharField(label="处理决定", max_length=200)
    reference = forms.CharField(label="决定依据", max_length=200)
    starts_on = forms.DateField(label="起始日期", required=False)
    ends_on = forms.DateField(label="截止日期（此日起不再执行；空：至解除为止）", required=False)


@login_required
def sanction_list(request: HttpRequest) -> HttpResponse:
    """The sanctions in force today in the user's scope (I01); ``?all=1`` lists past ones too."""
    viewer = request_viewer(request)
    require(viewer, "sanction.view")
    show_all = request.GET.get("all") == "1"
    qs = (
        sanctions_visible(viewer).order_by("-starts_on", "-pk")
        if show_all
        else sanctions_in_force_visible(viewer, timezone.localdate())
    )
    page, query = paginate(request, qs)
    return render(
        request,
        "orgs/sanctions.html",
        {"page": page, "query": query, "rows": _labelled(list(page), viewer), "show_all": show_all},
    )


def _form_problems(form: forms.Form) -> str:
    return "；".join(f"{form.fields[name].label}：{e}" for name, errs in form.errors.items() for e in errs)


@login_required
@require_POST
def sanction_new(request: HttpRequest, org_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(viewer, "sanction.manage")
    org = get_object_or_404(organisations_visible(viewer), pk=org_id)
    form = SanctionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "处理决定不完整：" + _form_problems(form))
        return redirect("orgs:detail", org.pk)
    try:
        sanction_impose(actor=request.user, organisation=org, **form.cleaned_data)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已登记处理决定：{org.name}")
    return redirect("orgs:detail", org.pk)


@login_required
@require_POST
def sanction_lift(request: HttpRequest, sanction_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    require(viewer, "sanction.manage")
    found = get_object_or_404(sanctions_visible(viewer), pk=sanction_id)
    try:
        done = sanction_lift_sign(actor=request.user, sanction=found, reason=request.POST.get("reason", ""))
    except Refusal as exc:
        refused(request, exc)
    else:
        lifted = done.lift_signatures.filter(step="second").exists()
        messages.success(request, "处理决定已解除" if lifted else "已签署解除，待第二人签署")
    return redirect("orgs:detail", found.organisation_id)


class InspectionForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    passed = forms.TypedChoiceField(
        label="年检结果", choices=[("1", "合格"), ("0", "不合格")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="说明", max_length=200, required=False)


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(label="发生日期")
    description = forms.CharField(label="事故情况", max_length=200)


@login_required
@require_POST
def school_record_add(request: HttpRequest, org_id: int) -> HttpResponse:
    """I02: the bureau records a 年检 result (action=inspection) or a liability incident (action=incident)."""
    viewer = request_viewer(request)
    require(viewer, "sanction.manage")
    org = get_object_or_404(organisations_visible(viewer), pk=org_id)
    incident = request.POST.get("action") == "incident"
    form: forms.Form = IncidentForm(request.POST) if incident else InspectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "登记不完整：" + _form_problems(form))
        return redirect("orgs:detail", org.pk)
    try:
        if incident:
            liability_incident_record(actor=request.user, organisation=org, **form.cleaned_data)
        else:
            annual_inspection_record(actor=request.user, organisation=org, **form.cleaned_data)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, "已登记办学责任事故" if incident else "已登记年检结果")
    return redirect("orgs:detail", org.pk)


class DetailsForm(forms.Form):
    contact_name = forms.CharField(label="联系人", max_length=32, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=64, required=False)
    bank_account = forms.CharField(label="银行账号", max_length=40, required=False)


@login_required
def org_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    """The organisation's own clerk keeps its contacts and bank details (补贴拨付 needs the account)."""
    viewer = request_viewer(request)
    require(viewer, "org.edit")
    org = get_object_or_404(organisations_editable(viewer), pk=org_id)
    initial = {name: getattr(org, name) for name in DETAIL_FIELDS}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_details_update(actor=request.user, organisation=org, **form.cleaned_data)
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, "已保存机构联系人与开户信息")
            return redirect("orgs:detail", org.pk)
    return render(request, "orgs/edit.html", {"org": org, "form": form})


class OrganisationForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=128)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=32)
    kind = forms.ChoiceField(label="类别", choices=Organisation.Kind.choices)
    region = forms.ModelChoiceField(label="所在区域", queryset=Region.objects.none())
    department = forms.ModelChoiceField(label="主管部门", queryset=Department.objects.none(), required=False)
    recognition_filed = forms.BooleanField(label="已备案职业技能等级认定", required=False)
    degree_education = forms.BooleanField(label="具备学制教育资质", required=False)
    contact_name = forms.CharField(label="联系人", max_length=32, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=64, required=False)
    bank_account = forms.CharField(label="银行账号", max_length=32, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)


@login_required
def org_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.register")
    form = OrganisationForm(request.POST or None)
    form.fields["region"].queryset = regions_visible(request_viewer(request))  # type: ignore[attr-defined]
    form.fields["department"].queryset = departments_visible(request_viewer(request))  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = organisation_register(actor=request.user, **data)
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已登记：{org.name}")
            return redirect("orgs:detail", org.pk)
    return render(request, "orgs/new.html", {"form": form})
