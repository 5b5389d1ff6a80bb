"""Reads of claims, notices and batches, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from jineng.accounts.models import User
from jineng.claims.models import (
    Claim,
    ClaimLine,
    ClaimReview,
    ClaimRun,
    ClaimRunChunk,
    ClaimState,
    Objection,
    PaymentBatch,
)
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.policy.identity import mask_id_number
from jineng.training.models import TrainingClass


def claims_visible(user: User) -> QuerySet[Claim]:
    if not can(user.role, "claim.view"):
        return Claim.objects.none()
    scope = scope_of(user)
    qs = Claim.objects.select_related(
        "training_class",
        "training_class__occupation",
        "region",
        "department",
        "payee_organisation",
        "payee_person",
    )
    if user.role == Role.TRAINEE:
        return qs.filter(payee_person_id=scope.person_id) if scope.person_id else qs.none()
    if user.role == Role.INSTITUTION:
        org = scope.organisation_id
        return (
            qs.filter(Q(payee_organisation_id=org) | Q(training_class__institution_id=org))
            if org
            else qs.none()
        )
    qs = qs.filter(scope.region_q())
    if scope.is_department:
        qs = qs.filter(department_id=scope.department_id) if scope.department_id else qs.none()
    # Reviewers do not see the applicant's drafts.
    return qs.exclude(state=ClaimState.DRAFT)


@dataclass(frozen=True)
class ClaimFilter:
    state: str = ""
    q: str = ""
    overdue: bool = False


def claims_search(user: User, f: ClaimFilter, *, today: dt.date) -> QuerySet[Claim]:
    qs = claims_visible(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.q:
        qs = qs.filter(
            Q(ref__icontains=f.q)
            | Q(source_ref__icontains=f.q)
            | Q(payee_organisation__name__contains=f.q)
            | Q(title__contains=f.q)
        )
    if f.overdue:
        qs = qs.filter(review_due__lt=today)
    return qs.order_by("-created_at", "-id")


# Which reviewer role signs which (state, step); the queue shows a user what waits for their signature.
_WAITING: dict[str, tuple[str, str, str]] = {
    Role.DEPT_FIRST: (ClaimState.SUBMITTED, "dept", "first"),
    Role.DEPT_SECOND: (ClaimState.SUBMITTED, "dept", "second"),
    Role.HR_FIRST: (ClaimState.NOTICE_CLOSED, "hr", "first"),
    Role.HR_SECOND: (ClaimState.NOTICE_CLOSED, "hr", "second"),
}


def review_queue(user: User) -> QuerySet[Claim]:
    """Claims waiting for this user's signature, oldest deadline first; notices to close for the bureau."""
    qs = claims_visible(user)
    signed = ClaimReview.objects.filter(claim=OuterRef("pk"), round=OuterRef("review_round"))
    if user.role == Role.FINANCE:
        # Two different finance officers sign: the second sees what the first signed, not their own.
        first = signed.filter(stage="finance", step="first")
        mine = first.filter(reviewer=user)
        second = signed.filter(stage="finance", step="second")
        return (
            qs.filter(state=ClaimState.HR_REVIEWED)
            .exclude(Exists(mine))
            .exclude(Exists(second))
            .order_by("review_due", "id")
        )
    waiting = _WAITING.get(user.role)
    if waiting is None:
        if user.role == Role.HR_ADMIN:
            return qs.filter(state=ClaimState.IN_NOTICE).order_by("notice_end", "id")
        return qs.none()
    state, stage, step = waiting
    first = signed.filter(stage=stage, step="first")
    qs = qs.filter(state=state)
    qs = qs.filter(Exists(first)) if step == "second" else qs.exclude(Exists(first))
    if user.role in (Role.HR_FIRST, Role.HR_SECOND):
        # The bureau also owns the notices: those running and those ready to close.
        return (qs | claims_visible(user).filter(state=ClaimState.IN_NOTICE)).order_by(
            "review_due", "notice_end", "id"
        )
    return qs.order_by("review_due", "id")


def lines_of(claim: Claim) -> QuerySet[ClaimLine]:
    return claim.lines.select_related("person").order_by("row")


def reviews_of(claim: Claim) -> QuerySet[ClaimReview]:
    return claim.reviews.select_related("reviewer").order_by("at", "id")


