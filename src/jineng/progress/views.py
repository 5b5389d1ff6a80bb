"""Dashboard, monthly reports and bulletins. Thin: board/selectors read, services write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.core import uploads
from jineng.core.feedback import act, act_returning
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.core.xlsx import XLSX, template_bytes, xlsx_response
from jineng.policy import progress as rules
from jineng.policy import reporting
from jineng.policy.targets import LABELS
from jineng.progress import board, ledgerbook, services
from jineng.progress.forms import CompetitionForm, LedgerEntryForm, LedgerImportForm, MediaItemForm
from jineng.progress.models import (
    Competition,
    LedgerEntry,
    LedgerKind,
    MediaItem,
    MonthlyReport,
    ReportKind,
    ReportState,
)
from jineng.progress.selectors import (
    INDICATORS,
    LateReport,
    bulletins_visible,
    competitions_visible,
    crumbs_for,
    department_for_progress,
    department_for_report,
    ledger_departments,
    ledger_regions,
    ledger_total,
    ledger_visible,
    media_compliance,
    media_items_visible,
    offered_kinds,
    periodic_reports_visible,
    region_for_progress,
    reporting_departments,
    reports_late,
    reports_visible,
    rollup_of,
)
from jineng.progress.selectors import SUBMIT as LATE_SUBMIT
from jineng.regions.models import Department, Region
from jineng.regions.selectors import departments_visible, profiles_in_view, rule_clause_shown
from jineng.targets.selectors import cross_table_warnings, programme_progress


def _int(request: HttpRequest, name: str, default: int | None = None) -> int | None:
    raw = (request.POST.get(name) if request.method == "POST" else None) or request.GET.get(name, "")
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


def _year(request: HttpRequest, default: int) -> int:
    """A year the calendar can hold; anything else falls back to the default."""
    year = _int(request, "year", default) or default
    return year if 2000 <= year <= 2100 else default


def _pct(rate: Decimal | None) -> str:
    return "" if rate is None else f"{(rate * 100).quantize(Decimal('0.01'))}%"


def _board(request: HttpRequest) -> board.Board:
    user = request_user(request)
    today = timezone.localdate()
    indicator = request.GET.get("indicator", "training")
    if indicator not in INDICATORS:
        indicator = "training"
    return board.build(
        user=user,
        year=_year(request, today.year),
        region=region_for_progress(user, _int(request, "region")),
        indicator=indicator,
        department_id=department_for_progress(user, _int(request, "department")),
        today=today,
    )


TABLE_HEADERS = ["序号", "地区/部门/单位", "目标任务", "累计完成", "完成率", "排名", "进度"] + [
    f"{m}月" for m in range(1, 13)
]


def _table_rows(lines: list[board.Line]) -> list[list[Any]]:
    return [
        [
            i,
            ln.name,
            ln.target if ln.target is not None else "未下达",
            ln.actual,
            _pct(ln.rate),
            ln.rank or "",
            "滞后" if ln.behind else "",
            *ln.months,
        ]
        for i, ln in enumerate(lines, start=1)
    ]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "progress.view")
    b = _board(request)
    if request.GET.get("format") == "xlsx":
        rows = _table_rows(b.regions or b.units)
        rows += [[""] * len(TABLE_HEADERS), *_table_rows(b.departments)]
        return xlsx_response(
            f"{b.year}年{b.region.display_name}{b.label}进度.xlsx", "完成进度", TABLE_HEADERS, rows
        )
    chart = {
        "label": b.label,
        "names": [ln.name for ln in b.regions or b.units[:30]],
        "actual": [ln.actual for ln in b.regions or b.units[:30]],
        "target": [ln.target for ln in b.regions or b.units[:30]],
        # 18.10: unrounded, so that 47 against 200,000 draws as 0.0235 %, not 0.
        "rates": [
            round(ln.actual / ln.target * 100, 4)
            if ln.rate is not None and ln.target and ln.actual
            else (0.0 if ln.rate is not None else None)
            for ln in b.regions or b.units[:30]
        ],
        "elapsed": float(b.elapsed * 100),  # 18.10: the time progress the chart's line marks
        "months": [f"{m}月" for m in range(1, 13)],
        "trend": b.trend,
        # No line into months still to come.
        "cumulative": [n if m <= b.up_to_month else None for m, n in enumerate(b.cumulative, start=1)],
        "depts": [ln.name for ln in b.departments],
        "dept_actual": [ln.actual for ln in b.departments],
        "dept_target": [ln.target for ln in b.departments],
    }
    ranking = sorted((ln for ln in b.regions or b.units if ln.rank), key=lambda ln: ln.rank or 0)
    # J03 and E09 beside the indicators: the programmes and groups counted from the enrolments, and the
    # ledger's share of 职业技能培训（人次）.
    programmes = programme_progress(user, year=b.year, region=b.region)
    ledger_persons = ledger_total(user, year=b.year, region=b.region)
    return render(
        request,
        "progress/dashboard.html",
        {
            "b": b,
            "crumbs": crumbs_for(user, b.region),
            "chart": chart,
            "ranking": ranking,
            "indicators": [(i, LABELS[i]) for i in INDICATORS],
            "departments": departments_visible(user).filter(region__path__startswith=_city_path(b.region)),
            "years": list(range(timezone.localdate().year, 2018, -1)),
            "elapsed": _pct(b.elapsed),
            "rollup": rollup_of(b.year),
            "can_refresh": can(user.role, "report.approve"),
            "query": request.GET.urlencode(),
            "programmes": [r for r in programmes.programmes if r.target or r.count.trainees],
            "groups": [g for g in programmes.groups if g.count.trainees],
            "ledger_persons": ledger_persons,
            # Issue 16: H01 across tables — a total split over several tables that they do not add up to.
            "plan_warnings": cross_table_warnings(year=b.year, region=b.region),
        },
    )


def _city_path(region: Region) -> str:
    # Departments belong to a city or county: offer those of the shown region's chain and below.
    ids = region.ancestor_ids()
    return "/" + "/".join(str(i) for i in ids[:2]) + "/" if len(ids) >= 2 else region.path


# --- monthly reports ----------------------------------------------------------------------------------

REPORT_INDICATORS = INDICATORS
# Column heads of the dense month table (the full label is the cell's title).
SHORT = {
    "training": "培训",
    "subsidised": "补贴性",
    "skilled": "技能人才",
    "high_skilled": "高技能",
    "technicians": "技师",
    "apprentices": "学徒",
    "recognition_bodies": "认定机构",
    "competitions": "竞赛",
    "vouchers_issued": "发券",
    "vouchers_used": "用券",
}
REPORT_HEADERS = ["序号", "地区", "状态"] + [
    f"{LABELS[i]}{part}" for i in REPORT_INDICATORS for part in ("·目标", "·当月", "·累计", "·完成率")
]


def _report_cells(report: MonthlyReport | None) -> list[Any]:
    cells: list[Any] = []
    for ind in REPORT_INDICATORS:
        fig = (report.figures if report else {}).get(ind, {})
        target, cumulative = fig.get("target"), fig.get("cumulative")
        rate = Decimal(cumulative) / Decimal(target) if target and cumulative is not None else None
        cells += [
            target if target is not None else "未下达",
            fig.get("month", ""),
            cumulative if cumulative is not None else "",
            _pct(rate.quantize(Decimal("0.0001")) if rate is not None else None),
        ]
    return cells


def _period(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    previous = today.replace(day=1) - dt.timedelta(days=1)
    year = _year(request, previous.year)
    month = _int(request, "month", previous.month) or previous.month
    return year, month


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """One month for the shown region: its lower regions' reports, its own, the bulletin."""
    user = request_user(request)
    require(user, "progress.view")
    region = region_for_progress(user, _int(request, "region"))
    year, month = _period(request)
    kids = list(Region.objects.filter(parent=region).order_by("position", "id"))
    reports = {
        r.region_id: r
        for r in reports_visible(user).filter(
            region__in=[region, *kids], department=None, kind=ReportKind.MONTHLY, year=year, period=month
        )
    }
    rows = [(k, reports.get(k.pk), Region.objects.filter(parent=k).exists()) for k in kids]
    own = reports.get(region.pk)
    bulletin = bulletins_visible(user).filter(region=region, year=year, month=month).first()
    if request.GET.get("format") == "xlsx":
        data = [
            [i, k.name, r.get_state_display() if r else "未报送", *_report_cells(r)]
            for i, (k, r, _) in enumerate(rows, start=1)
        ]
        data.append(
            ["", f"{region.name}（合计）", own.get_state_display() if own else "未审核", *_report_cells(own)]
        )
        return xlsx_response(
            f"{region.name}{year}年{month}月月报.xlsx", f"{year}年{month}月", REPORT_HEADERS, data
        )
    missing = [k.name for k, r, _ in rows if r is None]
    return render(
        request,
        "progress/reports.html",
        {
            "region": region,
            "year": year,
            "month": month,
            "rows": rows,
            "own": own,
            "bulletin": bulletin,
            "missing": missing,
            "submitted": len(rows) - len(missing),
            "is_leaf": not kids,
            "can_submit": can(user.role, "report.submit"),
            "can_approve": can(user.role, "report.approve"),
            "indicators": [(i, LABELS[i], SHORT[i]) for i in REPORT_INDICATORS],
            "months": range(1, 13),
            "crumbs": crumbs_for(user, region),
        },
    )


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "progress.view")
    report = get_object_or_404(reports_visible(user), pk=report_id)
    title = _report_title(report)
    if request.GET.get("format") == "xlsx":
        rows = []
        for i, ind in enumerate(REPORT_INDICATORS, start=1):
            fig = report.figures.get(ind, {})
            target, cumulative = fig.get("target"), fig.get("cumulative", 0)
            rate = Decimal(cumulative) / Decimal(target) if target else None
            rows.append(
                [
                    i,
                    LABELS[ind],
                    target if target is not None else "未下达",
                    fig.get("month", 0),
                    cumulative,
                    _pct(rate.quantize(Decimal("0.0001")) if rate is not None else None),
                ]
            )
        return xlsx_response(
            f"{title}.xlsx", "月报", ["序号", "指标", "年度目标", "当月完成", "累计完成", "完成率"], rows
        )
    figures = []
    for ind in REPORT_INDICATORS:
        fig = report.figures.get(ind, {})
        target, cumulative = fig.get("target"), fig.get("cumulative", 0)
        rate = (Decimal(cumulative) / Decimal(target)).quantize(Decimal("0.0001")) if target else None
        figures.append((LABELS[ind], target, fig.get("month", 0), cumulative, _pct(rate)))
    if request.GET.get("print"):
        clause = rule_clause_shown(report.region, report.year, "H06")
        context = {"report": report, "title": title, "figures": figures, "h06_clause": clause}
        return render(request, "progress/report_print.html", context)
    return render(
        request, "progress/report_detail.html", {"report": report, "title": title, "figures": figures}
    )


