"""The monthly report (月报, H06): a county submits its month, the city approves once every one of its
counties is in (approval waits for the lower levels), then issues a 通报 ranking them.

A region with lower regions gets its report by approving theirs; only a region with none below it
submits. The figures are frozen from the actuals when a report is submitted or approved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.policy import progress as rules
from jineng.policy import reporting
from jineng.policy.targets import LABELS
from jineng.progress.models import (
    Bulletin,
    Competition,
    CompetitionLevel,
    MediaItem,
    MediaLevel,
    MonthlyActual,
    MonthlyReport,
    RecordState,
    ReportState,
    Rollup,
)
from jineng.progress.selectors import (
    HELPERS,
    INDICATORS,
    REPORTING_DEPARTMENT_KINDS,
    Filter,
    actual_rows,
    offered_kinds,
)
from jineng.regions.models import Department, Region
from jineng.regions.selectors import NoProfile
from jineng.regions.selectors import rule_clause as region_rule_clause
from jineng.targets.selectors import target_rows

H06 = "H06"


def rule_clause(region: Region, rule: str, year: int) -> str:
    """The clause of ``rule`` as the region's profile words it (the profile of the year, else the latest
    before it); a region with no profile at all is refused."""
    try:
        return region_rule_clause(region, year, rule)
    except NoProfile as exc:
        raise Refusal(str(exc), field="地区") from None


def figures_of(*, user: User, region: Region, year: int, month: int) -> dict[str, dict[str, int | None]]:
    """indicator → the month alone, January to the month, and the year's target (region axis)."""
    return period_figures(
        user=user, region=region, department=None, year=year, first_month=month, last_month=month
    )


def period_figures(
    *,
    user: User,
    region: Region,
    department: Department | None,
    year: int,
    first_month: int,
    last_month: int,
) -> dict[str, dict[str, int | None]]:
    """indicator → the period's own months ("month"), January to its last month ("cumulative") and the
    year's target: of the region (region axis), or of one department (its actuals and its own target)."""
    f = Filter(
        year=year,
        region=region,
        department_id=department.pk if department is not None else None,
        up_to_month=last_month,
    )
    rows = actual_rows(f, by=("month",))
    targets = [
        t
        for t in target_rows(user=user, year=year, region=region)
        if not t.organisation_id
        and (t.department_id == department.pk if department is not None else not t.department_id)
    ]
    out: dict[str, dict[str, int | None]] = {}
    for ind in INDICATORS:
        mine = [r for r in rows if r.indicator == ind]
        tgt = [t.persons for t in targets if t.indicator == ind]
        out[ind] = {
            "month": sum(
                r.persons for r in mine if r.month is not None and first_month <= r.month <= last_month
            ),
            "cumulative": sum(r.persons for r in mine),
            "target": sum(tgt) if tgt else None,
        }
    return out


def _check_period(year: int, month: int, today: dt.date) -> None:
    if not 2000 <= year <= 2100:
        raise Refusal("年度应在2000至2100之间", field="年度", value=str(year))
    if not 1 <= month <= 12:
        raise Refusal("月份应为1至12", field="月份", value=str(month))
    if (year, month) > (today.year, today.month):
        raise Refusal(f"{year}年{month}月尚未到来，不能报送", field="月份", value=f"{year}-{month:02d}")


def _in_scope(actor: User, region: Region, capability: str) -> None:
    if not can(actor.role, capability):
        raise Refusal("您的角色不能办理月报")
    if not scope_of(actor).contains_path(region.path):
        raise Refusal("只能办理本辖区的月报", field="地区", value=region.name)


def _department_in_scope(actor: User, department: Department) -> None:
    """H06: a department reports for itself only; its region's bureau approves."""
    if not can(actor.role, "report.submit_department"):
        raise Refusal("您的角色不能报送行业部门的定期报告")
    scope = scope_of(actor)
    if not scope.is_department or department.pk != scope.department_id:
        raise Refusal("行业部门只能报送本部门的定期报告", field="部门", value=department.name)
    if department.kind not in REPORTING_DEPARTMENT_KINDS:
        raise Refusal(f"{department.name}不是行业部门，不报送定期报告", field="部门", value=department.name)


