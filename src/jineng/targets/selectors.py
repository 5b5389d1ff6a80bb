"""Reads of target plans, always through the user's scope.

A plan is visible to a user when the plan's region or any of its rows lies in the user's region subtree
(a district sees its own row of the city's table); inside a plan only the rows in scope are shown, and a
department user sees only the rows of their department.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from jineng.accounts.models import User
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.policy.profiles import TRAINEE_GROUPS, Profile, SpecialProgramme
from jineng.policy.targets import LABELS, UNITS, persons_to_wan
from jineng.policy.violations import Violation
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, profile_for
from jineng.targets.models import Control, Plan, Split, Target
from jineng.targets.table import PlanTable, build
from jineng.training import selectors as training_selectors
from jineng.training.selectors import GroupCount


@dataclass(frozen=True)
class TargetRow:
    indicator: str
    region_id: int
    department_id: int | None
    organisation_id: int | None
    persons: int
    # Beyond iface5 (defaults keep it compatible): a department or unit table decomposes the same city
    # total a region table does, so sums across plans must pick one layout.
    plan_id: int = 0
    layout: str = ""


def targets_visible(user: User) -> QuerySet[Target]:
    if not can(user.role, "plan.view"):
        return Target.objects.none()
    scope = scope_of(user)
    qs = Target.objects.filter(scope.region_q())
    if scope.is_department:
        qs = qs.filter(department_id=scope.department_id) if scope.department_id else qs.none()
    return qs


def plans_visible(user: User) -> QuerySet[Plan]:
    if not can(user.role, "plan.view"):
        return Plan.objects.none()
    scope = scope_of(user)
    rows = targets_visible(user).filter(plan=OuterRef("pk"))
    own = Q(region__path__startswith=scope.region_path) if not scope.is_department else Q(pk__in=[])
    return Plan.objects.select_related("region").filter(own | Q(Exists(rows)))


def plan_list(user: User, *, year: int | None = None, region_id: int | None = None) -> QuerySet[Plan]:
    qs = plans_visible(user)
    if year is not None:
        qs = qs.filter(year=year)
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    return qs.order_by("-year", "region__path", "source", "id")


def plan_get(user: User, plan_id: int) -> Plan:
    """Raises Plan.DoesNotExist (→ 404) for a plan outside the user's scope."""
    return plans_visible(user).get(pk=plan_id)


def plan_targets(user: User, plan: Plan) -> list[Target]:
    qs = targets_visible(user).filter(plan=plan)
    return list(qs.select_related("region", "department", "organisation").order_by("position", "id"))


def plan_controls(user: User, plan: Plan) -> list[Control]:
    """A plan's totals are shown only to whoever sees the whole plan (its region in scope, not a
    department narrowed to its own rows): a part's rows cannot be compared with the whole's total."""
    scope = scope_of(user)
    if not can(user.role, "plan.view") or scope.is_department or not scope.contains_path(plan.region.path):
        return []
    return list(plan.controls.order_by("id"))


def plan_years(user: User) -> list[int]:
    return sorted(set(plans_visible(user).values_list("year", flat=True)), reverse=True)


def target_rows(*, user: User, year: int, region: Region) -> list[TargetRow]:
    """All targets of the year's plans whose row region lies in ``region``'s subtree, within the user's
    scope. ``persons`` is the figure in force (H05: the province's where it is higher)."""
    qs = (
        targets_visible(user)
        .filter(plan__year=year, region__path__startswith=region.path)
        .order_by("plan_id", "position", "id")
    )
    return [
        TargetRow(
            indicator=t.indicator,
            region_id=t.region_id,
            department_id=t.department_id,
            organisation_id=t.organisation_id,
            persons=t.effective_persons,
            plan_id=t.plan_id,
            layout=t.plan.layout,
        )
        for t in qs.select_related("plan").only(
            "indicator",
            "region_id",
            "department_id",
            "organisation_id",
            "persons",
            "province_persons",
            "plan__layout",
        )
    ]


def row_count(user: User, plan: Plan) -> int:
    return targets_visible(user).filter(plan=plan).values("position").distinct().count()


def plan_regions(user: User) -> list[Region]:
    ids = plans_visible(user).values_list("region_id", flat=True)
    return list(Region.objects.filter(pk__in=ids).order_by("path"))


def manages_region(user: User, region: Region) -> bool:
    return can(user.role, "plan.manage") and scope_of(user).contains_path(region.path)


def manages(user: User, plan: Plan) -> bool:
    return manages_region(user, plan.region)


def manageable_regions(user: User) -> QuerySet[Region]:
    if not can(user.role, "plan.manage"):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=scope_of(user).region_path).order_by("path")


def plan_table(user: User, plan: Plan) -> PlanTable:
    """The plan as the document's table, the rows the user may see; H07 under the plan's profile."""
    try:
        profile = profile_for(plan.region, plan.year)
    except NoProfile:
        profile = None
    table = build(plan, plan_targets(user, plan), plan_controls(user, plan), profile)
    # H01 across tables; a part whose own control row already holds the split figure says it once.
    own = {(str(c.indicator), c.persons) for c in plan_controls(user, plan)}
    for split in _splits([plan]):
        for indicator, whole, warning in _split_checks(split):
            if split.whole_id == plan.pk or (indicator, whole) not in own:
                table.warnings.append(warning)
    return table


# --- H01 across tables (issue 16) ----------------------------------------------------------------------------


