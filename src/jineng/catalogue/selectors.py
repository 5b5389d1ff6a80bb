"""Every read of the catalogue. ``*_visible`` / ``*_search`` are scoped to a user; the bulk helpers used
by the training app (``institution_occupations_valid``, ``teachers_of``, ``workstations_of``,
``obtainable_certificates``, ``catalogue_for``, ``organisation_bars``) take ids the caller already
holds in scope and answer in one query each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.db.models import Q, QuerySet

from jineng.accounts.models import User
from jineng.catalogue.models import (
    CatalogueItem,
    EvaluationFiling,
    EvaluationScope,
    InstitutionOccupation,
    Occupation,
    OccupationCategory,
    OccupationCertificate,
    OnlinePlatformFiling,
    Teacher,
    Workstation,
)
from jineng.catalogue.services import rule_clause
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.orgs.selectors import organisations_visible
from jineng.policy.bodies import FilingLine
from jineng.policy.identity import mask_id_number
from jineng.policy.standards import StandardItem
from jineng.policy.violations import Violation
from jineng.regions.models import Region

A12_SINCE = dt.date(2022, 1, 1)

# --------------------------------------------------------------------------------------------------
# Occupations (national, the same for everyone who may see the catalogue).


def occupations_search(q: str = "", *, flag: str = "", major: str = "") -> QuerySet[Occupation]:
    """By code prefix ("6-31"), or name fragment; ``flag`` "L" green, "S" digital; ``major`` 大类 code."""
    qs = Occupation.objects.all()
    q = q.strip()
    if q:
        qs = qs.filter(code__startswith=q) if q[:1].isdigit() else qs.filter(name__contains=q)
    if flag == "L":
        qs = qs.filter(is_green=True)
    elif flag == "S":
        qs = qs.filter(is_digital=True)
    if major:
        qs = qs.filter(major_code=major)
    return qs


def category_names() -> dict[str, str]:
    """大类 / 中类 / 小类 code → name, for the pages (one query)."""
    return dict(OccupationCategory.objects.values_list("code", "name"))


def majors() -> list[tuple[str, str]]:
    return list(OccupationCategory.objects.filter(level=1).values_list("code", "name"))


def obtainable_certificates(occupation_codes: Iterable[str]) -> dict[str, set[str]]:
    """E02: certificate kinds each occupation's training leads to (occupations without any: absent)."""
    out: dict[str, set[str]] = {}
    rows = OccupationCertificate.objects.filter(occupation__code__in=list(occupation_codes)).values_list(
        "occupation__code", "kind"
    )
    for code, kind in rows:
        out.setdefault(code, set()).add(kind)
    return out


# --------------------------------------------------------------------------------------------------
# The province's (and cities') lists.


def _chain_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def catalogue_items_visible(user: User) -> QuerySet[CatalogueItem]:
    """The lists of the user's region, of the regions above it (the province's) and of those below it."""
    if not can(user.role, "catalogue.view"):
        return CatalogueItem.objects.none()
    scope = scope_of(user)
    qs = CatalogueItem.objects.select_related("region", "occupation", "trade")
    return qs.filter(Q(region__path__in=_chain_paths(scope.region_path)) | scope.region_q())


def catalogue_search(
    user: User, *, q: str = "", region_id: int | None = None, year: int | None = None, kind: str = ""
) -> QuerySet[CatalogueItem]:
    qs = catalogue_items_visible(user)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(occupation__code__startswith=q) | Q(occupation__name__contains=q) | Q(trade__name__contains=q)
        )
    if region_id:
        qs = qs.filter(region_id=region_id)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(certificate_kind=kind)
    return qs


def catalogue_regions(user: User) -> QuerySet[Region]:
    """Regions whose lists the user may read (for the filter)."""
    scope = scope_of(user)
    return Region.objects.filter(
        Q(path__in=_chain_paths(scope.region_path)) | Q(path__startswith=scope.region_path)
    )


