"""Reads of assessments and certificates, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from jineng.accounts.models import User
from jineng.assessment.models import Assessment, Result
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.policy import training as rules
from jineng.policy.identity import normalise_id_number
from jineng.policy.violations import Violation
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, profile_for


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
