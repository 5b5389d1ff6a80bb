"""Pages of target plans. Thin: reads through selectors, writes through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused, refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import XLSX, xlsx_response
from jineng.regions.models import Region
from jineng.targets import selectors, services, sheet
from jineng.targets.models import Plan, PlanImport
from jineng.targets.table import PlanTable

LIST_HEADERS = ["年度", "下达地区", "出处", "标题", "表式", "行数"]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "plan.view")
    year = _int(request.GET.get("year"))
    region_id = _int(request.GET.get("region"))
    qs = selectors.plan_list(user, year=year, region_id=region_id)
    if request.GET.get("format") == "xlsx":
        rows = (
            [p.year, p.region.name, p.source, p.title, p.get_layout_display(), selectors.row_count(user, p)]
            for p in qs
        )
        return xlsx_response("目标计划.xlsx", "目标计划", LIST_HEADERS, rows)
    page, query = paginate(request, qs)
    for plan in page:
        plan.rows_visible = selectors.row_count(user, plan)
    return render(
        request,
        "targets/list.html",
        {
            "page": page,
            "query": query,
            "years": selectors.plan_years(user),
            "regions": selectors.plan_regions(user),
            "year": year,
            "region_id": region_id,
            "can_manage": can(user.role, "plan.manage"),
        },
    )


def _plan(user: User, plan_id: int) -> Plan:
    try:
        return selectors.plan_get(user, plan_id)
    except Plan.DoesNotExist:
        raise Http404("没有这个目标计划，或不在您的管辖范围内") from None


def _export(table: PlanTable) -> HttpResponse:
    plan = table.plan
    key = (
        "单位"
        if plan.layout == Plan.Layout.UNIT
        else "部门"
        if plan.layout == Plan.Layout.DEPARTMENT
        else "地区"
    )
    if plan.layout == Plan.Layout.TASK:
        headers = ["序号", "工作任务", "牵头单位", *table.headers]
        rows: list[list[Any]] = [
            [n, r.label, r.lead_units, *r.values(table.indicators)] for n, r in enumerate(table.rows, start=1)
        ]
    else:
        headers = ["序号", key, *table.headers]
        rows = [[n, r.label, *r.values(table.indicators)] for n, r in enumerate(table.rows, start=1)]
    width = len(headers) - len(table.indicators)
    rows.append(["", "各行合计", *([""] * (width - 2)), *table.total_values()])
    for c in table.controls:
        rows.append(["", f"{c.label}（原表）", *([""] * (width - 2)), *c.values(table.indicators)])
    return xlsx_response(f"{plan.source}.xlsx", plan.source, headers, rows)


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "plan.view")
    plan = _plan(user, plan_id)
    table = selectors.plan_table(user, plan)
    if request.GET.get("format") == "xlsx":
        return _export(table)
    return render(
        request,
        "targets/detail.html",
        {
            "plan": plan,
            "table": table,
            "can_manage": can(user.role, "plan.manage") and selectors.manages(user, plan),
            "imports": plan.imports.order_by("-created_at")[:5],
        },
    )


class ImportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    region = forms.ModelChoiceField(label="下达地区", queryset=Region.objects.none())
    source = forms.CharField(label="出处", max_length=64, help_text="下达文件及表名，如“附件2”")
    title = forms.CharField(label="标题", max_length=200)
    layout = forms.ChoiceField(label="表式", choices=list(sheet.LAYOUT_NAMES.items()))
    file = forms.FileField(label="文件（.xlsx）")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.manageable_regions(user)  # type: ignore[attr-defined]


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "plan.manage")
    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.plan_import(
                actor=user,
                year=form.cleaned_data["year"],
                region=form.cleaned_data["region"],
                source=form.cleaned_data["source"],
                title=form.cleaned_data["title"],
                layout=form.cleaned_data["layout"],
                content=uploads.upload_bytes(upload, what="文件"),
                filename=upload.name or "目标任务.xlsx",
            )
        except Refusal as exc:
            form_refused(form, exc)
        else:
            if record.state == PlanImport.State.ACCEPTED:
                messages.success(request, f"已导入目标计划“{record.source}”")
                return redirect("targets:detail", record.plan_id)
            return redirect("targets:import_result", record.pk)
    return render(request, "targets/import.html", {"form": form, "layouts": sheet.LAYOUT_NAMES})


def _import(user: User, import_id: int) -> PlanImport:
    record = get_object_or_404(PlanImport.objects.select_related("region"), pk=import_id)
    if not selectors.manages_region(user, record.region):
        raise Http404("没有这个导入记录，或不在您的管辖范围内")
    return record


@login_required
def import_result(request: HttpRequest, import_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "plan.manage")
    record = _import(user, import_id)
    return render(request, "targets/import_result.html", {"record": record})


@login_required
def import_report(request: HttpRequest, import_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "plan.manage")
    record = _import(user, import_id)
    response = HttpResponse(sheet.report_bytes(record.report), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''plan-import-report-{record.pk}.xlsx"
    return response


@login_required
def template(request: HttpRequest, layout: str) -> HttpResponse:
    require(request_user(request), "plan.view")
    if layout not in sheet.KEY_HEADERS:
        raise Http404("没有这种模板")
    response = HttpResponse(sheet.template_bytes(layout), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''plan-template-{layout}.xlsx"
    return response


@login_required
@require_POST
def province_set(request: HttpRequest, target_id: int) -> HttpResponse:
    """H05: enter (or clear) the province's figure for one row."""
    user = request_user(request)
    require(user, "plan.manage")
    target = get_object_or_404(
        selectors.targets_visible(user).select_related("plan__region", "region"), pk=target_id
    )
    if not selectors.manages(user, target.plan):
        raise Http404("不在您的管辖范围内")
    raw = request.POST.get("persons", "").strip()
    try:
        persons = int(raw) if raw else None
    except ValueError:
        messages.error(request, f"“省级下达数”：“{raw}”不是整数（规则 H05）")
        return redirect("targets:detail", target.plan_id)
    try:
        services.target_province_set(actor=user, target=target, persons=persons)
    except Refusal as exc:
        refused(request, exc)
    except PermissionDenied:
        raise Http404("不在您的管辖范围内") from None
    else:
        messages.success(request, "已记录省级下达数：以较高者为准（规则 H05）")
    return redirect("targets:detail", target.plan_id)


