"""Actuals computed from the records, never typed in, and the reads of reports and bulletins.

Each indicator is one aggregate query over its source table, grouped by what the caller asks for
(region, department, unit, month): classes' rosters (training, apprentices), approved and paid claim
lines (subsidised), the certificate register (skilled, high-skilled, technicians: H03/E07/E08 applied by
jineng.policy.progress to the grouped counts), vouchers (issued, used). A region subtree is the set of
region ids whose path starts with the region's: rows are rolled up to the level shown in Python over
the grouped counts, which are few.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.http import Http404

from jineng.accounts.models import User
from jineng.catalogue.models import EvaluationFiling
from jineng.certificates.models import Certificate
from jineng.claims.models import ClaimLine, ClaimState
from jineng.claims.programmes import programmes
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.policy import progress as rules
from jineng.policy import reporting
from jineng.policy.profiles import ParameterNotSet, Profile, get_profile
from jineng.policy.workdays import CalendarNotCovered
from jineng.progress.models import (
    Bulletin,
    Competition,
    LedgerEntry,
    MediaItem,
    MonthlyActual,
    MonthlyReport,
    RecordState,
    ReportState,
    Rollup,
)
from jineng.regions.models import Department, ProfileAssignment, Region
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training.models import Enrolment, FundingType
from jineng.training.selectors import OPENED_STATES  # a class counts toward training once it has opened
from jineng.vouchers.models import Voucher, VoucherState
from jineng.workcal.selectors import work_calendar

# Subsidised training: payable lines of claims the bureau has approved (and later batched and paid).
COUNTED_CLAIM_STATES = (ClaimState.APPROVED, ClaimState.IN_BATCH, ClaimState.PAID)

# The indicators computed here (the iface5 codes), and helper counts the H04 ratios need.
INDICATORS: tuple[str, ...] = (
    "training",
    "subsidised",
    "skilled",
    "high_skilled",
    "technicians",
    "apprentices",
    # H02 职业技能等级认定备案机构（家）: organisations newly filed for recognition in the year (I09 filings).
    "recognition_bodies",
    "competitions",
    "vouchers_issued",
    "vouchers_used",
)
MANUFACTURING = "subsidised_manufacturing"
CERTIFICATES = "certificates"
SPECIAL_COMPLETION = "special_completion"
HELPERS: tuple[str, ...] = (MANUFACTURING, CERTIFICATES, SPECIAL_COMPLETION)
# Indicators of H02 with no record in the platform to count them from (none since filings are recorded).
NOT_RECORDED: tuple[str, ...] = ()

GROUPS = ("child", "region", "department", "organisation", "month")


@dataclass(frozen=True)
class ActualRow:
    indicator: str
    child_id: int | None  # the shown region's child the row lies under (0: the region itself)
    region_id: int | None
    department_id: int | None
    organisation_id: int | None
    month: int | None
    persons: int


@dataclass(frozen=True)
class Filter:
    year: int
    region: Region
    department_id: int | None = None
    up_to_month: int | None = None  # cumulative to the end of this month


def region_for_progress(user: User, region_id: int | None) -> Region:
    """The region a user asks to see (their own by default); 404 outside their scope."""
    scope = scope_of(user)
    if region_id is None:
        region_id = scope.region_id
    region = Region.objects.filter(pk=region_id or 0, path__startswith=scope.region_path).first()
    if region is None:
        raise Http404("地区不存在或不在您的管辖范围内")
    return region


def crumbs_for(user: User, region: Region) -> list[tuple[Region, bool]]:
    """The regions from the top down to ``region``, each with whether the user may open it: a region above
    his scope (the province for a city's staff) is named, not linked, as its page would answer 404."""
    path = scope_of(user).region_path
    return [
        (r, r.path.startswith(path))
        for r in Region.objects.filter(pk__in=region.ancestor_ids()).order_by("depth")
    ]


def department_for_progress(user: User, department_id: int | None) -> int | None:
    """A department user always sees their own department's figures; others may narrow to one."""
    scope = scope_of(user)
    if scope.is_department:
        if department_id is not None and department_id != scope.department_id:
            raise Http404("部门不存在或不在您的管辖范围内")
        return scope.department_id or -1
    if department_id is None:
        return None
    if not Department.objects.filter(pk=department_id, region__path__startswith=scope.region_path).exists():
        raise Http404("部门不存在或不在您的管辖范围内")
    return department_id


def subtree_ids(region: Region) -> list[int]:
    return list(Region.objects.filter(path__startswith=region.path).values_list("id", flat=True))


# --- the per-indicator sources ---------------------------------------------------------------------------


def _enrolments(f: Filter, ids: list[int]) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(
        status=Enrolment.Status.ENROLLED,
        training_class__state__in=OPENED_STATES,
        training_class__start_date__year=f.year,
        training_class__region_id__in=ids,
    )
    if f.department_id is not None:
        qs = qs.filter(training_class__department_id=f.department_id)
    if f.up_to_month is not None:
        qs = qs.filter(training_class__start_date__month__lte=f.up_to_month)
    return qs


def _claim_lines(f: Filter, ids: list[int]) -> QuerySet[ClaimLine]:
    qs = ClaimLine.objects.filter(
        status=ClaimLine.Status.PAYABLE,
        claim__state__in=COUNTED_CLAIM_STATES,
        training_class__start_date__year=f.year,
        claim__region_id__in=ids,
        # Training subsidies only: a certificate's evaluation subsidy is held with the class's lines but
        # pays no training.
        claim__programme__in=[p.code for p in programmes() if p.purpose == "training"],
    )
    if f.department_id is not None:
        qs = qs.filter(claim__department_id=f.department_id)
    if f.up_to_month is not None:
        qs = qs.filter(training_class__start_date__month__lte=f.up_to_month)
    return qs


def _certificates(f: Filter, ids: list[int]) -> QuerySet[Certificate]:
    """H03: the register's certificates of the year, whatever their route (a class's result, an enterprise's
    recognition, a social evaluation, a competition, an appraisal, a special ability), each once, in the
    region, department and unit it belongs to."""
    qs = Certificate.objects.filter(issued_on__year=f.year, region_id__in=ids)
    if f.department_id is not None:
        qs = qs.filter(department_id=f.department_id)
    if f.up_to_month is not None:
        qs = qs.filter(issued_on__month__lte=f.up_to_month)
    return qs


def _vouchers(f: Filter, ids: list[int], *, used: bool) -> QuerySet[Voucher]:
    if f.department_id is not None:
        # Vouchers are issued by the bureau to a person: they belong to no industry department.
        return Voucher.objects.none()
    day = "redeemed_on" if used else "issued_on"
    qs = Voucher.objects.filter(**{f"{day}__year": f.year}, region_id__in=ids)
    if used:
        qs = qs.filter(state=VoucherState.REDEEMED)
    if f.up_to_month is not None:
        qs = qs.filter(**{f"{day}__month__lte": f.up_to_month})
    return qs


def _competitions(f: Filter, ids: list[int]) -> QuerySet[Competition]:
    qs = Competition.objects.filter(state=RecordState.RECORDED, held_on__year=f.year, region_id__in=ids)
    if f.department_id is not None:
        qs = qs.filter(department_id=f.department_id)
    if f.up_to_month is not None:
        qs = qs.filter(held_on__month__lte=f.up_to_month)
    return qs


def _recognitions(f: Filter, ids: list[int]) -> QuerySet[EvaluationFiling]:
    """H02 认定备案机构: an organisation's first 职业技能等级认定备案, in the year it was filed (新备案), in its
    region, department and month."""
    earlier = EvaluationFiling.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        kind=EvaluationFiling.Kind.RECOGNITION,
        filed_on__lt=OuterRef("filed_on"),
    )
    qs = EvaluationFiling.objects.filter(
        kind=EvaluationFiling.Kind.RECOGNITION, filed_on__year=f.year, organisation__region_id__in=ids
    ).exclude(Exists(earlier))
    if f.department_id is not None:
        qs = qs.filter(organisation__department_id=f.department_id)
    if f.up_to_month is not None:
        qs = qs.filter(filed_on__month__lte=f.up_to_month)
    return qs


