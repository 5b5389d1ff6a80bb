"""Reads of F04 prepayments, scoped to the user: an institution its own, staff their region subtree."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from jineng.accounts.models import User
from jineng.assessment.models import Result
from jineng.claims.models import Prepayment, PrepaymentState, ProjectStop
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.policy.profiles import get_profile
from jineng.supervision.models import Summary
from jineng.training.models import ClassState, Enrolment, Mode, TrainingClass
from jineng.training.selectors import classes_visible

# Classes that never ran tell nothing of an institution's training.
NOT_RUN = (
    ClassState.DRAFT,
    ClassState.SUBMITTED,
    ClassState.DEPT_REVIEWED,
    ClassState.RETURNED,
    ClassState.WITHDRAWN,
    ClassState.CANCELLED,
)


def prepayments_visible(user: User) -> QuerySet[Prepayment]:
    if not can(user.role, "prepayment.view"):
        return Prepayment.objects.none()
    scope = scope_of(user)
    qs = Prepayment.objects.select_related(
        "training_class",
        "training_class__occupation",
        "region",
        "institution",
        "first_reviewer",
        "second_reviewer",
    )
    if user.role == Role.INSTITUTION:
        return qs.filter(institution_id=scope.organisation_id) if scope.organisation_id else qs.none()
    return qs.filter(scope.region_q())


def prepayable_classes(user: User) -> QuerySet[TrainingClass]:
    """The institution's approved or running project-based classes without a live prepayment (F04)."""
    if not can(user.role, "prepayment.apply"):
        return TrainingClass.objects.none()
    candidates = (
        classes_visible(user)
        .filter(state__in=[ClassState.APPROVED, ClassState.IN_TRAINING])
        .exclude(prepayments__state__in=[s for s in PrepaymentState.values if s != PrepaymentState.REJECTED])
    )
    # Which 培训方式 may be prepaid is the class's profile's (F04: 项目制; XC19 also 企业自主培训).
    allowed = [
        pk
        for pk, mode, code, version in candidates.values_list("pk", "mode", "profile_code", "profile_version")
        if code and mode in (get_profile(code, version).get("prepay_modes") or ())
    ]
    return candidates.filter(pk__in=allowed).order_by("-start_date", "-id")


@dataclass(frozen=True)
class ProjectPerformance:
    """How an institution's project-based (项目制) classes went: what F04's stop rests on (ZZ21 三(四):
    培训效果、出勤率、结业人数比例). The documents fix no threshold: the bureau judges from these figures."""

    institution: Organisation
    classes: int
    opening: int  # 开班人数
    trained: int  # 检查在位平均人数 (C02)
    enrolled: int  # trainees of the assessed classes
    passed: int  # of them, passed the final assessment
    stop: ProjectStop | None

    @property
    def attendance(self) -> Decimal | None:
        return (Decimal(self.trained) / self.opening).quantize(Decimal("0.001")) if self.opening else None

    @property
    def completion(self) -> Decimal | None:
        return (Decimal(self.passed) / self.enrolled).quantize(Decimal("0.001")) if self.enrolled else None


def project_performance(user: User, *, institution_id: int | None = None) -> list[ProjectPerformance]:
    """Per institution in the user's scope with project-based classes (or only ``institution_id``'s),
    lowest attendance first. A few aggregate queries whatever the number of classes."""
    if not can(user.role, "prepayment.view"):
        return []
    visible = classes_visible(user).filter(mode=Mode.PROJECT).exclude(state__in=NOT_RUN)
    if institution_id is not None:
        visible = visible.filter(institution_id=institution_id)
    # The visible classes as plain rows (the scope's joins would multiply the counts).
    classes = TrainingClass.objects.filter(pk__in=visible.values("pk"))
    counts = {
        r["institution_id"]: r["n"]
        for r in classes.order_by().values("institution_id").annotate(n=Count("pk"))
    }
    if not counts:
        return []
    heads: dict[int, dict[str, Any]] = {
        r["training_class__institution_id"]: dict(r)
        for r in Summary.objects.filter(training_class__in=classes)
        .order_by()
        .values("training_class__institution_id")
        .annotate(opening=Sum("opening_headcount"), trained=Sum("trained_headcount"))
    }
    assessed = classes.filter(state__in=[ClassState.ASSESSED, ClassState.CLOSED])
    enrolled = {
        r["training_class__institution_id"]: r["n"]
        for r in Enrolment.objects.filter(training_class__in=assessed)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by()
        .values("training_class__institution_id")
        .annotate(n=Count("pk"))
    }
    passed = {
        r["enrolment__training_class__institution_id"]: r["n"]
        for r in Result.objects.filter(enrolment__training_class__in=assessed, passed=True)
        .order_by()
        .values("enrolment__training_class__institution_id")
        .annotate(n=Count("pk"))
    }
    stops = {
        s.institution_id: s for s in ProjectStop.objects.filter(institution_id__in=counts, lifted_on=None)
    }
    out = [
        ProjectPerformance(
            institution=org,
            classes=counts[org.pk],
            opening=heads.get(org.pk, {}).get("opening") or 0,
            trained=heads.get(org.pk, {}).get("trained") or 0,
            enrolled=enrolled.get(org.pk, 0),
            passed=passed.get(org.pk, 0),
            stop=stops.get(org.pk),
        )
        for org in Organisation.objects.filter(pk__in=counts).order_by("name")
    ]
    return sorted(out, key=lambda p: (p.attendance is None, p.attendance or 0, p.institution.name))


def project_stops_visible(user: User) -> QuerySet[ProjectStop]:
    if not can(user.role, "prepayment.view"):
        return ProjectStop.objects.none()
    scope = scope_of(user)
    qs = ProjectStop.objects.select_related("institution", "region", "stopped_by", "lifted_by")
    if user.role == Role.INSTITUTION:
        return qs.filter(institution_id=scope.organisation_id) if scope.organisation_id else qs.none()
    return qs.filter(scope.region_q())


def project_performance_of(user: User, institution_id: int) -> ProjectPerformance | None:
    """One institution's figures, if it is in the user's scope and ran project-based classes."""
    found = project_performance(user, institution_id=institution_id)
    return found[0] if found else None
