"""Pages of the yearly evaluation (I03–I05) and the employment follow-up. Thin: reads through selectors,
writes through services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.requests import request_user
from jineng.appraisal import selectors, services
from jineng.appraisal.models import CatalogueOutcome, ProjectOutcome
from jineng.core.feedback import act, act_returning
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.core.xlsx import xlsx_response
from jineng.policy.identity import mask_name
from jineng.training.models import Enrolment
from jineng.training.selectors import classes_visible

HEADERS = [
    "年度", "评价对象", "机构", "开班数", "开班人数", "培训人数", "出勤率", "已考核学员", "取证人数", "取证率",
    "满意度调查", "满意人数", "满意率", "就业跟踪", "已就业", "就业率", "下年度目录", "项目制资格", "评价意见",
]  # fmt: skip


def _pct(value: Any) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year - 1


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "appraisal.view")
    year = _year(request)
    reviews = list(selectors.reviews_visible(user).filter(year=year))
    if request.GET.get("format") == "xlsx":
        rows = [
            [
                r.year, r.get_subject_display(), r.institution.name, r.classes, r.opening, r.trained, _pct(r.attendance), r.enrolled,
                r.passed, _pct(r.completion), r.surveyed, r.satisfied, _pct(r.satisfaction), r.followed,
                r.employed, _pct(r.employment), r.get_catalogue_display(), r.get_project_display(), r.reason,
            ]
            for r in reviews
        ]  # fmt: skip
        return xlsx_response(f"{year}年机构绩效评价.xlsx", "机构绩效评价", HEADERS, rows)
    return render(
        request,
        "appraisal/reviews.html",
        {
            "year": year,
            "reviews": reviews,
            "may_decide": can(user.role, "appraisal.decide"),
            "region": scope_of(user).region_id,
            "regions": selectors.review_regions(user),
            "catalogue_choices": [c for c in CatalogueOutcome.choices if c[0] != CatalogueOutcome.PENDING],
            "project_choices": ProjectOutcome.choices,
        },
    )


@login_required
@require_POST
def review_compute(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "appraisal.decide")
    year = _year(request)
    region = get_object_or_404(selectors.review_regions(user), pk=request.POST.get("region") or 0)
    done = act_returning(
        request,
        f"已按记录计算{region.name}{year}年各机构绩效数据",
        lambda: services.reviews_compute(actor=user, region=region, year=year),
    )
    if done is not None:
        messages.info(request, f"共 {len(done)} 家机构")
    return redirect(f"/appraisal/?year={year}")


@login_required
@require_POST
def review_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "appraisal.decide")
    review = get_object_or_404(selectors.reviews_visible(user), pk=review_id)
    act(
        request,
        f"已作出{review.institution.name}{review.year}年度评价决定",
        lambda: services.review_decide(
            actor=user,
            review=review,
            catalogue=request.POST.get("catalogue", ""),
            project=request.POST.get("project", ""),
            reason=request.POST.get("reason", ""),
        ),
    )
    return redirect(f"/appraisal/?year={review.year}")


@login_required
def follow_ups(request: HttpRequest, class_id: int) -> HttpResponse:
    """就业跟踪: the class's trainees with their latest answer; the form records the asked ones."""
    user = request_user(request)
    require(user, "followup.record")
    tc = get_object_or_404(classes_visible(user), pk=class_id)
    enrolments = list(
        Enrolment.objects.filter(training_class=tc, status=Enrolment.Status.ENROLLED)
        .select_related("person")
        .order_by("row")
    )
    if request.method == "POST":
        rows = []
        for e in enrolments:
            answer = request.POST.get(f"e{e.pk}", "")
            if answer in ("yes", "no"):
                rows.append(services.FollowUpRow(e.row, answer == "yes", request.POST.get(f"w{e.pk}", "")))
        try:
            surveyed_on = dt.date.fromisoformat(request.POST.get("surveyed_on", ""))
        except ValueError:
            messages.error(request, "“跟踪日期”：请填写日期")
        else:
            act(
                request,
                f"已登记 {len(rows)} 名学员的就业跟踪",
                lambda: services.follow_ups_record(
                    actor=user, training_class=tc, rows=rows, surveyed_on=surveyed_on
                ),
            )
        return redirect("appraisal:follow_ups", tc.pk)
    done = selectors.follow_ups_of(tc)
    return render(
        request,
        "appraisal/follow_ups.html",
        {
            "tc": tc,
            "rows": [{"e": e, "name": mask_name(e.person.name), "f": done.get(e.pk)} for e in enrolments],
            "employed": sum(1 for f in done.values() if f.employed),
            "followed": len(done),
            "today": timezone.localdate(),
        },
    )


def exited_public_page(request: HttpRequest) -> HttpResponse:
    """I05: institutions exited from a bureau's catalogue, for anyone (HC21 三(一) 向社会曝光)."""
    return render(request, "appraisal/exited.html", {"reviews": selectors.exited_public()})
