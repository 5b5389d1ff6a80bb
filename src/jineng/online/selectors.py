"""Reads of the online supervision data, scoped to the viewer, and the verdicts judged from the events
(jineng.policy.online): D04 per lesson, valid hours, C07 checked-in hours, the trained headcount of an
online class."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jineng.accounts.models import User
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.online.models import (
    DEVICE_KINDS,
    PLATFORM_KINDS,
    AssessmentRequest,
    ClassCourse,
    Course,
    CourseState,
    Device,
    LearningEvent,
)
from jineng.orgs.models import Organisation
from jineng.policy import online as rules
from jineng.policy.identity import mask_id_number
from jineng.policy.profiles import Profile
from jineng.training.models import Delivery, Enrolment, TrainingClass
from jineng.training.selectors import OPENED_STATES, class_profile

_PLATFORM = sorted(PLATFORM_KINDS)
_DEVICE = sorted(k for k in DEVICE_KINDS if k != "photo")


def is_platform(user: User) -> bool:
    return user.organisation is not None and user.organisation.kind == Organisation.Kind.ONLINE_PLATFORM


def classes_visible(user: User) -> QuerySet[TrainingClass]:
    """Opened classes with an online part or face check-ins, as the viewer may see them: the bureau's
    staff their region (a department its own), an institution its classes, a platform the classes taught
    on it."""
    if not can(user.role, "online.view"):
        return TrainingClass.objects.none()
    scope = scope_of(user)
    qs = TrainingClass.objects.filter(state__in=OPENED_STATES).select_related(
        "institution", "region", "online_platform"
    )
    if scope.is_organisation:
        if is_platform(user):
            return qs.filter(online_platform_id=scope.organisation_id)
        return qs.filter(institution_id=scope.organisation_id)
    qs = qs.filter(scope.region_q())
    if scope.is_department:
        qs = qs.filter(department_id=scope.department_id) if scope.department_id else qs.none()
    return qs


def online_classes(user: User) -> QuerySet[TrainingClass]:
    return (
        classes_visible(user)
        .exclude(delivery=Delivery.OFFLINE)
        .annotate(trainees=Count("enrolments", distinct=True))
        .order_by("-start_date", "-id")
    )


def class_for(user: User, class_id: int) -> TrainingClass:
    return classes_visible(user).get(pk=class_id)


def profile_of(tc: TrainingClass) -> Profile | None:
    """The profile frozen on the class at submission, else the one in force for its region and year."""
    return class_profile(tc)


def _bounds(tc: TrainingClass) -> tuple[dt.datetime, dt.datetime]:
    lo = timezone.make_aware(dt.datetime.combine(tc.start_date - dt.timedelta(days=1), dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(tc.end_date + dt.timedelta(days=9), dt.time.min))
    return lo, hi


def _window(tc: TrainingClass) -> Q:
    """The class's dates as bounds on ``at``, so PostgreSQL reads only the months' partitions it needs."""
    lo, hi = _bounds(tc)
    return Q(at__gte=lo, at__lt=hi)


def course_of(tc: TrainingClass) -> tuple[list[int], bool, Course | None]:
    link = ClassCourse.objects.filter(training_class=tc).select_related("course").first()
    if link is None:
        return [], False, None
    order = list(link.course.videos.order_by("lesson").values_list("lesson", flat=True))
    return order, link.course.state == CourseState.APPROVED, link.course


def _lesson_rules(tc: TrainingClass, profile: Profile | None) -> rules.LessonRules:
    if profile is None:
        return rules.LessonRules(False, "", 0, False, "", max(1, tc.minutes_per_hour))
    return rules.LessonRules.of(profile, minutes_per_hour=tc.minutes_per_hour)


def records(tc: TrainingClass, profile: Profile | None = None) -> dict[int, rules.TraineeRecord]:
    """D04 per trainee of the class (enrolment id → record); trainees without events are absent."""
    profile = profile or profile_of(tc)
    order, approved, course = course_of(tc)
    stream = ((r[0], r[1:]) for r in _platform_rows(tc))
    return dict(
        rules.judge_many(
            _lesson_rules(tc, profile),
            stream,
            order=order,
            course_approved=approved or course is None,
        )
    )


def _platform_rows(tc: TrainingClass) -> Iterator[tuple[Any, ...]]:
    """(enrolment, lesson, at, kind, position, speed, passed, ref) of the class, sorted for judging. On
    PostgreSQL read through a binary cursor: Django's text rows and converters took half of judging a
    million events (bench/learning_events.py)."""
    if connection.vendor != "postgresql":
        yield from (
            LearningEvent.objects.filter(_window(tc), training_class_id=tc.pk, kind__in=_PLATFORM)
            .order_by("enrolment_id", "lesson", "at", "id")
            .values_list("enrolment_id", "lesson", "at", "kind", "position", "speed", "passed", "ref")
            .iterator(chunk_size=20_000)
        )
        return
    lo, hi = _bounds(tc)
    sql = (
        "SELECT enrolment_id, lesson, at, kind, position, speed, passed, ref "
        f"FROM {LearningEvent._meta.db_table} WHERE training_class_id = %s AND at >= %s AND at < %s "
        "AND kind = ANY(%s) ORDER BY enrolment_id, lesson, at, id"
    )
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [tc.pk, lo, hi, _PLATFORM], binary=True)
        yield from cursor


def online_hours_required(tc: TrainingClass) -> int:
    """The hours a trainee must have learnt online: the class's online hours (all of them when the class
    is purely online and did not split them out)."""
    if tc.delivery == Delivery.OFFLINE:
        return 0
    return tc.online_hours or (tc.total_hours if tc.delivery == Delivery.ONLINE else 0)


def offline_hours_required(tc: TrainingClass) -> int:
    """C07: the hours taught on site, which the trainee's face check-ins must cover."""
    if tc.delivery == Delivery.ONLINE:
        return 0
    return max(0, tc.total_hours - (tc.online_hours if tc.delivery == Delivery.BLENDED else 0))