def _period_open(kind: str, year: int, number: int, today: dt.date) -> reporting.Period:
    try:
        period = reporting.period_of(kind, year, number)
    except ValueError as exc:
        raise Refusal(str(exc), field="期次", value=f"{kind} {year}-{number}") from None
    if period.start > today:
        raise Refusal(f"{period.name}尚未到来，不能报送", field="期次", value=period.name)
    return period


def _offered(region: Region, period: reporting.Period) -> None:
    """H06: a report the region's profile does not require is not offered (the monthly report always is)."""
    if period.kind not in offered_kinds(region, period.year):
        raise Refusal(
            f"{region.name}{period.year}年适用的政策档案未要求{period.kind_label}，不能报送",
            field="报告种类",
            value=period.kind_label,
            rule=H06,
            clause=rule_clause(region, H06, period.year),
        )


def _report_of(
    region: Region, department: Department | None, period: reporting.Period
) -> MonthlyReport | None:
    qs = MonthlyReport.objects.select_for_update(of=("self",)).filter(
        kind=period.kind, year=period.year, period=period.number
    )
    qs = (
        qs.filter(department=department)
        if department is not None
        else qs.filter(region=region, department=None)
    )
    return qs.first()


def _new_report(region: Region, department: Department | None, period: reporting.Period) -> MonthlyReport:
    return MonthlyReport(
        region=region,
        department=department,
        kind=period.kind,
        year=period.year,
        period=period.number,
        month=period.last_month,
    )


def _payload(period: reporting.Period) -> dict[str, Any]:
    return {"kind": period.kind, "year": period.year, "period": period.number, "month": period.last_month}


def _figures(
    actor: User, report: MonthlyReport, period: reporting.Period
) -> dict[str, dict[str, int | None]]:
    return period_figures(
        user=actor,
        region=report.region,
        department=report.department,
        year=period.year,
        first_month=period.first_month,
        last_month=period.last_month,
    )


@transaction.atomic
def report_submit(
    *, actor: User, region: Region, year: int, month: int, today: dt.date | None = None
) -> MonthlyReport:
    """H06: a county (a region with none below it) submits its month; it may submit again until approved."""
    if not 1 <= month <= 12:
        raise Refusal("月份应为1至12", field="月份", value=str(month))
    return periodic_report_submit(
        actor=actor, kind=reporting.MONTHLY, year=year, number=month, region=region, today=today
    )


@transaction.atomic
def periodic_report_submit(
    *,
    actor: User,
    kind: str,
    year: int,
    number: int,
    region: Region | None = None,
    department: Department | None = None,
    today: dt.date | None = None,
) -> MonthlyReport:
    """H06: a county (a region with none below it) or an industry department submits its report of one
    period, the figures frozen from the actuals; it may submit again (after a return too) until approved.
    Only the kinds the region's profile requires are offered."""
    today = today or timezone.localdate()
    if department is not None:
        _department_in_scope(actor, department)
        region = department.region
    elif region is None:
        raise Refusal("请选择报送的地区或部门", field="地区")
    else:
        _in_scope(actor, region, "report.submit")
    if not 2000 <= year <= 2100:
        raise Refusal("年度应在2000至2100之间", field="年度", value=str(year))
    period = _period_open(kind, year, number, today)
    _offered(region, period)
    if department is None and Region.objects.filter(parent=region).exists():
        raise Refusal(
            f"{region.name}有下级地区：其{period.kind_label}在各下级地区报送后由本级审核生成，不直接报送",
            field="地区",
            value=region.name,
            rule=H06,
            clause=rule_clause(region, H06, year),
        )
    report = _report_of(region, department, period)
    subject = department.name if department is not None else region.name
    if report is not None and report.state == ReportState.APPROVED:
        raise Refusal(f"{subject}{period.title}已审核，不能再次报送", field=period.kind_label)
    from_state = report.state if report else ""
    report = report or _new_report(region, department, period)
    report.state = ReportState.SUBMITTED
    report.figures = _figures(actor, report, period)
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.save()
    event_record(
        actor=actor,
        action="report.submit",
        obj=report,
        from_state=from_state,
        to_state=report.state,
        payload=_payload(period),
        region_path=region.path,
        department_id=department.pk if department is not None else None,
    )
    return report


