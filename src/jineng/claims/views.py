"""Pages of the claim workflow, payment batches and the public notice. Thin: selectors read, services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.claims import bulk, certshare, runs, services
from jineng.claims.class_form import class_form
from jineng.claims.mine import my_classes, my_contact, my_line, my_lines
from jineng.claims.models import LIVE_STATES, Claim, ClaimLine, ClaimState, Objection, PaymentBatch
from jineng.claims.objection_guard import (
    captcha_check,
    captcha_new,
    client_address,
    objection_throttle,
    objection_throttle_account,
)
from jineng.claims.programmes import programme
from jineng.claims.selectors import (
    ClaimFilter,
    batches_visible,
    claims_search,
    claims_visible,
    classes_unclaimed,
    lines_of,
    notice_lines,
    notices_public,
    objections_of,
    review_queue,
    reviews_of,
    run_progress,
    runs_listed,
    runs_visible,
)
from jineng.core.errors import Refusal
from jineng.core.feedback import act, refused
from jineng.core.pagination import paginate, sorted_by
from jineng.core.permissions import require
from jineng.core.roles import Role, can
from jineng.core.templatetags.jineng import yuan
from jineng.core.xlsx import xlsx_response
from jineng.people.selectors import id_number_for
from jineng.policy.claims import overdue
from jineng.policy.identity import mask_bank_account
from jineng.policy.profiles import get_profile
from jineng.regions.selectors import bureau_of
from jineng.training.models import TrainingClass
from jineng.training.selectors import classes_visible

LIST_HEADERS = [
    "申领编号",
    "补贴项目",
    "来源单号",
    "收款单位/个人",
    "申领事项",
    "补贴人数",
    "补贴金额（元）",
    "状态",
    "审核期限",
    "公示期",
]
LINE_HEADERS = [
    "序号",
    "姓名",
    "身份证号",
    "补贴事项",
    "结论",
    "金额（元）",
    "依据规则",
    "计算过程",
    "不予补贴原因",
]
PAYMENT_HEADERS = [
    "序号",
    "申领编号",
    "收款单位/个人",
    "开户银行",
    "银行账号",
    "核定补贴（元）",
    "预拨抵减（元，F04）",
    "应收抵扣（元，F14）",
    "实付金额（元）",
    "资金来源",
    "用途",
]


def _row(c: Claim) -> list[Any]:
    return [
        c.ref,
        c.programme_label,
        c.source_ref,
        c.payee_name,
        c.title,
        c.headcount,
        c.amount,
        c.get_state_display(),
        c.review_due or "",
        f"{c.notice_start:%Y-%m-%d} 至 {c.notice_end:%Y-%m-%d}" if c.notice_start and c.notice_end else "",
    ]


# 18.13: the keys the claims list sorts by, over all its pages (core.pagination.sorted_by).
CLAIM_SORTS = {
    "ref": ("ref",),
    "source": ("source_ref",),
    "payee": ("payee_organisation__name", "payee_person__name"),
    "title": ("title",),
    "headcount": ("headcount",),
    "amount": ("amount",),
    "state": ("state",),
    "due": ("review_due",),
    "notice": ("notice_start",),
}


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.list")
    today = timezone.localdate()
    f = ClaimFilter(
        state=request.GET.get("state", ""),
        q=request.GET.get("q", "").strip(),
        overdue=request.GET.get("overdue") == "1",
    )
    qs = sorted_by(request, claims_search(user, f, today=today), CLAIM_SORTS)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("补贴申领.xlsx", "补贴申领", LIST_HEADERS, (_row(c) for c in qs.iterator()))
    page, query = paginate(request, qs)
    claimable = None
    if can(user.role, "claim.apply"):
        # Assessed classes without a live claim: what the clerk can claim for next.
        claimable = (
            classes_visible(user)
            .filter(state__in=services.CLAIMABLE_CLASS_STATES)
            .exclude(claims__state__in=[s for s in ClaimState.values if s != ClaimState.WITHDRAWN])
            if user.role == Role.INSTITUTION
            else TrainingClass.objects.none()
        )
    # E06: a claimable class whose certificates would take the year beyond the share is warned here.
    claimable_rows = (
        [(tc, certshare.class_share_warning(tc)) for tc in claimable] if claimable is not None else []
    )
    totals = {
        "count": page.paginator.count,
        "amount": (qs.aggregate(s=Sum("amount"))["s"] or Decimal(0)).quantize(Decimal("0.01")),
    }
    return render(
        request,
        "claims/list.html",
        {
            "page": page,
            "query": query,
            "f": f,
            "states": ClaimState.choices,
            "today": today,
            "claimable": claimable,
            "claimable_rows": claimable_rows,
            "totals": totals,
        },
    )


@login_required
def claim_queue(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.queue")
    page, query = paginate(request, review_queue(user))
    return render(
        request,
        "claims/queue.html",
        {
            "page": page,
            "query": query,
            "today": timezone.localdate(),
            # Rows waiting for a signature get a checkbox; a notice to close (the bureau's) does not.
            "signable": {s.value for s in services.STAGE_OF_STATE}
            if can(user.role, "claim.review")
            else set(),
        },
    )


# Ids a reviewer may tick at once; a page of the queue is 50, the API's batches may be larger.
SIGN_MAX = 1000


@login_required
@require_POST
def claim_sign_batch(request: HttpRequest) -> HttpResponse:
    """批量签署: the reviewer's signature on every ticked claim of the queue, all or none (F09 per claim)."""
    user = request_user(request)
    require(user, "claim.review")
    try:
        ids = {int(v) for v in request.POST.getlist("claim")}
    except ValueError:
        raise Http404 from None
    if not ids:
        messages.error(request, "请先勾选要签署的申领")
        return redirect("claims:queue")
    if len(ids) > SIGN_MAX:
        messages.error(request, f"一次最多签署 {SIGN_MAX} 笔申领（已勾选 {len(ids)} 笔）")
        return redirect("claims:queue")
    claims = list(claims_visible(user).filter(pk__in=ids))
    if len(claims) != len(ids):
        # A claim outside the reviewer's scope is not found, as on its own page; nothing is signed.
        raise Http404
    act(
        request,
        f"已签署 {len(claims)} 笔申领",
        lambda: bulk.claims_review_bulk(
            actor=user,
            claims=claims,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        ),
    )
    return redirect("claims:queue")


