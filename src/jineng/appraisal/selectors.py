"""Reads of reviews and follow-ups, always through the user's scope, and the year's figures per
institution (a few grouped queries whatever the number of classes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from jineng.accounts.models import User
from jineng.appraisal.models import CatalogueOutcome, FollowUp, Review
from jineng.assessment.models import Result
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.regions.models import Region
from jineng.supervision.models import Summary
from jineng.training.models import ClassState, Enrolment, TrainingClass
from jineng.training.selectors import OPENED_STATES


def reviews_visible(user: User) -> QuerySet[Review]:
    if not can(user.role, "appraisal.view"):
        return Review.objects.none()
    qs = Review.objects.select_related("institution", "region", "decided_by")
    if user.role == Role.INSTITUTION:
        return qs.filter(institution_id=user.organisation_id or -1)
    scope = scope_of(user)
    return qs.filter(scope.region_q("institution__region"))


def exited_public(year: int | None = None) -> QuerySet[Review]:
    """I05: the institutions a bureau exited from its catalogue, for anyone to see (HC21 三(一) 向社会曝光)."""
    qs = Review.objects.filter(catalogue=CatalogueOutcome.EXITED).select_related("institution", "region")
    return qs.filter(year=year) if year else qs


def review_regions(user: User) -> QuerySet[Region]:
    if not can(user.role, "appraisal.decide"):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=scope_of(user).region_path).order_by("path")


@dataclass(frozen=True)
class Figures:
    classes: int = 0
    opening: int = 0
    trained: int = 0
    enrolled: int = 0
    passed: int = 0
    surveyed: int = 0
    satisfied: int = 0
    followed: int = 0
    employed: int = 0


def year_figures(*, region: Region, year: int) -> dict[int, Figures]:
    """Per institution, its classes started in ``year`` in the region's subtree that opened: headcounts
    (C02), certificates of the assessed ones, satisfaction (C09) and employment follow-up."""
    classes = TrainingClass.objects.filter(
        Q(region=region) | Q(region__path__startswith=region.path), year=year, state__in=OPENED_STATES
    )
    counts = dict(classes.order_by().values_list("institution_id").annotate(n=Count("pk")))
    if not counts:
        return {}
    heads = {
        r["training_class__institution_id"]: r
        for r in Summary.objects.filter(training_class__in=classes)
        .order_by()
        .values("training_class__institution_id")
        .annotate(
            opening=Sum("opening_headcount"),
            trained=Sum("trained_headcount"),
            surveyed=Sum("surveyed"),
            satisfied=Sum("satisfied"),
        )
    }
    assessed = classes.filter(state__in=[ClassState.ASSESSED, ClassState.CLOSED])
    enrolled = dict(
        Enrolment.objects.filter(training_class__in=assessed, status=Enrolment.Status.ENROLLED)
        .order_by()
        .values_list("training_class__institution_id")
        .annotate(n=Count("pk"))
    )
    passed = dict(
        Result.objects.filter(enrolment__training_class__in=assessed, passed=True)
        .order_by()
        .values_list("enrolment__training_class__institution_id")
        .annotate(n=Count("pk"))
    )
    follow = {
        r["enrolment__training_class__institution_id"]: r
        for r in FollowUp.objects.filter(enrolment__training_class__in=classes)
        .order_by()
        .values("enrolment__training_class__institution_id")
        .annotate(followed=Count("pk"), employed=Count("pk", filter=Q(employed=True)))
    }
    out = {}
    for org_id, n in counts.items():
        h: dict[str, Any] = dict(heads.get(org_id, {}))
        f: dict[str, Any] = dict(follow.get(org_id, {}))
        out[org_id] = Figures(
            classes=n,
            opening=h.get("opening") or 0,
            trained=h.get("trained") or 0,
            enrolled=enrolled.get(org_id, 0),
            passed=passed.get(org_id, 0),
            surveyed=h.get("surveyed") or 0,
            satisfied=h.get("satisfied") or 0,
            followed=f.get("followed", 0),
            employed=f.get("employed", 0),
        )
    return out


def follow_ups_of(tc: TrainingClass) -> dict[int, FollowUp]:
    """enrolment id → its follow-up."""
    return {f.enrolment_id: f for f in FollowUp.objects.filter(enrolment__training_class=tc)}
