"""A plan as the document prints it: rows × indicators, an exact totals row, and beside the figures
the H01 sums that do not add up and the H07 school minimums a row falls short of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from jineng.orgs.models import Organisation
from jineng.policy import targets as rules
from jineng.policy.profiles import Profile
from jineng.policy.targets import LABELS, Indicator
from jineng.policy.violations import Violation
from jineng.regions.selectors import NoProfile
from jineng.regions.selectors import rule_clause as region_rule_clause
from jineng.targets.models import Control, Plan, Target

CHILDREN_LABELS = {
    Plan.Layout.REGION: "各地区合计",
    Plan.Layout.DEPARTMENT: "各部门合计",
    Plan.Layout.UNIT: "各单位合计",
    Plan.Layout.TASK: "各项任务合计",
}


@dataclass
class TableRow:
    label: str
    key_name: str  # the region / department / unit the row resolved to
    lead_units: str
    cells: dict[str, int | None]
    province: dict[str, int | None]
    target_ids: dict[str, int]
    warnings: list[Violation] = field(default_factory=list)

    def values(self, indicators: Sequence[str]) -> list[int | None]:
        return [self.cells.get(i) for i in indicators]


@dataclass
class ControlRow:
    label: str
    covers: str
    cells: dict[str, int | None]
    differences: dict[str, int]  # indicator → rows − control, only where they differ
    clause: str

    def values(self, indicators: Sequence[str]) -> list[int | None]:
        return [self.cells.get(i) for i in indicators]


@dataclass
class PlanTable:
    plan: Plan
    indicators: list[str]
    rows: list[TableRow]
    totals: dict[str, int]
    controls: list[ControlRow]
    warnings: list[Violation]

    @property
    def headers(self) -> list[str]:
        return [LABELS[i] for i in self.indicators]

    def total_values(self) -> list[int]:
        return [self.totals[i] for i in self.indicators]


def _key_name(t: Target) -> str:
    if t.organisation is not None:
        return t.organisation.name
    if t.department is not None:
        return t.department.name
    return t.region.name


def build(
    plan: Plan, targets: Sequence[Target], controls: Sequence[Control], profile: Profile | None
) -> PlanTable:
    present = {str(t.indicator) for t in targets} | {str(c.indicator) for c in controls}
    indicators: list[str] = [str(i.value) for i in Indicator if i.value in present]
    rows: dict[tuple[str, int, int | None, int | None], TableRow] = {}
    unit_of: dict[int, Organisation] = {}  # id(row) → the unit the row names (H07)
    for t in targets:
        key = (t.label, t.region_id, t.department_id, t.organisation_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = TableRow(t.label or _key_name(t), _key_name(t), t.lead_units, {}, {}, {})
            if t.organisation is not None:
                unit_of[id(row)] = t.organisation
        row.cells[t.indicator] = t.effective_persons
        row.province[t.indicator] = t.province_persons
        row.target_ids[t.indicator] = t.pk
    totals: dict[str, int] = {i: sum(r.cells.get(i) or 0 for r in rows.values()) for i in indicators}
    below: dict[str, int] = {
        i: sum(t.effective_persons for t in targets if t.indicator == i and t.region_id != plan.region_id)
        for i in indicators
    }
    warnings: list[Violation] = []

    def h01() -> str:
        """A control row without a source of its own quotes H01 as the plan's profile words it."""
        if profile is not None:
            return profile.rule_clause("H01")
        try:
            return region_rule_clause(plan.region, plan.year, "H01")
        except NoProfile:
            return ""  # a table is shown whatever the profiles: the warning keeps its rule and message

    control_rows: dict[tuple[str, str], ControlRow] = {}
    children_label = CHILDREN_LABELS.get(Plan.Layout(plan.layout), "各行合计")
    for c in controls:
        row_c = control_rows.setdefault((c.label, c.covers), ControlRow(c.label, c.covers, {}, {}, c.clause))
        indicator = str(c.indicator)
        row_c.cells[indicator] = c.persons
        sums = below if c.covers == Control.Covers.BELOW else totals
        label = "各县（市、区）合计" if c.covers == Control.Covers.BELOW else children_label
        found = rules.check_sum(
            indicator=indicator,
            parent_label=c.label,
            parent=c.persons,
            children_label=label,
            children=[sums.get(indicator, 0)],
            clause=c.clause or h01(),
        )
        if found is not None:
            row_c.differences[indicator] = sums.get(indicator, 0) - c.persons
            warnings.append(found)
    if profile is not None:
        for t_row in rows.values():
            org = unit_of.get(id(t_row))
            if org is None:
                continue
            school = rules.SchoolTarget(
                name=org.name,
                kind=org.kind,
                subsidised=t_row.cells.get(Indicator.SUBSIDISED),
                apprentices=t_row.cells.get(Indicator.APPRENTICES),
            )
            found_h07 = rules.check_school_minimums(profile, [school])
            t_row.warnings.extend(found_h07)
            warnings.extend(found_h07)
    return PlanTable(plan, indicators, list(rows.values()), totals, list(control_rows.values()), warnings)
