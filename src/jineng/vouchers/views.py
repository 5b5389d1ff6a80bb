"""Pages of 电子职业培训券. Thin: they read through selectors and write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.claims.selectors import lines_held
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import refused
from jineng.core.pagination import paginate
from jineng.core.params import year_or_none
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import xlsx_response
from jineng.people.selectors import id_number_for
from jineng.regions.selectors import profiles_in_view
from jineng.vouchers import services
from jineng.vouchers.forms import BindForm, BulkForm, IssueForm, RevokeForm
from jineng.vouchers.models import Voucher, VoucherState
from jineng.vouchers.selectors import (
    VoucherFilter,
    voucher_counts,
    voucher_for_binding,
    vouchers_mine,
    vouchers_search,
    vouchers_unclaimed,
    vouchers_visible,
)

LIST_HEADERS = [
    "券号",
    "姓名",
    "身份证号",
    "发放区域",
    "限定职业",
    "限定培训机构",
    "发放日期",
    "有效期至",
    "状态",
    "绑定培训班",
    "以证换券日期",
    "证书编号",
]


def _row(user: User, v: Voucher) -> list[Any]:
    return [
        v.serial,
        v.person.name,
        id_number_for(user, v.person),
        v.region.name,
        v.occupation.name if v.occupation else "不限",
        v.institution.name if v.institution else "不限",
        v.issued_on,
        v.expires_on,
        v.get_state_display(),
        v.enrolment.training_class.ref if v.enrolment else "",
        v.redeemed_on or "",
        v.certificate.certificate_number if v.certificate else "",
    ]


@login_required
def voucher_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "voucher.view")
    f = VoucherFilter(
        state=request.GET.get("state", ""),
        # Year 0 or 99999 named no date the database can hold: a 500 before it was bounded.
        year=year_or_none(request.GET.get("year")),
        q=request.GET.get("q", "").strip(),
    )
    qs = vouchers_search(user, f)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("培训券.xlsx", "培训券", LIST_HEADERS, (_row(user, v) for v in qs.iterator()))
    page, query = paginate(request, qs)
    counts = None
    if can(user.role, "voucher.counts") and user.region is not None:
        counts = voucher_counts(region=user.region, year=f.year or timezone.localdate().year)
    # G02: the yearly figures as the profiles of the counted region and year fix them, if they do.
    profiles = profiles_in_view(counts.region, counts.year) if counts is not None else []
    return render(
        request,
        "vouchers/list.html",
        {
            "page": page,
            "rows": [(v, id_number_for(user, v.person)) for v in page],
            "query": query,
            "f": f,
            "states": VoucherState.choices,
            "counts": counts,
            "profiles": profiles,
            "can_issue": can(user.role, "voucher.issue"),
            "can_use": can(user.role, "voucher.use"),
            "unclaimed": vouchers_unclaimed(user) if can(user.role, "claim.apply") else [],
        },
    )


@login_required
def voucher_mine(request: HttpRequest) -> HttpResponse:
    """我的培训券: the trainee's own vouchers, with his own full ID number."""
    user = request_user(request)
    require(user, "self.view")
    return render(request, "vouchers/mine.html", {"vouchers": list(vouchers_mine(user))})


@login_required
def voucher_detail(request: HttpRequest, voucher_id: int) -> HttpResponse:
    user = request_user(request)
    # A trainee's scope is his own vouchers: another id is out of scope (404), like any other object.
    if not can(user.role, "self.view"):
        require(user, "voucher.view")
    v = get_object_or_404(vouchers_visible(user), pk=voucher_id)
    return render(
        request,
        "vouchers/detail.html",
        {
            "v": v,
            "id_number": id_number_for(user, v.person),
            "can_list": can(user.role, "voucher.view"),
            "can_redeem": can(user.role, "voucher.use") and v.state == VoucherState.BOUND,
            "can_revoke": can(user.role, "voucher.issue") and v.is_live,
            "can_see_claim": can(user.role, "claim.view"),
            "held": lines_held([services.voucher_key(v.serial)]).get(services.voucher_key(v.serial)),
            "revoke_form": RevokeForm(),
        },
    )


