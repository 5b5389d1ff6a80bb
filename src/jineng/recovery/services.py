"""F14 writes: record a wrong payment (raising the payee's receivable), record a refund, offset what is
owed back against the payee's later claims when their batch is paid, and recover fraud (追缴) with the
institution's status and the blacklist. Each write: one transaction, its ledger entry, its audit event."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.claims.models import Claim, ClaimLine, ClaimState, Prepayment
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.core.templatetags.jineng import yuan
from jineng.ledger import services as ledger
from jineng.ledger.balances import balance
from jineng.ledger.models import AccountKind, FundKind, ReceivableReason
from jineng.orgs import services as orgs
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.recovery.models import (
    ZERO,
    BlacklistEntry,
    CaseState,
    MoveKind,
    Movement,
    RecoveryCase,
    WrongKind,
    WrongPayment,
)
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile
from jineng.regions.selectors import rule_clause as region_rule_clause

F14 = "F14"


def _f14(region: Region) -> str:
    """F14 as the region's profile words it (regions.selectors.rule_clause)."""
    try:
        return region_rule_clause(region, timezone.localdate().year, F14)
    except NoProfile as exc:
        raise Refusal(str(exc), field="地区") from None


HR_STAFF = frozenset({Role.HR_FIRST, Role.HR_SECOND, Role.HR_ADMIN})
ORG_ACTIONS = {"suspend": "暂停", "exit": "退出"}


def _hr_in_scope(actor: User, region: Region) -> None:
    if actor.role not in HR_STAFF or actor.region_id is None:
        raise Refusal("只有人社部门工作人员可以办理错发资金退回与追缴", rule=F14, clause=_f14(region))
    if not region.path.startswith(actor.region.path):  # type: ignore[union-attr]
        raise Refusal("只能办理本辖区的错发资金", rule=F14, clause=_f14(region))


def _money(value: object, field: str, region: Region) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise Refusal("金额须为十进制数", field=field, value=str(value), rule=F14, clause=_f14(region))
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise Refusal(
            "金额不是有效数字", field=field, value=str(value), rule=F14, clause=_f14(region)
        ) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise Refusal(
            "金额须为大于零、最多两位小数的数", field=field, value=str(value), rule=F14, clause=_f14(region)
        )
    return amount.quantize(Decimal("0.01"))


def payee_of(wp: WrongPayment) -> Organisation | Person:
    return wp.payee_organisation or wp.payee_person  # type: ignore[return-value]


def _new(
    claim: Claim, kind: str, amount: Decimal, reason: str, rows: list[int], actor: Any, day: dt.date
) -> WrongPayment:
    return _created(
        claim=claim,
        region=claim.region,
        payee_organisation_id=claim.payee_organisation_id,
        payee_person_id=claim.payee_person_id,
        kind=kind,
        amount=amount,
        reason=reason,
        rows=rows,
        actor=actor,
        day=day,
    )


def _created(
    *,
    region: Region,
    kind: str,
    amount: Decimal,
    reason: str,
    actor: Any,
    day: dt.date,
    rows: list[int] | None = None,
    claim: Claim | None = None,
    prepayment: Prepayment | None = None,
    payee_organisation_id: int | None = None,
    payee_person_id: int | None = None,
) -> WrongPayment:
    wp = WrongPayment.objects.create(
        ref=f"tmp-{timezone.now().timestamp()}",
        kind=kind,
        claim=claim,
        prepayment=prepayment,
        region=region,
        books_region=ledger.books_region(region),
        payee_organisation_id=payee_organisation_id,
        payee_person_id=payee_person_id,
        rows=rows or [],
        amount=amount,
        reason=reason,
        recorded_on=day,
        recorded_by=actor,
    )
    wp.ref = f"CF{day:%Y%m}{wp.pk:06d}"
    wp.save(update_fields=["ref"])
    return wp


# --------------------------------------------------------------------------------------------------
# Recording a wrong payment.


