"""Pages of the class lifecycle. Thin: they read through selectors and write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.catalogue.models import Level
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused, refused
from jineng.core.pagination import paginate, sorted_by
from jineng.core.permissions import require
from jineng.core.roles import Role, can
from jineng.core.xlsx import XLSX, xlsx_response
from jineng.people.selectors import id_number_for, phone_for
from jineng.policy.identity import mask_bank_account
from jineng.training import classform, selectors, services
from jineng.training.models import (
    EDITABLE_STATES,
    UNDER_REVIEW_STATES,
    ClassState,
    Decision,
    Delivery,
    Enrolment,
    RosterJob,
    TrainingClass,
)
from jineng.training.roster import report_bytes, template_bytes
from jineng.training.selectors import QueueFilter, classes_search, classes_visible, review_queue
from jineng.training.selectors import class_occupation_choices as occupation_choices

LIST_HEADERS = [
    "开班编号",
    "培训机构",
    "职业",
    "等级",
    "开班日期",
    "结业日期",
    "拟培训人数",
    "花名册人数",
    "状态",
    "审核期限",
]


def _row(tc: TrainingClass) -> list[Any]:
    return [
        tc.ref,
        tc.institution.name,
        tc.occupation.name,
        Level(tc.level).label if tc.level else "",
        tc.start_date,
        tc.end_date,
        tc.planned_trainees,
        getattr(tc, "trainees", 0),
        tc.get_state_display(),
        tc.review_due or "",
    ]


# 18.13: the keys the class list sorts by, over all its pages (core.pagination.sorted_by).
CLASS_SORTS = {
    "ref": ("ref",),
    "institution": ("institution__name",),
    "occupation": ("occupation__code", "level"),
    "start": ("start_date", "end_date"),
    "planned": ("planned_trainees",),
    "trainees": ("trainees",),
    "state": ("state",),
    "due": ("review_due",),
}


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "class.view")
    today = timezone.localdate()
    f = QueueFilter(
        state=request.GET.get("state", ""),
        q=request.GET.get("q", "").strip(),
        overdue=request.GET.get("overdue") == "1",
    )
    qs = sorted_by(request, classes_search(user, f, today=today), CLASS_SORTS)
    if request.GET.get("format") == "xlsx":
        return xlsx_response("培训班.xlsx", "培训班", LIST_HEADERS, (_row(tc) for tc in qs.iterator()))
    page, query = paginate(request, qs)
    return render(
        request,
        "training/list.html",
        {
            "page": page,
            "query": query,
            "f": f,
            "states": ClassState.choices,
            "today": today,
            "under_review": UNDER_REVIEW_STATES,
            "can_apply": can(user.role, "class.apply"),
        },
    )


@login_required
def class_queue(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not (can(user.role, "class.review_dept") or can(user.role, "class.review_hr")):
        require(user, "class.review_dept")
    qs = review_queue(user)
    page, query = paginate(request, qs)
    return render(
        request,
        "training/queue.html",
        {"page": page, "query": query, "today": timezone.localdate()},
    )


class ClassForm(classform.PageFields):
    """The 附件2 / 附件3 form on the page: the fields are classform's, the choices the clerk's own."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        classform.page_choices(self, user)
        # 18.8: the institution's listed occupations and their 工种 as suggestions to the typed fields.
        self.occupation_choices = occupation_choices(user, today=timezone.localdate())
        self.fields["occupation_code"].widget.attrs["list"] = "occupation-list"
        self.fields["trade_name"].widget.attrs["list"] = "trade-list"

    def to_input(self) -> services.ClassInput:
        return classform.input_from_page(self.cleaned_data)


def _defaults(user: User) -> dict[str, Any]:
    org = user.organisation
    assert org is not None
    return {
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "bank_name": org.bank_name,
        "bank_account": org.bank_account,
        "region": org.region_id,
        "minutes_per_hour": 45,
        "delivery": Delivery.OFFLINE,
    }


@login_required
def class_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "class.apply")
    form = ClassForm(request.POST or None, user=user, initial=_defaults(user))
    if request.method == "POST" and form.is_valid():
        try:
            tc = services.class_create(actor=user, data=form.to_input())
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(request, f"已保存开班申请 {tc.ref}，请上传花名册后提交。")
            return redirect("training:detail", tc.pk)
    return render(request, "training/form.html", {"form": form, "tc": None})


def _visible(user: User, class_id: int) -> TrainingClass:
    return get_object_or_404(classes_visible(user), pk=class_id)


