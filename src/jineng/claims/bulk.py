"""Claims in batches: create for many assessed classes at once, sign many claims at once.

The pages and the API go through here too, with a batch of one (``services.claim_create`` /
``services.claim_review``), so the checks a clerk or a reviewer meets on one claim are exactly those a
batch of 20,000 meets, and the bench times the production path. Set-based: the facts are read once per
kind per batch (``entitle.compute_many``), and the lines, signatures, books and audit events are
written with a handful of statements per batch instead of some per claim or per line.

All or nothing: one class or claim of the batch refused refuses the batch, naming it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit import services as audit
from jineng.claims import certshare, entitle
from jineng.claims import services as claim_services
from jineng.claims.models import (
    ApplicantKind,
    Claim,
    ClaimDecision,
    ClaimLine,
    ClaimReview,
    ClaimStage,
    ClaimState,
    ClaimStep,
)
from jineng.claims.programmes import TRAINING
from jineng.core.bulkwrite import collector_paused, id_list, reserve_ids
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.ledger import services as ledger
from jineng.orgs import guards
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.policy import claims as rules
from jineng.policy.profiles import ParameterNotSet, Profile
from jineng.policy.violations import Violation
from jineng.policy.workdays import CalendarNotCovered
from jineng.regions.models import Region
from jineng.training.models import TrainingClass
from jineng.workcal.selectors import work_calendar

# --- writing many rows -------------------------------------------------------------------------------------


def _copy(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Plain rows into ``model``'s table: COPY on PostgreSQL, executemany on SQLite. A million claim lines
    as model instances through bulk_create cost more than judging them."""
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))


def _insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """``bulk_create`` for rows written by the thousand: on PostgreSQL the ids come from the table's
    sequence and the rows go in by COPY — the same values bulk_create would write (each field's
    ``pre_save`` and database conversion), without a 30,000-parameter INSERT to build and parse."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not objs:
        model._default_manager.bulk_create(objs)
        return
    missing = [o for o in objs if o.pk is None]
    for o, pk in zip(missing, reserve_ids(model, len(missing)), strict=True):
        o.pk = pk
    fields = model._meta.concrete_fields
    _copy(
        model,
        [str(f.column) for f in fields],
        [[f.get_db_prep_save(f.pre_save(o, True), connection) for f in fields] for o in objs],
    )
    for o in objs:
        o._state.adding = False
        o._state.db = connection.alias


def _ids(ids: Iterable[int]) -> Any:
    """The right-hand side of ``pk__in`` for a batch's thousand ids (``core.bulkwrite.id_list``)."""
    values = list(ids)
    return id_list(values, values)


def _share(objs: Sequence[models.Model], *names: str) -> None:
    """What select_related would load, read once per distinct row: a thousand classes of one institution
    get one institution instance, not a thousand (building model instances was most of the locking)."""
    if not objs:
        return
    for name in names:
        field = objs[0]._meta.get_field(name)
        assert isinstance(field, models.ForeignKey)
        found = field.related_model._base_manager.in_bulk({getattr(o, field.attname) for o in objs} - {None})
        for o in objs:
            key = getattr(o, field.attname)
            setattr(o, name, found[key] if key is not None else None)


def batch_refusal(exc: Refusal, what: str, many: bool) -> Refusal:
    """A batch's refusal names the class or claim it is about; a batch of one keeps the plain message."""
    if not many:
        return exc
    return Refusal(
        f"{what}：{exc.message}",
        field=exc.field,
        value=exc.value,
        rule=exc.rule,
        clause=exc.clause,
        violations=exc.violations,
    )


# --- create ---------------------------------------------------------------------------------------------------


def _applicant(actor: User, tc: TrainingClass) -> tuple[str, Organisation | None, Person | None]:
    if actor.role == Role.INSTITUTION and actor.organisation_id == tc.institution_id:
        # 企业自主培训 and 学徒制 are claimed by the enterprise that trained its own staff (附件2 备注).
        if tc.enterprise_id and tc.mode == "enterprise_self":
            return ApplicantKind.ENTERPRISE, tc.enterprise, None
        return ApplicantKind.INSTITUTION, tc.institution, None
    if (
        actor.role == Role.TRAINEE
        and actor.person_id
        and tc.enrolments.filter(person_id=actor.person_id).exists()
    ):
        return ApplicantKind.INDIVIDUAL, None, actor.person
    raise Refusal("只有本班培训机构经办人或本班学员本人可以申领补贴")