@transaction.atomic
def report_approve(
    *, actor: User, region: Region, year: int, month: int, today: dt.date | None = None
) -> MonthlyReport:
    """H06: approval waits for the lower levels — every region directly below must have reported (a
    county submitted, a city approved its own); the refusal names the missing ones."""
    if not 1 <= month <= 12:
        raise Refusal("月份应为1至12", field="月份", value=str(month))
    return periodic_report_approve(
        actor=actor, kind=reporting.MONTHLY, year=year, number=month, region=region, today=today
    )


@transaction.atomic
def periodic_report_approve(
    *, actor: User, kind: str, year: int, number: int, region: Region, today: dt.date | None = None
) -> MonthlyReport:
    """H06: a region's report of one period, made by approving its lower regions' — every region directly
    below must have reported (a county submitted, a city approved its own; a returned report is not in);
    the refusal names the missing ones."""
    today = today or timezone.localdate()
    _in_scope(actor, region, "report.approve")
    if not 2000 <= year <= 2100:
        raise Refusal("年度应在2000至2100之间", field="年度", value=str(year))
    period = _period_open(kind, year, number, today)
    _offered(region, period)
    kids = list(Region.objects.filter(parent=region).order_by("position", "id"))
    if not kids:
        raise Refusal(
            f"{region.name}没有下级地区，其{period.kind_label}应直接报送", field="地区", value=region.name
        )
    lower = {
        r.region_id: r
        for r in MonthlyReport.objects.select_for_update(of=("self",))
        .filter(region__in=kids, department=None, kind=kind, year=year, period=number)
        .exclude(state=ReportState.RETURNED)
    }
    missing = [k.name for k in kids if k.pk not in lower]
    if missing:
        raise Refusal(
            f"下级地区尚未全部报送{period.title}，不能审核：{'、'.join(missing)}"
            f"（共 {len(missing)} 个，已报送 {len(kids) - len(missing)} 个）",
            field="下级地区",
            value="、".join(missing),
            rule=H06,
            clause=rule_clause(region, H06, year),
        )
    now = timezone.now()
    for r in lower.values():
        if r.state == ReportState.SUBMITTED:
            r.state, r.approved_by, r.approved_at = ReportState.APPROVED, actor, now
            r.save(update_fields=["state", "approved_by", "approved_at"])
            event_record(
                actor=actor,
                action="report.approve",
                obj=r,
                from_state=ReportState.SUBMITTED,
                to_state=r.state,
                payload=_payload(period),
                region_path=r.region.path,
            )
    report = _report_of(region, None, period)
    if report is not None and report.state == ReportState.APPROVED:
        raise Refusal(f"{region.name}{period.title}已审核", field=period.kind_label)
    from_state = report.state if report else ""
    report = report or _new_report(region, None, period)
    report.state = ReportState.APPROVED
    report.figures = _figures(actor, report, period)
    report.approved_by, report.approved_at = actor, now
    report.save()
    event_record(
        actor=actor,
        action="report.approve",
        obj=report,
        from_state=from_state,
        to_state=report.state,
        payload=_payload(period),
        region_path=region.path,
    )
    return report


@transaction.atomic
def report_review(
    *, actor: User, report: MonthlyReport, approve: bool, reason: str = "", today: dt.date | None = None
) -> MonthlyReport:
    """H06 approval by the level above: the bureau of a department's region (or above) approves the
    department's submitted report, or returns it with a reason; a region's submitted report is returned
    (or approved alone) by a bureau above it. A returned report is submitted again."""
    report = (
        MonthlyReport.objects.select_for_update(of=("self",))
        .select_related("region", "department")
        .get(pk=report.pk)
    )
    if not can(actor.role, "report.approve"):
        raise Refusal("您的角色不能审核定期报告")
    scope = scope_of(actor)
    subject = report.department.name if report.department is not None else report.region.name
    above = scope.contains_path(report.region.path) and (
        report.department is not None or scope.region_path != report.region.path
    )
    if scope.is_department or not above:
        raise Refusal(
            f"{subject}的报告由上一级审核",
            field="报告",
            value=subject,
            rule=H06,
            clause=rule_clause(report.region, H06, report.year),
        )
    period = reporting.Period(report.kind, report.year, report.period)
    if report.state != ReportState.SUBMITTED:
        raise Refusal(
            f"{subject}{period.title}{report.get_state_display()}，只能审核已报送待审核的报告",
            field="状态",
            value=report.get_state_display(),
        )
    from_state, now = report.state, timezone.now()
    if approve:
        report.state, report.approved_by, report.approved_at = ReportState.APPROVED, actor, now
        report.save(update_fields=["state", "approved_by", "approved_at"])
        payload = _payload(period)
    else:
        reason = _text(reason, "退回原因", 200)
        report.state, report.returned_by, report.returned_at = ReportState.RETURNED, actor, now
        report.return_reason = reason
        report.save(update_fields=["state", "returned_by", "returned_at", "return_reason"])
        payload = {**_payload(period), "reason": reason}
    event_record(
        actor=actor,
        action="report.approve" if approve else "report.return",
        obj=report,
        from_state=from_state,
        to_state=report.state,
        payload=payload,
        region_path=report.region.path,
        department_id=report.department_id,
    )
    return report