@login_required
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "progress.view")
    bulletin = get_object_or_404(bulletins_visible(user), pk=bulletin_id)
    if request.GET.get("format") == "xlsx":
        rows = []
        for block in bulletin.ranking:
            for row in block["rows"]:
                rate = _pct(Decimal(row["rate"])) if row["rate"] else ""
                rows.append(
                    [
                        block["label"],
                        row["rank"] or "",
                        row["name"],
                        row["target"] if row["target"] is not None else "未下达",
                        row["month"],
                        row["actual"],
                        rate,
                        "滞后" if row["behind"] else "",
                    ]
                )
        return xlsx_response(
            f"{bulletin.title}.xlsx",
            "通报",
            ["指标", "排名", "地区", "年度目标", "当月完成", "累计完成", "完成率", "进度"],
            rows,
        )
    blocks = [
        {
            **block,
            "rows": [
                {**row, "pct": _pct(Decimal(row["rate"])) if row["rate"] else ""} for row in block["rows"]
            ],
        }
        for block in bulletin.ranking
        if block.get("ranked", True)
    ]
    unranked = [block["label"] for block in bulletin.ranking if not block.get("ranked", True)]
    return render(
        request, "progress/bulletin.html", {"bulletin": bulletin, "blocks": blocks, "unranked": unranked}
    )