@transaction.atomic
def wrong_payment_record(
    *,
    actor: User,
    claim: Claim,
    kind: str,
    amount: Decimal | str,
    reason: str,
    rows: list[int] | None = None,
    org_action: str = "suspend",
    today: dt.date | None = None,
) -> WrongPayment:
    """F14: money paid on ``claim`` that must come back. A fraud (骗取) opens a recovery case, suspends or
    exits the institution and puts it on the blacklist, in the same transaction."""
    today = today or timezone.localdate()
    c = Claim.objects.select_for_update().select_related("region").get(pk=claim.pk)
    _hr_in_scope(actor, c.region)
    if kind not in (WrongKind.ERROR, WrongKind.FRAUD):
        raise Refusal(
            "类别应为“错发/多发”或“骗取套取（追缴）”",
            field="类别",
            value=kind,
            rule=F14,
            clause=_f14(c.region),
        )
    if c.state != ClaimState.PAID:
        raise Refusal(
            f"申领 {c.ref} 当前状态为“{c.get_state_display()}”：只有已拨付的申领可以登记错发资金",
            field="申领",
            value=c.ref,
            rule=F14,
            clause=_f14(c.region),
        )
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise Refusal("请填写错发原因（不少于4个字）", field="原因", rule=F14, clause=_f14(c.region))
    money = _money(amount, "金额", c.region)
    rows = sorted({int(r) for r in (rows or [])})
    if rows:
        lines = dict(
            ClaimLine.objects.filter(claim=c, row__in=rows, status=ClaimLine.Status.PAYABLE).values_list(
                "row", "amount"
            )
        )
        missing = [r for r in rows if r not in lines]
        if missing:
            raise Refusal(
                f"申领 {c.ref} 中没有予以补贴的序号 {'、'.join(map(str, missing))}",
                field="明细序号",
                value=",".join(map(str, missing)),
                rule=F14,
                clause=_f14(c.region),
            )
        lines_total = sum(lines.values(), ZERO)
        if money > lines_total:
            raise Refusal(
                f"所选明细合计 {yuan(lines_total)} 元，应退金额 {yuan(money)} 元超过所选明细金额",
                field="金额",
                value=str(money),
                rule=F14,
                clause=_f14(c.region),
            )
    earlier = (
        WrongPayment.objects.filter(claim=c)
        .exclude(kind=WrongKind.PREPAY_EXCESS)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    if earlier + money > c.amount:
        raise Refusal(
            f"申领 {c.ref} 核定补贴 {yuan(c.amount)} 元，已登记错发 {yuan(earlier)} 元，本次 {yuan(money)} 元后超过核定金额",
            field="金额",
            value=str(money),
            rule=F14,
            clause=_f14(c.region),
        )
    if kind == WrongKind.FRAUD and c.payee_organisation_id and org_action not in ORG_ACTIONS:
        raise Refusal(
            "骗取套取须选择对机构的处理：暂停或退出",
            field="机构处理",
            value=org_action,
            rule=F14,
            clause=_f14(c.region),
        )
    wp = _new(c, kind, money, reason, rows, actor, today)
    payee = payee_of(wp)
    entry = ledger.receivable_raise(
        actor=actor,
        region=wp.books_region,
        payee=payee,
        amount=money,
        reason=ReceivableReason.RECOVERY if kind == WrongKind.FRAUD else ReceivableReason.WRONG_PAYMENT,
        key=f"wrong:{wp.pk}:raise",
        date=today,
        memo=f"{wp.get_kind_display()} {wp.ref}（申领 {c.ref}）",
        source=("recovery.WrongPayment", str(wp.pk)),
    )
    wp.journal_entry_id = entry.pk
    wp.save(update_fields=["journal_entry_id"])
    event_record(
        actor=actor,
        action="recovery.wrong_payment.recorded",
        obj=wp,
        to_state="outstanding",
        payload={
            "rule": F14,
            "kind": kind,
            "amount": str(money),
            "claim": c.ref,
            "rows": rows,
            "entry": entry.pk,
        },
    )
    if kind == WrongKind.FRAUD:
        _open_case(actor, wp, org_action, today)
    return wp


def _open_case(actor: User, wp: WrongPayment, org_action: str, today: dt.date) -> RecoveryCase:
    org = wp.payee_organisation
    case = RecoveryCase.objects.create(
        wrong_payment=wp,
        opened_on=today,
        org_action=org_action if org is not None else "",
    )
    event_record(
        actor=actor,
        action="recovery.case.opened",
        obj=wp,
        to_state=CaseState.OPEN,
        payload={"rule": F14, "case": case.pk, "org_action": case.org_action},
    )
    if org is None:
        return case
    why = f"F14 追缴 {wp.ref}：{wp.reason}"[:200]
    if org.status != Organisation.Status.EXITED:
        if org_action == "exit":
            orgs.organisation_exit(actor=actor, organisation=org, reason=why, today=today)
        elif org.status != Organisation.Status.SUSPENDED:
            orgs.organisation_suspend(actor=actor, organisation=org, reason=why, until=None, today=today)
    blacklist_add(actor=actor, organisation=org, reason=why, wrong_payment=wp, today=today)
    return case


@transaction.atomic
def blacklist_add(
    *,
    actor: User,
    organisation: Organisation,
    reason: str,
    wrong_payment: WrongPayment | None = None,
    today: dt.date | None = None,
) -> BlacklistEntry:
    """F14: list the institution once; a second fraud keeps the first date and adds its own event."""
    today = today or timezone.localdate()
    _hr_in_scope(actor, organisation.region)
    entry, created = BlacklistEntry.objects.get_or_create(
        organisation=organisation,
        defaults={"reason": reason, "since": today, "listed_by": actor, "wrong_payment": wrong_payment},
    )
    event_record(
        actor=actor,
        action="recovery.blacklisted" if created else "recovery.blacklist.again",
        obj=entry,
        from_state="" if created else "blacklisted",
        to_state="blacklisted",
        payload={"rule": F14, "reason": reason, "since": entry.since.isoformat()},
        region_path=organisation.region.path,
        organisation_id=organisation.pk,
    )
    return entry


# --------------------------------------------------------------------------------------------------
# Refunds and recovery steps.


def _locked(wp: WrongPayment) -> WrongPayment:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side (payee organisation / person).
    return (
        WrongPayment.objects.select_for_update(of=("self",))
        .select_related("region", "books_region", "payee_organisation", "payee_person", "claim")
        .get(pk=wp.pk)
    )


@transaction.atomic
def refund_record(
    *,
    actor: User,
    wrong_payment: WrongPayment,
    amount: Decimal | str,
    fund_kind: str = FundKind.SPECIAL_ACCOUNT,
    reference: str = "",
    today: dt.date | None = None,
) -> Movement:
    """F14: the payee paid back (part of) this wrong payment into a fund."""
    today = today or timezone.localdate()
    wp = _locked(wrong_payment)
    _hr_in_scope(actor, wp.region)
    money = _money(amount, "金额", wp.region)
    if money > wp.outstanding:
        raise Refusal(
            f"{wp.ref} 尚未退回 {yuan(wp.outstanding)} 元，本次退回 {yuan(money)} 元超过未退金额",
            field="金额",
            value=str(money),
            rule=F14,
            clause=_f14(wp.region),
        )
    move = Movement.objects.create(
        wrong_payment=wp,
        kind=MoveKind.REFUND,
        amount=money,
        on=today,
        fund_kind=fund_kind,
        reference=reference.strip()[:64],
        recorded_by=actor,
    )
    entry = ledger.refund_record(
        actor=actor,
        region=wp.books_region,
        payee=payee_of(wp),
        amount=money,
        fund_kind=fund_kind,
        key=f"wrong:{wp.pk}:refund:{move.pk}",
        date=today,
        memo=f"{wp.ref} 退回 {reference.strip()}"[:200],
        source=("recovery.WrongPayment", str(wp.pk)),
    )
    move.journal_entry_id = entry.pk
    move.save(update_fields=["journal_entry_id"])
    wp.refunded = wp.refunded + money
    wp.save(update_fields=["refunded"])
    event_record(
        actor=actor,
        action="recovery.refund.recorded",
        obj=wp,
        from_state="outstanding",
        to_state=_state(wp),
        payload={
            "rule": F14,
            "amount": str(money),
            "fund": fund_kind,
            "reference": move.reference,
            "entry": entry.pk,
        },
    )
    return move


def _state(wp: WrongPayment) -> str:
    return "settled" if wp.outstanding <= 0 else "outstanding"


@transaction.atomic
def case_notice_serve(
    *, actor: User, case: RecoveryCase, number: str, served_on: dt.date | None = None
) -> RecoveryCase:
    """追缴 step: the recovery notice was served on the payee."""
    served_on = served_on or timezone.localdate()
    rc = RecoveryCase.objects.select_for_update().get(pk=case.pk)
    wp = _locked(rc.wrong_payment)
    _hr_in_scope(actor, wp.region)
    if rc.state != CaseState.OPEN:
        raise Refusal(
            f"追缴案件当前状态为“{rc.get_state_display()}”，不能再送达通知",
            field="状态",
            rule=F14,
            clause=_f14(wp.region),
        )
    if not number.strip():
        raise Refusal("请填写追缴通知文号", field="追缴通知文号", rule=F14, clause=_f14(wp.region))
    before = rc.state
    rc.state, rc.notice_served_on, rc.notice_number = CaseState.NOTICE_SERVED, served_on, number.strip()[:64]
    rc.save(update_fields=["state", "notice_served_on", "notice_number"])
    event_record(
        actor=actor,
        action="recovery.case.notice_served",
        obj=wp,
        from_state=before,
        to_state=rc.state,
        payload={"rule": F14, "number": rc.notice_number},
    )
    return rc


@transaction.atomic
def case_close(*, actor: User, case: RecoveryCase, note: str, today: dt.date | None = None) -> RecoveryCase:
    """追缴 closed: only when everything was recovered (refunded or offset)."""
    today = today or timezone.localdate()
    rc = RecoveryCase.objects.select_for_update().get(pk=case.pk)
    wp = _locked(rc.wrong_payment)
    _hr_in_scope(actor, wp.region)
    if rc.state == CaseState.CLOSED:
        raise Refusal("追缴案件已结案", field="状态", rule=F14, clause=_f14(wp.region))
    if rc.state != CaseState.NOTICE_SERVED:
        raise Refusal("须先送达追缴通知，方可结案", field="状态", rule=F14, clause=_f14(wp.region))
    if wp.outstanding > 0:
        raise Refusal(
            f"尚有 {yuan(wp.outstanding)} 元未追回，不能结案",
            field="金额",
            value=str(wp.outstanding),
            rule=F14,
            clause=_f14(wp.region),
        )
    before = rc.state
    rc.state, rc.closed_on, rc.closing_note = CaseState.CLOSED, today, note.strip()
    rc.save(update_fields=["state", "closed_on", "closing_note"])
    event_record(
        actor=actor,
        action="recovery.case.closed",
        obj=wp,
        from_state=before,
        to_state=rc.state,
        payload={"rule": F14, "recovered": str(wp.refunded + wp.offset)},
    )
    return rc


# --------------------------------------------------------------------------------------------------
# Called by the claims app inside its own transactions (batch collect / pay, prepayment settlement).


def receivable_due(region: Region, payee: Organisation | Person) -> Decimal:
    """What the payee owes back in ``region``'s books (every reason: wrong payment, fraud, F04 excess)."""
    account = ledger.payee_account_find(region, AccountKind.RECEIVABLE, payee)
    return balance(account) if account is not None else ZERO


def prepayment_excess_record(
    *, actor: Any, claim: Claim, amount: Decimal, entry_id: int, prepayment_ref: str, day: dt.date
) -> WrongPayment:
    """F04 → F14: the receivable prepayment_settle raised for a prepayment beyond the final subsidy, made
    a wrong payment so that it is refunded, offset and reported like every other (no second entry)."""
    wp = _new(
        claim,
        WrongKind.PREPAY_EXCESS,
        amount,
        f"项目制预拨 {prepayment_ref} 超出核定补贴 {yuan(claim.amount)} 元（F04）",
        [],
        actor,
        day,
    )
    return _booked(actor=actor, wp=wp, entry_id=entry_id, source={"claim": claim.ref})


def prepayment_cancelled_record(
    *, actor: Any, prepayment: Prepayment, amount: Decimal, entry_id: int, reason: str, day: dt.date
) -> WrongPayment:
    """F04 → F14: the receivable raised when a paid prepayment's class is cancelled (the whole prepayment,
    cleared against a final subsidy of nothing), made a wrong payment of the institution so that it is
    refunded, offset against its next claim and reported like every other (no second entry)."""
    wp = _created(
        prepayment=prepayment,
        region=prepayment.region,
        payee_organisation_id=prepayment.institution_id,
        kind=WrongKind.PREPAY_CANCELLED,
        amount=amount,
        reason=reason,
        actor=actor,
        day=day,
    )
    return _booked(actor=actor, wp=wp, entry_id=entry_id, source={"prepayment": prepayment.ref})


def _booked(*, actor: Any, wp: WrongPayment, entry_id: int, source: dict[str, str]) -> WrongPayment:
    """A wrong payment whose receivable the ledger already holds (``entry_id``), and its event."""
    wp.journal_entry_id = entry_id
    wp.save(update_fields=["journal_entry_id"])
    event_record(
        actor=actor,
        action="recovery.wrong_payment.recorded",
        obj=wp,
        to_state="outstanding",
        payload={"rule": F14, "kind": wp.kind, "amount": str(wp.amount), **source, "entry": entry_id},
    )
    return wp


def offset_apply(*, actor: Any, claim: Claim, limit: Decimal, day: dt.date) -> Decimal:
    """F14: deduct what the claim's payee owes back from this claim's payment (at most ``limit``, what is
    still payable on it), oldest wrong payment first. Runs inside batch_pay's transaction."""
    region = ledger.books_region(claim.region)
    payee = claim.payee
    if limit <= 0:
        return ZERO
    owed_back = (
        WrongPayment.objects.select_for_update()
        .filter(
            books_region=region,
            payee_organisation_id=claim.payee_organisation_id,
            payee_person_id=claim.payee_person_id,
        )
        .order_by("recorded_on", "id")
    )
    open_ones = [wp for wp in owed_back if wp.outstanding > 0]
    due = min(sum((wp.outstanding for wp in open_ones), ZERO), receivable_due(region, payee))
    take = min(due, limit)
    if take <= 0:
        return ZERO
    entry = ledger.receivable_offset(
        actor=actor,
        region=region,
        payee=payee,
        amount=take,
        key=f"claim:{claim.pk}:offset",
        date=day,
        memo=f"补贴申领 {claim.ref} 抵扣应退回款",
        source=("claims.Claim", str(claim.pk)),
    )
    left = take
    for wp in open_ones:
        part = min(wp.outstanding, left)
        if part <= 0:
            break
        Movement.objects.create(
            wrong_payment=wp,
            kind=MoveKind.OFFSET,
            amount=part,
            on=day,
            offset_claim=claim,
            reference=claim.ref,
            journal_entry_id=entry.pk,
            recorded_by=actor,
        )
        wp.offset = wp.offset + part
        wp.save(update_fields=["offset"])
        event_record(
            actor=actor,
            action="recovery.offset.applied",
            obj=wp,
            from_state="outstanding",
            to_state=_state(wp),
            payload={
                "rule": F14,
                "amount": str(part),
                "claim": claim.ref,
                "entry": entry.pk,
            },
        )
        left -= part
    return take


_PayeeKey = tuple[int, int | None, int | None]  # (books region, payee organisation, payee person)


def offset_previews(claims: Sequence[Claim], limits: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """What offset_apply would deduct from each claim of a batch (at most ``limits[claim id]``), in the
    claims' order: a payee's debt is taken once across its claims. The wrong payments of all the payees
    in one query, then the receivable of each payee that still owes (few) — not a query per claim."""
    regions: dict[int, Region] = {}
    for c in claims:
        if c.region_id not in regions:
            regions[c.region_id] = ledger.books_region(c.region)
    by_pk = {r.pk: r for r in regions.values()}

    def key(c: Claim) -> _PayeeKey:
        return (regions[c.region_id].pk, c.payee_organisation_id, c.payee_person_id)

    keys = {key(c) for c in claims}
    open_total: dict[_PayeeKey, Decimal] = {}
    if keys:
        rows = (
            WrongPayment.objects.filter(books_region_id__in={k[0] for k in keys})
            .filter(
                Q(payee_organisation_id__in={k[1] for k in keys if k[1]})
                | Q(payee_person_id__in={k[2] for k in keys if k[2]})
            )
            .values("books_region_id", "payee_organisation_id", "payee_person_id")
            .annotate(a=Sum("amount"), r=Sum("refunded"), o=Sum("offset"))
            .order_by()
        )
        for row in rows:
            found: _PayeeKey = (row["books_region_id"], row["payee_organisation_id"], row["payee_person_id"])
            if found in keys:
                open_total[found] = (row["a"] or ZERO) - (row["r"] or ZERO) - (row["o"] or ZERO)
    due: dict[_PayeeKey, Decimal] = {}
    for owing, total in open_total.items():
        if total > 0:
            payee: Organisation | Person = Organisation(pk=owing[1]) if owing[1] else Person(pk=owing[2])
            due[owing] = min(total, receivable_due(by_pk[owing[0]], payee))
    taken: dict[_PayeeKey, Decimal] = defaultdict(lambda: ZERO)
    out = {}
    for c in claims:
        k = key(c)
        take = max(min(due.get(k, ZERO) - taken[k], limits[c.pk]), ZERO)
        taken[k] += take
        out[c.pk] = take
    return out