@transaction.atomic
def bulletin_issue(
    *, actor: User, region: Region, year: int, month: int, today: dt.date | None = None
) -> Bulletin:
    """H06 月通报: once the month is approved, rank the lower regions by completion rate, indicator by
    indicator, on the figures they reported."""
    today = today or timezone.localdate()
    _in_scope(actor, region, "report.approve")
    _check_period(year, month, today)
    own = MonthlyReport.objects.filter(
        region=region, department=None, kind=reporting.MONTHLY, year=year, period=month
    ).first()
    if own is None or own.state != ReportState.APPROVED:
        raise Refusal(
            f"{region.name}{year}年{month}月月报尚未审核，不能通报",
            field="月报",
            rule=H06,
            clause=rule_clause(region, H06, year),
        )
    if Bulletin.objects.filter(region=region, year=year, month=month).exists():
        raise Refusal(f"{region.name}{year}年{month}月已通报", field="通报")
    reports = list(
        MonthlyReport.objects.filter(
            region__parent=region, department=None, kind=reporting.MONTHLY, year=year, period=month
        )
        .select_related("region")
        .order_by("region__position", "region_id")
    )
    # The schedule: the share of the year gone by at the end of the reported month.
    month_end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    elapsed = rules.elapsed_share(year, month_end)
    ranking = []
    for ind in INDICATORS:
        rates = {}
        rows = []
        for r in reports:
            fig = r.figures.get(ind, {})
            actual, target = int(fig.get("cumulative") or 0), fig.get("target")
            rate = rules.completion_rate(actual, int(target)) if target is not None else None
            rates[r.region_id] = rate
            rows.append(
                {
                    "region_id": r.region_id,
                    "name": r.region.display_name,
                    "month": int(fig.get("month") or 0),
                    "actual": actual,
                    "target": target,
                    "rate": str(rate) if rate is not None else None,
                    "behind": rate is not None and rate < elapsed,
                }
            )
        ranks = rules.ranks(rates)
        for row in rows:
            row["rank"] = ranks.get(row["region_id"])
        rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0))
        # An indicator nobody was given a target for is not ranked (the bulletin names it as such).
        ranking.append({"indicator": ind, "label": LABELS[ind], "rows": rows, "ranked": bool(ranks)})
    bulletin = Bulletin.objects.create(
        region=region,
        year=year,
        month=month,
        title=f"关于{year}年1—{month}月{region.display_name}职业技能提升行动目标任务完成情况的通报",
        ranking=ranking,
        elapsed=f"{(elapsed * 100).quantize(Decimal('0.01'))}%",
        issued_by=actor,
        issued_at=timezone.now(),
    )
    event_record(
        actor=actor,
        action="bulletin.issue",
        obj=bulletin,
        to_state="issued",
        payload={"year": year, "month": month},
        region_path=region.path,
    )
    return bulletin


