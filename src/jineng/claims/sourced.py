"""Claims of the programmes other than classes: a programme app hands the pipeline its line facts.

A programme (以工代训, equipment grants, vouchers, evaluation subsidies… see ``claims.programmes``) judges
its own records with ``jineng.policy`` and calls :func:`claims_create_for_sources` with one
:class:`SourceClaim` per claim — thousands at once, or a batch of one. From here on a claim is a claim:
the same pledge, reviews, notice, batch and ledger as a class's, with the profile frozen at creation.

The pipeline's own guards hold for every programme: a blacklisted applicant claims nothing (F14), a
line is held by one live claim (its ``line_key``, unique among live lines in the database), and a claim
with no payable line is refused with the reasons of its lines.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit import services as audit
from jineng.claims.bulk import _copy, _insert, batch_refusal, reasons_json
from jineng.claims.models import Claim, ClaimLine
from jineng.claims.programmes import programme
from jineng.core.bulkwrite import collector_paused, reserve_ids
from jineng.core.errors import Refusal
from jineng.orgs import guards
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.policy.profiles import Profile
from jineng.policy.violations import Violation
from jineng.regions.models import Region

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SourceLine:
    """One line as the programme judged it: who (a person, or nobody when the organisation is paid for
    itself), for what (``label``: a month, an item), the amount and the computation citing its source."""

    key: str  # unique among live lines: the programme's own key, e.g. "yigong:12:345:2026-03"
    label: str
    amount: Decimal
    rule_ids: tuple[str, ...]
    computation: str
    person_id: int | None = None
    reasons: tuple[Violation, ...] = ()
    # A trainee's line of a class claimed through another programme (a voucher exchanged for the
    # certificate): held once with the class's own lines, by the (class, person) constraint.
    training_class_id: int | None = None
    row: int | None = None  # the roster's row, for a class's line

    @property
    def payable(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class SourceClaim:
    """A claim as a programme asks for it."""

    source_id: int
    source_ref: str
    title: str
    region: Region
    department_id: int
    applicant_kind: str  # ApplicantKind
    profile: Profile
    year: int
    period_start: dt.date | None
    period_end: dt.date | None
    lines: Sequence[SourceLine]
    payee_organisation: Organisation | None = None
    payee_person: Person | None = None
    bank_name: str = ""
    bank_account: str = ""
    summary: dict[str, Any] = field(default_factory=dict)


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
    "label",
    "line_key",
    "live",
)


def live_keys(lines: Sequence[SourceLine]) -> dict[str, str]:
    """line key → reference of the live claim that holds it (by its key, or for a class's trainee by
    the class and person, whatever programme claimed them)."""
    keys = [ln.key for ln in lines]
    found: dict[str, str] = {}
    if connection.vendor == "postgresql":
        # One array parameter, not a parameter per key (fifty thousand of them to quote and plan).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT l.line_key, c.ref FROM {ClaimLine._meta.db_table} l "
                f"JOIN {Claim._meta.db_table} c ON c.id = l.claim_id "
                "WHERE l.live AND l.line_key <> '' AND l.line_key = ANY(%s)",
                [keys],
            )
            found.update(cursor.fetchall())
    else:
        for start in range(0, len(keys), 10_000):  # within SQLite's limit of bound parameters
            found.update(
                ClaimLine.objects.filter(line_key__in=keys[start : start + 10_000], live=True)
                .order_by()
                .values_list("line_key", "claim__ref")
            )
    by_class = {(ln.training_class_id, ln.person_id): ln.key for ln in lines if ln.training_class_id}
    if by_class:
        for cid, pid, ref in (
            ClaimLine.objects.filter(training_class_id__in={c for c, _ in by_class}, live=True)
            .order_by()
            .values_list("training_class_id", "person_id", "claim__ref")
        ):
            if (cid, pid) in by_class:
                found[by_class[(cid, pid)]] = ref
    return found


def _taken(line: SourceLine, ref: str) -> SourceLine:
    reason = Violation(
        "F02", "附件2 补贴资金申领", f"该项补贴已在申领 {ref} 中，不重复申领", field=line.label
    )
    return SourceLine(
        key=line.key,
        label=line.label,
        amount=ZERO,
        rule_ids=line.rule_ids,
        computation=line.computation,
        person_id=line.person_id,
        reasons=(reason,),
        training_class_id=line.training_class_id,
        row=line.row,
    )


@collector_paused()
@transaction.atomic
def claims_create_for_sources(
    *, actor: User, programme_code: str, claims: Sequence[SourceClaim]
) -> list[Claim]:
    """Draft claims with their lines, in the order given. All or nothing: one claim refused (nothing
    payable, every line already held) refuses the batch, naming its source."""
    prog = programme(programme_code)
    payees = sorted({sc.payee_organisation.pk for sc in claims if sc.payee_organisation is not None})
    for org_id in payees:
        guards.refuse_blacklisted(org_id)  # F14: a blacklisted payee claims nothing (once per payee)
    # I01: nor a payee under a sanction in force (one query for the batch)
    guards.refuse_sanctioned(payees, on_date=timezone.localdate(), act="申领补贴")
    many = len(claims) > 1
    taken = live_keys([ln for sc in claims for ln in sc.lines])
    made: list[Claim] = []
    all_lines: list[list[SourceLine]] = []
    # A placeholder until the claim has its id: unique among concurrent calls, and within the column's
    # 32 characters whatever the programme's code ("tmp-<float>-equipment-0" was 33 on PostgreSQL).
    stamp = uuid.uuid4().hex[:16]
    for i, sc in enumerate(claims):
        # A line the programme already refused keeps its own reasons (they say more, e.g. which claim
        # holds the month); a payable one that another live claim holds is refused here.
        lines = [_taken(ln, taken[ln.key]) if ln.key in taken and ln.payable else ln for ln in sc.lines]
        payable = [ln for ln in lines if ln.payable]
        if not payable:
            reasons = [v for ln in lines for v in ln.reasons][:20]
            exc = Refusal.from_violations(f"{prog.source_label} {sc.source_ref} 没有可申领的补贴", reasons)
            raise batch_refusal(exc, f"{prog.source_label} {sc.source_ref}", many)
        all_lines.append(lines)
        made.append(
            Claim(
                # Within Claim.ref's 32 characters whatever the programme's code (replaced below).
                ref=f"tmp-{stamp}-{i}",
                programme=programme_code,
                source_id=sc.source_id,
                source_ref=sc.source_ref,
                title=sc.title,
                period_start=sc.period_start,
                period_end=sc.period_end,
                region=sc.region,
                department_id=sc.department_id,
                applicant_kind=sc.applicant_kind,
                payee_organisation=sc.payee_organisation,
                payee_person=sc.payee_person,
                bank_name=sc.bank_name,
                bank_account=sc.bank_account,
                headcount=len({ln.person_id for ln in payable if ln.person_id is not None}),
                amount=sum((ln.amount for ln in payable), ZERO),
                computation=sc.summary,
                profile_code=sc.profile.code,
                profile_version=sc.profile.version,
                created_by=actor,
            )
        )
    # On PostgreSQL the ids are reserved first, so that each claim goes in once with its reference, by
    # COPY; SQLite hands out ids only as rows go in (insert, then set the references).
    reserved = reserve_ids(Claim, len(made))
    for c, pk in zip(made, reserved, strict=False):
        c.pk = pk
    areas: dict[int, str] = {}

    def refs() -> None:
        for c, sc in zip(made, claims, strict=True):
            if c.region_id not in areas:
                areas[c.region_id] = sc.region.area_code()
            c.ref = f"BT{sc.year}{areas[c.region_id][:6]}{c.pk:06d}"

    if reserved:
        refs()
        _insert(Claim, made)
    else:
        Claim.objects.bulk_create(made)
        refs()
        Claim.objects.bulk_update(made, ["ref"])
    try:
        with transaction.atomic():
            # The rows as plain values through COPY (executemany on SQLite), as the class path writes
            # its lines: model instances through bulk_create cost twice as much per line.
            _copy(
                ClaimLine,
                LINE_COLUMNS,
                (
                    (
                        c.pk,
                        ln.person_id,
                        ln.training_class_id,
                        ln.row if ln.row is not None else row,
                        ClaimLine.Status.PAYABLE if ln.payable else ClaimLine.Status.EXCLUDED,
                        ln.amount if ln.payable else ZERO,
                        ",".join(ln.rule_ids),
                        ln.computation,
                        reasons_json(ln.reasons),
                        ln.label,
                        ln.key,
                        ln.payable,
                    )
                    for c, lines in zip(made, all_lines, strict=True)
                    for row, ln in enumerate(lines, start=1)
                ),
            )
    except IntegrityError:
        # A concurrent claim took a line between the check and the insert.
        raise Refusal("其中一项补贴已在另一笔申领中，不能重复申领", field="补贴事项") from None
    audit.events_record_many(
        actor=actor,
        action="claim.created",
        items=[
            {
                "obj": c,
                "to_state": c.state,
                "payload": {"amount": str(c.amount), "headcount": c.headcount, "programme": programme_code},
            }
            for c in made
        ],
    )
    return made


@dataclass(frozen=True)
class ClassLines:
    """A class's lines for some of its trainees, judged exactly as the class's own claim would judge
    them (claims.entitle: C02, B02/B07/B08, E03, the pricing order), for a programme that pays them."""

    profile: Profile
    lines: list[SourceLine]
    summary: dict[str, Any]


def class_lines(*, training_class: Any, person_ids: Sequence[int], key_of: dict[int, str]) -> ClassLines:
    """The lines of ``person_ids`` in ``training_class``, each under the key ``key_of[person]``. A
    class the rules refuse as a whole (a forfeit, a number the profile does not set) is refused."""
    from jineng.claims import entitle
    from jineng.claims.services import CLAIMABLE_CLASS_STATES, _class_profile, _not_set
    from jineng.policy.profiles import ParameterNotSet

    tc = training_class
    if tc.state not in CLAIMABLE_CLASS_STATES:
        raise Refusal(
            f"培训班当前状态为“{tc.get_state_display()}”：考核结果录入后方可申领补贴", field="培训班状态"
        )
    profile = _class_profile(tc)
    try:
        computed = entitle.compute(tc, profile)
    except ParameterNotSet as exc:
        raise _not_set(exc) from None
    if computed.refusals:
        raise Refusal.from_violations("本班补贴不予受理", computed.refusals)
    wanted = set(person_ids)
    lines = [
        SourceLine(
            key=key_of[ln.person_id],
            label="",
            amount=ln.amount if ln.status == ClaimLine.Status.PAYABLE else ZERO,
            rule_ids=ln.rule_ids,
            computation=ln.computation,
            person_id=ln.person_id,
            reasons=ln.reasons if ln.status != ClaimLine.Status.PAYABLE else (),
            training_class_id=tc.pk,
            row=ln.row,
        )
        for ln in computed.lines
        if ln.person_id in wanted
    ]
    return ClassLines(profile=profile, lines=lines, summary=computed.summary)
