"""/api/v1/recovery: F14 wrong payments, refunds, recovery cases, the blacklist and the reports."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.claims.selectors import claims_visible
from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.recovery import services
from jineng.recovery.models import RecoveryCase, WrongPayment
from jineng.recovery.schemas import (
    BlacklistOut,
    CloseIn,
    MovementOut,
    NoticeIn,
    RecoveryReportOut,
    RefundIn,
    WrongIn,
    WrongOut,
)
from jineng.recovery.selectors import (
    WrongFilter,
    blacklist_visible,
    movements_of,
    regions_for_report,
    report,
    wrong_payments_search,
    wrong_payments_visible,
)

router = Router()


def _wp(user: User, wp_id: int) -> WrongPayment:
    return get_object_or_404(wrong_payments_visible(user), pk=wp_id)


@router.get(
    "/wrong-payments", response=list[WrongOut], summary="错发资金（F14）：按类别、未退清、编号/单位筛选"
)
@paginate(PageNumberPagination, page_size=50)
def wrong_list(request: HttpRequest, kind: str = "", open_only: bool = False, q: str = "") -> Any:
    user = request_user(request)
    require(user, "recovery.view")
    return wrong_payments_search(user, WrongFilter(kind=kind, open_only=open_only, q=q))


@router.post(
    "/wrong-payments",
    response={201: WrongOut},
    summary="登记错发资金，确认应收；骗取套取立案追缴并列入黑名单",
)
def wrong_record(request: HttpRequest, data: WrongIn) -> Status:
    user = request_user(request)
    require(user, "recovery.manage")
    claim = get_object_or_404(claims_visible(user), pk=data.claim_id)
    wp = services.wrong_payment_record(
        actor=user,
        claim=claim,
        kind=data.kind,
        amount=data.amount,
        reason=data.reason,
        rows=data.rows,
        org_action=data.org_action,
    )
    return Status(201, _wp(user, wp.pk))


@router.get("/wrong-payments/{wp_id}", response=WrongOut, summary="错发资金详情")
def wrong_detail(request: HttpRequest, wp_id: int) -> WrongPayment:
    user = request_user(request)
    require(user, "recovery.view")
    return _wp(user, wp_id)


@router.get("/wrong-payments/{wp_id}/movements", response=list[MovementOut], summary="退回与抵扣记录")
def wrong_movements(request: HttpRequest, wp_id: int) -> Any:
    user = request_user(request)
    require(user, "recovery.view")
    return list(movements_of(_wp(user, wp_id)))


@router.post("/wrong-payments/{wp_id}/refunds", response={201: MovementOut}, summary="登记退回（F14）")
def refund(request: HttpRequest, wp_id: int, data: RefundIn) -> Status:
    user = request_user(request)
    require(user, "recovery.manage")
    move = services.refund_record(
        actor=user,
        wrong_payment=_wp(user, wp_id),
        amount=data.amount,
        fund_kind=data.fund_kind,
        reference=data.reference,
    )
    return Status(201, move)


def _case(user: User, wp_id: int) -> RecoveryCase:
    return get_object_or_404(RecoveryCase, wrong_payment=_wp(user, wp_id))


@router.post("/wrong-payments/{wp_id}/case/notice", response=WrongOut, summary="追缴：登记追缴通知送达")
def case_notice(request: HttpRequest, wp_id: int, data: NoticeIn) -> WrongPayment:
    user = request_user(request)
    require(user, "recovery.manage")
    services.case_notice_serve(
        actor=user,
        case=_case(user, wp_id),
        number=data.number,
        served_on=data.served_on or timezone.localdate(),
    )
    return _wp(user, wp_id)


@router.post("/wrong-payments/{wp_id}/case/close", response=WrongOut, summary="追缴：全额追回后结案")
def case_close(request: HttpRequest, wp_id: int, data: CloseIn) -> WrongPayment:
    user = request_user(request)
    require(user, "recovery.manage")
    services.case_close(actor=user, case=_case(user, wp_id), note=data.note)
    return _wp(user, wp_id)


@router.get("/blacklist", response=list[BlacklistOut], summary="黑名单（F14）")
@paginate(PageNumberPagination, page_size=50)
def blacklist(request: HttpRequest) -> Any:
    user = request_user(request)
    require(user, "recovery.view")
    return blacklist_visible(user)


@router.get(
    "/report", response=RecoveryReportOut, summary="错发资金周报（周一至周日）/ 月报（F14），按区域、机构"
)
def report_get(
    request: HttpRequest,
    kind: Literal["weekly", "monthly"] = "weekly",
    day: dt.date | None = None,
    region_id: int | None = None,
) -> dict[str, Any]:
    user = request_user(request)
    require(user, "recovery.view")
    region = get_object_or_404(regions_for_report(user), pk=region_id or user.region_id or 0)
    result = report(user, kind=kind, day=day or timezone.localdate(), region=region)
    return {
        "kind": result.kind,
        "region": region.name,
        "start": result.start,
        "end": result.end,
        "rows": result.rows,
        "total": result.total,
    }
