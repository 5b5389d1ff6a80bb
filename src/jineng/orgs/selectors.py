from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import OuterRef, Q, QuerySet, Subquery

from jineng.core.roles import can
from jineng.core.scope import Viewer, scope_of
from jineng.orgs.models import (
    AnnualInspection,
    LiabilityIncident,
    Organisation,
    Sanction,
    SanctionLiftSignature,
)
from jineng.policy.sanctions import SanctionFact, SchoolRecord


def organisations_visible(user: Viewer) -> QuerySet[Organisation]:
    if not can(user.role, "org.view"):
        return Organisation.objects.none()
    scope = scope_of(user)
    qs = Organisation.objects.select_related("region", "department")
    if scope.is_organisation:
        if scope.organisation_id is None:
            return qs.none()
        return qs.filter(id=scope.organisation_id)
    return qs.filter(scope.region_q())


def organisations_editable(user: Viewer) -> QuerySet[Organisation]:
    """Whose contacts and bank details the user keeps: his own organisation, or for the bureau's admin
    those of his region."""
    if not can(user.role, "org.edit"):
        return Organisation.objects.none()
    return organisations_visible(user)


def organisations_search(
    user: Viewer, *, q: str = "", kind: str = "", status: str = ""
) -> QuerySet[Organisation]:
    qs = organisations_visible(user)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs


# --------------------------------------------------------------------------------------------------
# Sanctions (I01) and a private school's record (I02).


def sanction_lifted_on() -> Subquery:
    """An annotation: the day of a sanction's second lift signature (None while not lifted)."""
    return Subquery(
        SanctionLiftSignature.objects.filter(
            sanction=OuterRef("pk"), step=SanctionLiftSignature.Step.SECOND
        ).values("signed_on")[:1]
    )


def _in_force_q(on_date: dt.date) -> Q:
    return (
        Q(starts_on__lte=on_date)
        & (Q(ends_on__isnull=True) | Q(ends_on__gt=on_date))
        & (Q(lifted_on__isnull=True) | Q(lifted_on__gt=on_date))
    )


def sanctions_in_force(org_ids: Iterable[int | None], on_date: dt.date) -> dict[int, list[SanctionFact]]:
    """I01: the sanctions in force on ``on_date`` of each of ``org_ids`` (newest first), in one query;
    an institution with none is absent. Not scoped to a user: the guards of training and claims ask it
    for the institutions a request names."""
    ids = sorted({i for i in org_ids if i is not None})
    out: dict[int, list[SanctionFact]] = {}
    if not ids:
        return out
    rows = (
        Sanction.objects.filter(organisation_id__in=ids)
        .annotate(lifted_on=sanction_lifted_on())
        .filter(_in_force_q(on_date))
        .order_by("organisation_id", "-starts_on", "-pk")
        .values_list(
            "pk",
            "organisation_id",
            "organisation__name",
            "kind",
            "decision",
            "reference",
            "starts_on",
            "ends_on",
            "lifted_on",
        )
    )
    for pk, org_id, name, kind, decision, reference, starts_on, ends_on, lifted_on in rows:
        out.setdefault(org_id, []).append(
            SanctionFact(
                organisation_id=org_id,
                organisation_name=name,
                kind=kind,
                decision=decision,
                reference=reference,
                starts_on=starts_on,
                ends_on=ends_on,
                lifted_on=lifted_on,
                sanction_id=pk,
            )
        )
    return out


def school_records(org_ids: Iterable[int | None]) -> dict[int, SchoolRecord]:
    """I02: each institution's annual inspections and liability incidents (three queries for the set)."""
    ids = sorted({i for i in org_ids if i is not None})
    orgs = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    kinds = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "kind"))
    inspections: dict[int, dict[int, bool]] = {i: {} for i in orgs}
    for org_id, year, passed in AnnualInspection.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "year", "passed"
    ):
        inspections[org_id][year] = passed
    incidents: dict[int, list[dt.date]] = {i: [] for i in orgs}
    for org_id, on in LiabilityIncident.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "occurred_on"
    ):
        incidents[org_id].append(on)
    return {
        i: SchoolRecord(
            organisation_name=name,
            is_private_school=kinds[i] == Organisation.Kind.PRIVATE_SCHOOL,
            inspections=inspections[i],
            incidents=tuple(sorted(incidents[i])),
        )
        for i, name in orgs.items()
    }


def sanctions_visible(user: Viewer) -> QuerySet[Sanction]:
    """The sanctions of the organisations the user sees (an institution's clerk: his own), each with the
    day it was lifted (``lifted_on``) and its lift signatures."""
    if not can(user.role, "sanction.view"):
        return Sanction.objects.none()
    return (
        Sanction.objects.filter(organisation__in=organisations_visible(user))
        .select_related("organisation", "organisation__region", "recorded_by")
        .annotate(lifted_on=sanction_lifted_on())
        .prefetch_related("lift_signatures__signer")
    )


def sanctions_in_force_visible(user: Viewer, on_date: dt.date) -> QuerySet[Sanction]:
    return sanctions_visible(user).filter(_in_force_q(on_date)).order_by("organisation__name", "-starts_on")


def sanction_lifts_awaiting_second(user: Viewer) -> QuerySet[Sanction]:
    """Sanctions with a first lift signature and no second, that the user may sign (not his own)."""
    if not can(user.role, "sanction.manage"):
        return Sanction.objects.none()
    user_id = getattr(user, "pk", None)
    return (
        sanctions_visible(user)
        .filter(lift_signatures__step=SanctionLiftSignature.Step.FIRST)
        .exclude(lift_signatures__step=SanctionLiftSignature.Step.SECOND)
        .exclude(lift_signatures__signer_id=user_id)
        .distinct()
    )


def school_record_visible(
    user: Viewer, org: Organisation
) -> tuple[list[AnnualInspection], list[LiabilityIncident]]:
    if not can(user.role, "sanction.view"):
        return [], []
    return (
        list(AnnualInspection.objects.filter(organisation=org).order_by("-year")),
        list(LiabilityIncident.objects.filter(organisation=org).order_by("-occurred_on")),
    )


SANCTION_STATES = {
    "not_started": "未开始",
    "in_force": "执行中",
    "lift_pending": "执行中（待第二人签署解除）",
    "lifted": "已解除",
    "ended": "已期满",
}


def sanction_state(sanction: Sanction, on_date: dt.date) -> str:
    """A key of SANCTION_STATES for a sanction of sanctions_visible (``lifted_on`` annotated) on a day."""
    lifted_on = getattr(sanction, "lifted_on", None)
    if lifted_on is not None and lifted_on <= on_date:
        return "lifted"
    if sanction.ends_on is not None and sanction.ends_on <= on_date:
        return "ended"
    if sanction.starts_on > on_date:
        return "not_started"
    signed = [s.step for s in sanction.lift_signatures.all()]
    return "lift_pending" if SanctionLiftSignature.Step.FIRST in signed else "in_force"
