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
from jineng.catalogue import selectors
from jineng.catalogue.filingimport import FILING_IMPORT_HEADERS, FILING_TEMPLATE_EXAMPLE
from jineng.catalogue.forms import (
    EndForm,
    FilingForm,
    FilingImportForm,
    ImportForm,
    InstitutionOccupationForm,
    PlatformForm,
    StatusForm,
    TeacherForm,
    WorkstationForm,
)
from jineng.catalogue.importing import HEADERS, TEMPLATE_EXAMPLE
from jineng.catalogue.models import LEVELLED_KINDS, CertificateKind, EvaluationFiling, Level, Occupation
from jineng.catalogue.services import (
    ImportRejected,
    ScopeLine,
    catalogue_import,
    evaluation_filing_end,
    evaluation_filing_record,
    evaluation_filings_import,
    institution_occupation_end,
    institution_occupation_set,
    online_platform_file,
    teacher_deactivate,
    teacher_file,
    workstation_set,
)
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused, refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import workbook_bytes, xlsx_response
from jineng.orgs.models import Organisation
from jineng.orgs.services import (
    organisation_audit_finding_record,
    organisation_exit,
    organisation_reinstate,
    organisation_suspend,
)
from jineng.regions.selectors import profiles_in_view, regions_visible

REPORT_KEY = "catalogue_import_errors"
REPORT_HEADERS = ["行号", "列", "值", "问题"]


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _xlsx_wanted(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


# --------------------------------------------------------------------------------------------------
# Occupations.


@login_required
def occupation_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "catalogue.view")
    q = request.GET.get("q", "").strip()
    flag = request.GET.get("flag", "")
    major = request.GET.get("major", "")
    qs = selectors.occupations_search(q, flag=flag, major=major)
    names = selectors.category_names()
    if _xlsx_wanted(request):
        return xlsx_response(
            "职业目录.xlsx",
            "职业目录",
            ["职业编码", "职业名称", "绿色职业(L)", "数字职业(S)", "大类", "中类", "小类", "定义"],
            (
                [
                    o.code,
                    o.name,
                    "是" if o.is_green else "",
                    "是" if o.is_digital else "",
                    names.get(o.major_code, ""),
                    names.get(o.middle_code, ""),
                    names.get(o.minor_code, ""),
                    o.definition,
                ]
                for o in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    certs = selectors.obtainable_certificates([o.code for o in page])
    labels = dict(CertificateKind.choices)
    rows = [
        {
            "o": o,
            "middle": names.get(o.middle_code, ""),
            "minor": names.get(o.minor_code, ""),
            "certs": "、".join(labels[k] for k in sorted(certs.get(o.code, ()))),
        }
        for o in page
    ]
    return render(
        request,
        "catalogue/occupations.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "q": q,
            "flag": flag,
            "major": major,
            "majors": selectors.majors(),
        },
    )


@login_required
def occupation_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "catalogue.view")
    user = request_user(request)
    occupation = get_object_or_404(Occupation, code=code)
    names = selectors.category_names()
    return render(
        request,
        "catalogue/occupation_detail.html",
        {
            "o": occupation,
            "major": names.get(occupation.major_code, ""),
            "middle": names.get(occupation.middle_code, ""),
            "minor": names.get(occupation.minor_code, ""),
            "trades": occupation.trades.all(),
            "certs": [c.get_kind_display() for c in occupation.certificates.all()],
            "items": selectors.catalogue_items_visible(user).filter(occupation=occupation)[:100],
            "institutions": selectors.institution_occupations_visible(user).filter(occupation=occupation)[
                :100
            ],
        },
    )


# --------------------------------------------------------------------------------------------------
# The province's list and its import.


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "catalogue.view")
    user = request_user(request)
    q = request.GET.get("q", "").strip()
    region_id = _int(request.GET.get("region"))
    year = _int(request.GET.get("year"))
    kind = request.GET.get("kind", "")
    qs = selectors.catalogue_search(user, q=q, region_id=region_id, year=year, kind=kind)
    if _xlsx_wanted(request):
        return xlsx_response(
            "补贴性培训目录.xlsx",
            "补贴性培训目录",
            ["区域", "年度", *HEADERS, "版本", "失效日期", "标准性质"],
            (
                [
                    i.region.name,
                    i.year,
                    i.occupation.code,
                    i.occupation.name,
                    i.trade.name if i.trade else "",
                    i.get_level_display() if i.level else "",
                    i.get_certificate_kind_display(),
                    i.hours,
                    i.subsidy,
                    i.get_subsidy_type_display(),
                    i.valid_from,
                    "是" if i.supplementary else "否",
                    i.version,
                    i.valid_to or "",
                    i.sample_mark or "正式标准",
                ]
                for i in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "catalogue/items.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "region": region_id,
            "year": year,
            "kind": kind,
            "regions": selectors.catalogue_regions(user),
            "kinds": CertificateKind.choices,
            "can_import": can(user.role, "catalogue.manage"),
        },
    )


