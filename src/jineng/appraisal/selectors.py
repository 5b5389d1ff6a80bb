"""Reads of reviews and follow-ups, always through the user's scope, and the year's figures per
institution (a few grouped queries whatever the number of classes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from jineng.accounts.models import User
from jineng.appraisal.models import CatalogueOutcome, FollowUp, Review, Subject
from jineng.assessment.models import Assessment, Result
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


def year_figures(*, region: Region, year: int) -> dict[tuple[str, int], Figures]:
    """Per (subject, organisation), the classes started in ``year`` in the region's subtree that opened:
    a training institution's own classes and an online platform's classes — headcounts (C02),
    certificates of the assessed ones, satisfaction (C09), employment follow-up — and an evaluation
    body's assessed classes: their trainees and certificates."""
    classes = TrainingClass.objects.filter(
        region__path__startswith=region.path, year=year, state__in=OPENED_STATES
    )
    out: dict[tuple[str, int], Figures] = {}
    for subject, key in (
        (Subject.INSTITUTION, "institution_id"),
        (Subject.ONLINE_PLATFORM, "online_platform_id"),
    ):
        for org_id, f in _class_figures(classes.exclude(**{f"{key}__isnull": True}), key).items():
            out[(subject, org_id)] = f
    assessed = Assessment.objects.filter(training_class__in=classes.filter(state__in=ASSESSED_STATES))
    by_body = dict(assessed.order_by().values_list("body_id").annotate(n=Count("pk")))
    enrolled = dict(
        Enrolment.objects.filter(training_class__assessments__in=assessed, status=Enrolment.Status.ENROLLED)
        .order_by()
        .values_list("training_class__assessments__body_id")
        .annotate(n=Count("pk", distinct=True))
    )
    passed = dict(
        Result.objects.filter(assessment__in=assessed, passed=True)
        .order_by()
        .values_list("assessment__body_id")
        .annotate(n=Count("pk"))
    )
    for body_id, n in by_body.items():
        out[(Subject.EVALUATION_BODY, body_id)] = Figures(
            classes=n, enrolled=enrolled.get(body_id, 0), passed=passed.get(body_id, 0)
        )
    return out


ASSESSED_STATES = (ClassState.ASSESSED, ClassState.CLOSED)


def _class_figures(classes: QuerySet[TrainingClass], key: str) -> dict[int, Figures]:
    """Per organisation named by ``key`` (institution_id / online_platform_id) of these classes."""
    counts = dict(classes.order_by().values_list(key).annotate(n=Count("pk")))
    if not counts:
        return {}
    heads = {
        r[f"training_class__{key}"]: r
        for r in Summary.objects.filter(training_class__in=classes)
        .order_by()
        .values(f"training_class__{key}")
        .annotate(
            opening=Sum("opening_headcount"),
            trained=Sum("trained_headcount"),
            surveyed=Sum("surveyed"),
            satisfied=Sum("satisfied"),
        )
    }
    assessed = classes.filter(state__in=ASSESSED_STATES)
    enrolled = dict(
        Enrolment.objects.filter(training_class__in=assessed, status=Enrolment.Status.ENROLLED)
        .order_by()
        .values_list(f"training_class__{key}")
        .annotate(n=Count("pk"))
    )
    passed = dict(
        Result.objects.filter(enrolment__training_class__in=assessed, passed=True)
        .order_by()
        .values_list(f"enrolment__training_class__{key}")
        .annotate(n=Count("pk"))
    )
    follow = {
        r[f"enrolment__training_class__{key}"]: r
        for r in FollowUp.objects.filter(enrolment__training_class__in=classes)
        .order_by()
        .values(f"enrolment__training_class__{key}")
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