@login_required
@require_POST
def claim_new(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.apply")
    if user.role == Role.TRAINEE:
        tc = get_object_or_404(
            TrainingClass.objects.filter(enrolments__person_id=user.person_id or 0), pk=class_id
        )
    else:
        tc = get_object_or_404(classes_visible(user), pk=class_id)
    try:
        claim = services.claim_create(actor=user, training_class=tc)
    except Refusal as exc:
        refused(request, exc)
        return redirect("claims:mine" if user.role == Role.TRAINEE else "claims:list")
    messages.success(
        request,
        f"已生成补贴申领 {claim.ref}：{claim.headcount} 人，{yuan(claim.amount)} 元。请核对明细并签署承诺后提交。",
    )
    return redirect("claims:detail", claim.pk)


def _claim(user: User, claim_id: int) -> Claim:
    return get_object_or_404(claims_visible(user), pk=claim_id)


def _org_account_differs(claim: Claim) -> tuple[str, str] | None:
    """The payee organisation's own bank details (kept on its 机构信息 page) when they differ from the
    claim's, which came from the class's application form: the clerk sees which account will be paid and
    can switch before submitting."""
    org = claim.payee_organisation
    if org is None or not org.bank_account or org.bank_account == claim.bank_account:
        return None
    return org.bank_name, mask_bank_account(org.bank_account)


@login_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.view")
    claim = _claim(user, claim_id)
    lines = lines_of(claim)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"补贴明细-{claim.ref}.xlsx",
            "补贴明细",
            LINE_HEADERS,
            (
                [
                    ln.row,
                    ln.person.name if ln.person else "",
                    id_number_for(user, ln.person) if ln.person else "",
                    ln.label,
                    ln.get_status_display(),
                    ln.amount,
                    ln.rule_ids,
                    ln.computation,
                    "；".join(r["message"] for r in ln.reasons),
                ]
                for ln in lines
            ),
        )
    page, query = paginate(request, lines, per_page=50)
    step = services.next_step(claim)
    today = timezone.localdate()
    is_applicant = (
        user.role == Role.INSTITUTION and user.organisation_id in services.applicant_orgs(claim)
    ) or (user.role == Role.TRAINEE and user.person_id == claim.payee_person_id)
    may_review = step is not None and user.role in services.ROLES_FOR[(step[0], step[1])]
    prog = programme(claim.programme)
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "tc": claim.training_class,
            "source_label": prog.source_label,
            # Only a page the user may open is linked (a trainee opens neither the class nor the assessment).
            "source_url": claim.source_url if can(user.role, prog.source_capability) else "",
            "class_link": can(user.role, "class.view"),
            "own_pages": user.role == Role.TRAINEE,
            "page": page,
            "query": query,
            "rows": [{"ln": ln, "id": id_number_for(user, ln.person) if ln.person else ""} for ln in page],
            "reviews": reviews_of(claim),
            "objections": objections_of(claim),
            "step": step,
            "may_review": may_review,
            "editable": is_applicant and claim.state in (ClaimState.DRAFT, ClaimState.RETURNED),
            "withdrawable": is_applicant
            and claim.state in (ClaimState.DRAFT, ClaimState.SUBMITTED, ClaimState.RETURNED),
            "notice_staff": can(user.role, "claim.notice") and claim.state == ClaimState.IN_NOTICE,
            "bank_account": claim.bank_account if is_applicant else mask_bank_account(claim.bank_account),
            "org_account": _org_account_differs(claim) if is_applicant else None,
            "overdue": overdue(claim.review_due, today),
            "today": today,
            "excluded": sum(1 for ln in lines if ln.status == ClaimLine.Status.EXCLUDED),
        },
    )


