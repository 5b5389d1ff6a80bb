"""Reads of 评价补贴: the certificates an applicant may claim, priced; the evaluation claims in scope.

Whose certificates (XC23 附件3: 企业、培训机构、评价机构、个人):
* an evaluation body (评价机构经办) — the certificates of the assessments it ran;
* a training institution's clerk — its trainees' certificates; an enterprise's — its own staff's, the
  certificates of classes it ordered (the class's 企业);
* a trainee — his own.
Staff apply for nobody; they read the evaluation claims of their scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jineng.accounts.models import User
from jineng.assessment.models import Result
from jineng.catalogue.selectors import standards_for
from jineng.claims.models import Claim, ClaimLine
from jineng.claims.selectors import claims_visible
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.evalsubsidy.programme import CODE
from jineng.policy import evaluation as rules
from jineng.policy.profiles import Profile
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, profile_for


def certificates_claimable(user: User) -> QuerySet[Result]:
    """The certificates ``user`` may claim an evaluation subsidy for: passed, numbered, dated."""
    if not can(user.role, "evaluation.apply"):
        return Result.objects.none()
    scope = scope_of(user)
    qs = (
        Result.objects.filter(passed=True, issued_on__isnull=False)
        .exclude(certificate_number="")
        .select_related(
            "assessment",
            "assessment__body",
            "enrolment__person",
            "assessment__training_class__region",
            "assessment__training_class__occupation",
            "assessment__training_class__trade",
            "assessment__training_class__institution",
            "assessment__training_class__enterprise",
        )
        .order_by("-issued_on", "-id")
    )
    if user.role == Role.EVALUATOR:
        return qs.filter(assessment__body_id=scope.organisation_id) if scope.organisation_id else qs.none()
    if user.role == Role.INSTITUTION:
        org = scope.organisation_id
        if not org:
            return qs.none()
        return qs.filter(
            Q(assessment__training_class__institution_id=org)
            | Q(assessment__training_class__enterprise_id=org)
        )
    if user.role == Role.TRAINEE:
        return qs.filter(enrolment__person_id=scope.person_id) if scope.person_id else qs.none()
    return qs.none()


@dataclass(frozen=True)
class CertificateFilter:
    q: str = ""  # a certificate number, or a class reference
    year: int | None = None  # the year of issue


def certificates_search(user: User, f: CertificateFilter) -> QuerySet[Result]:
    qs = certificates_claimable(user)
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(certificate_number=q) | Q(assessment__training_class__ref=q))
    if f.year:
        qs = qs.filter(issued_on__year=f.year)
    return qs


def certificates_by_number(user: User, numbers: Sequence[str]) -> tuple[list[Result], list[str]]:
    """(the claimable certificates with these numbers, the numbers not among them): a number outside the
    user's scope is "not found", never a hint that it exists."""
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))
    found = list(certificates_claimable(user).filter(certificate_number__in=wanted))
    have = {r.certificate_number for r in found}
    return found, [n for n in wanted if n not in have]


@dataclass(frozen=True)
class Priced:
    """A certificate with its evaluation line as it would be claimed, and the claim holding it if any."""

    result: Result
    profile: Profile | None
    line: rules.EvaluationLine | None
    refusal: str  # the profile cannot be found
    held_by: str  # the reference of the live claim holding the certificate's evaluation line

    @property
    def claimable(self) -> bool:
        return self.line is not None and self.line.payable and not self.held_by


def issue_profile(region: Region, issued_on: dt.date) -> Profile:
    """The profile an evaluation is judged by: the class's region's, for the year of the certificate."""
    return profile_for(region, issued_on.year)


