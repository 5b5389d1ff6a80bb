from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jineng.audit import kinds
from jineng.audit.models import Event
from jineng.core.errors import Refusal
from jineng.core.feedback import refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.core.roles import HR_ROLES, can
from jineng.core.xlsx import xlsx_response
from jineng.orgs.models import Organisation
from jineng.orgs.selectors import organisations_editable, organisations_search, organisations_visible
from jineng.orgs.services import DETAIL_FIELDS, organisation_details_update, organisation_register
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
        },
    )


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
