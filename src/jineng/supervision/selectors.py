"""Reads for 过程监管, always through the user's scope (training.selectors.classes_visible)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from jineng.accounts.models import User
from jineng.core.roles import Role
from jineng.online.selectors import checked_in_days
from jineng.supervision.models import CheckIn, Inspection, Leave, LessonVideo
from jineng.training.models import ClassState, Enrolment, TrainingClass
from jineng.training.selectors import classes_visible

SUPERVISED_STATES = (
    ClassState.APPROVED,
    ClassState.IN_TRAINING,
    ClassState.ENDED,
    ClassState.ASSESSMENT_APPLIED,
    ClassState.ASSESSED,
    ClassState.CLOSED,
)


def classes_supervised(user: User) -> QuerySet[TrainingClass]:
    """Approved classes and later, in the user's scope (an institution: its own; an evaluator: none)."""
    if user.role == Role.EVALUATOR:
        return TrainingClass.objects.none()
    return classes_visible(user).filter(state__in=SUPERVISED_STATES)


def class_for(user: User, class_id: int) -> TrainingClass:
    """The class if it is in scope, else TrainingClass.DoesNotExist (the pages and the API answer 404)."""
    return classes_supervised(user).get(pk=class_id)


def _no_inspection() -> Any:
    return ~Exists(Inspection.objects.filter(training_class=OuterRef("pk")))


def classes_today(user: User, today: dt.date) -> QuerySet[TrainingClass]:
    """An inspector's day: classes opening today or under way today."""
    return (
        classes_supervised(user)
        .filter(
            Q(state=ClassState.APPROVED, start_date__lte=today, end_date__gte=today)
            | Q(state=ClassState.IN_TRAINING, start_date__lte=today)
        )
        .order_by("start_date", "ref")
    )


def classes_without_inspection(user: User) -> QuerySet[TrainingClass]:
    """C01: classes in training that nobody has inspected yet."""
    return (
        classes_supervised(user).filter(_no_inspection(), state=ClassState.IN_TRAINING).order_by("start_date")
    )


def classes_to_open(user: User, today: dt.date) -> QuerySet[TrainingClass]:
    return classes_supervised(user).filter(state=ClassState.APPROVED).order_by("start_date")


def classes_to_end(user: User, today: dt.date) -> QuerySet[TrainingClass]:
    return (
        classes_supervised(user)
        .filter(state=ClassState.IN_TRAINING, end_date__lte=today)
        .order_by("end_date")
    )


def classes_to_apply(user: User) -> QuerySet[TrainingClass]:
    return classes_supervised(user).filter(state=ClassState.ENDED).order_by("end_date")


def leave_for(user: User, leave_id: int) -> Leave:
    return Leave.objects.select_related("enrolment__training_class", "enrolment__person").get(
        pk=leave_id, enrolment__training_class__in=classes_supervised(user)
    )


@dataclass(frozen=True)
class AttendanceRow:
    enrolment: Enrolment
    days_checked_in: int
    leaves: int
    made_up: int

    @property
    def attended(self) -> int:
        # C08: a lesson made up after written leave counts toward attendance.
        return self.days_checked_in + self.made_up


def attendance(tc: TrainingClass) -> list[AttendanceRow]:
    """Per trainee: days with a matched face check-in (C07), leaves and make-up lessons (C08). Two queries."""
    days: dict[int, set[dt.date]] = {}
    for enrolment_id, at in CheckIn.objects.filter(training_class=tc, matched=True).values_list(
        "enrolment_id", "at"
    ):
        days.setdefault(enrolment_id, set()).add(at.date())
    enrolments = (
        Enrolment.objects.filter(training_class=tc)
        .select_related("person")
        .annotate(
            n_leaves=Count("leaves", distinct=True),
            n_made_up=Count("leaves", filter=Q(leaves__made_up_on__isnull=False), distinct=True),
        )
        .order_by("row")
    )
    # The devices' own check-ins (issue 15) count as well as those an institution uploaded.
    for enrolment_id, found in checked_in_days((tc.pk, e.pk) for e in enrolments).items():
        days.setdefault(enrolment_id, set()).update(found)
    return [AttendanceRow(e, len(days.get(e.pk, set())), e.n_leaves, e.n_made_up) for e in enrolments]


def made_up_hours_many(class_ids: Sequence[int]) -> dict[int, int]:
    """C08 for C07: per enrolment, the hours of the lessons missed on written leave and made up (filmed),
    counted as the hours filmed on the missed lesson's date."""
    hours: dict[tuple[int, dt.date], int] = defaultdict(int)
    for cid, day, n in LessonVideo.objects.filter(training_class_id__in=class_ids).values_list(
        "training_class_id", "lesson_date", "hours"
    ):
        hours[(cid, day)] += n
    out: dict[int, int] = defaultdict(int)
    for enrolment_id, cid, day in Leave.objects.filter(
        enrolment__training_class_id__in=class_ids, written=True, made_up_on__isnull=False
    ).values_list("enrolment_id", "enrolment__training_class_id", "lesson_date"):
        out[enrolment_id] += hours.get((cid, day), 0)
    return dict(out)