def objections_of(claim: Claim) -> QuerySet[Objection]:
    return claim.objections.select_related("line", "line__person", "resolved_by").order_by(
        "received_on", "id"
    )


# --- public notice: no login; only what F08 allows to be published ----------------------------------------


def notices_public(*, region_path: str = "") -> QuerySet[Claim]:
    qs = Claim.objects.filter(notice_start__isnull=False).select_related(
        "training_class", "training_class__occupation", "region", "payee_organisation"
    )
    if region_path:
        qs = qs.filter(region__path__startswith=region_path)
    return qs.annotate(objection_count=Count("objections")).order_by("-notice_start", "-id")


def mask_name(name: str) -> str:
    """F08 "涉及个人隐私的信息不予公示": the surname stays, the given name is starred (张*, 欧阳**)."""
    name = name.strip()
    if len(name) <= 1:
        return name
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


@dataclass(frozen=True)
class NoticeLine:
    row: int
    name: str
    id_number: str
    amount: str
    status: str


def notice_lines(claim: Claim) -> list[NoticeLine]:
    """The public list (F08): only the trainees to be paid. One who failed or is excluded is not
    published; the institution sees why on its own claim page."""
    return [
        NoticeLine(
            row=ln.row,
            name=" · ".join(x for x in (mask_name(ln.person.name) if ln.person else "", ln.label) if x),
            id_number=mask_id_number(ln.person.id_number) if ln.person else "",
            amount=f"{ln.amount:.2f}",
            status=ln.get_status_display(),
        )
        for ln in lines_of(claim).filter(status=ClaimLine.Status.PAYABLE)
    ]


def batches_visible(user: User) -> QuerySet[PaymentBatch]:
    if not can(user.role, "batch.view"):
        return PaymentBatch.objects.none()
    scope = scope_of(user)
    return (
        PaymentBatch.objects.filter(scope.region_q())
        .select_related("region")
        .annotate(claims=Count("items"))
        .order_by("-period_start", "-id")
    )


def runs_visible(user: User) -> QuerySet[ClaimRun]:
    """A user's own 申领批处理: who started it follows it (the claims it made are scoped as claims)."""
    if not (can(user.role, "claim.apply") or can(user.role, "claim.review")):
        return ClaimRun.objects.none()
    return ClaimRun.objects.filter(actor=user)


@dataclass(frozen=True)
class RefusedChunk:
    """A refused chunk as its reader needs it: the references of its first and last class or claim (an
    id means nothing to a clerk), why, and the violations behind it."""

    pk: int
    position: int
    ids: list[int]
    refs: list[str]
    message: str
    details: list[dict[str, Any]]


@dataclass(frozen=True)
class RunProgress:
    run: ClaimRun
    chunks: int
    pending: int
    done: int
    refused: int
    claims: int
    refusals: list[RefusedChunk]

    @property
    def state(self) -> str:
        if self.pending:
            return "running" if self.pending < self.chunks else "queued"
        return "refused" if self.refused == self.chunks else "partly_refused" if self.refused else "done"


def run_progress(run: ClaimRun) -> RunProgress:
    """The run counted from its chunks, one query (and one for the refused chunks' reasons, if any)."""
    n = _counted(ClaimRun.objects.filter(pk=run.pk)).values(*_COUNTS).get()
    return RunProgress(
        run=run,
        chunks=n["n_chunks"],
        pending=n["n_pending"],
        done=n["n_done"],
        refused=n["n_refused"],
        claims=n["n_claims"] or 0,
        refusals=_refused_chunks(run) if n["n_refused"] else [],
    )


_COUNTS = ("n_chunks", "n_pending", "n_done", "n_refused", "n_claims")


def _counted(runs: QuerySet[ClaimRun]) -> QuerySet[ClaimRun]:
    """Runs with their chunks counted by state, and the claims their chunks made or signed."""
    return runs.annotate(
        n_chunks=Count("chunks"),
        n_pending=Count("chunks", filter=Q(chunks__state=ClaimRunChunk.State.PENDING)),
        n_done=Count("chunks", filter=Q(chunks__state=ClaimRunChunk.State.DONE)),
        n_refused=Count("chunks", filter=Q(chunks__state=ClaimRunChunk.State.REFUSED)),
        n_claims=Sum("chunks__claims"),
    )


