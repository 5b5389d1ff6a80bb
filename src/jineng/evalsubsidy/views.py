"""Pages of 评价补贴. Thin: they read through selectors and write through services.

* 评价补贴 (index): the evaluation claims of the user's scope; an applicant's own drafts link to their
  submission.
* 可申领证书 (certificates): an applicant's certificates, each priced with its cited source or its reasons;
  tick certificates (or upload a list of certificate numbers) and claim.
* 提交 (submit): the applicant's bank account and pledge (F06); then the claim is any claim.
* 申领详情 (claim): one claim of the scope — its certificates' lines with their computation or reasons,
  and every signature so far; the evaluation body follows the claims it is paid by here (it has no
  access to the bureau's claims pages).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jineng.accounts.requests import request_user
from jineng.claims.models import Claim, ClaimState
from jineng.claims.selectors import lines_of, reviews_of
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused
from jineng.core.pagination import paginate
from jineng.core.params import year_or_none
from jineng.core.permissions import require
from jineng.core.roles import Role, can
from jineng.core.templatetags.jineng import yuan
from jineng.evalsubsidy import services
from jineng.evalsubsidy.forms import ClaimForm, SubmitForm
from jineng.evalsubsidy.selectors import (
    CertificateFilter,
    certificates_by_number,
    certificates_search,
    evaluation_claims_visible,
    price_results,
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "evaluation.list")
    qs = evaluation_claims_visible(user).order_by("-created_at", "-id")
    page, query = paginate(request, qs)
    return render(
        request,
        "evalsubsidy/index.html",
        {"page": page, "query": query, "can_apply": can(user.role, "evaluation.apply")},
    )


def _created(request: HttpRequest, made: list[Claim]) -> HttpResponse:
    refs = "、".join(c.ref for c in made)
    total = sum(c.amount for c in made)
    messages.success(request, f"已生成评价补贴申领 {refs}（合计 {yuan(total)} 元），请核对后签署承诺并提交")
    if request_user(request).role == Role.TRAINEE:
        # A trainee has no list of claims: he goes on to his claim, or to his own page where each shows.
        return redirect("evalsubsidy:claim", made[0].pk) if len(made) == 1 else redirect("claims:mine")
    return redirect("evalsubsidy:index")


@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "evaluation.apply")
    form = ClaimForm(user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            chosen = list(d["certificate"] or [])
            if d.get("file"):
                content = uploads.upload_bytes(d["file"], what="证书清单")
                found, missing = certificates_by_number(user, services.numbers_read(content))
                if missing:
                    raise Refusal(
                        "以下证书编号不在本单位（本人）可申领范围内或不存在：" + "、".join(missing[:50]),
                        field="证书清单",
                    )
                chosen += found
            made = services.evaluation_claims_create(actor=user, certificates=chosen)
        except Refusal as exc:
            form_refused(form, exc, {"证书编号": "file", "证书": "certificate"})
        else:
            return _created(request, made)
    f = CertificateFilter(q=request.GET.get("q", "").strip(), year=year_or_none(request.GET.get("year")))
    page, query = paginate(request, certificates_search(user, f))
    rows = price_results(list(page.object_list))
    return render(
        request,
        "evalsubsidy/certificates.html",
        {
            "page": page,
            "query": query,
            "rows": rows,
            "f": f,
            "form": form,
            "own_pages": user.role == Role.TRAINEE,
        },
    )


@login_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "evaluation.view")
    claim = get_object_or_404(evaluation_claims_visible(user), pk=claim_id)
    return render(
        request,
        "evalsubsidy/claim.html",
        {
            "claim": claim,
            "lines": lines_of(claim),
            "reviews": reviews_of(claim),
            "own_pages": user.role == Role.TRAINEE,
            "can_submit": can(user.role, "evaluation.apply")
            and claim.state in (ClaimState.DRAFT, ClaimState.RETURNED),
        },
    )


@login_required
def submit(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "evaluation.apply")
    claim = get_object_or_404(
        evaluation_claims_visible(user).filter(state__in=[ClaimState.DRAFT, ClaimState.RETURNED]), pk=claim_id
    )
    form = SubmitForm(request.POST or None, initial={"bank_name": claim.bank_name})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.evaluation_claim_submit(
                actor=user,
                claim=claim,
                pledge_name=d["pledge_name"],
                pledge=d["pledge"],
                bank_name=d["bank_name"],
                bank_account=d["bank_account"],
            )
        except Refusal as exc:
            form_refused(form, exc, {"申请承诺人": "pledge_name", "银行账号": "bank_account"})
        else:
            messages.success(request, f"评价补贴申领 {claim.ref} 已提交行业主管部门审核")
            return redirect("evalsubsidy:claim", claim.pk)
    lines = claim.lines.order_by("row")
    return render(
        request,
        "evalsubsidy/submit.html",
        {"claim": claim, "form": form, "lines": lines, "own_pages": user.role == Role.TRAINEE},
    )
