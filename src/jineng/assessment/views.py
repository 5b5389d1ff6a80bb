from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.roles import can
from jineng.assessment import services
from jineng.assessment.models import Result
from jineng.assessment.selectors import (
    assessments_visible,
    certificates_search,
    results_queue,
    special_completion_shares,
)
from jineng.core.errors import Refusal
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.xlsx import xlsx_response
from jineng.people.selectors import id_number_for
from jineng.training.models import Enrolment


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, "class.view")
    page, query = paginate(request, assessments_visible(user))
    return render(
        request,
        "assessment/queue.html",
        {"todo": list(results_queue(user)[:200]), "page": page, "query": query},
    )


@login_required
def detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = _user(request)
    require(user, "class.view")
    a = get_object_or_404(assessments_visible(user), pk=assessment_id)
    results = {r.enrolment_id: r for r in Result.objects.filter(assessment=a)}
    rows = [
        (e, id_number_for(user, e.person), results.get(e.pk))
        for e in Enrolment.objects.filter(training_class=a.training_class)
        .select_related("person")
        .order_by("row")
    ]
    return render(
        request,
        "assessment/detail.html",
        {
            "a": a,
            "rows": rows,
            "can_enter": can(user.role, "assessment.results") and a.state == a.State.APPLIED,
        },
    )


@login_required
def template(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The results workbook for this assessment's roster (full ID numbers: the body needs them to match)."""
    user = _user(request)
    require(user, "assessment.results")
    a = get_object_or_404(assessments_visible(user), pk=assessment_id)
    enrolments = Enrolment.objects.filter(training_class=a.training_class, status=Enrolment.Status.ENROLLED)
    return xlsx_response(
        f"考核结果_{a.training_class.ref}.xlsx",
        "考核结果",
        services.TEMPLATE_HEADERS,
        (
            [
                e.person.id_number,
                e.person.name,
                "",
                a.get_certificate_kind_display(),
                a.level or "",
                "",
                "",
                a.body.name,
            ]
            for e in enrolments.select_related("person").order_by("row")
        ),
    )


@login_required
@require_POST
def upload(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = _user(request)
    require(user, "assessment.results")
    a = get_object_or_404(assessments_visible(user), pk=assessment_id)
    file = request.FILES.get("file")
    try:
        if file is None:
            raise Refusal("请选择结果文件", field="结果文件")
        rows = services.results_workbook_read(file.read())
        n = services.results_enter(actor=user, assessment=a, rows=rows)
    except Refusal as exc:
        messages.error(request, exc.render())
        for v in exc.violations[:200]:
            messages.error(request, v.render())
    else:
        messages.success(request, f"已录入 {n} 名学员的考核结果")
    return redirect("assessment:detail", a.pk)


@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    """The certificate registry: search by a full ID number or a name; masked IDs; E06 by region and year."""
    user = _user(request)
    require(user, "certificate.view")
    q = request.GET.get("q", "").strip()
    qs = certificates_search(user, q=q)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "证书.xlsx",
            "证书",
            ["姓名", "身份证号", "开班编号", "职业", "证书类型", "等级", "证书编号", "发证日期", "发证机构"],
            (
                [
                    r.enrolment.person.name,
                    id_number_for(user, r.enrolment.person),
                    r.assessment.training_class.ref,
                    r.assessment.training_class.occupation.name,
                    r.get_certificate_kind_display(),
                    r.level or "",
                    r.certificate_number,
                    r.issued_on,
                    r.issuer,
                ]
                for r in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    rows = [(r, id_number_for(user, r.enrolment.person)) for r in page]
    return render(
        request,
        "assessment/certificates.html",
        {"rows": rows, "page": page, "query": query, "q": q, "shares": special_completion_shares(user)},
    )