@collector_paused()
@transaction.atomic
def claims_create_bulk(
    *, actor: User, classes: Sequence[TrainingClass], today: dt.date | None = None
) -> list[Claim]:
    """A draft claim for each assessed class, with a line per trainee (F01–F03, B02/B07/B08, C02/C05/C09,
    E03), in class order. An institution's clerk claims for its classes; a trainee for his own line."""
    guards.refuse_blacklisted(actor.organisation_id)  # F14: a blacklisted institution claims nothing
    today = today or timezone.localdate()
    many = len({tc.pk for tc in classes}) > 1
    locked = list(
        TrainingClass.objects.select_for_update()
        .filter(pk__in=_ids({tc.pk for tc in classes}))
        .order_by("pk")
    )
    _share(locked, "region", "institution", "enterprise", "occupation", "trade")
    applicants: dict[int, tuple[str, Organisation | None, Person | None]] = {}
    profiles: dict[int, Profile] = {}
    by_key: dict[tuple[Any, ...], Profile] = {}  # one look-up per frozen profile, or per region and year
    for tc in locked:
        try:
            applicants[tc.pk] = _applicant(actor, tc)
            if tc.state not in claim_services.CLAIMABLE_CLASS_STATES:
                raise Refusal(
                    f"培训班当前状态为“{tc.get_state_display()}”：考核结果录入后方可申领补贴",
                    field="培训班状态",
                    value=tc.get_state_display(),
                )
            key = (tc.profile_code, tc.profile_version) if tc.profile_code else ("", tc.region_id, tc.year)
            if key not in by_key:
                by_key[key] = claim_services._class_profile(tc)
            profiles[tc.pk] = by_key[key]
        except Refusal as exc:
            raise batch_refusal(exc, f"培训班 {tc.ref}", many) from None
    # I01: no claim paid to an institution (or enterprise) under a sanction in force, one query for all.
    payees = {org.pk for _, org, _ in applicants.values() if org is not None}
    guards.refuse_sanctioned(payees, on_date=today, act="申领补贴")
    people = {applicants[tc.pk][2] for tc in locked}
    person = people.pop() if len(people) == 1 else None
    # E06: the year's special-ability + completion certificates beyond the profile's share, over the batch.
    try:
        certshare.refuse_over_share_many(
            locked, profiles, person_id=person.pk if person is not None else None
        )
    except certshare.ClassRefused as refused:
        raise batch_refusal(refused.refusal, f"培训班 {refused.tc.ref}", many) from None
    if person is not None and many:
        raise Refusal("个人申请一次只能申领一个培训班的补贴", field="培训班")
    # A trainee already in a live claim of the class (an individual's own, say) is not claimed again.
    taken = _live_lines([tc.pk for tc in locked])
    # One code per region of the batch (a zone's is its city's, read once), not a parent read per claim —
    # and read before the lines' COPY, during which the connection can run nothing else.
    regions = {tc.region_id: tc.region for tc in locked}
    areas = {pk: region.area_code() for pk, region in regions.items()}
    claims: list[Claim] = []
    try:
        judging = entitle.judge_each(locked, profiles, person=person)  # the batch's facts, read now
    except ParameterNotSet as exc:
        raise claim_services._not_set(exc) from None

    def judged() -> Iterator[tuple[Claim, list[entitle.Line]]]:
        """Each class judged, in class order, with its claim (no query: this runs inside the COPY)."""
        try:
            for tc, result in judging:
                try:
                    lines = _lines(tc, result, taken)
                except Refusal as exc:
                    raise batch_refusal(exc, f"培训班 {tc.ref}", many) from None
                claim = _claim(actor, tc, result, lines, applicants[tc.pk])
                claims.append(claim)
                yield claim, lines
        except ParameterNotSet as exc:
            raise claim_services._not_set(exc) from None

    # On PostgreSQL the claims' ids are reserved first and the lines go into one COPY fed class by class
    # as they are judged: the server stores one class's lines while the next is judged, instead of the
    # two waiting for each other. A refusal met half-way ends the COPY and, with it, the batch.
    # (SQLite has no sequences to reserve from: there the claims are written first, then their lines.)
    postgresql = connections[router.db_for_write(Claim)].vendor == "postgresql"
    reserved = iter(reserve_ids(Claim, len(locked)) if postgresql else ())

    def streamed() -> Iterator[tuple[Any, ...]]:
        for c, lines in judged():
            c.pk = next(reserved)
            c.ref = _ref(c, areas)
            yield from _line_rows(c, lines, taken)

    try:
        with transaction.atomic():
            if postgresql:
                _copy(ClaimLine, LINE_COLUMNS, streamed())
                _insert(Claim, claims)
            else:
                pairs = list(judged())
                Claim.objects.bulk_create(claims)
                for c in claims:
                    c.ref = _ref(c, areas)
                Claim.objects.bulk_update(claims, ["ref"])
                _copy(ClaimLine, LINE_COLUMNS, (r for c, lines in pairs for r in _line_rows(c, lines, taken)))
    except IntegrityError:
        # A concurrent claim took a trainee between the check and the insert.
        raise Refusal("本班学员的补贴已在另一笔申领中，不能重复申领", field="学员") from None
    # One event per claim, in one write: each scoped as its claim (Claim.audit_scope).
    audit.events_record_many(
        actor=actor,
        action="claim.created",
        items=[
            {"obj": c, "to_state": c.state, "payload": {"amount": str(c.amount), "headcount": c.headcount}}
            for c in claims
        ],
    )
    return claims