@login_required
def item_template(request: HttpRequest) -> HttpResponse:
    require(request.user, "catalogue.manage")
    return xlsx_response("补贴性培训目录导入模板.xlsx", "目录", HEADERS, TEMPLATE_EXAMPLE)


@login_required
def item_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "catalogue.manage")
    user = request_user(request)
    form = ImportForm(request.POST or None, request.FILES or None, regions=regions_visible(user))
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = catalogue_import(
                actor=user,
                region=data["region"],
                year=data["year"],
                content=uploads.upload_bytes(data["file"], what="文件"),
            )
        except ImportRejected as exc:
            errors = exc.errors
            request.session[REPORT_KEY] = exc.details()
            messages.error(request, exc.message)
        except Refusal as exc:
            refused(request, exc)
        else:
            request.session.pop(REPORT_KEY, None)
            messages.success(
                request,
                f"已导入 {data['region'].name} {data['year']} 年目录：新增 {result.created} 项，"
                f"更新 {result.updated} 项，新增工种 {result.trades_created} 个",
            )
            return redirect(f"/catalogue/items/?region={data['region'].pk}&year={data['year']}")
    return render(request, "catalogue/import.html", {"form": form, "errors": errors})


@login_required
def item_import_report(request: HttpRequest) -> HttpResponse:
    """The last rejected import's full error report (row, column, value, problem) as a workbook."""
    require(request.user, "catalogue.manage")
    details = request.session.get(REPORT_KEY, [])
    return xlsx_response(
        "目录导入错误报告.xlsx",
        "错误报告",
        REPORT_HEADERS,
        ([d["row"] or "", d["column"], d["value"], d["message"]] for d in details),
    )


def error_report_bytes(details: list[dict[str, Any]]) -> bytes:
    return workbook_bytes(
        "错误报告", REPORT_HEADERS, ([d["row"] or "", d["column"], d["value"], d["message"]] for d in details)
    )