def valid_hours_many(classes: Sequence[TrainingClass]) -> dict[int, tuple[int, int]]:
    """enrolment id → (valid online hours, hours logged in all), for the trainees of classes with an
    online part whose platform sent anything."""
    out: dict[int, tuple[int, int]] = {}
    for tc in classes:
        if tc.delivery == Delivery.OFFLINE:
            continue
        for enrolment_id, record in records(tc).items():
            out[enrolment_id] = (record.valid_hours, record.logged_hours)
    return out


def checked_in_minutes_many(classes: Sequence[TrainingClass]) -> dict[int, int]:
    """C07: enrolment id → checked-in minutes from the devices' matched check-ins and check-outs. One
    query for the whole batch of classes (a claim run judges thousands of them)."""
    if not classes:
        return {}
    lo = min(_bounds(tc)[0] for tc in classes)
    hi = max(_bounds(tc)[1] for tc in classes)
    rows = (
        LearningEvent.objects.filter(
            training_class_id__in=[tc.pk for tc in classes], kind__in=_DEVICE, at__gte=lo, at__lt=hi
        )
        .order_by("enrolment_id", "at", "id")
        .values_list("enrolment_id", "at", "kind", "passed")
    )
    by: dict[int, list[tuple[dt.date, dt.datetime, str, bool | None]]] = defaultdict(list)
    for enrolment_id, at, kind, passed in rows.iterator(chunk_size=20_000):
        by[enrolment_id].append((timezone.localtime(at).date(), at, kind, passed))
    return {enrolment_id: rules.checked_in_minutes(checks) for enrolment_id, checks in by.items()}


def trained_from_logs(tc: TrainingClass) -> int:
    """C02 for a purely online class: the trainees whose valid online hours cover the class's."""
    required = online_hours_required(tc)
    return sum(1 for r in records(tc).values() if r.valid_hours >= required)


def assessment_request(tc: TrainingClass) -> AssessmentRequest | None:
    return AssessmentRequest.objects.filter(training_class=tc).first()