def _post_region(request: HttpRequest) -> tuple[User, Region, int, int]:
    user = request_user(request)
    region = region_for_progress(user, _int(request, "region"))
    year, month = _period(request)
    return user, region, year, month


def _back(region: Region, year: int, month: int) -> HttpResponse:
    return redirect(f"/progress/reports/?region={region.pk}&year={year}&month={month}")


@login_required
@require_POST
def report_submit(request: HttpRequest) -> HttpResponse:
    require(request_user(request), "report.submit")
    user, region, year, month = _post_region(request)
    act(
        request,
        f"已报送{region.name}{year}年{month}月月报",
        lambda: services.report_submit(actor=user, region=region, year=year, month=month),
    )
    return _back(region, year, month)


@login_required
@require_POST
def report_approve(request: HttpRequest) -> HttpResponse:
    require(request_user(request), "report.approve")
    user, region, year, month = _post_region(request)
    act(
        request,
        f"已审核{region.name}{year}年{month}月月报",
        lambda: services.report_approve(actor=user, region=region, year=year, month=month),
    )
    return _back(region, year, month)


@login_required
@require_POST
def bulletin_issue(request: HttpRequest) -> HttpResponse:
    require(request_user(request), "report.approve")
    user, region, year, month = _post_region(request)
    act(
        request,
        f"已签发{region.name}{year}年{month}月通报",
        lambda: services.bulletin_issue(actor=user, region=region, year=year, month=month),
    )
    return _back(region, year, month)


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Rebuild the year's roll-up now rather than at the next scheduled run."""
    user = request_user(request)
    require(user, "report.approve")
    year = _year(request, timezone.localdate().year)
    act(request, f"已按系统记录重新汇总{year}年实绩", lambda: services.actuals_refresh(actor=user, year=year))
    region = _int(request, "region")
    return redirect(f"/progress/?year={year}" + (f"&region={region}" if region else ""))