# --------------------------------------------------------------------------------------------------
# Institutions × occupations (A11).


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        require(user, "catalogue.manage")
    else:
        require(user, "catalogue.view")
    orgs = selectors.training_organisations(user)
    form = InstitutionOccupationForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = institution_occupation_set(
                actor=user,
                organisation=data["organisation"],
                occupation=data["occupation"],
                valid_from=data["valid_from"],
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已列入目录：{entry}（自 {entry.valid_from:%Y-%m-%d} 起）")
            return redirect("catalogue:institutions")
    q = request.GET.get("q", "").strip()
    organisation_id = _int(request.GET.get("organisation"))
    on = _date(request.GET.get("on"))
    qs = selectors.institution_occupations_search(user, q=q, organisation_id=organisation_id, on=on)
    if _xlsx_wanted(request):
        return xlsx_response(
            "机构培训目录.xlsx",
            "机构培训目录",
            ["机构", "职业编码", "职业名称", "生效日期", "失效日期"],
            (
                [e.organisation.name, e.occupation.code, e.occupation.name, e.valid_from, e.valid_to or ""]
                for e in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "catalogue/institutions.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "organisation": organisation_id,
            "on": on,
            "organisations": orgs,
            "form": form,
            "today": timezone.localdate(),
            "can_manage": can(user.role, "catalogue.manage"),
        },
    )


@login_required
@require_POST
def institution_end(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "catalogue.manage")
    entry = get_object_or_404(selectors.institution_occupations_visible(user), pk=entry_id)
    form = EndForm(request.POST)
    valid_to = form.cleaned_data["valid_to"] if form.is_valid() else None
    try:
        institution_occupation_end(actor=user, entry=entry, valid_to=valid_to)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已终止：{entry}")
    return redirect("catalogue:institutions")


# --------------------------------------------------------------------------------------------------
# Teachers (A15).


@login_required
def teacher_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "teacher.file" if request.method == "POST" else "catalogue.view")
    orgs = selectors.training_organisations(user)
    form = TeacherForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            teacher = teacher_file(
                actor=user,
                organisation=data["organisation"],
                name=data["name"],
                id_number=data["id_number"],
                occupation=data["occupation"],
                full_time=data["full_time"],
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已报备教师：{teacher.name}（{teacher.organisation.name}）")
            return redirect("catalogue:teachers")
    q = request.GET.get("q", "").strip()
    organisation_id = _int(request.GET.get("organisation"))
    show = request.GET.get("show", "")
    active = None if show == "all" else True
    qs = selectors.teachers_search(user, q=q, organisation_id=organisation_id, active=active)
    if _xlsx_wanted(request):
        return xlsx_response(
            "师资报备.xlsx",
            "师资报备",
            ["机构", "姓名", "身份证号", "职业编码", "职业名称", "专职", "报备日期", "状态"],
            (
                [
                    t.organisation.name,
                    t.name,
                    selectors.teacher_id_number_for(user, t),
                    t.occupation.code,
                    t.occupation.name,
                    "专职" if t.full_time else "兼职",
                    t.filed_on or "",
                    "在职" if t.active else "已撤销",
                ]
                for t in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    rows = [{"t": t, "id": selectors.teacher_id_number_for(user, t)} for t in page]
    return render(
        request,
        "catalogue/teachers.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "q": q,
            "organisation": organisation_id,
            "show": show,
            "organisations": orgs,
            "form": form,
            "can_file": can(user.role, "teacher.file"),
        },
    )


@login_required
@require_POST
def teacher_deactivate_view(request: HttpRequest, teacher_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "teacher.file")
    teacher = get_object_or_404(selectors.teachers_visible(user), pk=teacher_id)
    try:
        teacher_deactivate(actor=user, teacher=teacher)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已撤销报备：{teacher.name}")
    return redirect("catalogue:teachers")


# --------------------------------------------------------------------------------------------------
# Workstations, online platforms.


@login_required
def workstation_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "teacher.file" if request.method == "POST" else "catalogue.view")
    orgs = selectors.training_organisations(user)
    form = WorkstationForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            station = workstation_set(
                actor=user,
                organisation=data["organisation"],
                occupation=data["occupation"],
                count=data["count"],
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已登记实训工位：{station}")
            return redirect("catalogue:workstations")
    qs = selectors.workstations_visible(user)
    if _xlsx_wanted(request):
        return xlsx_response(
            "实训工位.xlsx",
            "实训工位",
            ["机构", "职业编码", "职业名称", "工位数"],
            ([w.organisation.name, w.occupation.code, w.occupation.name, w.count] for w in qs.iterator()),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "catalogue/workstations.html",
        {"page": page, "query": query, "form": form, "can_edit": can(user.role, "teacher.file")},
    )


@login_required
def platform_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "catalogue.manage" if request.method == "POST" else "catalogue.view")
    orgs = selectors.platforms_visible(user)
    form = PlatformForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            online_platform_file(
                actor=user,
                organisation=data["organisation"],
                platform_listed=data["platform_listed"],
                platform_filed_on=data["platform_filed_on"],
                platform_approved_on=data["platform_approved_on"],
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已保存线上平台备案：{data['organisation'].name}")
            return redirect("catalogue:platforms")
    today = timezone.localdate()
    page, query = paginate(request, orgs)
    rows = [{"o": o, "f": getattr(o, "platform_filing", None)} for o in page]
    for row in rows:
        row["ready"] = row["f"] is not None and row["f"].ready_on(today)
    return render(
        request,
        "catalogue/platforms.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "form": form,
            "can_manage": can(user.role, "catalogue.manage"),
        },
    )


# --------------------------------------------------------------------------------------------------
# Institution status (A12, C09).


@login_required
def status_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "org.status")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    qs = selectors.training_organisations(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(name__contains=q)
    if _xlsx_wanted(request):
        return xlsx_response(
            "机构状态.xlsx",
            "机构状态",
            ["机构", "类别", "所在区域", "状态", "原因", "暂停至", "最近审计/督查发现问题"],
            (
                [
                    o.name,
                    o.get_kind_display(),
                    o.region.name,
                    o.get_status_display(),
                    o.status_reason,
                    o.suspended_until or "",
                    o.audit_finding_on or "",
                ]
                for o in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "catalogue/status.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "status": status,
            "statuses": Organisation.Status.choices,
            "form": StatusForm(),
            # C09: the threshold and rectification period as the profiles in view fix them.
            "profiles": profiles_in_view(user.region, timezone.localdate().year),
        },
    )


@login_required
@require_POST
def status_change(request: HttpRequest, org_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "org.status")
    org = get_object_or_404(selectors.training_organisations(user), pk=org_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "操作不完整：" + "；".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect("catalogue:status")
    data = form.cleaned_data
    try:
        if data["action"] == "suspend":
            organisation_suspend(
                actor=user,
                organisation=org,
                reason=data["reason"],
                until=data["until"],
                rule=data["rule"] or "",
            )
        elif data["action"] == "reinstate":
            organisation_reinstate(actor=user, organisation=org, reason=data["reason"])
        elif data["action"] == "exit":
            organisation_exit(actor=user, organisation=org, reason=data["reason"])
        else:
            if data["found_on"] is None:
                raise Refusal("须填写发现日期", field="发现日期", rule="A12")
            organisation_audit_finding_record(
                actor=user, organisation=org, found_on=data["found_on"], note=data["reason"]
            )
    except Refusal as exc:
        refused(request, exc, prefix=f"{org.name}：")
    else:
        messages.success(request, f"{org.name}：已{dict(StatusForm.ACTIONS)[data['action']]}")
    return redirect("catalogue:status")


# --------------------------------------------------------------------------------------------------
# Evaluation bodies' filings (I09): 评价机构目录 and 职业技能等级认定备案.

FILING_HEADERS = [
    "评价机构",
    "统一社会信用代码",
    "备案类别",
    "备案编号",
    "可开展评价的区域",
    "备案日期",
    "生效日期",
    "失效日期",
    "职业编码",
    "职业名称",
    "证书类型",
    "等级",
]


@login_required
def filing_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "catalogue.manage" if request.method == "POST" else "catalogue.view")
    orgs = selectors.filing_organisations(user)
    form = FilingForm(request.POST or None, organisations=orgs, regions=selectors.catalogue_regions(user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        kind = d["certificate_kind"]
        levels = sorted(d["levels"], reverse=True) if kind in LEVELLED_KINDS else [None]
        try:
            filing = evaluation_filing_record(
                actor=user,
                organisation=d["organisation"],
                kind=d["kind"],
                ref=d["ref"],
                region=d["region"],
                filed_on=d["filed_on"],
                valid_from=d["valid_from"],
                valid_to=d["valid_to"],
                scope=[ScopeLine(occ, kind, level) for occ in d["occupations"] for level in levels or [None]],
            )
        except Refusal as exc:
            form_refused(form, exc)
        else:
            messages.success(request, f"已登记备案：{filing}（{filing.validity}）")
            return redirect("catalogue:filings")
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    organisation_id = _int(request.GET.get("organisation"))
    on = _date(request.GET.get("on"))
    qs = selectors.evaluation_filings_search(user, q=q, kind=kind, organisation_id=organisation_id, on=on)
    if _xlsx_wanted(request):
        return xlsx_response(
            "评价机构备案.xlsx",
            "评价机构备案",
            FILING_HEADERS,
            (
                [
                    f.organisation.name,
                    f.organisation.credit_code,
                    f.get_kind_display(),
                    f.ref,
                    f.region.name,
                    f.filed_on,
                    f.valid_from,
                    f.valid_to or "",
                    line.occupation.code,
                    line.occupation.name,
                    line.get_certificate_kind_display(),
                    line.get_level_display() if line.level else "",
                ]
                for f in qs.iterator(chunk_size=500)
                for line in f.scope.all()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "catalogue/filings.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "kind": kind,
            "kinds": EvaluationFiling.Kind.choices,
            "organisation": organisation_id,
            "on": on,
            "organisations": selectors.evaluation_bodies_filed().filter(pk__in=orgs.values("pk")),
            "form": form,
            "levels": Level.choices,
            "today": timezone.localdate(),
            "can_manage": can(user.role, "catalogue.manage"),
        },
    )


@login_required
@require_POST
def filing_end(request: HttpRequest, filing_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "catalogue.manage")
    filing = get_object_or_404(selectors.evaluation_filings_managed(user), pk=filing_id)
    form = EndForm(request.POST)
    valid_to = form.cleaned_data["valid_to"] if form.is_valid() else None
    try:
        evaluation_filing_end(actor=user, filing=filing, valid_to=valid_to)
    except Refusal as exc:
        refused(request, exc)
    else:
        messages.success(request, f"已终止备案：{filing}")
    return redirect("catalogue:filings")


@login_required
def filing_template(request: HttpRequest) -> HttpResponse:
    require(request.user, "catalogue.manage")
    return xlsx_response(
        "评价机构备案导入模板.xlsx", "评价机构备案", FILING_IMPORT_HEADERS, FILING_TEMPLATE_EXAMPLE
    )


@login_required
def filing_import(request: HttpRequest) -> HttpResponse:
    """I09: filings from a workbook, all or nothing, with a report of every problem by row."""
    user = request_user(request)
    require(user, "catalogue.manage")
    form = FilingImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = evaluation_filings_import(
                actor=user,
                content=uploads.upload_bytes(form.cleaned_data["file"], what="文件"),
                organisations=selectors.filing_organisations(user),
                regions=selectors.catalogue_regions(user),
            )
        except ImportRejected as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已导入备案 {result.filings} 份，备案范围 {result.lines} 条")
            return redirect("catalogue:filings")
    return render(request, "catalogue/filings_import.html", {"form": form, "errors": errors})
