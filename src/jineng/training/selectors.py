"""Reads of classes, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from jineng.accounts.models import User
from jineng.accounts.roles import Role, can
from jineng.accounts.scope import scope_of
from jineng.training.models import (
    UNDER_REVIEW_STATES,
    ClassReview,
    ClassState,
    ReviewStage,
    ReviewStep,
    RosterJob,
    TrainingClass,
)


def classes_visible(user: User) -> QuerySet[TrainingClass]:
    if not can(user.role, "class.view"):
        return TrainingClass.objects.none()
    scope = scope_of(user)
    qs = (
        TrainingClass.objects.select_related("institution", "region", "department", "occupation")
        .annotate(trainees=Count("enrolments"))
        .order_by("-created_at", "-id")
    )  # an aggregate drops Meta.ordering
    if scope.is_organisation:
        if user.role == Role.INSTITUTION:
            return qs.filter(institution_id=scope.organisation_id)
        # An evaluation body sees the classes whose assessment it was asked to run.
        return qs.filter(assessments__body_id=scope.organisation_id).distinct()
    qs = qs.filter(scope.region_q())
    if scope.is_department:
        if scope.department_id is None:
            return qs.none()
        qs = qs.filter(department_id=scope.department_id)
    # Reviewers outside the institution do not see drafts: they are the clerk's work in progress.
    return qs.exclude(state=ClassState.DRAFT)


@dataclass(frozen=True)
class QueueFilter:
    state: str = ""
    q: str = ""
    overdue: bool = False


def classes_search(user: User, f: QueueFilter, *, today: dt.date) -> QuerySet[TrainingClass]:
    qs = classes_visible(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.q:
        qs = qs.filter(
            Q(ref__icontains=f.q) | Q(institution__name__contains=f.q) | Q(occupation__name__contains=f.q)
        )
    if f.overdue:
        qs = qs.filter(state__in=UNDER_REVIEW_STATES, review_due__lt=today)
    return qs


def review_queue(user: User) -> QuerySet[TrainingClass]:
    """Classes waiting for this reviewer's signature: the stage and step that match the role."""
    stage_state = {
        Role.DEPT_FIRST: (ReviewStage.DEPT, ClassState.SUBMITTED),
        Role.DEPT_SECOND: (ReviewStage.DEPT, ClassState.SUBMITTED),
        Role.HR_FIRST: (ReviewStage.HR, ClassState.DEPT_REVIEWED),
        Role.HR_SECOND: (ReviewStage.HR, ClassState.DEPT_REVIEWED),
    }
    if user.role not in stage_state:
        return TrainingClass.objects.none()
    stage, state = stage_state[Role(user.role)]
    first_signed = Exists(
        ClassReview.objects.filter(
            training_class=OuterRef("pk"), round=OuterRef("review_round"), stage=stage, step=ReviewStep.FIRST
        )
    )
    qs = classes_visible(user).filter(state=state)
    qs = (
        qs.filter(first_signed)
        if user.role in (Role.DEPT_SECOND, Role.HR_SECOND)
        else qs.exclude(first_signed)
    )
    return qs.order_by("review_due", "submitted_at")


def roster_jobs(user: User, tc: TrainingClass) -> QuerySet[RosterJob]:
    return RosterJob.objects.filter(training_class=tc).defer("content")