@login_required
def class_edit(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.apply")
    tc = _visible(user, class_id)
    form = ClassForm(request.POST or None, user=user, initial=classform.page_initial(tc))
    if request.method == "POST" and form.is_valid():
        try:
            services.class_update(actor=user, training_class=tc, data=form.to_input())
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(request, "已保存修改")
            return redirect("training:detail", tc.pk)
    return render(request, "training/form.html", {"form": form, "tc": tc})


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.view")
    tc = _visible(user, class_id)
    enrolments = tc.enrolments.select_related("person").order_by("row")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"{tc.ref}花名册.xlsx",
            "花名册",
            [
                "行号",
                "姓名",
                "身份证号",
                "手机号",
                "工作单位",
                "企业职工",
                "入职日期",
                "人员类别",
                "人员类别核实",
            ],
            (
                [
                    e.row,
                    e.person.name,
                    id_number_for(user, e.person),
                    phone_for(user, e.person) if e.phone else "",
                    e.employer,
                    "是" if e.is_employee else "否",
                    e.hired_on or "",
                    e.get_group_display(),
                    "已核实" if e.group_confirmed_at else ("待核实" if e.group else ""),
                ]
                for e in enrolments.iterator()
            ),
        )
    page, query = paginate(request, enrolments)
    rows = [{"e": e, "id": id_number_for(user, e.person)} for e in page]
    step = services.next_step(tc)
    may_review = step is not None and user.role == services.ROLE_FOR[step]  # type: ignore[index]
    if may_review and user.role in (Role.DEPT_FIRST, Role.DEPT_SECOND):
        may_review = user.department_id == tc.department_id
    own = user.role == Role.INSTITUTION and user.organisation_id == tc.institution_id
    groups_pending = (
        tc.enrolments.filter(status=Enrolment.Status.ENROLLED, group_confirmed_at__isnull=True)
        .exclude(group="")
        .count()
        if can(user.role, "class.confirm_groups") and tc.state in services.GROUPS_CONFIRMABLE
        else 0
    )
    return render(
        request,
        "training/detail.html",
        {
            "tc": tc,
            "page": page,
            "query": query,
            "rows": rows,
            "reviews": tc.reviews.select_related("reviewer").order_by("round", "id"),
            "jobs": RosterJob.objects.filter(training_class=tc).defer("content")[:5],
            "teachers": tc.teachers.select_related("occupation"),
            "own": own,
            "editable": own and tc.state in EDITABLE_STATES,
            "withdrawable": own and tc.state in (*EDITABLE_STATES, *UNDER_REVIEW_STATES),
            "cancellable": user.role in (Role.HR_ADMIN, Role.HR_FIRST, Role.HR_SECOND)
            and tc.state in (*UNDER_REVIEW_STATES, ClassState.APPROVED),
            "may_review": may_review,
            "may_confirm_groups": groups_pending > 0,
            "groups_pending": groups_pending,
            "programme": selectors.programme_of(tc),
            "step": step,
            "decisions": Decision.choices,
            "overdue": tc.review_due is not None and tc.review_due < timezone.localdate(),
            "bank_account": tc.bank_account
            if (own or user.role in (Role.HR_ADMIN, Role.HR_FIRST, Role.HR_SECOND))
            else mask_bank_account(tc.bank_account),
        },
    )


def _act(request: HttpRequest, tc: TrainingClass, done: str, fn: Any, **kwargs: Any) -> HttpResponse:
    try:
        fn(actor=request_user(request), training_class=tc, **kwargs)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, done)
    return redirect("training:detail", tc.pk)


@login_required
@require_POST
def class_submit(request: HttpRequest, class_id: int) -> HttpResponse:
    require(request_user(request), "class.apply")
    tc = _visible(request_user(request), class_id)
    return _act(request, tc, "已提交，等待行业主管部门审核", services.class_submit)


@login_required
@require_POST
def class_review(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    if not (can(user.role, "class.review_dept") or can(user.role, "class.review_hr")):
        require(user, "class.review_dept")
    tc = _visible(user, class_id)
    decision = request.POST.get("decision", "")
    return _act(
        request,
        tc,
        "已退回修改" if decision == Decision.RETURN else "已签署审核意见",
        services.class_review,
        decision=decision,
        comment=request.POST.get("comment", ""),
    )


@login_required
@require_POST
def class_withdraw(request: HttpRequest, class_id: int) -> HttpResponse:
    require(request_user(request), "class.apply")
    tc = _visible(request_user(request), class_id)
    return _act(request, tc, "已撤回", services.class_withdraw, reason=request.POST.get("reason", ""))


@login_required
@require_POST
def class_groups_confirm(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.confirm_groups")
    tc = _visible(user, class_id)
    try:
        confirmed = services.class_groups_confirm(actor=user, training_class=tc)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已核实 {confirmed} 名学员的人员类别")
    return redirect("training:detail", tc.pk)


@login_required
@require_POST
def class_cancel(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.cancel")
    tc = _visible(user, class_id)
    return _act(request, tc, "已取消开班", services.class_cancel, reason=request.POST.get("reason", ""))


@login_required
@require_POST
def roster_upload(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.apply")
    tc = _visible(user, class_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择花名册文件（.xlsx）")
        return redirect("training:detail", tc.pk)
    try:
        job = services.roster_job_create(
            actor=user,
            training_class=tc,
            filename=upload.name or "花名册.xlsx",
            content=uploads.upload_bytes(upload, what="花名册文件"),
        )
    except Refusal as exc:
        refused(request, exc)
        return redirect("training:detail", tc.pk)
    return redirect("training:roster_job", job.pk)


def _job(user: User, job_id: int) -> RosterJob:
    job = get_object_or_404(RosterJob.objects.defer("content").select_related("training_class"), pk=job_id)
    _visible(user, job.training_class_id)  # 404 unless the class is in scope
    return job


@login_required
def roster_job(request: HttpRequest, job_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.view")
    job = _job(user, job_id)
    template = "training/_job.html" if request.headers.get("HX-Request") else "training/job.html"
    return render(request, template, {"job": job, "tc": job.training_class, "report": job.report[:200]})


@login_required
def roster_job_report(request: HttpRequest, job_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.view")
    job = _job(user, job_id)
    response = HttpResponse(report_bytes(job.report), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''roster-report-{job.pk}.xlsx"
    return response


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    require(request_user(request), "class.view")
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response