def run_item_refs(run: ClaimRun, ids: Iterable[int]) -> dict[int, str]:
    """The references of a run's classes (批量申领) or claims (批量签署) by id, for the people reading it."""
    model = TrainingClass if run.kind == ClaimRun.Kind.CREATE else Claim
    return dict(model.objects.filter(pk__in=set(ids)).values_list("pk", "ref"))


def _refused_chunks(run: ClaimRun) -> list[RefusedChunk]:
    chunks = list(run.chunks.filter(state=ClaimRunChunk.State.REFUSED).order_by("position")[:100])
    refs = run_item_refs(run, (pk for c in chunks for pk in (c.ids[0], c.ids[-1])))
    return [
        RefusedChunk(
            pk=c.pk,
            position=c.position,
            ids=c.ids,
            refs=[refs.get(c.ids[0], str(c.ids[0]))]
            + ([refs.get(c.ids[-1], str(c.ids[-1]))] if len(c.ids) > 1 else []),
            message=c.message,
            details=c.details,
        )
        for c in chunks
    ]


def runs_listed(user: User) -> QuerySet[ClaimRun]:
    """The user's runs, newest first, each with its chunks counted by state (one query)."""
    # Ordered here: a GROUP BY query drops the model's ordering.
    return _counted(runs_visible(user)).order_by("-created_at", "-id")


def classes_unclaimed(user: User) -> QuerySet[TrainingClass]:
    """The institution's assessed classes with no live claim line: what 批量申领 would claim."""
    from jineng.claims.services import CLAIMABLE_CLASS_STATES
    from jineng.training.selectors import classes_visible

    if user.role != Role.INSTITUTION or not user.organisation_id:
        return TrainingClass.objects.none()
    return (
        classes_visible(user)
        .filter(institution_id=user.organisation_id, state__in=CLAIMABLE_CLASS_STATES)
        .exclude(Exists(ClaimLine.objects.filter(training_class=OuterRef("pk"), live=True)))
        .order_by("pk")
    )


@dataclass(frozen=True)
class HeldLine:
    """The live claim line that holds a programme's key: where the money for it stands."""

    claim_id: int
    claim_ref: str
    claim_state: str
    claim_state_label: str
    status: str
    amount: Decimal


def lines_held(keys: Sequence[str]) -> dict[str, HeldLine]:
    """line key → the live line holding it, for a programme to show on its own records (a voucher, a
    以工代训 month) which claim pays them. Keys no live line holds are absent."""
    labels = dict(ClaimState.choices)
    return {
        key: HeldLine(cid, ref, state, str(labels.get(state, state)), status, amount)
        for key, cid, ref, state, status, amount in ClaimLine.objects.filter(
            line_key__in=list(keys), live=True
        )
        .order_by()
        .values_list("line_key", "claim_id", "claim__ref", "claim__state", "status", "amount")
    }


# --- a person's subsidies, for programmes' own rules (B08, F03 caps) -----------------------------------------


def programme_lines_of_persons(*, programme: str, person_ids: Iterable[int]) -> list[tuple[int, str, str]]:
    """(person, line key, claim reference) of every live payable line of ``programme`` for these persons,
    whoever claimed it: what a programme counts against its per-person limits (e.g. 以工代训's months, F03).
    Served by the partial index of non-class lines by person."""
    return list(
        ClaimLine.objects.filter(
            person_id__in=list(person_ids),
            training_class__isnull=True,
            status=ClaimLine.Status.PAYABLE,
            live=True,
            claim__programme=programme,
        )
        .order_by("line_key")
        .values_list("person_id", "line_key", "claim__ref")
    )


def class_lines_of_persons(*, funding_type: str, person_ids: Iterable[int]) -> dict[int, str]:
    """person → reference of a claim holding a live payable line for him in a class of ``funding_type``
    (B08: a new-hire pre-job subsidy line weighs against 以工代训). Read from the persons' enrolments, so the
    lines are found by their (class, person) key, never by scanning the lines."""
    ids = list(person_ids)
    rows = (
        ClaimLine.objects.filter(
            person_id__in=ids,
            training_class_id__in=TrainingClass.objects.filter(
                funding_type=funding_type, enrolments__person_id__in=ids
            ).values("pk"),
            status=ClaimLine.Status.PAYABLE,
            live=True,
        )
        .order_by("claim__ref")
        .values_list("person_id", "claim__ref")
    )
    out: dict[int, str] = {}
    for person_id, ref in rows:
        out.setdefault(person_id, ref)
    return out
