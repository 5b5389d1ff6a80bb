"""Pages of the F04 prepayment: list (with the classes that may ask), request, detail, review, pay."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.claims import prepayments as services
from jineng.claims.models import Prepayment, PrepaymentState
from jineng.claims.prepayment_selectors import (
    prepayable_classes,
    prepayments_visible,
    project_performance,
    project_performance_of,
    project_stops_visible,
)
from jineng.core.feedback import act_returning
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import Role, can
from jineng.regions.selectors import profiles_in_view


@login_required
def prepayment_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "prepayment.view")
    state = request.GET.get("state", "")
    qs = prepayments_visible(user)
    if state:
        qs = qs.filter(state=state)
    page, query = paginate(request, qs)
    return render(
        request,
        "claims/prepayments.html",
        {
            "page": page,
            "query": query,
            "state": state,
            "states": PrepaymentState.choices,
            "classes": prepayable_classes(user)[:50],
            # F04: how each institution's project-based classes went, for the bureau's stop decision.
            "performance": project_performance(user) if user.role != Role.INSTITUTION else [],
            "can_stop": can(user.role, "project.stop"),
            "my_stop": services.project_stop_open(user.organisation_id)
            if user.role == Role.INSTITUTION and user.organisation_id
            else None,
            # F04: the prepayment share as the profiles in view fix it, or that they do not.
            "profiles": profiles_in_view(user.region, timezone.localdate().year),
        },
    )


@login_required
@require_POST
def prepayment_new(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "prepayment.apply")
    tc = get_object_or_404(prepayable_classes(user), pk=class_id)
    p = act_returning(
        request,
        "预拨申请已提交人社部门审核（F04）",
        lambda: services.prepayment_request(
            actor=user, training_class=tc, share=request.POST.get("share") or None
        ),
    )
    return redirect("claims:prepayment", p.pk) if p is not None else redirect("claims:prepayments")


def _prepayment(user: User, prepayment_id: int) -> Prepayment:
    return get_object_or_404(prepayments_visible(user), pk=prepayment_id)


@login_required
def prepayment_detail(request: HttpRequest, prepayment_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "prepayment.view")
    p = _prepayment(user, prepayment_id)
    waiting = {PrepaymentState.REQUESTED: Role.HR_FIRST, PrepaymentState.FIRST_SIGNED: Role.HR_SECOND}
    return render(
        request,
        "claims/prepayment.html",
        {
            "p": p,
            "may_review": waiting.get(PrepaymentState(p.state)) == user.role,
            "may_pay": can(user.role, "prepayment.pay") and p.state == PrepaymentState.APPROVED,
        },
    )


@login_required
@require_POST
def prepayment_review(request: HttpRequest, prepayment_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "prepayment.review")
    p = _prepayment(user, prepayment_id)
    act_returning(
        request,
        "已签署",
        lambda: services.prepayment_review(
            actor=user,
            prepayment=p,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        ),
    )
    return redirect("claims:prepayment", p.pk)


@login_required
@require_POST
def prepayment_pay(request: HttpRequest, prepayment_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "prepayment.pay")
    p = _prepayment(user, prepayment_id)
    act_returning(request, "预拨款已拨付", lambda: services.prepayment_pay(actor=user, prepayment=p))
    return redirect("claims:prepayment", p.pk)


@login_required
@require_POST
def project_stop(request: HttpRequest) -> HttpResponse:
    """F04: stop an institution's 项目制 for its results (the figures shown on the prepayment page)."""
    user = request_user(request)
    require(user, "project.stop")
    raw = request.POST.get("institution", "")
    figures = project_performance_of(user, int(raw)) if raw.isdigit() and len(raw) < 19 else None
    found = figures.institution if figures else None
    if found is None:
        raise Http404("培训机构不存在")
    act_returning(
        request,
        f"已停止 {found.name} 的项目制资格（F04）",
        lambda: services.project_stop(actor=user, institution=found, reason=request.POST.get("reason", "")),
    )
    return redirect("claims:prepayments")


@login_required
@require_POST
def project_stop_lift(request: HttpRequest, stop_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "project.stop")
    stop = get_object_or_404(project_stops_visible(user), pk=stop_id)
    act_returning(
        request,
        f"已恢复 {stop.institution.name} 的项目制资格",
        lambda: services.project_stop_lift(actor=user, stop=stop, reason=request.POST.get("reason", "")),
    )
    return redirect("claims:prepayments")