def catalogue_for(region: Region, year: int) -> QuerySet[CatalogueItem]:
    """The list in force in ``region`` for ``year``: its own lines and those of every region above it."""
    return CatalogueItem.objects.filter(region_id__in=region.ancestor_ids(), year=year).select_related(
        "region", "occupation", "trade"
    )


# --------------------------------------------------------------------------------------------------
# Institutions: occupations (A11), teachers (A15), workstations, platforms (D01), status (A12, C09).


def _org_scoped(user: User) -> QuerySet[Organisation]:
    if not can(user.role, "catalogue.view"):
        return Organisation.objects.none()
    return organisations_visible(user)


def training_organisations(user: User) -> QuerySet[Organisation]:
    return _org_scoped(user).filter(kind__in=Organisation.TRAINING_KINDS)


def institution_occupations_visible(user: User) -> QuerySet[InstitutionOccupation]:
    return InstitutionOccupation.objects.filter(organisation__in=_org_scoped(user)).select_related(
        "organisation", "occupation"
    )


def institution_occupations_search(
    user: User, *, q: str = "", organisation_id: int | None = None, on: dt.date | None = None
) -> QuerySet[InstitutionOccupation]:
    qs = institution_occupations_visible(user)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(organisation__name__contains=q)
            | Q(occupation__name__contains=q)
            | Q(occupation__code__startswith=q)
        )
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if on:
        qs = qs.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    return qs


def institution_occupations_valid(org_ids: Iterable[int], on_date: dt.date) -> dict[int, set[str]]:
    """A11: occupation codes each institution may train on ``on_date`` (a change counts from its day)."""
    out: dict[int, set[str]] = {org_id: set() for org_id in org_ids}
    rows = (
        InstitutionOccupation.objects.filter(organisation_id__in=list(out), valid_from__lte=on_date)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on_date))
        .values_list("organisation_id", "occupation__code")
    )
    for org_id, code in rows:
        out[org_id].add(code)
    return out


def teachers_visible(user: User) -> QuerySet[Teacher]:
    return Teacher.objects.filter(organisation__in=_org_scoped(user)).select_related(
        "organisation", "occupation"
    )


def teachers_search(
    user: User, *, q: str = "", organisation_id: int | None = None, active: bool | None = True
) -> QuerySet[Teacher]:
    qs = teachers_visible(user)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__startswith=q) | Q(id_number=q.upper()) | Q(occupation__name__contains=q))
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def teachers_of(org_ids: Iterable[int]) -> list[Teacher]:
    """The active filed teachers of these institutions (A01, A06, A08, A15)."""
    return list(
        Teacher.objects.filter(organisation_id__in=list(org_ids), active=True).select_related("occupation")
    )


def teacher_id_number_for(user: User, teacher: Teacher) -> str:
    return teacher.id_number if can(user.role, "person.full_id") else mask_id_number(teacher.id_number)


def workstations_visible(user: User) -> QuerySet[Workstation]:
    return Workstation.objects.filter(organisation__in=_org_scoped(user)).select_related(
        "organisation", "occupation"
    )


def workstations_of(org_ids: Iterable[int]) -> dict[tuple[int, str], int]:
    """(organisation id, occupation code) → workstations (A02)."""
    rows = Workstation.objects.filter(organisation_id__in=list(org_ids)).values_list(
        "organisation_id", "occupation__code", "count"
    )
    return {(org_id, code): count for org_id, code, count in rows}


def platforms_visible(user: User) -> QuerySet[Organisation]:
    return (
        _org_scoped(user)
        .filter(kind=Organisation.Kind.ONLINE_PLATFORM)
        .select_related("region", "platform_filing")
    )


