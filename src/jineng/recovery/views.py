"""Pages for F14: wrong payments (list, record, detail with refunds and the recovery case), the
blacklist and the weekly / monthly reports. Thin: selectors read, services write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.claims.models import ClaimLine
from jineng.claims.selectors import claims_visible
from jineng.core.feedback import act
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import xlsx_response
from jineng.ledger.models import FundKind
from jineng.recovery import services
from jineng.recovery.models import RecoveryCase, WrongKind, WrongPayment
from jineng.recovery.selectors import (
    Period,
    WrongFilter,
    blacklist_visible,
    movements_of,
    regions_for_report,
    report,
    wrong_payments_search,
    wrong_payments_visible,
)
from jineng.regions.selectors import profiles_in_view, rule_clause_shown

LIST_HEADERS = [
    "编号",
    "类别",
    "申领或预拨编号",
    "区域",
    "收款单位/个人",
    "应退（元）",
    "已退回",
    "已抵扣",
    "未退",
    "登记日期",
    "原因",
]
REPORT_HEADERS = [
    "区域",
    "收款单位/个人",
    "新增笔数",
    "新增金额（元）",
    "退回笔数",
    "退回金额",
    "抵扣笔数",
    "抵扣金额",
    "追缴到位",
    "期末未退",
]


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def wrong_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "recovery.view")
    f = WrongFilter(
        kind=request.GET.get("kind", ""),
        open_only=request.GET.get("open") == "1",
        q=request.GET.get("q", "").strip(),
    )
    qs = wrong_payments_search(user, f)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "错发资金.xlsx",
            "错发资金",
            LIST_HEADERS,
            (
                [
                    wp.ref,
                    wp.get_kind_display(),
                    wp.source_ref,
                    wp.region.name,
                    wp.payee_name,
                    wp.amount,
                    wp.refunded,
                    wp.offset,
                    wp.outstanding,
                    wp.recorded_on,
                    wp.reason,
                ]
                for wp in qs
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "recovery/list.html",
        {
            "page": page,
            "query": query,
            "f": f,
            "kinds": WrongKind.choices,
            "can_manage": can(user.role, "recovery.manage"),
            "f14_clause": rule_clause_shown(user.region, timezone.localdate().year, "F14"),
        },
    )


@login_required
def wrong_new(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "recovery.manage")
    claim = get_object_or_404(claims_visible(user), pk=claim_id)
    if request.method == "POST":
        rows = [
            int(r) for r in request.POST.get("rows", "").replace("，", ",").split(",") if r.strip().isdigit()
        ]
        holder: dict[str, WrongPayment] = {}

        def record() -> None:
            holder["wp"] = services.wrong_payment_record(
                actor=user,
                claim=claim,
                kind=request.POST.get("kind", ""),
                amount=request.POST.get("amount", ""),
                reason=request.POST.get("reason", ""),
                rows=rows,
                org_action=request.POST.get("org_action", "suspend"),
            )

        if act(request, "已登记错发资金并确认应收（F14）", record):
            return redirect("recovery:detail", holder["wp"].pk)
    lines = claim.lines.filter(status=ClaimLine.Status.PAYABLE).select_related("person").order_by("row")[:500]
    return render(
        request,
        "recovery/new.html",
        {
            "claim": claim,
            "lines": lines,
            "kinds": [(k, v) for k, v in WrongKind.choices if k != WrongKind.PREPAY_EXCESS],
        },
    )


def _wp(user: User, wp_id: int) -> WrongPayment:
    return get_object_or_404(wrong_payments_visible(user), pk=wp_id)


@login_required
def wrong_detail(request: HttpRequest, wp_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "recovery.view")
    wp = _wp(user, wp_id)
    case = RecoveryCase.objects.filter(wrong_payment=wp).first()
    return render(
        request,
        "recovery/detail.html",
        {
            "wp": wp,
            "case": case,
            "moves": movements_of(wp),
            "funds": FundKind.choices,
            "can_manage": can(user.role, "recovery.manage"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def refund(request: HttpRequest, wp_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "recovery.manage")
    wp = _wp(user, wp_id)
    act(
        request,
        "已登记退回",
        lambda: services.refund_record(
            actor=user,
            wrong_payment=wp,
            amount=request.POST.get("amount", ""),
            fund_kind=request.POST.get("fund_kind", FundKind.SPECIAL_ACCOUNT),
            reference=request.POST.get("reference", ""),
        ),
    )
    return redirect("recovery:detail", wp.pk)


def _case(user: User, wp_id: int) -> RecoveryCase:
    wp = _wp(user, wp_id)
    case = RecoveryCase.objects.filter(wrong_payment=wp).first()
    if case is None:
        raise Http404
    return case


@login_required
@require_POST
def case_notice(request: HttpRequest, wp_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "recovery.manage")
    case = _case(user, wp_id)
    act(
        request,
        "已登记追缴通知送达",
        lambda: services.case_notice_serve(
            actor=user,
            case=case,
            number=request.POST.get("number", ""),
            served_on=_date(request.POST.get("served_on"), timezone.localdate()),
        ),
    )
    return redirect("recovery:detail", wp_id)


@login_required
@require_POST
def case_close(request: HttpRequest, wp_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "recovery.manage")
    case = _case(user, wp_id)
    act(
        request,
        "追缴案件已结案",
        lambda: services.case_close(actor=user, case=case, note=request.POST.get("note", "")),
    )
    return redirect("recovery:detail", wp_id)


@login_required
def blacklist(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "recovery.view")
    page, query = paginate(request, blacklist_visible(user))
    clause = rule_clause_shown(user.region, timezone.localdate().year, "F14_blacklist")
    return render(request, "recovery/blacklist.html", {"page": page, "query": query, "clause": clause})


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "recovery.view")
    kind: Period = "monthly" if request.GET.get("kind") == "monthly" else "weekly"
    day = _date(request.GET.get("day"), timezone.localdate())
    regions = regions_for_report(user)
    region = regions.filter(pk=request.GET.get("region") or user.region_id or 0).first()
    if region is None:
        raise Http404
    result = report(user, kind=kind, day=day, region=region)
    rows = [*result.rows, result.total]
    if request.GET.get("format") == "xlsx":
        label = "周报" if kind == "weekly" else "月报"
        return xlsx_response(
            f"错发资金{label}-{region.name}-{result.start:%Y%m%d}.xlsx",
            f"错发资金{label}",
            REPORT_HEADERS,
            (
                [
                    r.region,
                    r.payee,
                    r.raised_count,
                    r.raised,
                    r.refunded_count,
                    r.refunded,
                    r.offset_count,
                    r.offset,
                    r.recovered,
                    r.outstanding,
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "recovery/report.html",
        {
            "report": result,
            "rows": result.rows,
            "total": result.total,
            "regions": regions[:300],
            "day": day,
            "profiles": profiles_in_view(region, day.year),
            "zero": Decimal("0.00"),
        },
    )