# --- H08 publicity items and H02 competitions ------------------------------------------------------------

MEDIA_HEADERS = [
    "序号",
    "地区",
    "部门",
    "标题",
    "媒体名称",
    "媒体级别",
    "发布日期",
    "链接或出处",
    "状态",
    "登记人",
]
COMPLIANCE_HEADERS = [
    "序号",
    "类别",
    "县（市、区）/ 市直部门",
    "计入篇数",
    "不计入篇数",
    "最少篇数",
    "差额",
    "达标",
]
COMPETITION_HEADERS = [
    "序号",
    "举办地区",
    "主办部门",
    "竞赛名称",
    "级别",
    "举办日期",
    "参赛人数",
    "状态",
    "登记人",
]


def _record_year(request: HttpRequest, qs: Any, field: str) -> int:
    """The year asked for; by default the latest year with records (else this year)."""
    latest = qs.order_by(f"-{field}").values_list(field, flat=True).first()
    return _year(request, latest.year if latest else timezone.localdate().year)


def _regions_to_show(user: User) -> Any:
    # Province, cities and counties of the scope: the levels H08 is judged at.
    return Region.objects.filter(path__startswith=scope_of(user).region_path, depth__lte=2).order_by("path")


def _standing_rows(c: Any) -> list[list[Any]]:
    rows = []
    for i, st in enumerate(c.counties + c.departments, start=1):
        kind = "县（市、区）" if st.kind == rules.COUNTY else "市直部门"
        rows.append(
            [i, kind, st.name, st.counted, st.below, st.minimum, st.shortfall, "达标" if st.ok else "未达标"]
        )
    return rows


@login_required
def media_list(request: HttpRequest) -> HttpResponse:
    """H08: the year's items, and each county's and city department's standing against the minimum."""
    user = request_user(request)
    require(user, "outreach.view")
    region = region_for_progress(user, _int(request, "region"))
    visible = media_items_visible(user)
    year = _record_year(request, visible, "published_on")
    qs = visible.filter(published_on__year=year, region__path__startswith=region.path)
    compliance = media_compliance(user, region, year)
    if request.GET.get("format") == "xlsx":
        if request.GET.get("sheet") == "compliance":
            rows = [[compliance.refusal]] if compliance.refusal else _standing_rows(compliance)
            return xlsx_response(
                f"{year}年{region.name}宣传信息达标情况.xlsx", "H08达标情况", COMPLIANCE_HEADERS, rows
            )
        data = [
            [
                i,
                m.region.name,
                m.department.name if m.department else "",
                m.title,
                m.media_name,
                m.get_media_level_display(),
                m.published_on,
                m.link,
                m.get_state_display(),
                m.recorded_by.label,
            ]
            for i, m in enumerate(qs, start=1)
        ]
        return xlsx_response(f"{year}年{region.name}宣传信息.xlsx", "宣传信息", MEDIA_HEADERS, data)
    page, query = paginate(request, qs)
    return render(
        request,
        "progress/media.html",
        {
            "region": region,
            "year": year,
            "c": compliance,
            "page": page,
            "query": query,
            "regions": _regions_to_show(user),
            "can_record": can(user.role, "outreach.record"),
        },
    )