def organisation_bars(org_ids: Iterable[int], on_date: dt.date) -> dict[int, list[Violation]]:
    """Why each institution may not run subsidised training on ``on_date`` (empty list: nothing bars it).

    A12: suspended, exited, or an audit/inspection finding since 2022; C09: a rectification suspension;
    D01: an online platform not listed, filed and approved."""
    orgs = Organisation.objects.filter(pk__in=list(org_ids)).select_related("platform_filing", "region")
    out: dict[int, list[Violation]] = {}
    for org in orgs:
        bars: list[Violation] = []
        if org.status == Organisation.Status.EXITED:
            bars.append(
                Violation(
                    "A11",
                    rule_clause(org, "A11", on_date),
                    f"{org.name} 已退出目录：{org.status_reason}",
                    field="机构",
                )
            )
        elif org.status == Organisation.Status.SUSPENDED and (
            org.suspended_until is None or on_date < org.suspended_until
        ):
            rule = "C09" if org.status_reason.startswith("C09") else "A12"
            until = f"至 {org.suspended_until.isoformat()}" if org.suspended_until else "（未定期限）"
            bars.append(
                Violation(
                    rule,
                    "" if rule == "C09" else rule_clause(org, "A12", on_date),
                    f"{org.name} 暂停{until}：{org.status_reason}",
                    field="机构",
                )
            )
        if org.audit_finding_on is not None and A12_SINCE <= org.audit_finding_on <= on_date:
            bars.append(
                Violation(
                    "A12",
                    rule_clause(org, "A12", on_date),
                    f"{org.name} 于 {org.audit_finding_on.isoformat()} 被审计或督查发现问题",
                    field="机构",
                )
            )
        if org.kind == Organisation.Kind.ONLINE_PLATFORM:
            filing: OnlinePlatformFiling | None = getattr(org, "platform_filing", None)
            if filing is None or not filing.ready_on(on_date):
                bars.append(
                    Violation(
                        "D01",
                        rule_clause(org, "D01", on_date),
                        f"{org.name} 未列入目录或未完成备案审核",
                        field="线上平台",
                    )
                )
        out[org.pk] = bars
    return out


# --------------------------------------------------------------------------------------------------
# The standards as the pricing rules read them (jineng.policy.standards).


def standard_fact(item: CatalogueItem) -> StandardItem:
    """One version of a 补贴标准目录 line as a plain fact; needs region, occupation and trade loaded."""
    return StandardItem(
        item_id=item.pk,
        region=item.region.name,
        year=item.year,
        occupation_code=item.occupation.code,
        occupation_name=item.occupation.name,
        trade=item.trade.name if item.trade_id and item.trade else "",
        level=item.level,
        certificate_kind=item.certificate_kind,
        subsidy_type=item.subsidy_type,
        min_hours=item.hours,
        amount=item.subsidy,
        version=item.version,
        valid_from=item.valid_from,
        valid_to=item.valid_to,
        supplementary=item.supplementary,
        sample=item.sample,
        occupation_published_on=item.occupation.published_on,
    )


def standards_for(
    wanted: Mapping[tuple[int, int, int], Sequence[int]],
) -> dict[tuple[int, int, int], list[StandardItem]]:
    """(region id, year, occupation id) → every version of every line that may price a class there, given
    each key's region chain (``Region.ancestor_ids``): the region's own list and those of the regions
    above it, the most local region first. One query for the whole batch."""
    if not wanted:
        return {}
    region_ids = {r for chain in wanted.values() for r in chain}
    years = {y for _, y, _ in wanted}
    occupations = {o for _, _, o in wanted}
    items = list(
        CatalogueItem.objects.filter(
            region_id__in=region_ids, year__in=years, occupation_id__in=occupations
        ).select_related("region", "occupation", "trade")
    )
    facts = {i.pk: standard_fact(i) for i in items}
    out: dict[tuple[int, int, int], list[StandardItem]] = {}
    for (region_id, year, occ), chain in wanted.items():
        depth = {r: n for n, r in enumerate(chain)}
        mine = [i for i in items if i.year == year and i.occupation_id == occ and i.region_id in depth]
        mine.sort(key=lambda i: (-depth[i.region_id], i.version))
        out[(region_id, year, occ)] = [facts[i.pk] for i in mine]
    return out


