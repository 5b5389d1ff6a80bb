from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.assessment import services
from jineng.assessment.forms import ApplyForm, ArrangeForm, CommonForm, ResultRowForm, row_initial
from jineng.assessment.models import Assessment, Result
from jineng.assessment.selectors import (
    arrangements_visible,
    assessments_visible,
    bodies_filed_for_occupation,
    bodies_for_class,
    certificates_search,
    results_queue,
    special_completion_shares,
    special_completion_warning,
)
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused, refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import xlsx_response
from jineng.people.selectors import id_number_for
from jineng.policy.identity import mask_id_number
from jineng.supervision import links
from jineng.supervision.selectors import classes_supervised
from jineng.training.models import Enrolment


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "class.view")
    page, query = paginate(request, assessments_visible(user))
    return render(
        request,
        "assessment/queue.html",
        {"todo": list(results_queue(user)[:200]), "page": page, "query": query},
    )


@login_required
def detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = request_user(request)
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
            "can_enter": _may_enter(user, a),
        },
    )


def _may_enter(user: User, a: Assessment) -> bool:
    return (
        can(user.role, "assessment.results")
        and user.organisation_id == a.body_id
        and a.state == Assessment.State.APPLIED
    )


@login_required
def template(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The results workbook for this assessment's roster. It carries what the body needs to enter
    results and no more: the trainee's 考号 (roster row), name and masked ID number, which the body
    checks against the ID card at the exam; the whole number stays in Jineng."""
    user = request_user(request)
    require(user, "assessment.results")
    a = get_object_or_404(assessments_visible(user), pk=assessment_id)
    enrolments = Enrolment.objects.filter(training_class=a.training_class, status=Enrolment.Status.ENROLLED)
    return xlsx_response(
        f"考核结果_{a.training_class.ref}.xlsx",
        "考核结果",
        [*services.TEMPLATE_HEADERS, services.KEY_HEADER],
        (
            [
                mask_id_number(e.person.id_number),
                e.person.name,
                "",
                a.get_certificate_kind_display(),
                a.get_level_display() if a.level else "",
                "",
                "",
                a.body.name,
                e.row,
            ]
            for e in enrolments.select_related("person").order_by("row")
        ),
    )


@login_required
@require_POST
def upload(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "assessment.results")
    a = get_object_or_404(assessments_visible(user), pk=assessment_id)
    file = request.FILES.get("file")
    try:
        if file is None:
            raise Refusal("请选择结果文件", field="结果文件")
        rows = services.results_workbook_read(uploads.upload_bytes(file, what="结果文件"), assessment=a)
        n = services.results_enter(actor=user, assessment=a, rows=rows)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已录入 {n} 名学员的考核结果")
    return redirect("assessment:detail", a.pk)


@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    """The certificate registry: search by a full ID number or a name; masked IDs; E06 by region and year."""
    user = request_user(request)
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
                    r.get_level_display() if r.level else "",
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


# --- the institution's application (E01, E03–E05) -----------------------------------------------------------

APPLY_PARAMS = (
    "assessment_notice_days",
    "higher_certificate_required",
    "offline_assessment_required",
    "completion_exam_min_level",
)


@login_required
def apply(request: HttpRequest, class_id: int) -> HttpResponse:
    """结业考核申请, from the class page: ended → assessment_applied."""
    user = request_user(request)
    require(user, "assessment.apply")
    tc = get_object_or_404(classes_supervised(user), pk=class_id)
    form = ApplyForm(
        request.POST or None,
        initial={"certificate_kind": tc.target_certificate, "level": tc.level, "venue": tc.venue},
        bodies=bodies_for_class(tc, on=timezone.localdate()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            a = services.assessment_apply(actor=user, training_class=tc, **form.cleaned_data)
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(
                request,
                f"已申请结业考核：{a.body.name}，{a.get_certificate_kind_display()}，"
                f"考核日期 {a.assessment_date:%Y-%m-%d}",
            )
            return redirect("assessment:detail", a.pk)
    return render(
        request,
        "assessment/apply.html",
        {
            "tc": tc,
            "form": form,
            "allowed": links.may_apply(user, tc),
            "suspended": links.assessment_suspended(tc),
            "notes": links.rule_notes(tc, APPLY_PARAMS),
            "arranged": arrangements_visible(user).filter(training_class=tc),
            # E06: warned here, refused at the claim
            "share_warning": special_completion_warning(
                tc,
                certificate_kind=(form.data.get("certificate_kind") if form.is_bound else None)
                or tc.target_certificate,
                trainees=tc.enrolments.filter(status=Enrolment.Status.ENROLLED).count(),
            ),
        },
    )


# --- the bureau's cross-region (centralised) arrangements (I08) ----------------------------------------------


@login_required
def arrange(request: HttpRequest, class_id: int) -> HttpResponse:
    """I08: where no local body is filed (or a small group is examined centrally), the bureau's admin names a
    body filed elsewhere for the class, with the reason; the application then accepts it."""
    user = request_user(request)
    require(user, "assessment.arrange")
    tc = get_object_or_404(classes_supervised(user), pk=class_id)
    today = timezone.localdate()
    form = ArrangeForm(request.POST or None, bodies=bodies_filed_for_occupation(tc, on=today))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.cross_region_arrange(actor=user, training_class=tc, **form.cleaned_data)
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(
                request, f"已安排{made.body.name}承担{tc.ref}的考核（{made.get_basis_display()}）"
            )
            return redirect("assessment:arrange", tc.pk)
    return render(
        request,
        "assessment/arrange.html",
        {
            "tc": tc,
            "form": form,
            "local": bodies_for_class(tc, on=today),
            "made": arrangements_visible(user).filter(training_class=tc),
        },
    )


@login_required
def arrangements(request: HttpRequest) -> HttpResponse:
    """I08: the cross-region arrangements of the classes the user may see (xlsx too)."""
    user = request_user(request)
    require(user, "class.view")
    qs = arrangements_visible(user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "跨区域考核安排.xlsx",
            "跨区域考核安排",
            [
                "开班编号",
                "职业",
                "本班所在地区",
                "考核机构",
                "机构所在地区",
                "依据",
                "理由",
                "决定人",
                "决定时间",
            ],
            (
                [
                    a.training_class.ref,
                    a.training_class.occupation.name,
                    a.training_class.region.name,
                    a.body.name,
                    a.body.region.name,
                    a.get_basis_display(),
                    a.reason,
                    a.decided_by.label,
                    timezone.localtime(a.decided_at).strftime("%Y-%m-%d %H:%M"),
                ]
                for a in qs.select_related("body__region").iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "assessment/arrangements.html",
        {"page": page, "query": query, "can_arrange": can(user.role, "assessment.arrange")},
    )


# --- the evaluation body's results, one line per trainee (all or nothing) -------------------------------------


@login_required
def results(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Per-trainee results in one form, beside the workbook upload: the lines filled in are entered
    together or not at all, and each problem shows on its trainee's line."""
    user = request_user(request)
    require(user, "assessment.results")
    a = get_object_or_404(assessments_visible(user), pk=assessment_id)
    data = request.POST if request.method == "POST" else None
    pending = (
        Enrolment.objects.filter(
            training_class=a.training_class, status=Enrolment.Status.ENROLLED, result__isnull=True
        )
        .select_related("person")
        .order_by("row")
    )
    common = CommonForm(data, prefix="all", initial={"issuer": a.body.name})
    lines = [
        (e, id_number_for(user, e.person), ResultRowForm(data, prefix=f"e{e.pk}", initial=row_initial(a)))
        for e in pending
    ]
    if data is not None:
        valid = common.is_valid()
        valid = all([f.is_valid() for _, _, f in lines]) and valid
        if valid:
            chosen = [(e, f) for e, _, f in lines if f.cleaned_data["outcome"]]
            try:
                n = services.results_enter(
                    actor=user, assessment=a, rows=[f.result_row(e, common) for e, f in chosen]
                )
            except Refusal as exc:
                by_row = {e.row: f for e, f in chosen}
                if not exc.violations:
                    common.add_error(None, exc.render())
                else:
                    common.add_error(None, exc.message)
                for v in exc.violations:
                    form = by_row.get(v.row) if v.row is not None else None
                    if form is None:
                        common.add_error(None, v.render())
                        continue
                    name = {str(fld.label): key for key, fld in form.fields.items()}.get(v.field)
                    form.add_error(name, v.render())
            else:
                messages.success(request, f"已录入 {n} 名学员的考核结果")
                return redirect("assessment:detail", a.pk)
    return render(
        request,
        "assessment/results.html",
        {
            "a": a,
            "common": common,
            "lines": lines,
            "allowed": _may_enter(user, a),
            "entered": Result.objects.filter(assessment=a).count(),
        },
    )
