"""Reads of assessments and certificates, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from jineng.accounts.models import User
from jineng.assessment.models import Assessment, CrossRegionArrangement, Result
from jineng.catalogue.models import LEVELLED_KINDS
from jineng.catalogue.selectors import filing_lines
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.policy import training as rules
from jineng.policy.identity import normalise_id_number
from jineng.policy.profiles import get_profile
from jineng.policy.violations import Violation
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training.models import TrainingClass


def assessments_visible(user: User) -> QuerySet[Assessment]:
    """Evaluator: assessments naming its organisation; institution: its own classes'; staff: the region subtree."""
    if not can(user.role, "class.view"):
        return Assessment.objects.none()
    scope = scope_of(user)
    qs = Assessment.objects.select_related(
        "training_class",
        "training_class__region",
        "training_class__occupation",
        "training_class__institution",
        "body",
    )
    if scope.is_organisation:
        if user.role == Role.EVALUATOR:
            return qs.filter(body_id=scope.organisation_id)
        return qs.filter(training_class__institution_id=scope.organisation_id)
    qs = qs.filter(scope.region_q("training_class__region"))
    if scope.is_department:
        qs = qs.filter(training_class__department_id=scope.department_id or 0)
    return qs


def results_queue(user: User) -> QuerySet[Assessment]:
    """An evaluation body's work: applied assessments still waiting for results."""
    if user.role != Role.EVALUATOR:
        return Assessment.objects.none()
    return assessments_visible(user).filter(state=Assessment.State.APPLIED).order_by("assessment_date")


def certificates_visible(user: User) -> QuerySet[Result]:
    """The certificate registry: passed results with a certificate number."""
    if not can(user.role, "certificate.view"):
        return Result.objects.none()
    return (
        Result.objects.filter(passed=True, assessment__in=assessments_visible(user))
        .exclude(certificate_number="")
        .select_related(
            "enrolment__person",
            "assessment__training_class__occupation",
            "assessment__training_class__region",
        )
        .order_by("-issued_on", "-id")
    )


def certificates_search(user: User, *, q: str = "") -> QuerySet[Result]:
    qs = certificates_visible(user)
    q = q.strip()
    if q:
        # A full ID number matches exactly (never a fragment of one); otherwise a name by prefix.
        qs = qs.filter(
            Q(enrolment__person__id_number=normalise_id_number(q)) | Q(enrolment__person__name__startswith=q)
        )
    return qs


@dataclass(frozen=True)
class ShareRow:
    """E06 for one region and year: special-ability + completion certificates against all."""

    region: Region
    year: int
    total: int
    special_completion: int
    limit: Decimal | None
    clause: str
    violation: Violation | None

    @property
    def share(self) -> Decimal:
        return Decimal(self.special_completion) / Decimal(self.total) if self.total else Decimal(0)