@login_required
def media_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "outreach.record")
    form = MediaItemForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        item = act_returning(
            request,
            f"已登记宣传信息：{d['title']}",
            lambda: services.media_item_record(
                actor=user,
                region=d["region"],
                department=d["department"],
                title=d["title"],
                media_name=d["media_name"],
                media_level=d["media_level"],
                published_on=d["published_on"],
                link=d["link"],
            ),
        )
        if item is not None:
            return redirect(f"/progress/media/?year={item.published_on.year}")
    year = timezone.localdate().year
    return render(
        request,
        "progress/record_form.html",
        {
            "form": form,
            "title": "登记宣传信息",
            "rule": "H08",
            "back": "media",
            # H08 as the user's profile words it, and the minimum numbers of items it fixes, if it does.
            "h08_clause": rule_clause_shown(user.region, year, "H08"),
            "profiles": profiles_in_view(user.region, year),
        },
    )


@login_required
@require_POST
def media_withdraw(request: HttpRequest, item_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "outreach.record")
    item: MediaItem = get_object_or_404(media_items_visible(user), pk=item_id)
    reason = request.POST.get("reason", "")
    act(
        request,
        f"已撤回宣传信息：{item.title}",
        lambda: services.media_item_withdraw(actor=user, item=item, reason=reason),
    )
    return redirect(f"/progress/media/?year={item.published_on.year}")


@login_required
def competition_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "outreach.view")
    region = region_for_progress(user, _int(request, "region"))
    visible = competitions_visible(user)
    year = _record_year(request, visible, "held_on")
    qs = visible.filter(held_on__year=year, region__path__startswith=region.path)
    if request.GET.get("format") == "xlsx":
        data = [
            [
                i,
                c.region.name,
                c.department.name if c.department else "",
                c.name,
                c.get_level_display(),
                c.held_on,
                c.participants,
                c.get_state_display(),
                c.recorded_by.label,
            ]
            for i, c in enumerate(qs, start=1)
        ]
        return xlsx_response(f"{year}年{region.name}技能竞赛.xlsx", "技能竞赛", COMPETITION_HEADERS, data)
    page, query = paginate(request, qs)
    held = qs.filter(state="recorded")
    return render(
        request,
        "progress/competitions.html",
        {
            "region": region,
            "year": year,
            "page": page,
            "query": query,
            "held": held.count(),
            "regions": _regions_to_show(user),
            "can_record": can(user.role, "outreach.record"),
        },
    )


@login_required
def competition_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "outreach.record")
    form = CompetitionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        competition = act_returning(
            request,
            f"已登记技能竞赛：{d['name']}",
            lambda: services.competition_record(
                actor=user,
                region=d["region"],
                department=d["department"],
                name=d["name"],
                level=d["level"],
                held_on=d["held_on"],
                participants=d["participants"],
            ),
        )
        if competition is not None:
            return redirect(f"/progress/competitions/?year={competition.held_on.year}")
    return render(
        request,
        "progress/record_form.html",
        {"form": form, "title": "登记技能竞赛", "rule": "H02", "back": "competitions"},
    )


@login_required
@require_POST
def competition_withdraw(request: HttpRequest, competition_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "outreach.record")
    competition: Competition = get_object_or_404(competitions_visible(user), pk=competition_id)
    reason = request.POST.get("reason", "")
    act(
        request,
        f"已撤回技能竞赛：{competition.name}",
        lambda: services.competition_withdraw(actor=user, competition=competition, reason=reason),
    )
    return redirect(f"/progress/competitions/?year={competition.held_on.year}")


# --- E09 技能培训台账 ---------------------------------------------------------------------------------------

LEDGER_HEADERS = [
    "序号", "培训地区", "行业主管部门", "培训单位", "培训项目", "培训类别", "培训职业", "开始日期", "结束日期",
    "培训人次", "录入日期", "逾期录入（日）", "状态", "录入人",
]  # fmt: skip