def short_trainees(tc: TrainingClass) -> list[str]:
    """Names of enrolled trainees whose valid online hours fall short (for D04 at the assessment)."""
    required = online_hours_required(tc)
    if not required:
        return []
    found = records(tc)
    out = []
    for pk, name in (
        Enrolment.objects.filter(training_class=tc, status=Enrolment.Status.ENROLLED)
        .order_by("row")
        .values_list("pk", "person__name")
    ):
        record = found.get(pk)
        if record is None or record.valid_hours < required:
            out.append(name)
    return out


# --- pages -----------------------------------------------------------------------------------------------


@dataclass
class TraineeRow:
    enrolment_id: int
    row: int
    name: str
    id_masked: str
    record: rules.TraineeRecord | None
    checked_minutes: int | None
    required_online: int
    required_offline: int
    minutes_per_hour: int

    @property
    def valid_hours(self) -> int:
        return self.record.valid_hours if self.record else 0

    @property
    def invalid_count(self) -> int:
        return len(self.record.invalid) if self.record else 0

    @property
    def lesson_count(self) -> int:
        return len(self.record.lessons) if self.record else 0

    @property
    def checked_hours(self) -> int | None:
        return None if self.checked_minutes is None else self.checked_minutes // self.minutes_per_hour

    @property
    def online_ok(self) -> bool:
        return self.valid_hours >= self.required_online

    @property
    def offline_ok(self) -> bool:
        return (self.checked_hours or 0) >= self.required_offline


def class_rows(tc: TrainingClass, *, only: int | None = None) -> list[TraineeRow]:
    profile = profile_of(tc)
    found = records(tc, profile) if tc.delivery != Delivery.OFFLINE else {}
    checked = checked_in_minutes_many([tc])
    mph = max(1, tc.minutes_per_hour)
    qs = Enrolment.objects.filter(training_class=tc).order_by("row")
    if only is not None:
        qs = qs.filter(pk=only)
    return [
        TraineeRow(
            enrolment_id=pk,
            row=row,
            name=name,
            id_masked=mask_id_number(number),
            record=found.get(pk),
            checked_minutes=checked.get(pk),
            required_online=online_hours_required(tc),
            required_offline=offline_hours_required(tc),
            minutes_per_hour=mph,
        )
        for pk, row, name, number in qs.values_list("pk", "row", "person__name", "person__id_number")
    ]


def trainee_record(user: User) -> list[tuple[TrainingClass, TraineeRow]]:
    """A trainee's own learning record, class by class."""
    if user.role != Role.TRAINEE or user.person_id is None:
        return []
    out = []
    for e in (
        Enrolment.objects.filter(person_id=user.person_id, training_class__state__in=OPENED_STATES)
        .select_related("training_class")
        .order_by("-training_class__start_date")
    ):
        rows = class_rows(e.training_class, only=e.pk)
        if rows and (rows[0].record is not None or rows[0].checked_minutes is not None):
            out.append((e.training_class, rows[0]))
    return out


@dataclass
class CheckinToday:
    enrolment_id: int
    row: int
    name: str
    first_in: dt.datetime | None
    last_out: dt.datetime | None
    failed: int


def checkins_on(tc: TrainingClass, day: dt.date) -> list[CheckinToday]:
    """Today's face check-ins per trainee, next to the inspector's roll call."""
    lo = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    hi = lo + dt.timedelta(days=1)
    seen: dict[int, list[tuple[dt.datetime, str, bool | None]]] = defaultdict(list)
    for enrolment_id, at, kind, passed in (
        LearningEvent.objects.filter(training_class_id=tc.pk, kind__in=_DEVICE, at__gte=lo, at__lt=hi)
        .order_by("at")
        .values_list("enrolment_id", "at", "kind", "passed")
    ):
        seen[enrolment_id].append((at, kind, passed))
    out = []
    for pk, row, name in (
        Enrolment.objects.filter(training_class=tc).order_by("row").values_list("pk", "row", "person__name")
    ):
        events = seen.get(pk, [])
        ins = [at for at, kind, ok in events if kind == "face_in" and ok is not False]
        outs = [at for at, kind, ok in events if kind == "face_out" and ok is not False]
        failed = sum(1 for _, _, ok in events if ok is False)
        out.append(
            CheckinToday(pk, row, name, min(ins) if ins else None, max(outs) if outs else None, failed)
        )
    return out


