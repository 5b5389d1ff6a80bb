"""/api/v1/claims and /api/v1/batches: the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.claims import bulk, runs, services
from jineng.claims.models import Claim, Objection, PaymentBatch
from jineng.claims.schemas import (
    BankIn,
    BatchOut,
    ClaimCreateIn,
    ClaimLineOut,
    ClaimOut,
    ClaimReviewIn,
    PayIn,
    ResolveIn,
    ReviewBatchIn,
    RunIn,
    RunOut,
    SubmitIn,
)
from jineng.claims.selectors import (
    ClaimFilter,
    RunProgress,
    batches_visible,
    claims_search,
    claims_visible,
    lines_of,
    run_progress,
    runs_visible,
)
from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.training.selectors import classes_visible

router = Router()
batches = Router()


def _claim(user: User, claim_id: int) -> Claim:
    return get_object_or_404(claims_visible(user), pk=claim_id)


@router.get("", response=list[ClaimOut], summary="补贴申领（按状态、编号/机构/职业、超期筛选）")
@paginate(PageNumberPagination, page_size=50)
def claim_list(request: HttpRequest, state: str = "", q: str = "", overdue: bool = False) -> Any:
    user = request_user(request)
    require(user, "claim.view")
    return claims_search(user, ClaimFilter(state=state, q=q, overdue=overdue), today=timezone.localdate())


@router.post("", response={201: ClaimOut}, summary="为已考核的培训班申领补贴（逐人计算金额与依据）")
def claim_create(request: HttpRequest, data: ClaimCreateIn) -> Status:
    user = request_user(request)
    require(user, "claim.apply")
    if user.role == "trainee":
        from jineng.training.models import TrainingClass

        tc = get_object_or_404(
            TrainingClass.objects.filter(enrolments__person_id=user.person_id or 0), pk=data.class_id
        )
    else:
        tc = get_object_or_404(classes_visible(user), pk=data.class_id)
    return Status(201, services.claim_create(actor=user, training_class=tc))


@router.post(
    "/review-batch",
    response=list[ClaimOut],
    summary="批量签署（所选各笔在各自环节签署，全部或全不；F09：初审、复核为不同的人）",
)
def claim_review_batch(request: HttpRequest, data: ReviewBatchIn) -> list[Claim]:
    user = request_user(request)
    require(user, "claim.review")
    ids = set(data.claim_ids)
    claims = list(claims_visible(user).filter(pk__in=ids))
    if len(claims) != len(ids):
        # One claim outside the reviewer's scope: not found, as on its own; nothing is signed.
        raise Http404
    signed = bulk.claims_review_bulk(actor=user, claims=claims, decision=data.decision, comment=data.comment)
    return list(
        Claim.objects.select_related("training_class").filter(pk__in=[c.pk for c in signed]).order_by("pk")
    )


@router.post(
    "/runs",
    response={201: RunOut},
    summary="申领批处理：数千个培训班批量申领或数千笔申领批量签署，分批由后台并行处理（每批全部或全不）",
)
def run_start(request: HttpRequest, data: RunIn) -> Status:
    user = request_user(request)
    require(user, "claim.run")
    require(user, "claim.apply" if data.kind == "create" else "claim.review")
    ids = set(data.ids)
    visible = classes_visible(user) if data.kind == "create" else claims_visible(user)
    if visible.filter(pk__in=ids).count() != len(ids):
        # One id outside the user's scope: not found, as on its own page; no run is started.
        raise Http404
    run = runs.claim_run_start(
        actor=user, kind=data.kind, ids=sorted(ids), decision=data.decision, comment=data.comment
    )
    return Status(201, run_progress(run))


@router.get(
    "/runs/{run_id}",
    response=RunOut,
    summary="申领批处理的进度与未通过的批次（列明培训班或申领、规则、依据）",
)
def run_detail(request: HttpRequest, run_id: int) -> RunProgress:
    user = request_user(request)
    require(user, "claim.run")  # who may start a run (either kind) may follow one
    return run_progress(get_object_or_404(runs_visible(user), pk=run_id))


@router.get("/{claim_id}", response=ClaimOut, summary="申领详情")
def claim_detail(request: HttpRequest, claim_id: int) -> Claim:
    user = request_user(request)
    require(user, "claim.view")
    return _claim(user, claim_id)


@router.get(
    "/{claim_id}/lines", response=list[ClaimLineOut], summary="逐人补贴明细：金额、计算过程、依据规则"
)
def claim_lines(request: HttpRequest, claim_id: int) -> Any:
    user = request_user(request)
    require(user, "claim.view")
    return list(lines_of(_claim(user, claim_id)))


@router.post("/{claim_id}/bank", response=ClaimOut, summary="修改收款账户（提交前）")
def claim_bank(request: HttpRequest, claim_id: int, data: BankIn) -> Claim:
    user = request_user(request)
    require(user, "claim.apply")
    return services.claim_bank_set(
        actor=user, claim=_claim(user, claim_id), bank_name=data.bank_name, bank_account=data.bank_account
    )


@router.post("/{claim_id}/submit", response=ClaimOut, summary="签署承诺（F06）并提交行业主管部门审核")
def claim_submit(request: HttpRequest, claim_id: int, data: SubmitIn) -> Claim:
    user = request_user(request)
    require(user, "claim.apply")
    return services.claim_submit(
        actor=user, claim=_claim(user, claim_id), pledge_name=data.pledge_name, pledge=data.pledge
    )


@router.post("/{claim_id}/withdraw", response=ClaimOut, summary="申请人撤回")
def claim_withdraw(request: HttpRequest, claim_id: int) -> Claim:
    user = request_user(request)
    require(user, "claim.apply")
    return services.claim_withdraw(actor=user, claim=_claim(user, claim_id))


@router.post("/{claim_id}/review", response=ClaimOut, summary="审核签署（F09：初审、复核为不同的人）")
def claim_review(request: HttpRequest, claim_id: int, data: ClaimReviewIn) -> Claim:
    user = request_user(request)
    require(user, "claim.review")
    return services.claim_review(
        actor=user, claim=_claim(user, claim_id), decision=data.decision, comment=data.comment
    )


@router.post("/{claim_id}/notice/close", response=ClaimOut, summary="公示期满、异议处理完毕后结束公示（F08）")
def notice_close(request: HttpRequest, claim_id: int) -> Claim:
    user = request_user(request)
    require(user, "claim.notice")
    return services.claim_notice_close(actor=user, claim=_claim(user, claim_id))


@router.post("/{claim_id}/objections/{objection_id}/resolve", response=ClaimOut, summary="处理公示异议")
def objection_resolve(request: HttpRequest, claim_id: int, objection_id: int, data: ResolveIn) -> Claim:
    user = request_user(request)
    require(user, "claim.notice")
    claim = _claim(user, claim_id)
    objection = get_object_or_404(Objection, pk=objection_id, claim=claim)
    services.objection_resolve(
        actor=user, objection=objection, outcome=data.outcome, resolution=data.resolution
    )
    return Claim.objects.get(pk=claim.pk)


def _batch(user: User, batch_id: int) -> PaymentBatch:
    return get_object_or_404(batches_visible(user), pk=batch_id)


@batches.get("", response=list[BatchOut], summary="拨付批次")
@paginate(PageNumberPagination, page_size=50)
def batch_list(request: HttpRequest) -> Any:
    user = request_user(request)
    require(user, "batch.view")
    return batches_visible(user)


@batches.post("", response={201: BatchOut}, summary="打开本周期的拨付批次（F11 每周 / F12 每月）")
def batch_open(request: HttpRequest) -> Status:
    user = request_user(request)
    require(user, "batch.manage")
    return Status(201, services.batch_open(actor=user, region=user.region))  # type: ignore[arg-type]


@batches.post("/{batch_id}/collect", response=BatchOut, summary="汇总已核准的申领")
def batch_collect(request: HttpRequest, batch_id: int) -> PaymentBatch:
    user = request_user(request)
    require(user, "batch.manage")
    b = _batch(user, batch_id)
    services.batch_collect(actor=user, batch=b)
    return PaymentBatch.objects.get(pk=b.pk)


@batches.post("/{batch_id}/send", response=BatchOut, summary="送交财政")
def batch_send(request: HttpRequest, batch_id: int) -> PaymentBatch:
    user = request_user(request)
    require(user, "batch.manage")
    return services.batch_send(actor=user, batch=_batch(user, batch_id))


@batches.post(
    "/{batch_id}/pay", response=BatchOut, summary="财政确认拨付（按 F13 顺序动用资金；重复请求不会重复拨付）"
)
def batch_pay(request: HttpRequest, batch_id: int, data: PayIn) -> PaymentBatch:
    user = request_user(request)
    require(user, "batch.pay")
    return services.batch_pay(actor=user, batch=_batch(user, batch_id), bank_reference=data.bank_reference)