@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    """E09: the year's ledger in the user's scope, by start date; late entries marked, and the total the
    dashboard adds to 职业技能培训（人次）."""
    user = request_user(request)
    require(user, "trainingbook.view")
    visible = ledger_visible(user)
    year = _record_year(request, visible, "start_date")
    qs = visible.filter(start_date__year=year)
    late_only = request.GET.get("late") == "1"
    if late_only:
        qs = qs.filter(days_late__gt=0)
    if request.GET.get("format") == "xlsx":
        data = [
            [
                i,
                e.region.name,
                e.department.name if e.department else "",
                e.organisation.name if e.organisation else "",
                e.title,
                e.get_kind_display(),
                e.occupation.name if e.occupation else "",
                e.start_date,
                e.end_date,
                e.persons,
                e.entered_on,
                e.days_late if e.days_late is not None else "",
                e.get_state_display(),
                e.recorded_by.label,
            ]
            for i, e in enumerate(qs, start=1)
        ]
        return xlsx_response(f"{year}年技能培训台账.xlsx", "技能培训台账", LEDGER_HEADERS, data)
    page, query = paginate(request, qs)
    counted = qs.filter(state="recorded")
    return render(
        request,
        "progress/ledger.html",
        {
            "year": year,
            "page": page,
            "query": query,
            "late_only": late_only,
            "entries": counted.count(),
            "persons": sum(counted.values_list("persons", flat=True)),
            "late": counted.filter(days_late__gt=0).count(),
            "can_record": can(user.role, "trainingbook.record"),
            "import_form": LedgerImportForm(),
        },
    )


@login_required
def ledger_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "trainingbook.record")
    form = LedgerEntryForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        entry = act_returning(
            request,
            f"已录入技能培训台账：{d['title']}",
            lambda: ledgerbook.ledger_entry_record(
                actor=user,
                data=ledgerbook.LedgerInput(
                    region_id=d["region"].pk,
                    department_id=d["department"].pk if d["department"] else None,
                    title=d["title"],
                    kind=d["kind"],
                    occupation_code=d["occupation_code"],
                    start_date=d["start_date"],
                    end_date=d["end_date"],
                    persons=d["persons"],
                ),
            ),
        )
        if entry is not None:
            if entry.days_late:
                messages.warning(request, f"E09：培训结束后逾期 {entry.days_late} 日录入，已计入并标注逾期")
            return redirect(f"/progress/ledger/?year={entry.start_date.year}")
    return render(
        request,
        "progress/record_form.html",
        {"form": form, "title": "录入技能培训台账", "rule": "E09", "back": "ledger"},
    )


@login_required
@require_POST
def ledger_import(request: HttpRequest) -> HttpResponse:
    """The template filled in: every row checked, all entered or none (the refusal names each row)."""
    user = request_user(request)
    require(user, "trainingbook.record")
    form = LedgerImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择台账文件（.xlsx）")
        return redirect("progress:ledger")

    def run() -> list[Any]:
        content = uploads.upload_bytes(form.cleaned_data["file"], what="台账文件")
        rows = ledgerbook.ledger_rows_read(
            content,
            regions={r.name: r.pk for r in ledger_regions(user)},
            departments={d.name: d.pk for d in ledger_departments(user)},
        )
        return ledgerbook.ledger_entries_record(actor=user, rows=rows)

    entries = act_returning(request, "已导入技能培训台账", run)
    if entries:
        late = sum(1 for e in entries if e.days_late)
        messages.success(
            request, f"共导入 {len(entries)} 条" + (f"，其中 {late} 条逾期录入（E09）" if late else "")
        )
    return redirect("progress:ledger")


@login_required
def ledger_template(request: HttpRequest) -> HttpResponse:
    require(request_user(request), "trainingbook.record")
    return HttpResponse(
        template_bytes(
            "技能培训台账",
            ledgerbook.TEMPLATE_HEADERS,
            [
                [
                    "金水区",
                    "市工信局",
                    "2023年电工岗位技能提升培训（企业自主）",
                    "岗位技能提升培训",
                    "6-31-01-03",
                    "2023-03-01",
                    "2023-03-10",
                    40,
                ]
            ],
            text_columns=[4],
            guide=(
                ["列", "填写要求"],
                [
                    ["培训地区", "地区名称，须为您可录入的地区"],
                    ["行业主管部门", "部门名称，可空"],
                    ["培训类别", "、".join(str(label) for label in LedgerKind.labels)],
                    ["培训职业编码", "2022 年版职业分类大典编码，可空"],
                    ["开始日期、结束日期", "如 2023-03-01；培训结束后录入（E09）"],
                    ["培训人次", "正整数"],
                ],
            ),
        ),
        content_type=XLSX,
        headers={"Content-Disposition": "attachment; filename*=UTF-8''ledger-template.xlsx"},
    )