@dataclass
class ExceptionRow:
    training_class: TrainingClass
    trainees: int
    invalid_lessons: int
    trainees_with_invalid: int
    missing_checkins: int  # trainees without a matched check-in on the day (face check-in classes)
    reasons: list[tuple[str, int]]


def exceptions(user: User, day: dt.date, *, min_invalid: int = 1) -> list[ExceptionRow]:
    """The inspector's daily list: classes in training (or ended within the week) with invalid lessons or
    trainees who did not check in on the day, worst first."""
    qs = classes_visible(user).filter(start_date__lte=day, end_date__gte=day - dt.timedelta(days=7))
    out = []
    for tc in qs.annotate(trainees=Count("enrolments")).order_by("id")[:200]:
        profile = profile_of(tc)
        invalid = with_invalid = 0
        reasons: dict[str, int] = defaultdict(int)
        if tc.delivery != Delivery.OFFLINE:
            for record in records(tc, profile).values():
                bad = record.invalid
                invalid += len(bad)
                with_invalid += 1 if bad else 0
                for lesson in bad:
                    for v in lesson.reasons:
                        reasons[v.message.split("：")[0]] += 1
        missing = 0
        if (
            profile is not None
            and profile.get("face_checkin_required", False)
            and tc.delivery != Delivery.ONLINE
        ) and tc.start_date <= day <= tc.end_date:
            missing = sum(1 for c in checkins_on(tc, day) if c.first_in is None)
        if invalid >= min_invalid or missing:
            out.append(
                ExceptionRow(
                    tc,
                    tc.trainees,
                    invalid,
                    with_invalid,
                    missing,
                    sorted(reasons.items(), key=lambda kv: -kv[1])[:4],
                )
            )
    out.sort(key=lambda r: (-(r.invalid_lessons + r.missing_checkins), r.training_class.pk))
    return out


def devices_of(user: User) -> QuerySet[Device]:
    if user.role != Role.INSTITUTION or user.organisation_id is None:
        return Device.objects.none()
    return Device.objects.filter(institution_id=user.organisation_id)


def courses_visible(user: User) -> QuerySet[Course]:
    qs = Course.objects.select_related("platform", "occupation").annotate(video_count=Count("videos"))
    if not can(user.role, "online.view"):
        return qs.none()
    scope = scope_of(user)
    if scope.is_organisation:
        if is_platform(user):
            return qs.filter(platform_id=scope.organisation_id)
        return qs.filter(classes__training_class__institution_id=scope.organisation_id).distinct()
    return qs.filter(platform__region__path__startswith=scope.region_path)


def class_courses(tc: TrainingClass) -> QuerySet[Course]:
    """The courses an institution may name for a class: its platform's, of its occupation."""
    return Course.objects.filter(platform_id=tc.online_platform_id, occupation_id=tc.occupation_id).exclude(
        state=CourseState.REFUSED
    )


def events_count(classes: Iterable[TrainingClass]) -> dict[int, int]:
    ids = [tc.pk for tc in classes]
    return dict(
        LearningEvent.objects.filter(training_class_id__in=ids)
        .values("training_class_id")
        .annotate(n=Count("id"))
        .values_list("training_class_id", "n")
    )


def checked_in_days(pairs: Iterable[tuple[int, int]]) -> dict[int, set[dt.date]]:
    """C07: per enrolment, the local days with a matched face check-in its institution's devices sent.
    ``pairs`` are (class id, enrolment id)."""
    pairs = list(pairs)
    out: dict[int, set[dt.date]] = defaultdict(set)
    if not pairs:
        return out
    for enrolment_id, at in (
        LearningEvent.objects.filter(
            training_class_id__in={c for c, _ in pairs},
            enrolment_id__in={e for _, e in pairs},
            kind="face_in",
        )
        .exclude(passed=False)
        .values_list("enrolment_id", "at")
    ):
        out[enrolment_id].add(timezone.localtime(at).date())
    return out
