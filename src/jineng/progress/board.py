"""The dashboard's figures for one region, year, indicator and (optionally) department: the actuals of
selectors.actual_rows against the targets of jineng.targets, judged by jineng.policy.progress.

Reads only. Two aggregate passes over the records: every indicator by (child region, month), and the
chosen indicator by department; a county adds its units (organisations).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from jineng.accounts.models import User
from jineng.orgs.models import Organisation
from jineng.policy import progress as rules
from jineng.policy.profiles import ParameterNotSet, Profile, get_profile
from jineng.policy.targets import LABELS
from jineng.progress.selectors import (
    CERTIFICATES,
    INDICATORS,
    MANUFACTURING,
    NOT_RECORDED,
    SPECIAL_COMPLETION,
    ActualRow,
    Filter,
    actual_rows,
    children_of,
    rollup_of,
    rollup_rows,
)
from jineng.regions.models import Department, ProfileAssignment, Region
from jineng.regions.selectors import NoProfile
from jineng.targets.selectors import TargetRow, target_rows

MONTHS = tuple(range(1, 13))
Source = Callable[..., list[ActualRow]]


@dataclass
class Line:
    """One row of a table: a region, a department or a unit, for the chosen indicator."""

    key: int
    name: str
    actual: int = 0
    target: int | None = None
    months: list[int] = field(default_factory=lambda: [0] * 12)
    rate: Decimal | None = None
    rank: int | None = None
    behind: bool = False
    drill: bool = False  # a region with regions below it


@dataclass
class Summary:
    indicator: str
    label: str
    actual: int | None  # None: the platform has no record to count it from
    target: int | None
    rate: Decimal | None
    behind: bool


@dataclass
class RatioLine:
    name: str
    ratios: list[rules.Ratio | str]  # a Ratio, or why it cannot be judged ("本政策口径未规定…")


@dataclass
class Board:
    year: int
    region: Region
    indicator: str
    department_id: int | None
    up_to_month: int
    elapsed: Decimal
    summary: list[Summary]
    regions: list[Line]
    departments: list[Line]
    units: list[Line]
    trend: list[int]  # the chosen indicator month by month
    ratios: list[RatioLine]
    crumbs: list[Region]

    @property
    def ratio_notes(self) -> list[str]:
        """Why a ratio cannot be judged, each reason once (the cells only say 未规定)."""
        seen: dict[str, None] = {}
        for line in self.ratios:
            for r in line.ratios:
                if isinstance(r, str):
                    seen.setdefault(r)
        return list(seen)

    @property
    def ratio_note_numbers(self) -> dict[str, int]:
        """18.10: each reason's footnote number, so a cell says 未规定 with 注1 instead of the reason."""
        return {note: i for i, note in enumerate(self.ratio_notes, start=1)}

    @property
    def label(self) -> str:
        return LABELS[self.indicator]

    @property
    def cumulative(self) -> list[int]:
        out, run = [], 0
        for n in self.trend:
            run += n
            out.append(run)
        return out


def _judge(lines: list[Line], *, year: int, today: dt.date) -> None:
    for ln in lines:
        if ln.target is not None:
            ln.rate = rules.completion_rate(ln.actual, ln.target)
            ln.behind = rules.behind_schedule(ln.actual, ln.target, year=year, today=today)
    ranked = rules.ranks({ln.key: ln.rate for ln in lines})
    for ln in lines:
        ln.rank = ranked.get(ln.key)


def _target_sum(rows: list[TargetRow]) -> int | None:
    return sum(r.persons for r in rows) if rows else None


def build(
    *,
    user: User,
    year: int,
    region: Region,
    indicator: str,
    department_id: int | None,
    today: dt.date,
    live: bool | None = None,
) -> Board:
    """``live``: count from the records; False: read the monthly roll-up; None (the page): the roll-up
    when the year has one, else the records."""
    if live is None:
        live = rollup_of(year) is None
    source = actual_rows if live else rollup_rows
    up_to = 12 if today.year > year else (today.month if today.year == year else 0)
    as_of = min(today, dt.date(year, 12, 31))
    f = Filter(year=year, region=region, department_id=department_id)
    kids, subtree = children_of(region)
    rows = source(f, by=("child", "month"), children=subtree)
    targets = target_rows(user=user, year=year, region=region)
    # H01's axes: a row names a region only (the region table), a department, or a unit.
    if department_id is not None:
        axis = [t for t in targets if t.department_id == department_id and t.organisation_id is None]
    else:
        axis = [t for t in targets if t.department_id is None and t.organisation_id is None]
    child_of_region = {rid: kid for kid, ids in subtree.items() for rid in ids}

    # Summary of every indicator for the region.
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r.indicator] += r.persons
    summary = []
    for ind in (*INDICATORS[:6], *NOT_RECORDED, *INDICATORS[6:]):
        tgt = _target_sum([t for t in axis if t.indicator == ind])
        actual = None if ind in NOT_RECORDED else totals.get(ind, 0)
        summary.append(
            Summary(
                indicator=ind,
                label=LABELS[ind],
                actual=actual,
                target=tgt,
                rate=rules.completion_rate(actual, tgt) if actual is not None and tgt is not None else None,
                behind=actual is not None
                and tgt is not None
                and rules.behind_schedule(actual, tgt, year=year, today=as_of),
            )
        )

    # Lower regions for the chosen indicator; the region's own rows (市直, 县本级) as "本级".
    lines = {k.pk: Line(key=k.pk, name=k.display_name, drill=True) for k in kids}
    own = Line(key=0, name=f"{region.display_name}本级")
    trend = [0] * 12
    for r in rows:
        if r.indicator != indicator:
            continue
        line = lines.get(r.child_id or 0, own)
        line.actual += r.persons
        if r.month:
            line.months[r.month - 1] += r.persons
            trend[r.month - 1] += r.persons
    for kid_id, line in lines.items():
        line.target = _target_sum(
            [t for t in axis if t.indicator == indicator and child_of_region.get(t.region_id) == kid_id]
        )
    own_rows = [t for t in axis if t.indicator == indicator and t.region_id == region.pk]
    # A region's own row is its "本级" share when lower regions have rows of the indicator too (ZZ21
    # 附件1's 市本级 beside the districts); alone, it is the region's total (ZZ21 一's 全市 70万), which the
    # summary shows and no "本级" line may claim.
    if any(line.target is not None for line in lines.values()):
        own.target = _target_sum(own_rows)
    region_lines = list(lines.values())
    # A county has nothing below it: its units are the table, not a "本级" row of one.
    if kids and (own.actual or own.target):
        region_lines.append(own)
    _judge(region_lines, year=year, today=as_of)

    departments = _departments(source, f, indicator, targets, year=year, today=as_of)
    units = _units(source, f, indicator, targets, year=year, today=as_of) if not kids else []
    ratios = _ratios(kids or [region], rows, region, year)
    crumbs = list(Region.objects.filter(pk__in=region.ancestor_ids()).order_by("depth"))
    return Board(
        year=year,
        region=region,
        indicator=indicator,
        department_id=department_id,
        up_to_month=up_to,
        elapsed=rules.elapsed_share(year, today),
        summary=summary,
        regions=region_lines,
        departments=departments,
        units=units,
        trend=trend,
        ratios=ratios,
        crumbs=crumbs,
    )