def _figures(plan: Plan, region_id: int | None) -> dict[str, int]:
    """A plan's figures by indicator: its row of the region itself (no department, no unit), or all rows."""
    qs = Target.objects.filter(plan=plan)
    if region_id is not None:
        qs = qs.filter(region_id=region_id, department=None, organisation=None)
    out: dict[str, int] = {}
    for t in qs:
        out[t.indicator] = out.get(t.indicator, 0) + t.effective_persons
    return out


def _split_checks(split: Split) -> list[tuple[str, int, Violation]]:
    """H01 across tables: the parts' sums against the split figure, per indicator the parts carry; a figure
    short of the whole is a part no table allocates, one over it an overrun. (indicator, whole, warning)"""
    whole = _figures(split.whole, split.whole_region_id)
    parts = list(split.parts.order_by("source"))
    sums: dict[str, int] = {}
    for p in parts:
        for indicator, n in _figures(p, None).items():
            sums[indicator] = sums.get(indicator, 0) + n
    names = "、".join(p.source for p in parts)
    clause = split.clause or f"{split.whole.source}、{names}"
    out = []
    for indicator, total in whole.items():
        if indicator not in sums or sums[indicator] == total:
            continue
        unit = UNITS.get(indicator, "人")
        gap = total - sums[indicator]
        what = f"未分解 {gap} {unit}" if gap > 0 else f"超出 {-gap} {unit}"
        warning = Violation(
            rule="H01",
            clause=clause,
            message=(
                f"{split.whole.source}“{split.label}”{LABELS.get(indicator, indicator)} "
                f"{persons_to_wan(total)}（{total}{unit}），{names}合计 {sums[indicator]} {unit}：{what}"
            ),
            field=LABELS.get(indicator, indicator),
        )
        out.append((indicator, total, warning))
    return out


def split_warnings(split: Split) -> list[Violation]:
    return [w for _, _, w in _split_checks(split)]


def _splits(plans: Sequence[Plan]) -> list[Split]:
    ids = [p.pk for p in plans]
    qs = Split.objects.select_related("whole", "whole__region").filter(Q(whole_id__in=ids) | Q(parts__in=ids))
    return list(qs.distinct().order_by("whole__region__path", "whole__source", "id"))


def cross_table_warnings(
    *, plans: Sequence[Plan] = (), year: int | None = None, region: Region | None = None
) -> list[Violation]:
    """The cross-table warnings of the splits the given plans take part in (as the whole or a part), or of
    every split of a year in a region's subtree (the dashboard)."""
    if plans:
        return [w for split in _splits(plans) for w in split_warnings(split)]
    qs = Split.objects.select_related("whole", "whole__region").filter(whole__year=year or 0)
    if region is not None:
        qs = qs.filter(whole__region__path__startswith=region.path)
    return [
        w
        for split in qs.order_by("whole__region__path", "whole__source", "id")
        for w in split_warnings(split)
    ]


# --- J03: special programmes and trainee groups, counted from the enrolments ----------------------------------


@dataclass(frozen=True)
class ProgrammeRow:
    programme: SpecialProgramme
    target: int | None  # the plan rows of the region and year labelled with the programme's name (HC21 附件1)
    count: GroupCount

    @property
    def share(self) -> str:
        return f"{self.count.trainees * 100 / self.target:.1f}%" if self.target else "—"

    @property
    def upgrade_share(self) -> str:
        return f"{self.count.upgrade * 100 / self.count.trainees:.1f}%" if self.count.trainees else "—"

    @property
    def upgrade_short(self) -> bool:
        """Below the document's least share of 技能提升培训 (XC19 二(一)), once the programme has trainees."""
        least = self.programme.upgrade_share_min
        return (
            least is not None and self.count.trainees > 0 and self.count.upgrade < least * self.count.trainees
        )


@dataclass(frozen=True)
class GroupRow:
    code: str
    label: str
    count: GroupCount


@dataclass(frozen=True)
class ProgrammeProgress:
    region: Region
    year: int
    profile: Profile | None
    problem: str  # why there is no profile, in Chinese
    programmes: list[ProgrammeRow]
    groups: list[GroupRow]


_NONE = GroupCount(0, 0, 0)


def programme_regions(user: User) -> QuerySet[Region]:
    """The regions the user may look at: his own and those below it."""
    if not can(user.role, "plan.view"):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=scope_of(user).region_path).order_by("path")


def programme_progress(user: User, *, year: int, region: Region) -> ProgrammeProgress:
    """J03: each special programme of the region's profile with its target (plan rows named after it) and
    the trainees of opened classes tagged with it; and the trainees of every opened class by group."""
    try:
        profile: Profile | None = profile_for(region, year)
        problem = ""
    except NoProfile as exc:
        profile, problem = None, str(exc)
    by_programme = training_selectors.programme_counts(user, year=year, region=region)
    programmes: list[ProgrammeRow] = []
    if profile is not None:
        names = [p.name for p in profile.programmes.values()]
        targets: dict[str, int] = {}
        rows = targets_visible(user).filter(plan__year=year, plan__region=region, label__in=names)
        for t in rows:
            targets[t.label] = targets.get(t.label, 0) + t.effective_persons
        programmes = [
            ProgrammeRow(p, targets.get(p.name), by_programme.get(p.code, _NONE))
            for p in profile.programmes.values()
        ]
    by_group = training_selectors.group_counts(user, year=year, region=region)
    groups = [GroupRow(code, label, by_group.get(code, _NONE)) for code, label in TRAINEE_GROUPS.items()]
    groups.append(GroupRow("", "未填写人员类别", by_group.get("", _NONE)))
    return ProgrammeProgress(region, year, profile, problem, programmes, groups)