@login_required
@require_POST
def claim_submit(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.apply")
    claim = _claim(user, claim_id)
    act(
        request,
        "已签署承诺并提交行业主管部门审核",
        lambda: services.claim_submit(
            actor=user,
            claim=claim,
            pledge_name=request.POST.get("pledge_name", ""),
            pledge=request.POST.get("pledge") == "1",
        ),
    )
    return redirect("claims:detail", claim.pk)


@login_required
@require_POST
def claim_bank(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.apply")
    claim = _claim(user, claim_id)
    act(
        request,
        "已修改收款账户",
        lambda: services.claim_bank_set(
            actor=user,
            claim=claim,
            bank_name=request.POST.get("bank_name", ""),
            bank_account=request.POST.get("bank_account", ""),
        ),
    )
    return redirect("claims:detail", claim.pk)


@login_required
@require_POST
def claim_withdraw(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.apply")
    claim = _claim(user, claim_id)
    act(request, "已撤回申领", lambda: services.claim_withdraw(actor=user, claim=claim))
    return redirect("claims:detail", claim.pk)


@login_required
@require_POST
def claim_review(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.review")
    claim = _claim(user, claim_id)
    act(
        request,
        "已签署审核意见",
        lambda: services.claim_review(
            actor=user,
            claim=claim,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        ),
    )
    return redirect("claims:detail", claim.pk)


@login_required
@require_POST
def notice_close(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.notice")
    claim = _claim(user, claim_id)
    act(request, "公示已结束，转人社部门审核", lambda: services.claim_notice_close(actor=user, claim=claim))
    return redirect("claims:detail", claim.pk)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, claim_id: int, objection_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.notice")
    claim = _claim(user, claim_id)
    objection = get_object_or_404(Objection, pk=objection_id, claim=claim)
    act(
        request,
        "已记录异议处理情况",
        lambda: services.objection_resolve(
            actor=user,
            objection=objection,
            outcome=request.POST.get("outcome", ""),
            resolution=request.POST.get("resolution", ""),
        ),
    )
    return redirect("claims:detail", claim.pk)


# --- payment batches -------------------------------------------------------------------------------------------


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "batch.view")
    page, query = paginate(request, batches_visible(user))
    waiting = (
        claims_visible(user).filter(state=ClaimState.APPROVED) if can(user.role, "batch.manage") else None
    )
    return render(
        request,
        "claims/batches.html",
        {"page": page, "query": query, "can_manage": can(user.role, "batch.manage"), "waiting": waiting},
    )


@login_required
@require_POST
def batch_open(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "batch.manage")
    try:
        batch = services.batch_open(actor=user, region=user.region)  # type: ignore[arg-type]
        n = services.batch_collect(actor=user, batch=batch)
    except Refusal as exc:
        refused(request, exc)
        return redirect("claims:batches")
    messages.success(request, f"批次 {batch.ref}：新汇总 {n} 笔已核准的申领")
    return redirect("claims:batch", batch.pk)


def _batch(user: User, batch_id: int) -> PaymentBatch:
    return get_object_or_404(batches_visible(user), pk=batch_id)


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "batch.view")
    batch = _batch(user, batch_id)
    items = batch.items.select_related("claim", "claim__payee_organisation", "claim__payee_person").order_by(
        "id"
    )
    if request.GET.get("format") == "xlsx":
        # The bank payment file: full account numbers, for finance and the bureau that send it.
        if not (can(user.role, "batch.pay") or can(user.role, "batch.manage")):
            raise Http404
        return xlsx_response(
            f"拨付文件-{batch.ref}.xlsx",
            "拨付明细",
            PAYMENT_HEADERS,
            (
                [
                    i,
                    it.claim.ref,
                    it.claim.payee_name,
                    it.claim.bank_name,
                    it.claim.bank_account,
                    it.claim.amount,
                    it.prepaid,
                    it.offset,
                    it.amount,
                    "、".join(f"{f['fund']} {f['amount']}" for f in it.funds) or "按F13顺序（专账资金优先）",
                    "职业技能培训补贴",
                ]
                for i, it in enumerate(items, start=1)
            ),
        )
    total = sum((it.amount for it in items), Decimal("0.00"))
    return render(
        request,
        "claims/batch.html",
        {
            "batch": batch,
            "items": [{"it": it, "account": mask_bank_account(it.claim.bank_account)} for it in items],
            "total": total,
            "can_manage": can(user.role, "batch.manage"),
            "can_pay": can(user.role, "batch.pay"),
        },
    )


@login_required
@require_POST
def batch_collect(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "batch.manage")
    batch = _batch(user, batch_id)
    act(request, "已汇总已核准的申领", lambda: services.batch_collect(actor=user, batch=batch))
    return redirect("claims:batch", batch.pk)


@login_required
@require_POST
def batch_send(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "batch.manage")
    batch = _batch(user, batch_id)
    act(request, "批次已送交财政", lambda: services.batch_send(actor=user, batch=batch))
    return redirect("claims:batch", batch.pk)


@login_required
@require_POST
def batch_pay(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "batch.pay")
    batch = _batch(user, batch_id)
    act(
        request,
        "已确认拨付",
        lambda: services.batch_pay(
            actor=user, batch=batch, bank_reference=request.POST.get("bank_reference", "")
        ),
    )
    return redirect("claims:batch", batch.pk)


# --- public notice (F08): no login, masked names and numbers -----------------------------------------------------


def notice_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, notices_public())
    return render(
        request, "claims/public_list.html", {"page": page, "query": query, "today": timezone.localdate()}
    )


NOTICE_HEADERS = ("花名册行号", "姓名", "身份证号", "结论", "金额（元）")


def notice_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_object_or_404(notices_public(), pk=claim_id)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        # The masked list as posted (F08), for the notice board or the unit's own records.
        return xlsx_response(
            f"补贴公示-{claim.ref}.xlsx",
            "公示名单",
            NOTICE_HEADERS,
            ((ln.row, ln.name, ln.id_number, ln.status, Decimal(ln.amount)) for ln in notice_lines(claim)),
        )
    today = timezone.localdate()
    open_now = claim.state == ClaimState.IN_NOTICE and claim.notice_start <= today <= claim.notice_end  # type: ignore[operator]
    sent = None
    kept: dict[str, str] = {}
    if request.method == "POST":
        row = request.POST.get("row", "").strip()
        kept = {k: request.POST.get(k, "") for k in ("name", "contact", "row", "text")}
        try:
            # 18.11: a CAPTCHA answered, and the address's hourly allowance, before anything is recorded.
            captcha_check(request.POST.get("captcha_key", ""), request.POST.get("captcha", ""))
            objection_throttle(client_address(request))
            sent = services.objection_submit(
                claim=claim,
                name=request.POST.get("name", ""),
                contact=request.POST.get("contact", ""),
                text=request.POST.get("text", ""),
                line_row=int(row) if row.isdigit() else None,
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"异议已收到（编号 {sent.pk}），人社部门将在公示期结束前核实处理。")
            return redirect("claims:notice", claim.pk)
    captcha_key, captcha_image = captcha_new() if open_now else ("", "")
    return render(
        request,
        "claims/public_detail.html",
        {
            "claim": claim,
            "lines": notice_lines(claim),
            "open_now": open_now,
            "objections": claim.objections.count(),
            "basis": _notice_basis(claim),
            "bureau": bureau_of(claim.region),
            "captcha_key": captcha_key,
            "captcha_image": captcha_image,
            "kept": kept,
        },
    )


# --- 申领批处理 (claims.runs) -----------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """18.12: 我的培训与补贴 — a trainee's classes, attendance, results and certificates, subsidy lines and
    their payment, and an objection to his own line while its notice runs."""
    user = request_user(request)
    require(user, "self.view")
    today = timezone.localdate()
    classes = my_classes(user)
    return render(
        request,
        "claims/mine.html",
        {"classes": classes, "lines": my_lines(user, classes, today), "today": today},
    )


@login_required
@require_POST
def mine_object(request: HttpRequest, line_id: int) -> HttpResponse:
    """His objection to his own line (F08), signed with his registered name and phone; no CAPTCHA for a
    logged-in trainee, whose hourly allowance is his account's, not his network address's."""
    user = request_user(request)
    require(user, "self.view")
    line = my_line(user, line_id)
    if line is None:
        raise Http404("没有这条补贴明细，或不是您本人的")
    person = user.person
    assert person is not None  # my_line found his line
    try:
        objection_throttle_account(user.pk)
        services.objection_submit(
            claim=line.claim,
            name=person.name,
            contact=my_contact(user),
            text=request.POST.get("text", ""),
            line_row=line.row,
        )
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            f"异议已收到（公示 {line.claim.ref} 第 {line.row} 行），人社部门将在公示期结束前核实处理。",
        )
    return redirect("claims:mine")


@login_required
def batch_print(request: HttpRequest, batch_id: int) -> HttpResponse:
    """18.13: the batch's 拨付单 for signing: payees, banks, amounts and funds, with the bureau's and
    finance's signature blocks. Full account numbers only for who sends or pays it (as the bank file)."""
    user = request_user(request)
    require(user, "batch.view")
    batch = _batch(user, batch_id)
    items = list(
        batch.items.select_related("claim", "claim__payee_organisation", "claim__payee_person").order_by("id")
    )
    full = can(user.role, "batch.pay") or can(user.role, "batch.manage")
    total = sum((it.amount for it in items), Decimal("0.00"))
    return render(
        request,
        "claims/batch_print.html",
        {
            "batch": batch,
            "items": [
                {
                    "it": it,
                    "account": it.claim.bank_account if full else mask_bank_account(it.claim.bank_account),
                }
                for it in items
            ],
            "total": total,
            "total_wan": (total / 10000).normalize(),
            "bureau": bureau_of(batch.region),
        },
    )


@login_required
def class_form_print(request: HttpRequest, class_id: int) -> HttpResponse:
    """18.13: the class's record as its document's 申请表 (附件2 / 附件3), for printing and signing."""
    user = request_user(request)
    require(user, "class.view")
    tc = get_object_or_404(
        classes_visible(user).select_related("institution", "occupation", "trade", "region", "department"),
        pk=class_id,
    )
    claim = (
        claims_visible(user)
        .filter(training_class=tc, programme="training", state__in=LIVE_STATES)
        .order_by("-id")
        .first()
    )
    return render(request, "claims/class_form_print.html", {"f": class_form(tc, claim)})


def notice_print(request: HttpRequest, claim_id: int) -> HttpResponse:
    """18.13: the public list laid out for a notice board (public, as the notice itself)."""
    claim = get_object_or_404(notices_public(), pk=claim_id)
    return render(
        request,
        "claims/notice_print.html",
        {
            "claim": claim,
            "lines": notice_lines(claim),
            "basis": _notice_basis(claim),
            "bureau": bureau_of(claim.region),
        },
    )


def _notice_basis(claim: Claim) -> str:
    """The legal basis of the notice (F08), as the claim's profile words its notice period."""
    if not claim.profile_code or not claim.profile_version:
        return ""
    profile = get_profile(claim.profile_code, claim.profile_version)
    param = profile.params["public_notice_working_days"]
    # 18.11: the document by its number and title, then the clause, as the profile quotes it.
    return f"{profile.document} {param.clause}" if param.is_set else ""


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.run")  # who may start a run may follow one
    page, query = paginate(request, runs_listed(user))
    unclaimed = classes_unclaimed(user).count() if user.role == Role.INSTITUTION else None
    return render(
        request,
        "claims/runs.html",
        {"page": page, "query": query, "unclaimed": unclaimed, "chunk_size": runs._chunk_size()},
    )


@login_required
@require_POST
def run_claim_all(request: HttpRequest) -> HttpResponse:
    """批量申领: every assessed class of the clerk's institution not yet claimed, in the background."""
    user = request_user(request)
    require(user, "claim.apply")
    if user.role != Role.INSTITUTION:
        raise PermissionDenied("批量申领限培训机构经办人（个人申请逐班申领）")
    ids = list(classes_unclaimed(user).values_list("pk", flat=True))
    if not ids:
        messages.info(request, "本机构没有已考核、尚未申领的培训班")
        return redirect("claims:runs")
    try:
        run = runs.claim_run_start(actor=user, kind="create", ids=ids)
    except Refusal as exc:
        refused(request, exc)
        return redirect("claims:runs")
    messages.success(request, f"已开始批量申领：{run.items} 个培训班，每 {run.chunk_size} 个一批在后台处理")
    return redirect("claims:run", run.pk)


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "claim.run")  # who may start a run may follow one
    progress = run_progress(get_object_or_404(runs_visible(user), pk=run_id))
    template = "claims/_run.html" if request.headers.get("HX-Request") else "claims/run.html"
    return render(request, template, {"p": progress, "run": progress.run})