def _child_case(region_field: str, children: dict[int, list[int]]) -> Any:
    """The child of the shown region each row lies under, computed in the query: a province's 2,000,000
    roster rows come back as 18 cities × 12 months instead of one row per county and month."""
    whens = [
        When(**{f"{region_field}__in": ids}, then=Value(child)) for child, ids in children.items() if ids
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _grouped(
    qs: QuerySet[Any], fields: dict[str, Any], by: Sequence[str], extra: Sequence[str] = (), n: Any = None
) -> Any:
    names = [g for g in by if fields.get(g) is not None]
    annotated = qs.annotate(**{f"g_{g}": fields[g] for g in names})
    return annotated.values(*[f"g_{g}" for g in names], *extra).annotate(n=n or Count("id")).order_by()


def _row(indicator: str, values: dict[str, Any], by: Sequence[str], n: int) -> ActualRow:
    got = {g: values.get(f"g_{g}") for g in GROUPS if g in by}
    return ActualRow(
        indicator=indicator,
        child_id=got.get("child"),
        region_id=got.get("region"),
        department_id=got.get("department"),
        organisation_id=got.get("organisation"),
        month=got.get("month"),
        persons=int(n),
    )


@contextmanager
def _no_jit() -> Iterator[None]:
    """PostgreSQL's JIT compiles these aggregates because their cost estimate is high, and spends
    ~0.6 s doing so on a query that runs in ~0.2 s: off for the duration, for this transaction only."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def actual_rows(
    f: Filter,
    *,
    by: Sequence[str] = ("region", "month"),
    indicators: Iterable[str] = INDICATORS + HELPERS,
    children: dict[int, list[int]] | None = None,
) -> list[ActualRow]:
    with _no_jit():
        return _actual_rows(f, by=by, indicators=indicators, children=children)


def _actual_rows(
    f: Filter,
    *,
    by: Sequence[str],
    indicators: Iterable[str],
    children: dict[int, list[int]] | None,
) -> list[ActualRow]:
    """The year's actuals in ``f.region``'s subtree, one aggregate query per source, grouped by ``by``
    (a subset of child / region / department / organisation / month; "child" needs ``children``: child
    region id → the region ids of its subtree, see :func:`children_of`)."""
    wanted = set(indicators)
    ids = subtree_ids(f.region)
    out: list[ActualRow] = []

    def fields(prefix: str, month: Any, *, department: bool = True) -> dict[str, Any]:
        region = f"{prefix}region_id"
        return {
            "child": _child_case(region, children) if children is not None else None,
            "region": F(region),
            "department": F(f"{prefix}department_id") if department else None,
            "month": month,
        }

    if wanted & {"training", "apprentices"}:
        got = fields("training_class__", ExtractMonth("training_class__start_date"))
        got["organisation"] = F("training_class__institution_id")
        for v in _grouped(_enrolments(f, ids), got, by, extra=("training_class__funding_type",)):
            if "training" in wanted:
                out.append(_row("training", v, by, v["n"]))
            if "apprentices" in wanted and v["training_class__funding_type"] == FundingType.APPRENTICESHIP:
                out.append(_row("apprentices", v, by, v["n"]))
    if "training" in wanted:
        # E09: the ledger's trainings outside the subsidised classes, their trainees in the start month.
        got = fields("", ExtractMonth("start_date"))
        got["organisation"] = F("organisation_id")
        for v in _grouped(_ledger(f, ids), got, by, n=Sum("persons")):
            out.append(_row("training", v, by, v["n"]))

    if wanted & {"subsidised", MANUFACTURING}:
        # Counted in the month the training started, like person-times: "of which subsidised" is then
        # a part of the training figure, whenever the bureau approved the claim.
        got = fields("claim__", ExtractMonth("training_class__start_date"))
        got["organisation"] = F("training_class__institution_id")
        qs = _claim_lines(f, ids).annotate(
            g_manufacturing=ExpressionWrapper(
                Q(training_class__occupation__major_code=rules.MANUFACTURING_MAJOR_GROUP),
                output_field=BooleanField(),
            )
        )
        for v in _grouped(qs, got, by, extra=("g_manufacturing",)):
            if "subsidised" in wanted:
                out.append(_row("subsidised", v, by, v["n"]))
            if MANUFACTURING in wanted and v["g_manufacturing"]:
                out.append(_row(MANUFACTURING, v, by, v["n"]))

    if wanted & {"skilled", "high_skilled", "technicians", CERTIFICATES, SPECIAL_COMPLETION}:
        got = fields("", ExtractMonth("issued_on"))
        got["organisation"] = F("unit_id")
        earlier = Certificate.objects.filter(
            holder_id=OuterRef("holder_id"),
            kind__in=rules.LEVELLED_KINDS,
            issued_on__lt=OuterRef("issued_on"),
        )
        # E08 only matters for 高级工 and above: the earlier-certificate lookup is asked for those only.
        results = _certificates(f, ids).annotate(
            # CASE, not AND: the lookup runs only for 高级工+ rows (PostgreSQL evaluates an AND in a
            # SELECT list left to right, and ran it for every certificate).
            g_earlier=Case(
                When(level__lte=rules.SENIOR_WORKER, then=Exists(earlier)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        for v in _grouped(results, got, by, extra=("kind", "level", "g_earlier")):
            kind, level = v["kind"], v["level"]
            if CERTIFICATES in wanted:
                out.append(_row(CERTIFICATES, v, by, v["n"]))
            if SPECIAL_COMPLETION in wanted and kind in rules.SPECIAL_AND_COMPLETION:
                out.append(_row(SPECIAL_COMPLETION, v, by, v["n"]))
            counts = rules.certificate_counts_toward(kind=kind, level=level, had_earlier=bool(v["g_earlier"]))
            for indicator in counts & wanted:
                out.append(_row(indicator, v, by, v["n"]))

    for indicator, used in (("vouchers_issued", False), ("vouchers_used", True)):
        if indicator in wanted:
            got = fields("", ExtractMonth("redeemed_on" if used else "issued_on"), department=False)
            got["organisation"] = F("institution_id")
            for v in _grouped(_vouchers(f, ids, used=used), got, by):
                out.append(_row(indicator, v, by, v["n"]))

    if "recognition_bodies" in wanted:
        got = fields("organisation__", ExtractMonth("filed_on"))
        got["organisation"] = F("organisation_id")
        for v in _grouped(_recognitions(f, ids), got, by):
            out.append(_row("recognition_bodies", v, by, v["n"]))

    if "competitions" in wanted:
        # H02 技能竞赛（场）: one per competition held, in its region, organiser department and month.
        got = fields("", ExtractMonth("held_on"))
        for v in _grouped(_competitions(f, ids), got, by):
            out.append(_row("competitions", v, by, v["n"]))
    return out


def rollup_rows(
    f: Filter,
    *,
    by: Sequence[str] = ("region", "month"),
    indicators: Iterable[str] = INDICATORS + HELPERS,
    children: dict[int, list[int]] | None = None,
) -> list[ActualRow]:
    """The same rows as :func:`actual_rows`, read from the monthly roll-up (one query)."""
    if (
        children is not None
        and "child" in by
        and f.department_id is None
        and not {"department", "organisation"} & set(by)
    ):
        return _rollup_by_child(f, by, indicators, children)
    # The coarsest grain that still has what is asked for.
    if "organisation" in by:
        grain = MonthlyActual.Grain.UNIT
    elif "department" in by or f.department_id is not None:
        grain = MonthlyActual.Grain.DEPARTMENT
    else:
        grain = MonthlyActual.Grain.REGION
    qs = MonthlyActual.objects.filter(
        year=f.year, grain=grain, region_id__in=subtree_ids(f.region), indicator__in=list(indicators)
    )
    if f.department_id is not None:
        qs = qs.filter(department_id=f.department_id)
    if f.up_to_month is not None:
        qs = qs.filter(month__lte=f.up_to_month)
    fields = {
        "child": _child_case("region_id", children) if children is not None else None,
        "region": F("region_id"),
        "department": F("department_id"),
        "organisation": F("organisation_id"),
        "month": F("month"),
    }
    names = [g for g in by if fields.get(g) is not None]
    got = (
        qs.annotate(**{f"g_{g}": fields[g] for g in names})
        .values(*[f"g_{g}" for g in names], "indicator")
        .annotate(n=Sum("persons"))
        .order_by()
    )
    return [_row(v["indicator"], v, by, v["n"]) for v in got]


def _rollup_by_child(
    f: Filter, by: Sequence[str], indicators: Iterable[str], children: dict[int, list[int]]
) -> list[ActualRow]:
    """Each child's subtree total (grain SUBTREE, on the child itself) and the region's own records
    (grain REGION, the region only, as child 0): a few thousand rows whatever the subtree's size."""
    qs = MonthlyActual.objects.filter(
        Q(grain=MonthlyActual.Grain.SUBTREE, region_id__in=list(children))
        | Q(grain=MonthlyActual.Grain.REGION, region_id=f.region.pk),
        year=f.year,
        indicator__in=list(indicators),
    )
    if f.up_to_month is not None:
        qs = qs.filter(month__lte=f.up_to_month)
    child = Case(
        When(grain=MonthlyActual.Grain.REGION, then=Value(0)),
        default=F("region_id"),
        output_field=IntegerField(),
    )
    names = [g for g in by if g in ("child", "month")]
    fields = {"child": child, "month": F("month")}
    got = (
        qs.annotate(**{f"g_{g}": fields[g] for g in names})
        .values(*[f"g_{g}" for g in names], "indicator")
        .annotate(n=Sum("persons"))
        .order_by()
    )
    return [_row(v["indicator"], v, by, v["n"]) for v in got]


def rollup_of(year: int) -> Rollup | None:
    return Rollup.objects.filter(year=year).first()


def children_of(region: Region) -> tuple[list[Region], dict[int, list[int]]]:
    """The region's children in order, and each child's subtree ids (one query for the whole subtree)."""
    kids = list(Region.objects.filter(parent=region).order_by("position", "id"))
    by_id = {k.pk: k for k in kids}
    subtree: dict[int, list[int]] = {k.pk: [] for k in kids}
    depth = region.depth + 1
    for rid, path in Region.objects.filter(path__startswith=region.path).values_list("id", "path"):
        parts = [int(p) for p in path.strip("/").split("/") if p]
        if len(parts) > depth and parts[depth] in by_id:
            subtree[parts[depth]].append(rid)
    return kids, subtree


# --- reports and bulletins --------------------------------------------------------------------------------


def reports_visible(user: User) -> QuerySet[MonthlyReport]:
    if not can(user.role, "progress.view"):
        return MonthlyReport.objects.none()
    scope = scope_of(user)
    qs = MonthlyReport.objects.select_related("region", "department", "submitted_by", "approved_by").filter(
        scope.region_q()
    )
    if scope.is_department:
        # H06: a department sees the regions' reports and its own, not another department's.
        qs = qs.filter(Q(department=None) | Q(department_id=scope.department_id or -1))
    return qs


def bulletins_visible(user: User) -> QuerySet[Bulletin]:
    if not can(user.role, "progress.view"):
        return Bulletin.objects.none()
    return Bulletin.objects.select_related("region", "issued_by").filter(scope_of(user).region_q())


# --- H08 publicity items and H02 competitions -----------------------------------------------------------


def _outreach_scoped(user: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    if not can(user.role, "outreach.view"):
        return qs.none()
    scope = scope_of(user)
    qs = qs.filter(scope.region_q())
    if scope.is_department:
        # A department sees its own records only (none when it has no department).
        qs = qs.filter(department_id=scope.department_id or -1)
    return qs


def media_items_visible(user: User) -> QuerySet[MediaItem]:
    return _outreach_scoped(
        user, MediaItem.objects.select_related("region", "department", "recorded_by", "withdrawn_by")
    )


def competitions_visible(user: User) -> QuerySet[Competition]:
    return _outreach_scoped(
        user, Competition.objects.select_related("region", "department", "recorded_by", "withdrawn_by")
    )


def record_regions(user: User) -> QuerySet[Region]:
    """Regions a user may record for: the bureau its subtree; a department none (its records take its
    department's region)."""
    scope = scope_of(user)
    if not can(user.role, "outreach.record") or scope.is_department:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=scope.region_path).order_by("path")


def competition_regions(user: User) -> QuerySet[Region]:
    """Where a competition may be recorded as held: the user's subtree (a department's too)."""
    if not can(user.role, "outreach.record"):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=scope_of(user).region_path).order_by("path")


