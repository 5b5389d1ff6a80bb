"""Writes of target plans: create (demo, import), the row-checked xlsx import, the province's figure (H05).

Every write is one transaction with its audit event. A plan is all-or-nothing: a table whose rows do not
all resolve to a region, department or unit of the plan's region creates nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.core.permissions import require
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.policy.targets import LABELS, Indicator
from jineng.policy.violations import Violation
from jineng.regions.models import Department, Region
from jineng.regions.selectors import NoProfile
from jineng.regions.selectors import rule_clause as region_rule_clause
from jineng.targets import sheet
from jineng.targets.models import Control, Plan, PlanImport, Split, Target

# What the document calls the issuing region's own row.
OWN_LEVEL_LABELS = frozenset({"市本级", "市直", "本级", "县本级", "全市", "全县"})
# Subtotal rows over the regions below the issuing one (ZZ21 附件1, ZZHS21 表1).
BELOW_TOTAL_LABELS = ("县（市、区）合计", "区县（市）合计", "县（市、区）小计", "区县合计", "县区合计")


@dataclass(frozen=True)
class RowIn:
    label: str
    region: Region
    figures: dict[str, int]
    department: Department | None = None
    organisation: Organisation | None = None
    lead_units: str = ""


@dataclass(frozen=True)
class ControlIn:
    indicator: str
    label: str
    persons: int
    covers: str = Control.Covers.ALL
    clause: str = ""


@dataclass
class Resolved:
    rows: list[RowIn] = field(default_factory=list)
    controls: list[ControlIn] = field(default_factory=list)
    problems: list[Violation] = field(default_factory=list)


def _clause(region: Region, year: int, rule: str) -> str:
    """The clause of ``rule`` as the region's profile words it (regions.selectors.rule_clause)."""
    try:
        return region_rule_clause(region, year, rule)
    except NoProfile as exc:
        raise Refusal(str(exc), field="地区") from None


def _check_manage(actor: Any, region: Region) -> None:
    """``actor=None`` is the system (the demo loader); a person needs plan.manage over the region."""
    if actor is None:
        return
    require(actor, "plan.manage")
    if not scope_of(actor).contains_path(region.path):
        raise PermissionDenied("该地区不在您的管辖范围内")


def _validate(*, year: int, region: Region, source: str, title: str, layout: str) -> None:
    if not 2000 <= year <= 2100:
        raise Refusal("年度应在 2000 至 2100 之间", field="年度", value=str(year))
    if not source.strip():
        raise Refusal("请填写出处（如文件名及“附件1”）", field="出处")
    if not title.strip():
        raise Refusal("请填写标题", field="标题")
    if layout not in Plan.Layout.values:
        raise Refusal("表式无效", field="表式", value=layout)
    if Plan.objects.filter(year=year, region=region, source=source.strip()).exists():
        raise Refusal(
            f"{region.name}{year}年已有出处为“{source.strip()}”的目标计划", field="出处", value=source
        )


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    year: int,
    region: Region,
    source: str,
    title: str,
    layout: str,
    rows: Sequence[RowIn],
    controls: Sequence[ControlIn] = (),
    note: str = "",
) -> Plan:
    _check_manage(actor, region)
    _validate(year=year, region=region, source=source, title=title, layout=layout)
    for row in rows:
        if not row.region.path.startswith(region.path):
            raise Refusal(
                f"“{row.label}”不在{region.name}范围内",
                field="地区",
                value=row.label,
                rule="H01",
                clause=_clause(region, year, "H01"),
            )
        for indicator, persons in row.figures.items():
            if indicator not in Indicator.__members__.values() or persons < 0:
                raise Refusal("目标数无效", field=LABELS.get(indicator, indicator), value=str(persons))
    keys: set[tuple[str, int, int | None, int | None, str]] = set()
    for row in rows:
        for indicator in row.figures:
            key = (
                indicator,
                row.region.pk,
                row.department.pk if row.department else None,
                row.organisation.pk if row.organisation else None,
                row.label,
            )
            if key in keys:
                raise Refusal(
                    f"“{row.label}”重复",
                    field="行名称",
                    value=row.label,
                    rule="H01",
                    clause=_clause(region, year, "H01"),
                )
            keys.add(key)
    plan = Plan.objects.create(
        year=year,
        region=region,
        source=source.strip(),
        title=title.strip(),
        layout=layout,
        note=note,
        created_by=actor,
    )
    targets = [
        Target(
            plan=plan,
            indicator=indicator,
            region=row.region,
            department=row.department,
            organisation=row.organisation,
            label=row.label,
            lead_units=row.lead_units,
            position=position,
            persons=persons,
        )
        for position, row in enumerate(rows, start=1)
        for indicator, persons in row.figures.items()
    ]
    Target.objects.bulk_create(targets)
    Control.objects.bulk_create(
        [
            Control(
                plan=plan,
                indicator=c.indicator,
                label=c.label,
                covers=c.covers,
                persons=c.persons,
                clause=c.clause,
            )
            for c in controls
        ]
    )
    event_record(
        actor=actor,
        action="plan.created",
        obj=plan,
        to_state="in_force",
        payload={
            "year": year,
            "source": plan.source,
            "layout": layout,
            "rows": len(rows),
            "targets": len(targets),
            "totals": {i: sum(t.persons for t in targets if t.indicator == i) for i in _order(targets)},
        },
        region_path=region.path,
    )
    return plan


