"""E06 where certificates are claimed: an institution's special-ability and completion certificates of a
year, claimed, may be at most the profile's share of all its certificates of that year. The facts are
read here; the rule is jineng.policy.training.check_special_completion_claim."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

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


def refuse_over_share(profile: Profile, tc: TrainingClass, *, person_id: int | None = None) -> None:
    """E06: the claim is refused when the certificates it adds take the year beyond the share."""
    violation = share_violation(profile, tc, person_id=person_id)
    if violation is not None:
        raise Refusal.from_violations("本班补贴不予受理", [violation])


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
