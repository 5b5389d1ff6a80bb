"""/api/v1/vouchers: 电子职业培训券, the same services as the pages. Out of scope → 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.requests import request_user
from jineng.claims.schemas import ClaimOut
from jineng.core.errors import Refusal
from jineng.core.pagination import PageNumberPagination
from jineng.core.params import year_query
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.policy.identity import RULE_B01_CLAUSE, InvalidIdNumber, parse_id_number
from jineng.regions.selectors import regions_visible
from jineng.training.models import Enrolment
from jineng.training.selectors import classes_visible
from jineng.vouchers import services
from jineng.vouchers.models import Voucher
from jineng.vouchers.schemas import BindIn, CountsOut, IssueIn, RevokeIn, VoucherClaimIn, VoucherOut
from jineng.vouchers.selectors import (
    VoucherFilter,
    issue_institutions,
    issue_person,
    issue_regions,
    voucher_counts,
    voucher_for_binding,
    vouchers_mine,
    vouchers_search,
    vouchers_unclaimed,
    vouchers_visible,
)

router = Router()


@router.get(
    "", response=list[VoucherOut], summary="培训券（state 状态、year 发放年度、q 券号/完整身份证号/姓名开头）"
)
@paginate(PageNumberPagination, page_size=50)
def voucher_list(
    request: HttpRequest, state: str = "", year: int | None = year_query(None), q: str = ""
) -> Any:
    user = request_user(request)
    require(user, "voucher.view")
    return vouchers_search(user, VoucherFilter(state=state, year=year, q=q))


@router.get("/mine", response=list[VoucherOut], summary="我的培训券（学员本人）")
def voucher_mine(request: HttpRequest) -> Any:
    user = request_user(request)
    require(user, "self.view")
    return list(vouchers_mine(user))


@router.get("/counts", response=CountsOut, summary="G02 年度发放数与有效使用数（区域含下级）")
def counts(request: HttpRequest, region_id: int, year: int = year_query()) -> dict[str, Any]:
    user = request_user(request)
    require(user, "voucher.counts")
    region = get_object_or_404(regions_visible(user), pk=region_id)
    c = voucher_counts(region=region, year=year)
    return {"region_id": region.pk, "region": region.name, "year": year, "issued": c.issued, "used": c.used}


@router.post("", response={201: VoucherOut}, summary="发放培训券（G01 实名制：每人同时只持有一张）")
def issue(request: HttpRequest, data: IssueIn) -> Status:
    user = request_user(request)
    require(user, "voucher.issue")
    try:
        parse_id_number(data.id_number)
    except InvalidIdNumber as exc:
        raise Refusal(exc.message, field="身份证号", rule="B01", clause=RULE_B01_CLAUSE) from None
    person = issue_person(user, data.id_number)
    if person is None:
        raise Http404
    region = get_object_or_404(issue_regions(user), pk=data.region_id)
    institution = (
        get_object_or_404(issue_institutions(user), pk=data.institution_id)
        if data.institution_id is not None
        else None
    )
    voucher = services.voucher_issue(
        actor=user,
        person=person,
        region=region,
        expires_on=data.expires_on,
        occupation=services.occupation_for_code(data.occupation_code),
        institution=institution,
    )
    return Status(201, vouchers_visible(user).get(pk=voucher.pk))


@router.post("/bind", response=VoucherOut, summary="绑定培训券到本人的开班学员记录（G01 不得转让）")
def bind(request: HttpRequest, data: BindIn) -> Voucher:
    user = request_user(request)
    require(user, "voucher.use")
    # Any class in scope: one that is not open for vouchers is refused with its reason (A10), not hidden.
    enrolment = get_object_or_404(
        Enrolment.objects.filter(training_class__in=classes_visible(user)), pk=data.enrolment_id
    )
    voucher = voucher_for_binding(user, data.serial)
    if voucher is None:
        raise Http404
    services.voucher_bind(actor=user, voucher=voucher, enrolment=enrolment)
    return vouchers_visible(user).get(pk=voucher.pk)


@router.post(
    "/claims",
    response={201: list[ClaimOut]},
    summary="以证换券申领补贴（G01）：已兑换的培训券生成补贴申领，每个培训班一笔",
)
def claim(request: HttpRequest, data: VoucherClaimIn) -> Status:
    user = request_user(request)
    require(user, "claim.apply")
    require(user, "voucher.use")
    todo = vouchers_unclaimed(user)
    if data.voucher_ids is not None:
        wanted = set(data.voucher_ids)
        # A voucher out of the clerk's scope is not found, like any object; one in scope that is not
        # redeemed, or already claimed, is refused with the reason.
        if vouchers_visible(user).filter(pk__in=wanted).count() != len(wanted):
            raise Http404("培训券不存在")
        todo = [v for v in todo if v.pk in wanted]
        if len(todo) != len(wanted):
            raise Refusal(
                "所选培训券中有尚未以证换券（无证无价）或已在补贴申领中的",
                field="voucher_ids",
                rule="G01",
            )
    if not todo:
        raise Refusal("没有已以证换券、尚未申领补贴的培训券", field="voucher_ids")
    return Status(201, services.voucher_claims_create(actor=user, vouchers=todo))


@router.get("/{voucher_id}", response=VoucherOut, summary="培训券详情")
def voucher_detail(request: HttpRequest, voucher_id: int) -> Voucher:
    user = request_user(request)
    if not can(user.role, "self.view"):
        require(user, "voucher.view")
    return get_object_or_404(vouchers_visible(user), pk=voucher_id)


@router.post(
    "/{voucher_id}/redeem",
    response=VoucherOut,
    summary="以证换券（G01 无证无价：须已录入所绑定培训班的合格证书）",
)
def redeem(request: HttpRequest, voucher_id: int) -> Voucher:
    user = request_user(request)
    require(user, "voucher.use")
    voucher = get_object_or_404(vouchers_visible(user), pk=voucher_id)
    services.voucher_redeem(actor=user, voucher=voucher)
    return vouchers_visible(user).get(pk=voucher.pk)


@router.post("/{voucher_id}/revoke", response=VoucherOut, summary="作废培训券（已发放或已绑定）")
def revoke(request: HttpRequest, voucher_id: int, data: RevokeIn) -> Voucher:
    user = request_user(request)
    require(user, "voucher.issue")
    voucher = get_object_or_404(vouchers_visible(user), pk=voucher_id)
    services.voucher_revoke(actor=user, voucher=voucher, reason=data.reason)
    return vouchers_visible(user).get(pk=voucher.pk)