@transaction.atomic
def actuals_refresh(*, actor: User | None, year: int) -> int:
    """Rebuild the year's monthly roll-up from the records (every root region's subtree), whole, in one
    transaction: the dashboard reads either the old roll-up or the new one, never half of each. The
    unit grain comes from the records; the department and region grains are its sums."""
    MonthlyActual.objects.filter(year=year).delete()
    grains: list[dict[tuple[Any, ...], int]] = [defaultdict(int) for _ in MonthlyActual.Grain]
    chains = {
        pk: [int(p) for p in path.strip("/").split("/") if p]
        for pk, path in Region.objects.values_list("pk", "path")
    }
    for root in Region.objects.filter(parent=None):
        for r in actual_rows(
            Filter(year=year, region=root),
            by=("region", "department", "organisation", "month"),
            indicators=INDICATORS + HELPERS,
        ):
            if not (r.month and r.region_id):
                continue
            grains[2][(r.month, r.indicator, r.region_id, r.department_id, r.organisation_id)] += r.persons
            grains[1][(r.month, r.indicator, r.region_id, r.department_id, None)] += r.persons
            grains[0][(r.month, r.indicator, r.region_id, None, None)] += r.persons
            for ancestor in chains[r.region_id]:
                grains[3][(r.month, r.indicator, ancestor, None, None)] += r.persons
    rows = [
        MonthlyActual(
            year=year,
            grain=grain,
            month=month,
            indicator=indicator,
            region_id=region_id,
            department_id=department_id,
            organisation_id=organisation_id,
            persons=persons,
        )
        for grain, cells in enumerate(grains)
        for (month, indicator, region_id, department_id, organisation_id), persons in cells.items()
    ]
    MonthlyActual.objects.bulk_create(rows, batch_size=5000)
    rollup, _ = Rollup.objects.update_or_create(
        year=year, defaults={"refreshed_at": timezone.now(), "rows": len(rows)}
    )
    event_record(
        actor=actor,
        action="progress.refresh",
        obj=rollup,
        to_state="refreshed",
        payload={"year": year, "rows": len(rows)},
    )
    return len(rows)


# --- H08 publicity items and H02 competitions ------------------------------------------------------------

H08 = rules.H08
H02 = "H02"


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Refusal("不能为空", field=field)
    if len(value) > limit:
        raise Refusal(f"不能超过 {limit} 个字", field=field, value=value[:20])
    return value


def _not_future(day: dt.date, field: str, today: dt.date) -> None:
    if day > today:
        raise Refusal(f"{day:%Y-%m-%d} 尚未到来", field=field, value=day.isoformat())


def _record_scope(actor: User, region: Region | None, department: Department | None) -> None:
    """The bureau records in its subtree; a department user only for its own department."""
    if not can(actor.role, "outreach.record"):
        raise Refusal("您的角色不能登记宣传信息和技能竞赛")
    scope = scope_of(actor)
    if department is not None:
        if scope.is_department and department.pk != scope.department_id:
            raise Refusal("行业部门只能为本部门登记", field="部门", value=department.name)
        if not scope.contains_path(department.region.path):
            raise Refusal("只能为本辖区的部门登记", field="部门", value=department.name)
    elif scope.is_department:
        raise Refusal("行业部门登记时须选择本部门", field="部门")
    if region is not None and not scope.contains_path(region.path):
        raise Refusal("只能登记本辖区的地区", field="地区", value=region.name)


R = TypeVar("R", MediaItem, Competition)


def _withdraw(actor: User, record: R, reason: str, action: str) -> R:
    """A record entered by mistake, withdrawn: it stays listed, no longer counted (H02 / H08)."""
    record = (
        type(record)
        .objects.select_for_update(of=("self",))
        .select_related("region", "department")
        .get(pk=record.pk)
    )
    _record_scope(actor, record.region, record.department)
    if record.state != RecordState.RECORDED:
        raise Refusal("已撤回，不能再次撤回", field="状态", value=record.get_state_display())
    from_state, reason = record.state, _text(reason, "撤回原因", 200)
    record.state, record.withdrawn_by = RecordState.WITHDRAWN, actor
    record.withdrawn_at, record.withdraw_reason = timezone.now(), reason
    record.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdraw_reason"])
    event_record(
        actor=actor,
        action=action,
        obj=record,
        from_state=from_state,
        to_state=record.state,
        payload={"reason": reason},
        region_path=record.region.path,
        department_id=record.department_id,
    )
    return record


