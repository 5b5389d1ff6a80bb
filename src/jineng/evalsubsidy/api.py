"""/api/v1/evaluation: 职业技能评价补贴, the same services as the pages. Out of scope → 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from jineng.accounts.requests import request_user
from jineng.claims.models import Claim, ClaimState
from jineng.core.errors import Refusal
from jineng.core.pagination import MAX_PAGE, PageNumberPagination
from jineng.core.params import year_query
from jineng.core.permissions import require
from jineng.evalsubsidy import services
from jineng.evalsubsidy.schemas import (
    ClaimOut,
    EvaluationCertificateOut,
    EvaluationClaimDetailOut,
    EvaluationClaimIn,
    EvaluationSubmitIn,
)
from jineng.evalsubsidy.selectors import (
    CertificateFilter,
    certificates_by_number,
    certificates_claimable,
    certificates_search,
    evaluation_claims_visible,
    price_results,
)

router = Router()


@router.get(
    "/certificates",
    response=list[EvaluationCertificateOut],
    summary="可申领评价补贴的证书，逐张计价并注明依据（q 证书编号或开班编号、year 发证年度）",
)
def certificate_list(
    request: HttpRequest,
    q: str = "",
    year: int | None = year_query(None),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="页码（每页 50 张）"),
) -> list[dict[str, Any]]:
    user = request_user(request)
    require(user, "evaluation.apply")
    qs = certificates_search(user, CertificateFilter(q=q, year=year))[(page - 1) * 50 : page * 50]
    return [EvaluationCertificateOut.of(p) for p in price_results(list(qs))]


@router.get("/claims", response=list[ClaimOut], summary="评价补贴申领")
@paginate(PageNumberPagination, page_size=50)
def claim_list(request: HttpRequest) -> Any:
    user = request_user(request)
    require(user, "evaluation.view")
    return evaluation_claims_visible(user).order_by("-created_at", "-id")


@router.post(
    "/claims",
    response={201: list[ClaimOut]},
    summary="按证书申领评价补贴：每次结业考核一笔申领，每张证书一行（同一证书只支付一次）",
)
def claim_create(request: HttpRequest, data: EvaluationClaimIn) -> Status:
    user = request_user(request)
    require(user, "evaluation.apply")
    ids = set(data.certificate_ids)
    chosen = list(certificates_claimable(user).filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise Http404  # a certificate outside the applicant's scope is not found
    if data.certificate_numbers:
        found, missing = certificates_by_number(user, data.certificate_numbers)
        if missing:
            raise Refusal(
                "以下证书编号不在本单位（本人）可申领范围内或不存在：" + "、".join(missing[:50]),
                field="certificate_numbers",
            )
        chosen += [r for r in found if r.pk not in ids]
    made = services.evaluation_claims_create(actor=user, certificates=chosen)
    return Status(201, made)


@router.get(
    "/claims/{claim_id}",
    response=EvaluationClaimDetailOut,
    summary="评价补贴申领详情：逐张证书的明细（计算过程或不予补贴原因）与审核签署",
)
def claim_detail(request: HttpRequest, claim_id: int) -> Claim:
    user = request_user(request)
    require(user, "evaluation.view")
    return get_object_or_404(evaluation_claims_visible(user), pk=claim_id)


@router.post("/claims/{claim_id}/submit", response=ClaimOut, summary="签署承诺并提交评价补贴申领（F06）")
def claim_submit(request: HttpRequest, claim_id: int, data: EvaluationSubmitIn) -> Claim:
    user = request_user(request)
    require(user, "evaluation.apply")
    claim = get_object_or_404(
        evaluation_claims_visible(user).filter(state__in=[ClaimState.DRAFT, ClaimState.RETURNED]), pk=claim_id
    )
    return services.evaluation_claim_submit(
        actor=user,
        claim=claim,
        pledge_name=data.pledge_name,
        pledge=data.pledge,
        bank_name=data.bank_name,
        bank_account=data.bank_account,
    )
