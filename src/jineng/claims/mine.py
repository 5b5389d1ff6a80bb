"""18.12: what a trainee sees of himself — his classes with their attendance, his results and
certificates, each subsidy line of his with the claim's state and payment, and, while a notice runs,
an objection to his own line. Reads only; the objection goes through claims.services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from jineng.accounts.models import User
from jineng.claims.models import ClaimLine, ClaimState, Objection
from jineng.online.selectors import checked_in_days
from jineng.supervision.models import CheckIn
from jineng.training.models import Enrolment


@dataclass(frozen=True)
class MyClass:
    enrolment: Enrolment
    days_checked_in: int
    leaves: int
    made_up: int
    result: Any  # assessment's Result, or None

    @property
    def tc(self) -> Any:
        return self.enrolment.training_class


@dataclass(frozen=True)
class MyLine:
    line: ClaimLine
    notice_open: bool
    # The objections he filed against this line (F08), oldest first: shown instead of the form.
    objections: tuple[Objection, ...] = ()

    @property
    def claim(self) -> Any:
        return self.line.claim

    @property
    def own_claim(self) -> bool:
        """A claim he applied for himself (paid to him), whose page he may open; a line in an organisation's
        claim is his to read here and to object to, not to open."""
        return (
            self.line.claim.payee_person_id is not None
            and self.line.claim.payee_person_id == self.line.person_id
        )

    @property
    def payment(self) -> str:
        """The line's payment state in words."""
        claim = self.line.claim
        if self.line.status != ClaimLine.Status.PAYABLE:
            return "不予补贴"
        if claim.state == ClaimState.PAID:
            return f"已拨付（{claim.paid_on:%Y年%-m月%-d日}）" if claim.paid_on else "已拨付"
        return claim.get_state_display()


def my_classes(user: User) -> list[MyClass]:
    """The trainee's enrolments, newest class first, with matched check-in days (C07), leaves and
    made-up lessons (C08) and his result. Three queries."""
    if user.person_id is None:
        return []
    enrolments = list(
        Enrolment.objects.filter(person_id=user.person_id)
        .select_related(
            "training_class",
            "training_class__occupation",
            "training_class__institution",
            "result",
        )
        .annotate(
            n_leaves=Count("leaves", distinct=True),
            n_made_up=Count("leaves", filter=Q(leaves__made_up_on__isnull=False), distinct=True),
        )
        .order_by("-training_class__start_date", "-id")
    )
    days: dict[int, set[dt.date]] = {}
    for enrolment_id, at in CheckIn.objects.filter(
        enrolment__in=[e.pk for e in enrolments], matched=True
    ).values_list("enrolment_id", "at"):
        days.setdefault(enrolment_id, set()).add(timezone.localtime(at).date())
    # The devices' own check-ins (issue 15) count as well as those an institution uploaded.
    for enrolment_id, found in checked_in_days((e.training_class_id, e.pk) for e in enrolments).items():
        days.setdefault(enrolment_id, set()).update(found)
    return [
        MyClass(e, len(days.get(e.pk, set())), e.n_leaves, e.n_made_up, getattr(e, "result", None))
        for e in enrolments
    ]


def my_contact(user: User) -> str:
    """How his own objections are signed: his registered phone, else his account's name."""
    person = user.person
    return (person.phone if person is not None else "") or user.username


def my_lines(user: User, classes: list[MyClass], today: dt.date) -> list[MyLine]:
    """His lines in the claims of his classes (found by class and person, the index the lines keep)."""
    if user.person_id is None or not classes:
        return []
    lines = list(
        ClaimLine.objects.filter(
            training_class_id__in=[c.tc.pk for c in classes], person_id=user.person_id, live=True
        )
        .select_related("claim")
        .exclude(claim__state__in=(ClaimState.WITHDRAWN,))
        .order_by("-claim__id")
    )
    person = user.person
    assert person is not None  # user.person_id is set
    filed: dict[int, list[Objection]] = {}
    for o in Objection.objects.filter(
        line__in=[ln.pk for ln in lines], name=person.name, contact=my_contact(user)
    ).order_by("received_on", "id"):
        filed.setdefault(o.line_id, []).append(o)  # type: ignore[arg-type]
    return [
        MyLine(
            ln,
            ln.claim.state == ClaimState.IN_NOTICE
            and ln.claim.notice_start is not None
            and ln.claim.notice_start <= today <= ln.claim.notice_end,  # type: ignore[operator]
            tuple(filed.get(ln.pk, ())),
        )
        for ln in lines
    ]


def my_line(user: User, line_id: int) -> ClaimLine | None:
    """One of his own lines, or None (another's is not his to object to)."""
    if user.person_id is None:
        return None
    return (
        ClaimLine.objects.filter(pk=line_id, person_id=user.person_id, live=True)
        .select_related("claim")
        .first()
    )
