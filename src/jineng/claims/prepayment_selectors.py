"""Reads of F04 prepayments, scoped to the user: an institution its own, staff their region subtree."""

from __future__ import annotations

from django.db.models import QuerySet

from jineng.accounts.models import User
from jineng.claims.models import Prepayment, PrepaymentState
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.policy.profiles import get_profile
from jineng.training.models import ClassState, TrainingClass
from jineng.training.selectors import classes_visible


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