def _departments(
    source: Source,
    f: Filter,
    indicator: str,
    targets: list[TargetRow],
    *,
    year: int,
    today: dt.date,
) -> list[Line]:
    rows = source(f, by=("department",), indicators=(indicator,))
    dept_targets = [
        t for t in targets if t.indicator == indicator and t.department_id and not t.organisation_id
    ]
    ids: set[int] = {r.department_id for r in rows if r.department_id}
    ids |= {t.department_id for t in dept_targets if t.department_id}
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    lines = {d: Line(key=d, name=names.get(d, "")) for d in sorted(ids, key=lambda d: names.get(d, ""))}
    for r in rows:
        if r.department_id in lines:
            lines[r.department_id].actual += r.persons
    for t in dept_targets:
        line = lines[t.department_id or 0]
        line.target = (line.target or 0) + t.persons
    out = list(lines.values())
    _judge(out, year=year, today=today)
    return out


def _units(
    source: Source, f: Filter, indicator: str, targets: list[TargetRow], *, year: int, today: dt.date
) -> list[Line]:
    rows = source(f, by=("organisation",), indicators=(indicator,))
    unit_targets = [t for t in targets if t.indicator == indicator and t.organisation_id]
    ids: set[int] = {r.organisation_id for r in rows if r.organisation_id}
    ids |= {t.organisation_id for t in unit_targets if t.organisation_id}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    lines = {o: Line(key=o, name=names.get(o, "")) for o in ids}
    for r in rows:
        if r.organisation_id in lines:
            lines[r.organisation_id].actual += r.persons
    for t in unit_targets:
        line = lines[t.organisation_id or 0]
        line.target = (line.target or 0) + t.persons
    out = sorted(lines.values(), key=lambda ln: (-ln.actual, ln.name))
    _judge(out, year=year, today=today)
    return out


def _ratio_checks(profile: Profile, got: dict[str, int]) -> list[rules.Ratio | str]:
    out: list[rules.Ratio | str] = []
    checks: tuple[tuple[Callable[..., rules.Ratio], dict[str, int]], ...] = (
        (rules.high_skilled_ratio, {"high_skilled": got["high_skilled"], "skilled": got["skilled"]}),
        (rules.manufacturing_ratio, {"manufacturing": got[MANUFACTURING], "subsidised": got["subsidised"]}),
        (
            rules.special_completion_ratio,
            {"special_and_completion": got[SPECIAL_COMPLETION], "certificates": got[CERTIFICATES]},
        ),
    )
    for make, counts in checks:
        try:
            out.append(make(profile, **counts))
        except ParameterNotSet as exc:
            out.append(str(exc))
    return out


def _profiles(regions: list[Region], year: int) -> dict[int, Profile | NoProfile]:
    """The profile in force for each region (the nearest assignment up its chain), in one query rather
    than one per region: a province view judges 18 cities."""
    chains = {reg.pk: reg.ancestor_ids() for reg in regions}
    wanted = {rid for chain in chains.values() for rid in chain}
    found = {
        a.region_id: a
        for a in ProfileAssignment.objects.filter(year=year, region_id__in=wanted).select_related("region")
    }
    out: dict[int, Profile | NoProfile] = {}
    for reg in regions:
        nearest = next((found[rid] for rid in reversed(chains[reg.pk]) if rid in found), None)
        out[reg.pk] = (
            get_profile(nearest.profile_code, nearest.profile_version) if nearest else NoProfile(reg, year)
        )
    return out


def _ratios(regions: list[Region], rows: list[ActualRow], parent: Region, year: int) -> list[RatioLine]:
    """H04, per lower region (the manufacturing share is per county, XC23 二(二) "各县（市、区）"); a
    county with none below it is judged on its own figures."""
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        per[parent.pk if regions == [parent] else r.child_id or 0][r.indicator] += r.persons
    profiles = _profiles(regions, year)
    out = []
    for reg in regions:
        profile = profiles[reg.pk]
        if isinstance(profile, NoProfile):
            out.append(RatioLine(reg.display_name, [str(profile)]))
            continue
        out.append(RatioLine(reg.display_name, _ratio_checks(profile, per[reg.pk])))
    return out