def _order(targets: Sequence[Target]) -> list[str]:
    present = {t.indicator for t in targets}
    return [i.value for i in Indicator if i.value in present]


# --- import -----------------------------------------------------------------------------------------------


def _strip_note(label: str) -> str:
    """ "市教育局（含许昌职业技术学院）" → "市教育局": the table's remark is not part of the name."""
    return label.split("（", 1)[0].split("(", 1)[0].strip()


def _resolve_region(label: str, plan_region: Region) -> Region | str | None:
    if label in OWN_LEVEL_LABELS or label in (plan_region.name, plan_region.short_name):
        return plan_region
    below = Region.objects.filter(path__startswith=plan_region.path).exclude(pk=plan_region.pk)
    found = list(below.filter(name=label)) or list(below.filter(short_name=label))
    if len(found) > 1:
        return "ambiguous"
    return found[0] if found else None


def resolve(result: sheet.SheetResult, *, layout: str, region: Region, source: str) -> Resolved:
    """Sheet rows → plan rows; every name that does not resolve in the plan's region is a problem."""
    out = Resolved(problems=list(result.problems))
    key = sheet.KEY_HEADERS[layout]
    for row in result.rows:
        if layout == Plan.Layout.REGION:
            found = _resolve_region(row.label, region)
            if found == "ambiguous":
                out.problems.append(sheet.problem(row.row, key, row.label, f"{region.name}下有多个同名地区"))
            elif not isinstance(found, Region):
                out.problems.append(
                    sheet.problem(row.row, key, row.label, f"{region.name}下没有名为“{row.label}”的地区")
                )
            else:
                out.rows.append(RowIn(label=row.label, region=found, figures=row.figures))
        elif layout == Plan.Layout.DEPARTMENT:
            departments = Department.objects.filter(region=region)
            dept = (
                departments.filter(name=row.label).first()
                or departments.filter(name=_strip_note(row.label)).first()
            )
            if dept is None:
                out.problems.append(
                    sheet.problem(row.row, key, row.label, f"{region.name}没有名为“{row.label}”的部门")
                )
            else:
                out.rows.append(RowIn(label=row.label, region=region, department=dept, figures=row.figures))
        else:
            org = (
                Organisation.objects.select_related("region")
                .filter(name=row.label, region__path__startswith=region.path)
                .first()
            )
            if org is None:
                out.problems.append(
                    sheet.problem(row.row, key, row.label, f"{region.name}范围内没有名为“{row.label}”的单位")
                )
            else:
                out.rows.append(
                    RowIn(
                        label=row.label,
                        region=org.region,
                        department=org.department,
                        organisation=org,
                        figures=row.figures,
                    )
                )
    seen: dict[tuple[int, int | None, int | None], str] = {}
    for r in out.rows:
        identity = (
            r.region.pk,
            r.department.pk if r.department else None,
            r.organisation.pk if r.organisation else None,
        )
        if identity in seen:
            out.problems.append(sheet.problem(None, key, r.label, f"与“{seen[identity]}”是同一{key}，重复"))
        seen.setdefault(identity, r.label)
    for total in result.totals:
        covers = Control.Covers.BELOW if total.label in BELOW_TOTAL_LABELS else Control.Covers.ALL
        for indicator, persons in total.figures.items():
            out.controls.append(
                ControlIn(
                    indicator=indicator,
                    label=total.label,
                    persons=persons,
                    covers=covers,
                    clause=f"{source} {total.label}行",
                )
            )
    return out