PROGRAMME_HEADERS = [
    "专项培训计划",
    "出处",
    "面向人员类别",
    "牵头单位",
    "目标（人次）",
    "开班数",
    "培训人次",
    "其中已核实类别",
    "完成率",
    "技能提升培训占比",
    "技能提升占比下限",
]
GROUP_HEADERS = ["人员类别", "开班数", "培训人次", "其中已核实类别"]


def _progress_of(request: HttpRequest, user: User) -> selectors.ProgrammeProgress:
    regions = selectors.programme_regions(user)
    region = regions.filter(pk=_int(request.GET.get("region")) or 0).first() or regions.first()
    if region is None:
        raise Http404("没有可查看的地区")
    year = _int(request.GET.get("year")) or next(iter(selectors.plan_years(user)), timezone.localdate().year)
    if not 2000 <= year <= 2100:
        raise Http404("年度超出范围")
    return selectors.programme_progress(user, year=year, region=region)


@login_required
def programme_progress(request: HttpRequest) -> HttpResponse:
    """J03: the special programmes of the region's document and the trainee groups, counted from the
    enrolments of opened classes (not guessed from the departments that lead them)."""
    user = request_user(request)
    require(user, "plan.view")
    progress = _progress_of(request, user)
    if request.GET.get("format") == "xlsx":
        rows: list[list[Any]] = [
            [
                r.programme.name,
                r.programme.clause,
                r.programme.group_labels() or "不限",
                r.programme.lead,
                r.target if r.target is not None else "",
                r.count.classes,
                r.count.trainees,
                r.count.confirmed,
                r.share,
                r.upgrade_share,
                f"{r.programme.upgrade_share_min * 100:.0f}%"
                if r.programme.upgrade_share_min is not None
                else "",
            ]
            for r in progress.programmes
        ]
        rows.append([])
        rows.append(GROUP_HEADERS)
        rows += [[g.label, g.count.classes, g.count.trainees, g.count.confirmed] for g in progress.groups]
        return xlsx_response(
            f"{progress.year}年{progress.region.name}专项计划与重点群体.xlsx",
            "专项计划",
            PROGRAMME_HEADERS,
            rows,
        )
    return render(
        request,
        "targets/programmes.html",
        {
            "progress": progress,
            "regions": selectors.programme_regions(user),
            "years": sorted({*selectors.plan_years(user), progress.year}, reverse=True),
        },
    )
