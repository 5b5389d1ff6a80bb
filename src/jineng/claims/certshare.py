"""E06 where certificates are claimed: an institution's special-ability and completion certificates of a
year, claimed, may be at most the profile's share of all its certificates of that year. The facts are
read here; the rule is jineng.policy.training.check_special_completion_claim."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from django.db.models import Count, Exists, OuterRef

from jineng.assessment.models import Result
from jineng.assessment.selectors import SPECIAL_COMPLETION_KINDS, institution_certificates
from jineng.claims.models import ClaimLine
from jineng.core.errors import Refusal
from jineng.policy import training as rules
from jineng.policy.profiles import Profile, get_profile
from jineng.policy.violations import Violation
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training.models import TrainingClass


def _claimed() -> Exists:
    return Exists(
        ClaimLine.objects.filter(
            training_class_id=OuterRef("enrolment__training_class_id"),
            person_id=OuterRef("enrolment__person_id"),
            live=True,
        )
    )


def share_at_claim(tc: TrainingClass, *, person_id: int | None = None) -> rules.ShareAtClaim:
    """The institution's year (the class's year) as E06 judges a claim of ``tc``: every certificate, the
    special-ability and completion ones already in live claims, and those of this class not yet claimed
    (only the one person's, for a trainee's own claim)."""
    counts = institution_certificates(tc.institution_id, tc.year)
    special = Result.objects.filter(
        passed=True,
        certificate_kind__in=SPECIAL_COMPLETION_KINDS,
        enrolment__training_class__institution_id=tc.institution_id,
        enrolment__training_class__year=tc.year,
    ).annotate(claimed=_claimed())
    claimed = special.filter(claimed=True).count()
    adding = special.filter(claimed=False, enrolment__training_class_id=tc.pk)
    if person_id is not None:
        adding = adding.filter(enrolment__person_id=person_id)
    return rules.ShareAtClaim(
        institution=tc.institution.name,
        year=tc.year,
        total=sum(counts.values()),
        claimed=claimed,
        adding=adding.count(),
    )


def share_violation(profile: Profile, tc: TrainingClass, *, person_id: int | None = None) -> Violation | None:
    """E06 for a claim of ``tc`` (a warning on the claim page, a refusal at claim_create)."""
    if profile.get("max_special_completion_share") is None:
        return None  # the profile does not set the share: nothing to count
    return rules.check_special_completion_claim(profile, share_at_claim(tc, person_id=person_id))


def class_share_warning(tc: TrainingClass) -> Violation | None:
    """E06 as the claims page warns it beside a claimable class; a class with no profile has nothing to
    warn (its claim says why it cannot be made)."""
    if tc.profile_code:
        profile = get_profile(tc.profile_code, tc.profile_version)
    else:
        try:
            profile = profile_for(tc.region, tc.year)
        except NoProfile:
            return None
    return share_violation(profile, tc)


def refuse_over_share_many(
    classes: Sequence[TrainingClass], profiles: Mapping[int, Profile], *, person_id: int | None = None
) -> None:
    """E06 for a batch of classes claimed at once (申领批处理 and the bureau's batches): per institution and
    year, the certificates each class adds count for the classes after it, so a batch cannot pass the share
    that its classes one by one would not. Classes whose profile sets no share are not counted (no query)."""
    judged = [tc for tc in classes if profiles[tc.pk].get("max_special_completion_share") is not None]
    groups: dict[tuple[int, int], list[TrainingClass]] = {}
    for tc in judged:
        groups.setdefault((tc.institution_id, tc.year), []).append(tc)
    for group in groups.values():
        base = share_at_claim(group[0], person_id=person_id)
        unclaimed = Result.objects.filter(
            passed=True,
            certificate_kind__in=SPECIAL_COMPLETION_KINDS,
            enrolment__training_class__in=[tc.pk for tc in group],
        ).annotate(claimed=_claimed())
        unclaimed = unclaimed.filter(claimed=False)
        if person_id is not None:
            unclaimed = unclaimed.filter(enrolment__person_id=person_id)
        adding = dict(
            unclaimed.order_by().values_list("enrolment__training_class_id").annotate(n=Count("pk"))
        )
        claimed = base.claimed
        for tc in group:
            share = replace(base, claimed=claimed, adding=adding.get(tc.pk, 0))
            violation = rules.check_special_completion_claim(profiles[tc.pk], share)
            if violation is not None:
                raise ClassRefused(tc, Refusal.from_violations("本班补贴不予受理", [violation]))
            claimed += adding.get(tc.pk, 0)


class ClassRefused(Exception):
    """A class of a batch refused, with the refusal its claim alone would have had."""

    def __init__(self, tc: TrainingClass, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.tc = tc
        self.refusal = refusal