def price_results(results: Sequence[Result]) -> list[Priced]:
    """Each certificate priced by the pure rule (jineng.policy.evaluation), the batch read at once:
    standards of every region, year and occupation in one query, the training lines in another."""
    results = list(results)
    if not results:
        return []
    classes = {r.assessment.training_class_id: r.assessment.training_class for r in results}
    wanted = {
        (tc.region_id, r.issued_on.year, tc.occupation_id): tc.region.ancestor_ids()  # type: ignore[union-attr]
        for r in results
        for tc in [classes[r.assessment.training_class_id]]
    }
    standards = standards_for(wanted)
    paying = {
        (tc_id, person_id): ref
        for tc_id, person_id, ref in ClaimLine.objects.filter(
            live=True,
            status=ClaimLine.Status.PAYABLE,
            training_class_id__in=list(classes),
            person_id__in={r.enrolment.person_id for r in results},
        )
        # A certificate's own evaluation line is held by its key (below), not taken for a training line.
        .exclude(line_key__startswith=rules.KEY_PREFIX)
        .order_by()
        .values_list("training_class_id", "person_id", "claim__ref")
    }
    # The live claims holding each certificate's evaluation line, whoever applied.
    held = dict(
        ClaimLine.objects.filter(line_key__in=[rules.line_key(r.pk) for r in results], live=True)
        .order_by()
        .values_list("line_key", "claim__ref")
    )
    tops = _table_regions({tc.region for tc in classes.values()})
    profiles: dict[tuple[int, int], Profile | str] = {}
    facts: dict[int, rules.CertificateFacts] = {}
    groups: dict[tuple[int, int], list[rules.CertificateFacts]] = {}
    for r in results:
        tc = classes[r.assessment.training_class_id]
        issued: dt.date = r.issued_on  # type: ignore[assignment]
        key = (tc.region_id, issued.year)
        if key not in profiles:
            try:
                profiles[key] = issue_profile(tc.region, issued)
            except NoProfile as exc:
                profiles[key] = str(exc)
        facts[r.pk] = rules.CertificateFacts(
            certificate_id=r.pk,
            number=r.certificate_number,
            kind=r.certificate_kind,
            level=r.level,
            issued_on=issued,
            occupation_code=tc.occupation.code,
            occupation_name=tc.occupation.name,
            trade=tc.trade.name if tc.trade_id else "",  # type: ignore[union-attr]
            standards=tuple(standards.get((tc.region_id, issued.year, tc.occupation_id), [])),
            standards_region=tops[tc.region_id],
            training_claim=paying.get((tc.pk, r.enrolment.person_id), ""),
        )
        groups.setdefault(key, []).append(facts[r.pk])
    lines: dict[int, rules.EvaluationLine] = {}
    for key, group in groups.items():
        profile = profiles[key]
        if not isinstance(profile, str):
            lines.update({ln.certificate_id: ln for ln in rules.price(profile, group)})
    out: list[Priced] = []
    for r in results:
        tc = classes[r.assessment.training_class_id]
        profile = profiles[(tc.region_id, r.issued_on.year)]  # type: ignore[union-attr]
        held_by = held.get(rules.line_key(r.pk), "")
        if isinstance(profile, str):
            out.append(Priced(r, None, None, profile, held_by))
        else:
            out.append(Priced(r, profile, lines[r.pk], "", held_by))
    return out


def _table_regions(regions: set[Region]) -> dict[int, str]:
    """region id → the table a missing item is looked for in: the province's (the top of its chain)."""
    tops = {r.pk: r.ancestor_ids()[0] for r in regions}
    names = dict(Region.objects.filter(pk__in=set(tops.values())).values_list("pk", "name"))
    return {pk: names.get(top, "") for pk, top in tops.items()}


def evaluation_claims_visible(user: User) -> QuerySet[Claim]:
    """The claims of the evaluation programme ``user`` may read: staff and institutions and trainees as
    any claim (claims.selectors.claims_visible); an evaluation body, those it is paid by."""
    if not can(user.role, "evaluation.view"):
        return Claim.objects.none()
    if user.role == Role.EVALUATOR:
        org = scope_of(user).organisation_id
        if not org:
            return Claim.objects.none()
        qs = Claim.objects.select_related("region", "department", "payee_organisation", "payee_person")
        return qs.filter(programme=CODE, payee_organisation_id=org)
    return claims_visible(user).filter(programme=CODE)