@transaction.atomic
def plan_import(
    *,
    actor: Any,
    year: int,
    region: Region,
    source: str,
    title: str,
    layout: str,
    content: bytes,
    filename: str = "",
) -> PlanImport:
    """All or nothing. A refused upload is recorded with its report (row, column, value, message) and
    creates no plan; an accepted one creates the plan, its targets and its totals."""
    _check_manage(actor, region)
    if layout not in sheet.KEY_HEADERS:
        raise Refusal("请选择模板表式：按地区、按部门或按单位", field="表式", value=layout)
    _validate(year=year, region=region, source=source, title=title, layout=layout)
    result = sheet.read_sheet(content, layout=layout)
    record = PlanImport(
        year=year,
        region=region,
        source=source.strip(),
        title=title.strip(),
        layout=layout,
        filename=filename[:200],
        created_by=actor,
    )
    if result.fatal:
        problems = [sheet.problem(None, "", "", result.fatal)]
        resolved = Resolved(problems=problems)
    else:
        resolved = resolve(result, layout=layout, region=region, source=source.strip())
    if resolved.problems:
        record.state = PlanImport.State.REFUSED
        record.report = [
            {
                "row": v.row,
                "field": v.field,
                "value": v.value,
                "rule": v.rule,
                "clause": v.clause,
                "message": v.render(),
            }
            for v in resolved.problems
        ]
        record.save()
        event_record(
            actor=actor,
            action="plan.import_refused",
            obj=record,
            to_state=record.state,
            payload={"filename": record.filename, "problems": len(record.report)},
            region_path=region.path,
        )
        return record
    plan = plan_create(
        actor=actor,
        year=year,
        region=region,
        source=source,
        title=title,
        layout=layout,
        rows=resolved.rows,
        controls=resolved.controls,
    )
    record.state = PlanImport.State.ACCEPTED
    record.plan = plan
    record.save()
    event_record(
        actor=actor,
        action="plan.imported",
        obj=record,
        to_state=record.state,
        payload={"filename": record.filename, "plan": plan.pk},
        region_path=region.path,
    )
    return record


@transaction.atomic
def target_province_set(*, actor: Any, target: Target, persons: int | None) -> Target:
    """H05: record the province's figure for a row (None withdraws it); the higher one stands."""
    _check_manage(actor, target.plan.region)
    if persons is not None and persons < 0:
        raise Refusal(
            "省级下达数不能为负",
            field="省级下达数",
            value=str(persons),
            rule="H05",
            clause=_clause(target.plan.region, target.plan.year, "H05"),
        )
    before = target.province_persons
    Target.objects.filter(pk=target.pk).update(province_persons=persons)
    target.province_persons = persons
    event_record(
        actor=actor,
        action="target.province_set",
        obj=target,
        from_state=str(before) if before is not None else "",
        to_state=str(persons) if persons is not None else "",
        payload={
            "indicator": target.indicator,
            "city": target.persons,
            "effective": target.effective_persons,
        },
        region_path=target.region.path,
        department_id=target.department_id,
        organisation_id=target.organisation_id,
    )
    return target


# --- H01 across tables (issue 16) ---------------------------------------------------------------------------


@transaction.atomic
def split_record(
    *,
    actor: Any,
    whole: Plan,
    parts: Sequence[Plan],
    label: str,
    clause: str = "",
    whole_region: Region | None = None,
) -> Split:
    """Records that a figure of ``whole`` — its row of ``whole_region`` (the region's own row, e.g. 市本级), or
    the table's total when None — is split over ``parts`` (H01 across tables); the plans' pages, the API and
    the dashboard then warn of any part no table allocates, or any overrun."""
    _check_manage(actor, whole.region)
    parts = list(parts)
    if not parts or any(p.pk == whole.pk for p in parts):
        raise Refusal(
            "请选择分解到的其他表",
            field="分解到的表",
            rule="H01",
            clause=_clause(whole.region, whole.year, "H01"),
        )
    for p in parts:
        if p.year != whole.year or p.region_id != whole.region_id:
            raise Refusal(
                f"{p.source}与{whole.source}不是同一地区、同一年度的表",
                field="分解到的表",
                value=p.source,
                rule="H01",
                clause=_clause(whole.region, whole.year, "H01"),
            )
    if (
        whole_region is not None
        and not whole.targets.filter(region=whole_region, department=None, organisation=None).exists()
    ):
        raise Refusal(
            f"{whole.source}没有{whole_region.name}本级的行", field="被分解的行", value=whole_region.name
        )
    label = label.strip()
    if not label or len(label) > 64:
        raise Refusal("请填写名称（不超过64字）", field="名称")
    split = Split.objects.create(
        whole=whole, whole_region=whole_region, label=label, clause=clause.strip()[:120]
    )
    split.parts.set(parts)
    event_record(
        actor=actor,
        action="plan.split_recorded",
        obj=whole,
        payload={
            "split": split.pk,
            "parts": [p.pk for p in parts],
            "region": whole_region.pk if whole_region else None,
        },
        region_path=whole.region.path,
    )
    return split