def _live_lines(class_ids: list[int]) -> dict[tuple[int, int], str]:
    """(class, person) → reference of the live claim holding the line, for the batch's classes.

    On PostgreSQL one walk of the one-live-line index per class, forced (LATERAL, and OFFSET 0 so that
    the planner cannot fold the subquery back into a join): as ``training_class_id IN (…)`` the plan
    followed the table's statistics, and while a batch run adds lines faster than they are analysed it
    read every live line of the system for each batch (a seventh of a second a batch at a million)."""
    connection = connections[router.db_for_write(ClaimLine)]
    if connection.vendor != "postgresql":
        return {
            (cid, pid): ref
            for cid, pid, ref in ClaimLine.objects.filter(training_class_id__in=class_ids, live=True)
            .order_by()  # the default ordering would join the claims and sort every line for nothing
            .values_list("training_class_id", "person_id", "claim__ref")
        }
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT l.training_class_id, l.person_id, l.claim_id FROM unnest(%s::bigint[]) AS c(id)
                CROSS JOIN LATERAL (
                    SELECT training_class_id, person_id, claim_id FROM {ClaimLine._meta.db_table}
                    WHERE training_class_id = c.id AND live OFFSET 0
                ) AS l""",
            [class_ids],
        )
        found = cursor.fetchall()
    # The references apart, for the few lines found: joined in, their estimated cost made PostgreSQL
    # compile the query (JIT) for every batch.
    refs = dict(Claim.objects.filter(pk__in={row[2] for row in found}).values_list("pk", "ref"))
    return {(cid, pid): refs[claim_id] for cid, pid, claim_id in found}


LINE_COLUMNS = (
    "claim_id",
    "person_id",
    "training_class_id",
    "row",
    "status",
    "amount",
    "rule_ids",
    "computation",
    "reasons",
    "live",
)


def _claim(
    actor: User,
    tc: TrainingClass,
    result: entitle.Computed,
    lines: list[entitle.Line],
    applicant: tuple[str, Organisation | None, Person | None],
) -> Claim:
    kind, payee_org, payee_person = applicant
    payable = [ln for ln in lines if ln.status == ClaimLine.Status.PAYABLE]
    return Claim(
        # Unique until the id is known; the real reference is set once it is.
        ref=f"tmp-{timezone.now().timestamp()}-{tc.pk}",
        programme=TRAINING,
        source_id=tc.pk,
        source_ref=tc.ref,
        title=tc.occupation.name,
        period_start=tc.start_date,
        period_end=tc.end_date,
        training_class=tc,
        region=tc.region,
        department_id=tc.department_id,
        applicant_kind=kind,
        payee_organisation=payee_org,
        payee_person=payee_person,
        bank_name=tc.bank_name if payee_person is None else "",
        bank_account=tc.bank_account if payee_person is None else "",
        headcount=len(payable),
        amount=sum((ln.amount for ln in payable), Decimal("0.00")),
        computation=result.summary,
        created_by=actor,
    )


def _line_rows(
    c: Claim, lines: Sequence[entitle.Line], taken: dict[tuple[int, int], str]
) -> Iterator[tuple[Any, ...]]:
    """One claim's line rows for COPY, the claim's columns read once rather than once per line."""
    claim_id, class_id = c.pk, c.training_class_id
    for ln in lines:
        yield (
            claim_id,
            ln.person_id,
            class_id,
            ln.row,
            ln.status,
            ln.amount,
            ",".join(ln.rule_ids),
            ln.computation,
            reasons_json(ln.reasons),
            (class_id, ln.person_id) not in taken,
        )


def _ref(c: Claim, areas: dict[int, str]) -> str:
    return f"BT{c.training_class.year}{areas[c.region_id][:6]}{c.pk:06d}"  # type: ignore[union-attr]


def reasons_json(reasons: Sequence[Violation]) -> str:
    """A line's reasons as its JSON column holds them (for COPY). Most lines are payable, with no
    reason: their JSON is a constant."""
    if not reasons:
        return "[]"
    return json.dumps(
        [{"rule": v.rule, "clause": v.clause, "message": v.message} for v in reasons],
        ensure_ascii=False,
    )


def _lines(
    tc: TrainingClass, computed: entitle.Computed, taken: dict[tuple[int, int], str]
) -> list[entitle.Line]:
    if computed.refusals:
        raise Refusal.from_violations("本班补贴不予受理", computed.refusals)
    mine = {(tc.pk, ln.person_id) for ln in computed.lines} & taken.keys()
    lines = [
        _taken(ln, taken[(tc.pk, ln.person_id)]) if (tc.pk, ln.person_id) in mine else ln
        for ln in computed.lines
    ]
    payable = [ln for ln in lines if ln.status == ClaimLine.Status.PAYABLE]
    if mine and not payable:
        refs = sorted({taken[k] for k in mine})
        raise Refusal(
            f"本班学员的补贴均已在申领 {'、'.join(refs)} 中，不能重复申领",
            field="学员",
            value=str(len(mine)),
        )
    if not payable:
        raise Refusal.from_violations(
            "本班没有符合补贴条件的学员", [v for ln in computed.lines for v in ln.reasons][:20]
        )
    return lines


def _taken(line: entitle.Line, ref: str) -> entitle.Line:
    from jineng.policy.violations import Violation

    reason = Violation(
        "F02", "附件2 补贴资金申领", f"该学员的补贴已在申领 {ref} 中，不重复申领", field="学员"
    )
    return dataclasses.replace(
        line, status=ClaimLine.Status.EXCLUDED, amount=Decimal("0.00"), reasons=(reason,)
    )


# --- review (F09), notice (F08), finance (F10), approval -----------------------------------------------------


# What a signature reads of a claim (the step, the scope, the payee and amount to book). The rest — its
# computation, bank details, timestamps — is not loaded: a bureau signs thousands at once, and parsing
# four timestamps and a JSON document per claim was a third of reading them.
_SIGNING_FIELDS = (
    "id",
    "ref",
    "state",
    "review_round",
    "region",
    "department",
    "training_class",
    "payee_organisation",
    "payee_person",
    "amount",
    "profile_code",
    "profile_version",
)


@collector_paused()
@transaction.atomic
def claims_review_bulk(
    *,
    actor: User,
    claims: Sequence[Claim],
    decision: str,
    comment: str = "",
    today: dt.date | None = None,
) -> list[Claim]:
    """The actor's signature on each claim, at the step each claim is at (F09: the right role, in scope,
    and a second signature by another person than the first). A department's second signature puts the
    list on public notice (F08); the bureau's second goes to finance where the profile has that step (F10),
    else approves, and approval books the payable. Returns the claims in id order,
    with only the fields a signature reads loaded (the others load when asked for)."""
    today = today or timezone.localdate()
    many = len({c.pk for c in claims}) > 1
    locked = list(
        Claim.objects.select_for_update()
        .filter(pk__in=_ids({c.pk for c in claims}))
        .only(*_SIGNING_FIELDS)
        .order_by("pk")
    )
    _share(locked, "region")
    # The classes' frozen profiles, read once for the batch rather than a class per claim; a programme's
    # claim other than a class's has its own frozen on it.
    frozen = {
        pk: rest
        for pk, *rest in TrainingClass.objects.filter(
            pk__in=_ids({c.training_class_id for c in locked if c.training_class_id})
        ).values_list("pk", "profile_code", "profile_version", "region_id", "year")
    }
    signed: dict[tuple[int, int, str, str], int] = {
        (cid, rnd, stage, step): reviewer
        for cid, rnd, stage, step, reviewer in ClaimReview.objects.filter(
            claim_id__in=_ids(c.pk for c in locked)
        )
        .order_by()
        .values_list("claim_id", "round", "stage", "step", "reviewer_id")
    }
    profiles: dict[tuple[Any, ...], Profile] = {}
    steps: list[tuple[Claim, str, str, Profile]] = []
    for c in locked:
        try:
            profile = _cached_profile(
                c,
                frozen[c.training_class_id]
                if c.training_class_id
                else [c.profile_code, c.profile_version, c.region_id, 0],
                profiles,
            )
            stage, which = _check_signature(actor, c, decision, comment, signed, profile)
        except Refusal as exc:
            raise batch_refusal(exc, f"申领 {c.ref}", many) from None
        steps.append((c, stage, which, profile))
    now = timezone.now()
    connection = connections[router.db_for_write(ClaimReview)]
    on = models.DateField().get_db_prep_save(today, connection)
    at = models.DateTimeField().get_db_prep_save(now, connection)
    _copy(
        ClaimReview,
        ["claim_id", "stage", "step", "round", "reviewer_id", "decision", "comment", "on", "at"],
        [
            (c.pk, stage, which, c.review_round, actor.pk, decision, comment.strip(), on, at)
            for c, stage, which, _ in steps
        ],
    )
    calendar = _Memo(work_calendar())
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    changes: dict[tuple[tuple[str, Any], ...], list[int]] = defaultdict(list)
    approved: list[Claim] = []
    for c, stage, which, profile in steps:
        from_state = c.state
        payload: dict[str, Any] = {"decision": decision, "comment": comment.strip(), "round": c.review_round}
        try:
            fields = _next_state(c, stage, which, profile, decision, comment, today, calendar, now, payload)
        except ParameterNotSet as exc:
            raise batch_refusal(claim_services._not_set(exc), f"申领 {c.ref}", many) from None
        except CalendarNotCovered as exc:
            raise batch_refusal(claim_services._calendar_refusal(exc), f"申领 {c.ref}", many) from None
        for name, value in fields.items():
            setattr(c, name, value)
        if fields:
            c.updated_at = now
        if c.state == ClaimState.APPROVED:
            approved.append(c)
        changes[tuple(sorted(fields.items()))].append(c.pk)
        events[f"claim.review.{stage}.{which}"].append(
            {"obj": c, "from_state": from_state, "to_state": c.state, "payload": payload}
        )
    _payables_recognise(actor, approved, today)
    for fields_key, ids in changes.items():
        # A first signature changes no field of the claim (the signature and its event are the record):
        # no UPDATE then, which rewrote a thousand claim rows and their twelve indexes for a timestamp.
        if fields_key:
            Claim.objects.filter(pk__in=_ids(ids)).update(**dict(fields_key), updated_at=now)
    for action, items in events.items():
        audit.events_record_many(actor=actor, action=action, items=items)
    return locked


def _cached_profile(c: Claim, frozen: list[Any], cache: dict[tuple[Any, ...], Profile]) -> Profile:
    code, version, region_id, year = frozen
    key = (code, version) if code else ("", region_id, year)
    if key not in cache:
        cache[key] = claim_services.claim_profile(c)
    return cache[key]


_DECISIONS = frozenset(ClaimDecision.values)  # .values builds a new list at every call: once per claim


def check_decision(decision: str, comment: str) -> None:
    """A signature's conclusion: pass or return, and a return says why (also checked when a 批量签署
    run is started, before any claim is looked at)."""
    if decision not in _DECISIONS:
        raise Refusal("审核结论应为“通过”或“退回修改”", field="审核结论", value=decision)
    if decision == ClaimDecision.RETURN and not comment.strip():
        raise Refusal("退回修改须填写意见", field="审核意见")


def _check_signature(
    actor: User,
    c: Claim,
    decision: str,
    comment: str,
    signed: dict[tuple[int, int, str, str], int],
    profile: Profile,
) -> tuple[str, str]:
    stage = claim_services.STAGE_OF_STATE.get(ClaimState(c.state))
    if stage is None:
        raise Refusal(f"申领当前状态为“{c.get_state_display()}”，无需审核")
    first = signed.get((c.pk, c.review_round, stage, ClaimStep.FIRST))
    which = ClaimStep.SECOND if first is not None else ClaimStep.FIRST
    roles = claim_services.ROLES_FOR[(stage, which)]
    if actor.role not in roles:
        labels = "、".join(Role(r).label for r in roles)
        raise Refusal(
            f"此环节须由{labels}办理（当前：{ClaimStage(stage).label}{ClaimStep(which).label}）",
            rule="F09",
            clause=profile.cite("reviewers_per_step"),
        )
    claim_services._in_scope_reviewer(actor, c, stage)
    check_decision(decision, comment)
    problems = rules.signature_violations(
        profile,
        first_reviewer=first,
        reviewer=actor.pk,
        step="second" if which == ClaimStep.SECOND else "first",
    )
    if problems:
        # F09 named on the refusal itself, so that a batch's one-line message carries the rule too.
        raise Refusal(
            f"不能签署：{problems[0].message}",
            field=problems[0].field,
            rule=problems[0].rule,
            clause=problems[0].clause,
            violations=problems,
        )
    return stage, which


class _Memo:
    """The work calendar with its answers kept for the batch: every claim signed the same day gets the
    same notice window and deadline, worked out once."""

    def __init__(self, calendar: Any) -> None:
        self.calendar = calendar
        self.answers: dict[tuple[Any, ...], Any] = {}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.calendar, name)

        def remembered(*args: Any) -> Any:
            key = (name, *args)
            if key not in self.answers:
                self.answers[key] = method(*args)
            return self.answers[key]

        return remembered


def _next_state(
    c: Claim,
    stage: str,
    which: str,
    profile: Profile,
    decision: str,
    comment: str,
    today: dt.date,
    calendar: Any,
    now: dt.datetime,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The claim's fields after this signature (``payload`` gains what the event records)."""
    two = int(profile.get("reviewers_per_step", 2)) >= 2
    if decision == ClaimDecision.RETURN:
        return {"state": ClaimState.RETURNED, "return_comment": comment.strip(), "review_due": None}
    if which != ClaimStep.SECOND and two:
        return {}
    if stage == ClaimStage.DEPT:
        notice = rules.notice_window(profile, calendar, today)
        payload.update(notice_start=notice.start.isoformat(), notice_end=notice.end.isoformat(), rule="F08")
        return {
            "state": ClaimState.IN_NOTICE,
            "notice_start": notice.start,
            "notice_end": notice.end,
            "review_due": None,
        }
    if stage == ClaimStage.HR and rules.needs_finance_review(profile):
        return {
            "state": ClaimState.HR_REVIEWED,
            "review_due": rules.review_due(profile, calendar, "finance", today),
        }
    return {"state": ClaimState.APPROVED, "approved_at": now, "review_due": None}