@login_required
@require_POST
def ledger_withdraw(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "trainingbook.record")
    entry: LedgerEntry = get_object_or_404(ledger_visible(user), pk=entry_id)
    reason = request.POST.get("reason", "")
    act(
        request,
        f"已撤回技能培训台账：{entry.title}",
        lambda: ledgerbook.ledger_entry_withdraw(actor=user, entry=entry, reason=reason),
    )
    return redirect(f"/progress/ledger/?year={entry.start_date.year}")


# --- H06 the reporting calendar: 周调度, 月报, 季度讲评, 半年督导, 全年总结 of regions and departments ----

KIND_LABELS = dict(ReportKind.choices)


def _report_title(report: MonthlyReport) -> str:
    """ "金水区2023年第一季度季度讲评", "市工信局2023年6月月报"."""
    period = reporting.Period(report.kind, report.year, report.period)
    subject = report.department.name if report.department_id and report.department else report.region.name
    return f"{subject}{period.name}职业技能提升行动{period.kind_label}"


def _kind(request: HttpRequest, offered: tuple[str, ...]) -> str:
    raw = (request.POST.get("kind") if request.method == "POST" else None) or request.GET.get("kind", "")
    return raw if raw in offered else reporting.MONTHLY


def _calendar_period(request: HttpRequest, kind: str) -> reporting.Period:
    """The period asked for; by default the last one ended (this year's first while none has)."""
    today = timezone.localdate()
    year = _year(request, today.year)
    count = reporting.period_count(kind, year)
    number = _int(request, "number")
    if number is None or not 1 <= number <= count:
        current = reporting.period_containing(kind, today)
        # This year: the period before today's; a past year: its last; a future year: its first.
        number = max(current.number - 1, 1) if current.year == year else (count if year < today.year else 1)
    return reporting.Period(kind, year, number)


def _calendar_url(
    kind: str, period: reporting.Period, *, region: Region | None = None, department: Department | None = None
) -> str:
    where = (
        f"&department={department.pk}" if department is not None else f"&region={region.pk}" if region else ""
    )
    return f"/progress/calendar/?kind={kind}&year={period.year}&number={period.number}{where}"


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """H06: one period of one report kind for the shown region — its lower regions', its own and its
    departments' reports (a department user: its own), with submit, approve and return."""
    user = request_user(request)
    require(user, "progress.view")
    scope = scope_of(user)
    department = None
    if scope.is_department:
        department = department_for_report(user, scope.department_id) if scope.department_id else None
        region = department.region if department is not None else region_for_progress(user, None)
    else:
        region = region_for_progress(user, _int(request, "region"))
    year = _year(request, timezone.localdate().year)
    offered = offered_kinds(region, year)
    kind = _kind(request, offered)
    period = _calendar_period(request, kind)
    visible = periodic_reports_visible(user).filter(kind=kind, year=period.year, period=period.number)
    kids = (
        []
        if department is not None
        else list(Region.objects.filter(parent=region).order_by("position", "id"))
    )
    regional = {r.region_id: r for r in visible.filter(department=None, region__in=[region, *kids])}
    departments = list(reporting_departments(user, region))
    by_department = {r.department_id: r for r in visible.filter(department__in=departments)}
    rows = [(k, regional.get(k.pk), Region.objects.filter(parent=k).exists()) for k in kids]
    dept_rows = [(d, by_department.get(d.pk)) for d in departments]
    if request.GET.get("format") == "xlsx":
        data = [
            [i, name, r.get_state_display() if r else "未报送", *_report_cells(r)]
            for i, (name, r) in enumerate(
                [(k.name, r) for k, r, _ in rows] + [(d.name, r) for d, r in dept_rows], start=1
            )
        ]
        own = regional.get(region.pk)
        if department is None:
            data.append(
                [
                    "",
                    f"{region.name}（本级）",
                    own.get_state_display() if own else "未报送",
                    *_report_cells(own),
                ]
            )
        return xlsx_response(f"{region.name}{period.title}.xlsx", period.kind_label, REPORT_HEADERS, data)
    today = timezone.localdate()
    return render(
        request,
        "progress/calendar.html",
        {
            "region": region,
            "department": department,
            "kind": kind,
            "kinds": [(k, KIND_LABELS[k]) for k in offered],
            "period": period,
            "periods": [p for p in reporting.periods(kind, period.year) if p.start <= today],
            "rows": rows,
            "dept_rows": dept_rows,
            "own": by_department.get(department.pk) if department is not None else regional.get(region.pk),
            "is_leaf": not kids,
            "can_submit": can(user.role, "report.submit_department" if department else "report.submit"),
            "can_approve": can(user.role, "report.approve"),
            "missing": [k.name for k, r, _ in rows if r is None or r.state == ReportState.RETURNED],
            "indicators": [(i, LABELS[i], SHORT[i]) for i in REPORT_INDICATORS],
            "crumbs": crumbs_for(user, region),
            "h06_clause": rule_clause_shown(region, period.year, "H06"),
        },
    )