def line_version_on(item: CatalogueItem, day: dt.date) -> CatalogueItem:
    """The version of ``item``'s line in force on ``day``; ``item`` itself when none is."""
    found = (
        CatalogueItem.objects.filter(
            region_id=item.region_id,
            year=item.year,
            occupation_id=item.occupation_id,
            trade=item.trade,
            level=item.level,
            certificate_kind=item.certificate_kind,
            subsidy_type=item.subsidy_type,
            valid_from__lte=day,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .select_related("region", "occupation", "trade")
        .first()
    )
    return found or item


# --------------------------------------------------------------------------------------------------
# Evaluation bodies' filings (I09). The 评价机构目录 is published: a user sees the filings of the regions
# above and below his own and those of the organisations he may see.


def evaluation_filings_visible(user: User) -> QuerySet[EvaluationFiling]:
    if not can(user.role, "catalogue.view"):
        return EvaluationFiling.objects.none()
    scope = scope_of(user)
    return (
        EvaluationFiling.objects.filter(
            Q(region__path__in=_chain_paths(scope.region_path))
            | scope.region_q()
            | Q(organisation__in=organisations_visible(user))
        )
        .select_related("organisation", "region")
        .prefetch_related("scope__occupation")
        .distinct()
    )


def filing_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations whose filings the user may record: those of his region (any kind: a recognition
    filing may be of an enterprise or a school)."""
    return _org_scoped(user)


def evaluation_filings_managed(user: User) -> QuerySet[EvaluationFiling]:
    """The filings the user may end: those of the organisations of his region."""
    return evaluation_filings_visible(user).filter(organisation__in=filing_organisations(user))


def evaluation_filings_search(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    organisation_id: int | None = None,
    on: dt.date | None = None,
) -> QuerySet[EvaluationFiling]:
    qs = evaluation_filings_visible(user)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(organisation__name__contains=q)
            | Q(ref__contains=q)
            | Q(scope__occupation__name__contains=q)
            | Q(scope__occupation__code__startswith=q)
        ).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if on:
        qs = qs.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    return qs


def evaluation_scope_of(filing_ids: Iterable[int]) -> dict[int, list[EvaluationScope]]:
    """Each filing's scope lines, in one query."""
    out: dict[int, list[EvaluationScope]] = {}
    for line in EvaluationScope.objects.filter(filing_id__in=list(filing_ids)).select_related("occupation"):
        out.setdefault(line.filing_id, []).append(line)
    return out


def evaluation_bodies_filed() -> QuerySet[Organisation]:
    """Every organisation with a filing (any date): the bodies a cross-region arrangement may name."""
    return Organisation.objects.filter(evaluation_filings__isnull=False).distinct().order_by("name")


def filing_lines(
    *,
    occupation_id: int | None = None,
    certificate_kind: str | None = None,
    body_ids: Iterable[int] | None = None,
) -> list[FilingLine]:
    """I09: filing lines, every date and region, as the policy reads them (jineng.policy.bodies), for an
    occupation (and kind), narrowed to ``body_ids`` when given. Unscoped: the directory is published."""
    qs = EvaluationScope.objects.select_related("filing__organisation", "filing__region")
    if occupation_id is not None:
        qs = qs.filter(occupation_id=occupation_id)
    if certificate_kind is not None:
        qs = qs.filter(certificate_kind=certificate_kind)
    if body_ids is not None:
        qs = qs.filter(filing__organisation_id__in=list(body_ids))
    return [
        FilingLine(
            body_id=s.filing.organisation_id,
            body_name=s.filing.organisation.name,
            filing_ref=s.filing.ref,
            region_path=s.filing.region.path,
            region_name=s.filing.region.name,
            occupation_id=s.occupation_id,
            certificate_kind=s.certificate_kind,
            level=s.level,
            valid_from=s.filing.valid_from,
            valid_to=s.filing.valid_to,
        )
        for s in qs
    ]


def evaluation_filings_in_force(organisation_id: int, *, on: dt.date) -> list[EvaluationFiling]:
    """An organisation's filings (评价机构目录 and 认定备案) in force on ``on`` or starting later."""
    return list(
        EvaluationFiling.objects.filter(organisation_id=organisation_id).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=on)
        )
    )