def record_departments(user: User) -> QuerySet[Department]:
    if not can(user.role, "outreach.record"):
        return Department.objects.none()
    scope = scope_of(user)
    qs = Department.objects.filter(scope.region_q()).select_related("region")
    if scope.is_department:
        qs = qs.filter(pk=scope.department_id or -1)
    return qs


@dataclass
class MediaCompliance:
    """H08 for one region's year: its counties and (for a city) its departments, or why it cannot be
    judged ("本政策口径未规定…", no profile, a province)."""

    region: Region
    year: int
    counties: list[rules.MediaStanding]
    departments: list[rules.MediaStanding]
    refusal: str = ""

    @property
    def violations(self) -> list[Any]:
        return rules.media_violations(self.counties + self.departments)


def media_compliance(user: User, region: Region, year: int) -> MediaCompliance:
    """Counts the year's recorded items in one grouped query, then judges them with the profile in force."""
    out = MediaCompliance(region, year, [], [])
    scope = scope_of(user)
    if region.kind == Region.Kind.PROVINCE:
        out.refusal = f"{region.name}：H08 按市考核各县（市、区）和市直部门，请选择一个市查看"
        return out
    kids, subtree = children_of(region)
    counties: dict[int, tuple[str, dict[int, int]]] = {}
    if not scope.is_department:
        if kids:
            counties = {k.pk: (k.display_name, {}) for k in kids}
        else:
            counties = {region.pk: (region.display_name, {})}
            subtree = {region.pk: [region.pk]}
    departments: dict[int, tuple[str, dict[int, int]]] = {}
    if region.kind == Region.Kind.CITY:
        for d in record_departments_of(user, region):
            departments[d.pk] = (d.name, {})
    county_of = {rid: kid for kid, ids in subtree.items() for rid in ids}
    rows = (
        media_items_visible(user)
        .filter(state=RecordState.RECORDED, published_on__year=year, region__path__startswith=region.path)
        .values("region_id", "department_id", "media_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in rows:
        if r["department_id"] is not None:
            if r["department_id"] in departments:
                levels = departments[r["department_id"]][1]
                levels[r["media_level"]] = levels.get(r["media_level"], 0) + r["n"]
            continue
        county = county_of.get(r["region_id"])
        if county in counties:
            levels = counties[county][1]
            levels[r["media_level"]] = levels.get(r["media_level"], 0) + r["n"]
    try:
        standings = rules.media_standings(
            profile_for(region, year), counties=counties, departments=departments
        )
    except (ParameterNotSet, NoProfile) as exc:
        out.refusal = str(exc)
        return out
    out.counties = [s for s in standings if s.kind == rules.COUNTY]
    out.departments = [s for s in standings if s.kind == rules.DEPARTMENT]
    return out


def record_departments_of(user: User, city: Region) -> QuerySet[Department]:
    """市直各成员单位 the user may see: the city's own departments (a department user: itself)."""
    scope = scope_of(user)
    qs = Department.objects.filter(region=city).order_by("position", "name")
    if scope.is_department:
        qs = qs.filter(pk=scope.department_id or -1)
    return qs


# --- E09 技能培训台账 ---------------------------------------------------------------------------------------


def ledger_visible(user: User) -> QuerySet[LedgerEntry]:
    """The bureau its subtree, a department its own entries, an institution or enterprise its own."""
    if not can(user.role, "trainingbook.view"):
        return LedgerEntry.objects.none()
    qs = LedgerEntry.objects.select_related(
        "region", "department", "organisation", "occupation", "recorded_by"
    )
    if user.role == Role.INSTITUTION:
        return qs.filter(organisation_id=user.organisation_id or -1)
    scope = scope_of(user)
    qs = qs.filter(scope.region_q())
    if scope.is_department:
        qs = qs.filter(department_id=scope.department_id or -1)
    return qs


def city_path(region: Region) -> str:
    """The path of the region's 地级市 (or the region itself above it): an institution's own city."""
    return "/" + "/".join(region.path.strip("/").split("/")[:2]) + "/"


def ledger_regions(user: User) -> QuerySet[Region]:
    """Where a training may be entered as held: staff their subtree; an institution its own city."""
    if not can(user.role, "trainingbook.record"):
        return Region.objects.none()
    if user.role == Role.INSTITUTION:
        org = user.organisation
        if org is None:
            return Region.objects.none()
        return Region.objects.filter(path__startswith=city_path(org.region)).order_by("path")
    return Region.objects.filter(path__startswith=scope_of(user).region_path).order_by("path")


def ledger_departments(user: User) -> QuerySet[Department]:
    """The departments an entry may name: those of the regions the user may enter (a department only
    itself)."""
    if not can(user.role, "trainingbook.record"):
        return Department.objects.none()
    scope = scope_of(user)
    if scope.is_department:
        return Department.objects.filter(pk=scope.department_id or -1).select_related("region")
    if user.role == Role.INSTITUTION:
        org = user.organisation
        if org is None:
            return Department.objects.none()
        return (
            Department.objects.filter(region__path__startswith=city_path(org.region))
            .select_related("region")
            .order_by("region__path", "name")
        )
    return (
        Department.objects.filter(scope.region_q()).select_related("region").order_by("region__path", "name")
    )


def _ledger(f: Filter, ids: list[int]) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.filter(state=RecordState.RECORDED, start_date__year=f.year, region_id__in=ids)
    if f.department_id is not None:
        qs = qs.filter(department_id=f.department_id)
    if f.up_to_month is not None:
        qs = qs.filter(start_date__month__lte=f.up_to_month)
    return qs


def ledger_total(user: User, *, year: int, region: Region) -> int:
    """The ledger's trainees (E09) counted in the year's 职业技能培训（人次） of the region's subtree."""
    if not can(user.role, "progress.view"):
        return 0
    qs = LedgerEntry.objects.filter(
        state=RecordState.RECORDED, start_date__year=year, region__path__startswith=region.path
    )
    return int(qs.aggregate(n=Sum("persons"))["n"] or 0)


# --- H06 the reporting calendar: periodic reports of regions and departments, and what is late ----------

# The departments that report (XC23 附件2 and ZZHS21 表2 list industry departments and mass organisations
# with their own targets); the HR and finance bureaus are the ones who approve.
REPORTING_DEPARTMENT_KINDS: tuple[str, ...] = (Department.Kind.INDUSTRY, Department.Kind.MASS)


def _profiles_by_region(year: int) -> dict[str, Profile]:
    """Region path → the profile assigned to it for the year (regions below inherit the nearest)."""
    return {
        path: get_profile(code, version)
        for path, code, version in ProfileAssignment.objects.filter(year=year).values_list(
            "region__path", "profile_code", "profile_version"
        )
    }


def _profile_at(path: str, assigned: dict[str, Profile]) -> Profile | None:
    found = [p for p in assigned if path.startswith(p)]
    return assigned[max(found, key=len)] if found else None


def offered_kinds(region: Region, year: int) -> tuple[str, ...]:
    """H06: the reports a region (and its departments) makes for the year: the monthly report always (every
    document has it), and what the profile in force requires; a region above the profiles (a province)
    makes what its regions' profiles require."""
    assigned = _profiles_by_region(year)
    kinds = {reporting.MONTHLY}
    own = _profile_at(region.path, assigned)
    if own is not None:
        kinds |= set(reporting.required_kinds(own))
    else:
        for path, profile in assigned.items():
            if path.startswith(region.path):
                kinds |= set(reporting.required_kinds(profile))
    return tuple(k for k in reporting.KIND_ORDER if k in kinds)


def periodic_reports_visible(user: User) -> QuerySet[MonthlyReport]:
    """Every periodic report in scope; a department user sees its own department's only."""
    if not can(user.role, "progress.view"):
        return MonthlyReport.objects.none()
    scope = scope_of(user)
    qs = MonthlyReport.objects.select_related(
        "region", "department", "submitted_by", "approved_by", "returned_by"
    ).filter(scope.region_q())
    if scope.is_department:
        qs = qs.filter(department_id=scope.department_id or -1)
    return qs


def reporting_departments(user: User, region: Region) -> QuerySet[Department]:
    """The departments of ``region`` that report (a department user: its own, where it reports)."""
    scope = scope_of(user)
    qs = Department.objects.filter(region=region, kind__in=REPORTING_DEPARTMENT_KINDS).order_by(
        "position", "name"
    )
    if scope.is_department:
        qs = qs.filter(pk=scope.department_id or -1)
    return qs


def department_for_report(user: User, department_id: int | None) -> Department:
    """A reporting department in the user's scope (a department user: its own); 404 otherwise."""
    scope = scope_of(user)
    qs = Department.objects.select_related("region").filter(
        region__path__startswith=scope.region_path, kind__in=REPORTING_DEPARTMENT_KINDS
    )
    if scope.is_department:
        qs = qs.filter(pk=scope.department_id or -1)
    department = qs.filter(pk=department_id or 0).first()
    if department is None:
        raise Http404("部门不存在或不在您的管辖范围内")
    return department


# Who acts next on a late report: the subject submits (a missing or returned report of a county or a
# department), the level above approves (a submitted report, or a region's own report made by approval).
SUBMIT, APPROVE = "submit", "approve"
LATE_STATES = {
    "missing": "未报送",
    "pending": "未审核",
    ReportState.SUBMITTED: "已报送待审核",
    ReportState.RETURNED: "已退回待重报",
}


@dataclass(frozen=True)
class LateReport:
    """H06: one report due and not approved, with its deadline and the calendar days past it."""

    period: reporting.Period
    region: Region
    department: Department | None
    state: str  # a LATE_STATES key
    due_on: dt.date
    days_overdue: int
    report_id: int | None
    action: str  # SUBMIT or APPROVE

    @property
    def subject(self) -> str:
        return self.department.name if self.department is not None else self.region.name

    @property
    def state_label(self) -> str:
        return LATE_STATES[self.state]

    @property
    def action_label(self) -> str:
        return "待报送" if self.action == SUBMIT else "待审核"


def reports_late(user: User, *, year: int, today: dt.date, region: Region | None = None) -> list[LateReport]:
    """H06: every report of the user's scope (``region``'s subtree: its regions and reporting departments)
    that was due before ``today`` and is not approved, most overdue first. Due = the profile's working days
    after the period ends; a kind the profile does not require, or whose deadline it does not set, is
    never late. A department user sees its own department's only."""
    if not can(user.role, "progress.view"):
        return []
    scope = scope_of(user)
    root_path = region.path if region is not None else scope.region_path
    assigned = _profiles_by_region(year)
    if not assigned:
        return []
    calendar = work_calendar()
    regions = list(Region.objects.filter(path__startswith=root_path).order_by("path"))
    with_lower = set(
        Region.objects.filter(path__startswith=root_path, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    departments = Department.objects.select_related("region").filter(
        region__path__startswith=root_path, kind__in=REPORTING_DEPARTMENT_KINDS
    )
    if scope.is_department:
        regions = []
        departments = departments.filter(pk=scope.department_id or -1)
    reports = {
        (r.kind, r.period, r.region_id, r.department_id): r
        for r in MonthlyReport.objects.filter(year=year, region__path__startswith=root_path).only(
            "id", "kind", "period", "region_id", "department_id", "state"
        )
    }
    dues: dict[tuple[str, str, int], dt.date | None] = {}

    def due(profile: Profile, period: reporting.Period) -> dt.date | None:
        key = (profile.key, period.kind, period.number)
        if key not in dues:
            try:
                dues[key] = reporting.due_on(profile, period, calendar)
            except CalendarNotCovered:
                dues[key] = None  # a deadline in a year the calendar does not hold yet is not here yet
        return dues[key]

    subjects: list[tuple[Region, Department | None]] = [(r, None) for r in regions]
    subjects += [(d.region, d) for d in departments.order_by("region__path", "position", "name")]
    out: list[LateReport] = []
    for subject_region, department in subjects:
        profile = _profile_at(subject_region.path, assigned)
        if profile is None:
            continue
        for kind in reporting.required_kinds(profile):
            for period in reporting.periods(kind, year):
                if period.end >= today:
                    break
                due_on = due(profile, period)
                if due_on is None or due_on >= today:
                    continue
                dept_id = department.pk if department is not None else None
                report = reports.get((kind, period.number, subject_region.pk, dept_id))
                if report is not None and report.state == ReportState.APPROVED:
                    continue
                made_by_approval = department is None and subject_region.pk in with_lower
                if report is None:
                    state, action = ("pending", APPROVE) if made_by_approval else ("missing", SUBMIT)
                elif report.state == ReportState.SUBMITTED:
                    state, action = report.state, APPROVE
                else:
                    state, action = report.state, SUBMIT
                out.append(
                    LateReport(
                        period=period,
                        region=subject_region,
                        department=department,
                        state=state,
                        due_on=due_on,
                        days_overdue=reporting.days_overdue(due_on, today),
                        report_id=report.pk if report is not None else None,
                        action=action,
                    )
                )
    out.sort(
        key=lambda late: (-late.days_overdue, late.region.path, late.department is not None, late.subject)
    )
    return out