def _calendar_post(request: HttpRequest) -> tuple[User, str, int, int]:
    user = request_user(request)
    year = _year(request, timezone.localdate().year)
    return user, request.POST.get("kind", ""), year, _int(request, "number", 0) or 0


@login_required
@require_POST
def calendar_submit(request: HttpRequest) -> HttpResponse:
    """H06: a county submits its period, or a department its own."""
    user = request_user(request)
    if not (can(user.role, "report.submit") or can(user.role, "report.submit_department")):
        require(user, "report.submit")
    _, kind, year, number = _calendar_post(request)
    region: Region | None = None
    department: Department | None = None
    if scope_of(user).is_department:
        department = department_for_report(user, _int(request, "department"))
    else:
        region = region_for_progress(user, _int(request, "region"))
    act(
        request,
        "已报送",
        lambda: services.periodic_report_submit(
            actor=user, kind=kind, year=year, number=number, region=region, department=department
        ),
    )
    period = reporting.Period(kind if kind in KIND_LABELS else reporting.MONTHLY, year, max(number, 1))
    return redirect(_calendar_url(period.kind, period, region=region, department=department))


@login_required
@require_POST
def calendar_approve(request: HttpRequest) -> HttpResponse:
    """H06: a region's report of the period, made by approving its lower regions'."""
    require(request_user(request), "report.approve")
    user, kind, year, number = _calendar_post(request)
    region = region_for_progress(user, _int(request, "region"))
    act(
        request,
        f"已审核{region.name}的报告",
        lambda: services.periodic_report_approve(
            actor=user, kind=kind, year=year, number=number, region=region
        ),
    )
    period = reporting.Period(kind if kind in KIND_LABELS else reporting.MONTHLY, year, max(number, 1))
    return redirect(_calendar_url(period.kind, period, region=region))


@login_required
@require_POST
def calendar_review(request: HttpRequest, report_id: int) -> HttpResponse:
    """H06: the level above approves a submitted report, or returns it with a reason."""
    user = request_user(request)
    require(user, "report.approve")
    report = get_object_or_404(periodic_reports_visible(user), pk=report_id)
    approve = request.POST.get("decision") != "return"
    act(
        request,
        f"已{'审核' if approve else '退回'}{_report_title(report)}",
        lambda: services.report_review(
            actor=user, report=report, approve=approve, reason=request.POST.get("reason", "")
        ),
    )
    period = reporting.Period(report.kind, report.year, report.period)
    shown = report.region if report.department_id else (report.region.parent or report.region)
    return redirect(_calendar_url(report.kind, period, region=shown))


LATE_HEADERS = ["序号", "报告", "期次", "地区", "行业部门", "状态", "待办", "报送时限", "逾期天数"]


def _late_rows(late: list[LateReport]) -> list[list[Any]]:
    return [
        [
            i,
            row.period.kind_label,
            row.period.name,
            row.region.name,
            row.department.name if row.department is not None else "",
            row.state_label,
            row.action_label,
            row.due_on.isoformat(),
            row.days_overdue,
        ]
        for i, row in enumerate(late, start=1)
    ]


@login_required
def late_list(request: HttpRequest) -> HttpResponse:
    """H06: every report of the subtree (regions and departments) past its deadline and not approved."""
    user = request_user(request)
    require(user, "progress.view")
    region = region_for_progress(user, _int(request, "region"))
    today = timezone.localdate()
    year = _year(request, today.year)
    late = reports_late(user, year=year, today=today, region=region)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"{region.name}{year}年逾期报告.xlsx", "逾期报告", LATE_HEADERS, _late_rows(late)
        )
    return render(
        request,
        "progress/late.html",
        {
            "region": region,
            "year": year,
            "today": today,
            "late": late,
            "to_submit": sum(1 for r in late if r.action == LATE_SUBMIT),
            "crumbs": crumbs_for(user, region),
        },
    )