def special_completion_shares(user: User) -> list[ShareRow]:
    """E06 per class region and year, over the certificates the user may see; one grouped query."""
    grouped = (
        certificates_visible(user)
        .order_by()
        .values(
            "assessment__training_class__region_id", "assessment__training_class__year", "certificate_kind"
        )
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for g in grouped:
        key = (g["assessment__training_class__region_id"], g["assessment__training_class__year"])
        counts.setdefault(key, {})[g["certificate_kind"]] = g["n"]
    regions = Region.objects.in_bulk({k[0] for k in counts})
    out = []
    for (region_id, year), by_kind in sorted(
        counts.items(), key=lambda kv: (regions[kv[0][0]].path, kv[0][1])
    ):
        region = regions[region_id]
        try:
            profile = profile_for(region, year)
        except NoProfile:
            limit, clause, violation = None, "未设定政策档案", None
        else:
            param = profile.param("max_special_completion_share")
            limit = param.value
            clause = (
                profile.cite("max_special_completion_share")
                if param.is_set
                else f"{profile.code} {param.clause}"
            )
            violation = rules.check_special_completion_share(profile, by_kind)
        total = sum(by_kind.values())
        part = by_kind.get("special_ability", 0) + by_kind.get("completion", 0)
        out.append(ShareRow(region, year, total, part, limit, clause, violation))
    return out


# --- who may evaluate what (I08, I09) ---------------------------------------------------------------------


def arranged_bodies(tc: TrainingClass) -> set[int]:
    """I08: the bodies the bureau arranged for this class across regions."""
    return set(CrossRegionArrangement.objects.filter(training_class=tc).values_list("body_id", flat=True))


def bodies_for_class(tc: TrainingClass, *, on: dt.date) -> QuerySet[Organisation]:
    """I09: the bodies the application offers: filed for the class's occupation (any kind and level — the
    service checks the ones asked) with a filing not ended by ``on``, in a region covering the class or
    arranged for it by the bureau (I08)."""
    arranged = arranged_bodies(tc)
    ids = {
        ln.body_id
        for ln in filing_lines(occupation_id=tc.occupation_id)
        if (ln.valid_to is None or ln.valid_to > on) and (ln.covers(tc.region.path) or ln.body_id in arranged)
    }
    return Organisation.objects.filter(pk__in=ids).select_related("region").order_by("name")


def bodies_filed_for_occupation(tc: TrainingClass, *, on: dt.date) -> QuerySet[Organisation]:
    """I08: the bodies the bureau may arrange for the class: filed anywhere for its occupation, certificate
    and level, with a filing not ended by ``on``."""
    level = tc.level if tc.target_certificate in LEVELLED_KINDS else None
    ids = {
        ln.body_id
        for ln in filing_lines(occupation_id=tc.occupation_id, certificate_kind=tc.target_certificate)
        if ln.level == level and (ln.valid_to is None or ln.valid_to > on)
    }
    return Organisation.objects.filter(pk__in=ids).select_related("region").order_by("name")


def arrangements_visible(user: User) -> QuerySet[CrossRegionArrangement]:
    """I08 decisions on the classes the user may see."""
    if not can(user.role, "class.view"):
        return CrossRegionArrangement.objects.none()
    scope = scope_of(user)
    qs = CrossRegionArrangement.objects.select_related(
        "training_class", "training_class__region", "training_class__occupation", "body", "decided_by"
    )
    if scope.is_organisation:
        if user.role == Role.EVALUATOR:
            return qs.filter(body_id=scope.organisation_id)
        return qs.filter(training_class__institution_id=scope.organisation_id)
    qs = qs.filter(scope.region_q("training_class__region"))
    if scope.is_department:
        qs = qs.filter(training_class__department_id=scope.department_id or 0)
    return qs


# --- E06 before the claim ----------------------------------------------------------------------------------

SPECIAL_COMPLETION_KINDS = ("special_ability", "completion")


def institution_certificates(institution_id: int, year: int) -> dict[str, int]:
    """E06: an institution's certificates of a year (its classes of that year, passed results), by kind."""
    rows = (
        Result.objects.filter(
            passed=True,
            enrolment__training_class__institution_id=institution_id,
            enrolment__training_class__year=year,
        )
        .order_by()
        .values("certificate_kind")
        .annotate(n=Count("id"))
    )
    return {r["certificate_kind"]: r["n"] for r in rows if r["certificate_kind"]}


@dataclass(frozen=True)
class ShareWarning:
    """E06 as a warning before the claim: the institution's year so far and, with this class, after."""

    year: int
    total: int
    special_completion: int
    adding: int
    limit: Decimal
    clause: str

    @property
    def share_now(self) -> Decimal:
        return Decimal(self.special_completion) / Decimal(self.total) if self.total else Decimal(0)

    @property
    def share_after(self) -> Decimal:
        whole = self.total + self.adding
        return Decimal(self.special_completion + self.adding) / Decimal(whole) if whole else Decimal(0)

    @property
    def over(self) -> bool:
        return self.share_after > self.limit

    @property
    def text(self) -> str:
        return (
            f"本机构{self.year}年已取得证书 {self.total} 本，其中专项职业能力证书和培训合格证书 "
            f"{self.special_completion} 本（{rules.percent(self.share_now)}）；本班 {self.adding} 人如全部取证，"
            f"将占 {rules.percent(self.share_after)}，上限 {rules.percent(self.limit)}。超过部分申领补贴时不予受理"
            f"（规则 E06，依据 {self.clause}）"
        )


def special_completion_warning(
    tc: TrainingClass, *, certificate_kind: str, trainees: int
) -> ShareWarning | None:
    """E06 on the application page: where the class's profile sets the share and the assessment would add
    special-ability or completion certificates, the institution's year with and without them."""
    if certificate_kind not in SPECIAL_COMPLETION_KINDS:
        return None
    try:
        profile = (
            get_profile(tc.profile_code, tc.profile_version)
            if tc.profile_code
            else profile_for(tc.region, tc.year)
        )
    except NoProfile:
        return None
    param = profile.param("max_special_completion_share")
    if not param.is_set:
        return None
    counts = institution_certificates(tc.institution_id, tc.year)
    return ShareWarning(
        year=tc.year,
        total=sum(counts.values()),
        special_completion=sum(counts.get(k, 0) for k in SPECIAL_COMPLETION_KINDS),
        adding=trainees,
        limit=Decimal(param.value),
        clause=profile.cite("max_special_completion_share"),
    )