# --- the payables of approved claims (the books) ----------------------------------------------------------------


def _payables_recognise(actor: Any, claims: Sequence[Claim], day: dt.date) -> None:
    """The payables of the approved claims in one ``ledger.entries_post``: per claim one balanced entry
    (debit the subsidy expense, credit the payee's payable) under the key ``claim:<id>:payable``. A claim
    already booked under its key (a retry) is not booked again."""
    if not claims:
        return
    # The payees, read in two queries rather than one per claim.
    orgs = Organisation.objects.in_bulk({c.payee_organisation_id for c in claims if c.payee_organisation_id})
    people = Person.objects.in_bulk({c.payee_person_id for c in claims if c.payee_person_id})
    for c in claims:
        if c.payee_organisation_id:
            c.payee_organisation = orgs[c.payee_organisation_id]
        elif c.payee_person_id:
            c.payee_person = people[c.payee_person_id]
    regions: dict[int, Region] = {}
    for c in claims:
        if c.region_id not in regions:
            regions[c.region_id] = ledger.books_region(c.region)
    ledger.entries_post(
        actor=actor,
        entries=[
            ledger.payable_entry(
                region=regions[c.region_id],
                payee=c.payee,
                amount=c.amount,
                key=f"claim:{c.pk}:payable",
                date=day,
                memo=f"补贴申领 {c.ref} 核准",
                source=("claims.Claim", str(c.pk)),
            )
            for c in claims
        ],
    )