@transaction.atomic
def media_item_record(
    *,
    actor: User,
    region: Region | None,
    department: Department | None,
    title: str,
    media_name: str,
    media_level: int,
    published_on: dt.date,
    link: str,
    today: dt.date | None = None,
) -> MediaItem:
    """H08: record one publicity item of a county (``region``) or of a department (``department``; the
    item then belongs to the department's region). The same item twice would be counted twice: refused."""
    today = today or timezone.localdate()
    _record_scope(actor, region, department)
    if department is not None:
        if region is not None and region.pk != department.region_id:
            raise Refusal(
                f"部门的宣传信息计入其所属的{department.region.name}，不能另选地区",
                field="地区",
                value=region.name,
            )
        region = department.region
    if region is None:
        raise Refusal(
            "请选择发布宣传信息的县（市、区）或部门",
            field="地区",
            rule=H08,
            clause=rule_clause(actor.region, H08, today.year) if actor.region is not None else "",
        )
    if media_level not in MediaLevel.values:
        raise Refusal(
            "媒体级别应为县级、市级、省级、国家级或乡镇及以下", field="媒体级别", value=str(media_level)
        )
    title = _text(title, "标题", 200)
    media_name = _text(media_name, "媒体名称", 100)
    link = _text(link, "链接或出处", 500)
    _not_future(published_on, "发布日期", today)
    duplicate = MediaItem.objects.filter(
        region=region,
        department=department,
        title=title,
        media_name=media_name,
        published_on=published_on,
        state=RecordState.RECORDED,
    ).exists()
    if duplicate:
        raise Refusal(
            f"该宣传信息已登记（{media_name} {published_on:%Y-%m-%d}），不能重复计数",
            field="标题",
            value=title,
            rule=H08,
            clause=rule_clause(region, H08, today.year),
        )
    item = MediaItem.objects.create(
        region=region,
        department=department,
        title=title,
        media_name=media_name,
        media_level=media_level,
        published_on=published_on,
        link=link,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    event_record(
        actor=actor,
        action="media_item.record",
        obj=item,
        to_state=item.state,
        payload={"title": title, "media": media_name, "level": media_level, "on": published_on.isoformat()},
        region_path=region.path,
        department_id=department.pk if department else None,
    )
    return item


@transaction.atomic
def media_item_withdraw(*, actor: User, item: MediaItem, reason: str) -> MediaItem:
    """Withdraw an item recorded by mistake: it stays listed, no longer counted toward H08."""
    return _withdraw(actor, item, reason, "media_item.withdraw")


@transaction.atomic
def competition_record(
    *,
    actor: User,
    region: Region,
    department: Department | None,
    name: str,
    level: int,
    held_on: dt.date,
    participants: int,
    today: dt.date | None = None,
) -> Competition:
    """H02 技能竞赛（场）: record a competition held; the dashboard counts it in its region, organiser
    department and month."""
    today = today or timezone.localdate()
    _record_scope(actor, region, department)
    if level not in CompetitionLevel.values:
        raise Refusal("竞赛级别不正确", field="竞赛级别", value=str(level))
    name = _text(name, "竞赛名称", 200)
    _not_future(held_on, "举办日期", today)
    if participants < 1:
        raise Refusal(
            "参赛人数应为正整数",
            field="参赛人数",
            value=str(participants),
            rule=H02,
            clause=rule_clause(region, H02, today.year),
        )
    if Competition.objects.filter(
        region=region, name=name, held_on=held_on, state=RecordState.RECORDED
    ).exists():
        raise Refusal(
            f"该竞赛已登记（{held_on:%Y-%m-%d}），不能重复计数",
            field="竞赛名称",
            value=name,
            rule=H02,
            clause=rule_clause(region, H02, today.year),
        )
    competition = Competition.objects.create(
        region=region,
        department=department,
        name=name,
        level=level,
        held_on=held_on,
        participants=participants,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    event_record(
        actor=actor,
        action="competition.record",
        obj=competition,
        to_state=competition.state,
        payload={"name": name, "level": level, "on": held_on.isoformat(), "participants": participants},
        region_path=region.path,
        department_id=department.pk if department else None,
    )
    return competition


@transaction.atomic
def competition_withdraw(*, actor: User, competition: Competition, reason: str) -> Competition:
    return _withdraw(actor, competition, reason, "competition.withdraw")