@login_required
def voucher_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "voucher.issue")
    form = IssueForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            v = services.voucher_issue(
                actor=user,
                person=d["id_number"],
                region=d["region"],
                expires_on=d["expires_on"],
                occupation=services.occupation_for_code(d["occupation_code"]),
                institution=d["institution"],
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已向 {v.person.name} 发放培训券 {v.serial}")
            return redirect("vouchers:detail", v.pk)
    return render(request, "vouchers/new.html", {"form": form})


@login_required
def voucher_bulk(request: HttpRequest) -> HttpResponse:
    """Issue from a workbook of ID numbers: all or nothing, with every bad row reported."""
    user = request_user(request)
    require(user, "voucher.issue")
    form = BulkForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rows = services.bulk_workbook_read(uploads.upload_bytes(d["file"], what="发放名单"))
            created = services.vouchers_issue_bulk(
                actor=user,
                rows=rows,
                region=d["region"],
                expires_on=d["expires_on"],
                occupation=services.occupation_for_code(d["occupation_code"]),
                institution=d["institution"],
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(
                request, f"已发放 {len(created)} 张培训券（{created[0].serial} — {created[-1].serial}）"
            )
            return redirect("vouchers:list")
    return render(request, "vouchers/bulk.html", {"form": form})


@login_required
def bulk_template(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "voucher.issue")
    return xlsx_response("培训券发放名单.xlsx", "发放名单", services.TEMPLATE_HEADERS, [])


@login_required
def voucher_bind(request: HttpRequest) -> HttpResponse:
    """At the counter: the trainee shows his voucher, the clerk enters its serial and his ID number."""
    user = request_user(request)
    require(user, "voucher.use")
    form = BindForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        voucher = voucher_for_binding(user, d["serial"])
        enrolment = d["training_class"].enrolments.filter(person__id_number=d["id_number"]).first()
        if voucher is None:
            form.add_error("serial", "券号不存在，请核对")
        elif enrolment is None:
            form.add_error("id_number", "该学员不在所选培训班的花名册中")
        else:
            try:
                services.voucher_bind(actor=user, voucher=voucher, enrolment=enrolment)
            except Refusal as exc:
                refused(request, exc)
            else:
                messages.success(request, f"培训券 {voucher.serial} 已绑定 {d['training_class'].ref}")
                return redirect("vouchers:detail", voucher.pk)
    return render(request, "vouchers/bind.html", {"form": form})


@login_required
@require_POST
def voucher_redeem(request: HttpRequest, voucher_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "voucher.use")
    v = get_object_or_404(vouchers_visible(user), pk=voucher_id)
    try:
        v = services.voucher_redeem(actor=user, voucher=v)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"培训券 {v.serial} 已以证换券")
    return redirect("vouchers:detail", v.pk)


@login_required
@require_POST
def voucher_revoke(request: HttpRequest, voucher_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "voucher.issue")
    v = get_object_or_404(vouchers_visible(user), pk=voucher_id)
    form = RevokeForm(request.POST)
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        v = services.voucher_revoke(actor=user, voucher=v, reason=reason)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"培训券 {v.serial} 已作废")
    return redirect("vouchers:detail", v.pk)


@login_required
@require_POST
def voucher_claim(request: HttpRequest) -> HttpResponse:
    """以证换券申领补贴: the institution claims every redeemed voucher of its classes not yet claimed, one
    draft claim per class; the clerk then signs and submits each like any claim."""
    user = request_user(request)
    require(user, "claim.apply")
    require(user, "voucher.use")
    todo = vouchers_unclaimed(user)
    if not todo:
        messages.info(request, "没有已以证换券、尚未申领补贴的培训券")
        return redirect("vouchers:list")
    try:
        made = services.voucher_claims_create(actor=user, vouchers=todo)
    except Refusal as exc:
        refused(request, exc)
        return redirect("vouchers:list")
    messages.success(
        request,
        f"已生成 {len(made)} 笔补贴申领（{len(todo)} 张培训券），请逐笔核对明细、签署承诺后提交",
    )
    return redirect("claims:detail", made[0].pk) if len(made) == 1 else redirect("claims:list")
