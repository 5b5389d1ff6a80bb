"""Writes to the books: ``entries_post``, the one way an entry is written, and the movements of F04, F13
and F14 built on it.

``entries_post`` takes a list of balanced entries, each with its idempotency key, and writes them set-based
(one statement per table: entries, postings, audit events), whether it is one claim's payment or the
payables of a thousand approved claims. Called again with the same key and the same request it returns the
entry it wrote the first time and writes nothing; the same key with another request is refused. A payment
cannot happen twice: the payee's payable account is locked while it is paid, and no account may go below
zero on its normal side (a payable paid beyond what is owed, a fund spent beyond what it holds).

Nothing outside this app writes the ledger's tables or uses its private names (``tests/test_boundary``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone

from jineng.audit.services import event_record, events_record_many
from jineng.core.bulkwrite import copy_rows, reserve_ids
from jineng.core.errors import Refusal
from jineng.core.roles import can
from jineng.core.templatetags.jineng import yuan
from jineng.ledger.balances import balance, balances_of, sums
from jineng.ledger.models import (
    CENT,
    ZERO,
    Account,
    AccountKind,
    EntryKind,
    Fund,
    FundKind,
    JournalEntry,
    Posting,
    ReceivableReason,
)
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, rule_clause

Payee = Organisation | Person
# A business object, or its (type, id) as strings: what a claim will pass to point its entries at itself.
SourceRef = tuple[str, str] | models.Model | None

# F13 (附件2 “资金来源”; HC21 三(二)): a payment draws on the region's funds in an order the caller gives
# (``fund_order``): the profile's, read by the pipeline (``policy.claims.fund_order``), not this module.
# The clauses its refusals quote (F04, F13, F14) are the region's profile's (``_clause``), not this module's.

MAX_AMOUNT = Decimal("999999999999.99")  # Decimal(14, 2)
REVERSED_SOURCE = "ledger.JournalEntry"


@dataclass(frozen=True)
class AccountRef:
    """An account named by what it is for: the region's subsidy expense (no payee), or a payee's payable,
    receivable or prepayment. ``entries_post`` opens the missing accounts of a whole list in one insert."""

    region: Region
    kind: str
    payee: Payee | None = None

    @property
    def code(self) -> str:
        return f"{self.kind}:{_payee_ref(self.payee)}" if self.payee is not None else str(self.kind)


@dataclass(frozen=True)
class Line:
    """One side of one account in an entry: exactly one of debit / credit is positive."""

    account: Account | AccountRef
    debit: Decimal = ZERO
    credit: Decimal = ZERO


@dataclass(frozen=True)
class Request:
    """What an idempotency key stands for: the operation and what was asked of it (accounts or payee,
    amounts, source). The same key with another request is refused."""

    operation: str
    fields: Mapping[str, object]

    @property
    def fingerprint(self) -> str:
        text = json.dumps(
            {"op": self.operation, **self.fields}, sort_keys=True, ensure_ascii=False, default=str
        )
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class EntrySpec:
    """One balanced entry to post under its idempotency key. Without ``request`` the key stands for the
    entry's region, kind, source and lines (``journal_post``); ``payee`` scopes its audit event."""

    key: str
    region: Region
    kind: str
    lines: Sequence[Line]
    date: dt.date | None = None
    memo: str = ""
    source: SourceRef = None
    payee: Payee | None = None
    request: Request | None = None


@dataclass(frozen=True)
class PostResult:
    """The entries asked for, in the order asked: each one written now, or the one its key wrote before."""

    entries: list[JournalEntry]
    written: int


# --------------------------------------------------------------------------------------------------
# The primitive.


@transaction.atomic
def entries_post(*, actor: Any, entries: Sequence[EntrySpec]) -> PostResult:
    """Post balanced entries, all or none: one statement per table (entries, postings, audit events)
    however many there are. Each entry: debits == credits > 0, at least two lines, every account in its
    region; a key already written returns its entry (same request) or is refused (another request); no
    account may end below zero on its normal side. A refusal in a list of several names the entry's key."""
    many = len(entries) > 1
    prepared = []
    for spec in entries:
        try:
            prepared.append(_prepare(spec))
        except Refusal as exc:
            raise _named(exc, spec.key, many) from None
    opened = _accounts_open(
        [line.account for p in prepared for line in p.lines if isinstance(line.account, AccountRef)]
    )
    unique: dict[str, _Entry] = {}
    for p in prepared:
        p.resolve(opened)
        first = unique.setdefault(p.key, p)
        if first.fingerprint != p.fingerprint:
            raise Refusal(
                "同一批分录中该幂等键出现两次且内容不同：另一笔业务须使用新的幂等键",
                field="幂等键",
                value=p.key,
            )
    while True:
        found = _replays({key: p.fingerprint for key, p in unique.items()})
        new = [p for key, p in unique.items() if key not in found]
        if not new:
            break
        for p in new:
            try:
                _check(p.region, p.lines)
            except Refusal as exc:
                raise _named(exc, p.key, many) from None
        _keep_non_negative([line for p in new for line in p.lines])
        try:
            # A savepoint: a key committed by a concurrent call fails this insert, not the caller's
            # transaction; its entries are then replays, and the rest are written on the next turn.
            with transaction.atomic():
                written = _write(actor, new)
        except IntegrityError:
            if not JournalEntry.objects.filter(key__in=[p.key for p in new]).exists():
                raise
            continue
        found.update(written)
        break
    return PostResult(entries=[found[p.key] for p in prepared], written=len(new))


@transaction.atomic
def journal_post(
    *,
    actor: Any,
    region: Region,
    key: str,
    date: dt.date | None,
    kind: str,
    memo: str,
    lines: Sequence[Line],
    source: SourceRef = None,
) -> JournalEntry:
    """Post a balanced entry (debits == credits > 0, every account in ``region``)."""
    spec = EntrySpec(key=key, region=region, kind=kind, lines=lines, date=date, memo=memo, source=source)
    return entries_post(actor=actor, entries=[spec]).entries[0]


# --------------------------------------------------------------------------------------------------
# Funds.


@transaction.atomic
def fund_open(*, actor: Any, region: Region, kind: str) -> Fund:
    """The region's fund of this kind (F13), with its cash and appropriation accounts; opened once."""
    if kind not in FundKind.values:
        raise Refusal(
            f"未知的资金来源 {kind!r}；可选：{'、'.join(FundKind.labels)}",
            field="资金来源",
            value=str(kind),
            rule="F13",
            clause=_clause(region, "F13", None),
        )
    fund, created = Fund.objects.get_or_create(region=region, kind=kind)
    if created:
        label = FundKind(kind).label
        for account_kind in (AccountKind.FUND_CASH, AccountKind.APPROPRIATION):
            Account.objects.create(
                region=region,
                kind=account_kind,
                code=f"{account_kind}:{kind}",
                name=f"{account_kind.label}·{label}",
                fund=fund,
            )
        event_record(
            actor=actor,
            action="ledger.fund_opened",
            obj=fund,
            to_state="open",
            payload={"kind": kind, "region": region.pk},
            region_path=region.path,
        )
    return fund


@transaction.atomic
def fund_appropriate(
    *,
    actor: Any,
    fund: Fund,
    amount: Decimal,
    key: str,
    date: dt.date | None = None,
    memo: str = "",
    source: SourceRef = None,
) -> JournalEntry:
    """Budget arrives in a fund: debit its cash, credit its appropriation."""
    key, amount, src = _key(key), _money(amount, "金额"), _source(source)
    request = Request("fund_appropriate", {"fund": fund.pk, "amount": str(amount), "source": src})
    if found := _replay(key, request.fingerprint):
        return found
    spec = EntrySpec(
        key=key,
        region=fund.region,
        kind=EntryKind.APPROPRIATION,
        date=date,
        memo=memo or f"{fund.get_kind_display()}拨入",
        lines=[
            Line(fund_account(fund, AccountKind.FUND_CASH), debit=amount),
            Line(fund_account(fund, AccountKind.APPROPRIATION), credit=amount),
        ],
        source=src,
        request=request,
    )
    return _post(actor=actor, spec=spec)


# --------------------------------------------------------------------------------------------------
# Yearly budgets (issue 14): a fund's budget for a year is what was appropriated to it by entries dated
# in that year, net of cuts. Setting it books the difference through ``entries_post``: an appropriation
# (debit cash, credit appropriation) when it rises, a cut (debit appropriation, credit cash) when it falls.
# The funds' cash is not split by year: what a year leaves unspent stays in the fund for the next.


@dataclass(frozen=True)
class BudgetChange:
    """What ``fund_budget_set`` did: the year's budget before and after, and the entry that booked the
    difference (None when the budget already was the amount asked: nothing written)."""

    fund: Fund
    year: int
    before: Decimal
    after: Decimal
    entry: JournalEntry | None


def year_budget(fund: Fund, year: int) -> Decimal:
    """The fund's budget for ``year``: its appropriation account's credits less debits, entries of the
    year."""
    account = fund_account(fund, AccountKind.APPROPRIATION)
    return balance(account, extra=Q(entry__date__year=year))


def _budget_date(year: int) -> dt.date:
    """The date a budget change of ``year`` is booked on: today within the year; the last day of a past
    year; the first day of the next year."""
    today = timezone.localdate()
    if year == today.year:
        return today
    return dt.date(year, 12, 31) if year < today.year else dt.date(year, 1, 1)


@transaction.atomic
def fund_budget_set(
    *,
    actor: Any,
    region: Region,
    kind: str,
    year: int,
    amount: Decimal,
    memo: str = "",
) -> BudgetChange:
    """Set the year's budget of the region's fund ``kind`` (the fund is opened on first use): the
    difference is booked as an appropriation or a cut, and the change is an audit event
    (``ledger.budget_set``, from → to). A cut is refused when the fund no longer holds what it would take
    back (F13: the money already paid stays paid). The caller checks that ``region`` is in the actor's
    scope; the capability (``fund.budget``) is checked here."""
    if actor is not None and not can(getattr(actor, "role", None), "fund.budget"):
        raise PermissionDenied("设定年度资金预算限人社局管理员、财政审核")
    today = timezone.localdate()
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= today.year + 1:
        raise Refusal(
            f"预算年度须在 2000 年至 {today.year + 1} 年之间",
            field="年度",
            value=str(year),
            rule="F13",
            clause=_clause(region, "F13", None),
        )
    try:
        target = _money(amount, "年度预算", allow_zero=True)
    except Refusal as exc:
        negative = isinstance(amount, Decimal | int) and not isinstance(amount, bool) and amount < 0
        raise Refusal(
            "年度预算不能为负数：调减请填写调减后的预算总额" if negative else exc.message,
            field="年度预算",
            value=exc.value,
            rule="F13",
            clause=_clause(region, "F13", None),
        ) from None
    fund = fund_open(actor=actor, region=region, kind=kind)
    appropriation = fund_account(fund, AccountKind.APPROPRIATION)
    cash = fund_account(fund, AccountKind.FUND_CASH)
    _lock(appropriation, cash)
    before = year_budget(fund, year)
    if target == before:
        return BudgetChange(fund, year, before, target, None)
    day = _budget_date(year)
    delta = target - before
    label = fund.get_kind_display()
    if delta < 0:
        held = balance(cash)
        if held < -delta:
            raise Refusal(
                f"{region.name}{label} {year} 年预算拟由 {yuan(before)} 元调减为 {yuan(target)} 元，需调回 {yuan(-delta)} 元，"
                f"但该资金现仅余 {yuan(held)} 元（其余已支付），未调减",
                field="年度预算",
                value=str(target),
                rule="F13",
                clause=_clause(region, "F13", day),
            )
    # A key per change: the n-th budget entry of this fund and year, taken under the locks above.
    n = JournalEntry.objects.filter(
        postings__account=appropriation,
        kind__in=[EntryKind.APPROPRIATION, EntryKind.APPROPRIATION_CUT],
        date__year=year,
    ).count()
    rise = delta > 0
    spec = EntrySpec(
        key=f"fund-budget:{fund.pk}:{year}:{n + 1}",
        region=region,
        kind=EntryKind.APPROPRIATION if rise else EntryKind.APPROPRIATION_CUT,
        date=day,
        memo=(memo or f"{year} 年{label}预算 {before} → {target} 元")[:200],
        lines=[
            Line(cash, debit=delta) if rise else Line(appropriation, debit=-delta),
            Line(appropriation, credit=delta) if rise else Line(cash, credit=-delta),
        ],
        source=("ledger.Fund", str(fund.pk)),
    )
    entry = _post(actor=actor, spec=spec)
    event_record(
        actor=actor,
        action="ledger.budget_set",
        obj=fund,
        from_state=str(before),
        to_state=str(target),
        payload={"year": year, "kind": str(fund.kind), "entry": entry.pk, "memo": memo[:200]},
        region_path=region.path,
    )
    return BudgetChange(fund, year, before, target, entry)


# --------------------------------------------------------------------------------------------------
# Payables and payments.


def payable_entry(
    *,
    region: Region,
    payee: Payee,
    amount: Decimal,
    key: str,
    date: dt.date | None = None,
    memo: str = "",
    source: SourceRef = None,
) -> EntrySpec:
    """The entry of a subsidy due, for ``entries_post``: debit the region's subsidy expense, credit the
    payee's payable (both opened on first use)."""
    key, amount, src = _key(key), _money(amount, "金额"), _source(source)
    return EntrySpec(
        key=key,
        region=region,
        kind=EntryKind.PAYABLE,
        date=date,
        memo=memo or f"确认应付 {payee}",
        lines=[
            Line(AccountRef(region, AccountKind.SUBSIDY_EXPENSE), debit=amount),
            Line(AccountRef(region, AccountKind.PAYABLE, payee), credit=amount),
        ],
        source=src,
        payee=payee,
        request=Request(
            "payable_recognise",
            {"region": region.pk, "payee": _payee_ref(payee), "amount": str(amount), "source": src},
        ),
    )


@transaction.atomic
def payable_recognise(
    *,
    actor: Any,
    region: Region,
    payee: Payee,
    amount: Decimal,
    key: str,
    date: dt.date | None = None,
    memo: str = "",
    source: SourceRef = None,
) -> JournalEntry:
    """A subsidy is due: ``payable_entry`` posted on its own."""
    spec = payable_entry(
        region=region, payee=payee, amount=amount, key=key, date=date, memo=memo, source=source
    )
    return _post(actor=actor, spec=spec)


@transaction.atomic
def payment_make(
    *,
    actor: Any,
    region: Region,
    payee: Payee,
    amount: Decimal,
    key: str,
    fund_order: Sequence[str],
    date: dt.date | None = None,
    memo: str = "",
    source: SourceRef = None,
    fund_kind: str | None = None,
) -> JournalEntry:
    """Pay what is owed to ``payee``: debit the payable, credit the funds' cash in ``fund_order`` (F13:
    the profile's order, ``policy.claims.fund_order``), or only the fund ``fund_kind`` when one is named.

    Exactly once: the payable account is locked before the key and the balance are read, so of any
    number of simultaneous calls one pays and the others return its entry (same key) or are refused
    because nothing is owed any more (another key).
    """
    key, amount, src = _key(key), _money(amount, "金额"), _source(source)
    request = Request(
        "payment_make",
        {
            "region": region.pk,
            "payee": _payee_ref(payee),
            "amount": str(amount),
            "fund_kind": fund_kind or "",
            "source": src,
        },
    )
    if found := _replay(key, request.fingerprint):
        return found
    order = _order(region, fund_order, fund_kind, date)
    payable = payee_account_find(region, AccountKind.PAYABLE, payee)
    cash = _fund_cash(region, order)
    _lock(payable, *cash)
    if found := _replay(key, request.fingerprint):  # a concurrent call committed while this one waited
        return found
    owed = balance(payable) if payable is not None else ZERO
    if amount > owed:
        raise Refusal(
            f"应付“{payee}”的余额为 {yuan(owed)} 元，本次支付 {yuan(amount)} 元超过应付余额，未支付"
            "（同一笔应付不能重复支付）",
            field="金额",
            value=str(amount),
        )
    assert payable is not None
    spec = EntrySpec(
        key=key,
        region=region,
        kind=EntryKind.PAYMENT,
        date=date,
        memo=memo or f"支付 {payee}",
        lines=[Line(payable, debit=amount), *_draw(region, cash, amount, order, date)],
        source=src,
        payee=payee,
        request=request,
    )
    return _post(actor=actor, spec=spec)


# --------------------------------------------------------------------------------------------------
# Prepayment (F04).


@transaction.atomic
def prepayment_make(
    *,
    actor: Any,
    region: Region,
    payee: Payee,
    amount: Decimal,
    key: str,
    fund_order: Sequence[str],
    date: dt.date | None = None,
    memo: str = "",
    source: SourceRef = None,
    fund_kind: str | None = None,
) -> JournalEntry:
    """F04: advance part of a project-based training subsidy: debit the payee's prepayment, credit the
    funds' cash in ``fund_order`` (F13). The share (30–50 %) is a profile parameter checked by the caller."""
    key, amount, src = _key(key), _money(amount, "金额"), _source(source)
    request = Request(
        "prepayment_make",
        {
            "region": region.pk,
            "payee": _payee_ref(payee),
            "amount": str(amount),
            "fund_kind": fund_kind or "",
            "source": src,
        },
    )
    if found := _replay(key, request.fingerprint):
        return found
    order = _order(region, fund_order, fund_kind, date)
    prepayment = payee_account(region, AccountKind.PREPAYMENT, payee)
    cash = _fund_cash(region, order)
    _lock(prepayment, *cash)
    if found := _replay(key, request.fingerprint):
        return found
    spec = EntrySpec(
        key=key,
        region=region,
        kind=EntryKind.PREPAYMENT,
        date=date,
        memo=memo or f"预拨 {payee}",
        lines=[Line(prepayment, debit=amount), *_draw(region, cash, amount, order, date)],
        source=src,
        payee=payee,
        request=request,
    )
    return _post(actor=actor, spec=spec)


@transaction.atomic
def prepayment_settle(
    *,
    actor: Any,
    region: Region,
    payee: Payee,
    subsidy: Decimal,
    key: str,
    source: SourceRef,
    date: dt.date | None = None,
    memo: str = "",
) -> JournalEntry:
    """F04: the project's final subsidy is known. The prepayments made for ``source`` are cleared against
    it in one entry: the subsidy is expensed; what exceeds the prepayment becomes payable (the balance
    still due, paid later by ``payment_make``); a prepayment beyond the subsidy becomes a receivable
    (F14: to be refunded or offset)."""
    key, subsidy, src = _key(key), _money(subsidy, "核定补贴", allow_zero=True), _source(source)
    if not src[0]:
        raise Refusal(
            "预拨清算须指明来源（预拨时的项目或申请），以确定该项目已预拨的金额",
            field="来源",
            rule="F04",
            clause=_clause(region, "F04", date),
        )
    request = Request(
        "prepayment_settle",
        {"region": region.pk, "payee": _payee_ref(payee), "subsidy": str(subsidy), "source": src},
    )
    if found := _replay(key, request.fingerprint):
        return found
    prepayment = payee_account_find(region, AccountKind.PREPAYMENT, payee)
    _lock(prepayment)
    if found := _replay(key, request.fingerprint):
        return found
    earlier = JournalEntry.objects.filter(
        region=region,
        kind=EntryKind.PREPAYMENT_SETTLE,
        source_type=src[0],
        source_id=src[1],
        postings__account=prepayment,
    ).first()
    if earlier is not None:
        raise Refusal(
            f"该项目的预拨款已于 {earlier.date:%Y-%m-%d} 清算（分录 #{earlier.pk}），不能再次清算",
            field="来源",
            value=":".join(src),
            rule="F04",
            clause=_clause(region, "F04", date),
        )
    prepaid = ZERO
    if prepayment is not None:
        debit, credit = sums(
            Posting.objects.filter(account=prepayment, entry__source_type=src[0], entry__source_id=src[1])
        )
        prepaid = debit - credit
    if prepaid <= 0:
        raise Refusal(
            f"“{payee}”在该项目下没有预拨款，无需清算：直接确认应付即可",
            field="来源",
            value=":".join(src),
            rule="F04",
            clause=_clause(region, "F04", date),
        )
    assert prepayment is not None
    lines = [Line(prepayment, credit=prepaid)]
    if subsidy > 0:
        lines.append(Line(expense_account(region), debit=subsidy))
    if subsidy > prepaid:
        lines.append(Line(payee_account(region, AccountKind.PAYABLE, payee), credit=subsidy - prepaid))
    elif prepaid > subsidy:
        lines.append(Line(payee_account(region, AccountKind.RECEIVABLE, payee), debit=prepaid - subsidy))
    spec = EntrySpec(
        key=key,
        region=region,
        kind=EntryKind.PREPAYMENT_SETTLE,
        date=date,
        memo=memo or f"预拨清算 {payee}：核定 {yuan(subsidy)} 元，已预拨 {yuan(prepaid)} 元",
        lines=lines,
        source=src,
        payee=payee,
        request=request,
    )
    return _post(actor=actor, spec=spec)


# --------------------------------------------------------------------------------------------------
# Receivables (F14): wrong payments and recovery, refunds, offsetting.


@transaction.atomic
def receivable_raise(
    *,
    actor: Any,
    region: Region,
    payee: Payee,
    amount: Decimal,
    reason: str,
    key: str,
    date: dt.date | None = None,
    memo: str = "",
    source: SourceRef = None,
) -> JournalEntry:
    """F14: money paid that the payee must give back (a wrong payment, or funds obtained by fraud to be
    recovered — 追缴): debit the payee's receivable, credit the subsidy expense it was booked to."""
    key, amount, src = _key(key), _money(amount, "金额"), _source(source)
    if reason not in ReceivableReason.values:
        raise Refusal(
            f"应收原因须为：{'、'.join(ReceivableReason.labels)}",
            field="原因",
            value=str(reason),
            rule="F14",
            clause=_clause(region, "F14", date),
        )
    request = Request(
        "receivable_raise",
        {
            "region": region.pk,
            "payee": _payee_ref(payee),
            "amount": str(amount),
            "reason": reason,
            "source": src,
        },
    )
    kind = (
        EntryKind.RECEIVABLE_RECOVERY
        if reason == ReceivableReason.RECOVERY
        else EntryKind.RECEIVABLE_WRONG_PAYMENT
    )
    spec = EntrySpec(
        key=key,
        region=region,
        kind=kind,
        date=date,
        memo=memo or f"{ReceivableReason(reason).label}应收 {payee}",
        lines=[
            Line(AccountRef(region, AccountKind.RECEIVABLE, payee), debit=amount),
            Line(AccountRef(region, AccountKind.SUBSIDY_EXPENSE), credit=amount),
        ],
        source=src,
        payee=payee,
        request=request,
    )
    return _post(actor=actor, spec=spec)


@transaction.atomic
def refund_record(
    *,
    actor: Any,
    region: Region,
    payee: Payee,
    amount: Decimal,
    fund_kind: str,
    key: str,
    date: dt.date | None = None,
    memo: str = "",
    source: SourceRef = None,
) -> JournalEntry:
    """F14: the payee paid back: debit the cash of the fund the money returns to, credit the receivable."""
    key, amount, src = _key(key), _money(amount, "金额"), _source(source)
    request = Request(
        "refund_record",
        {
            "region": region.pk,
            "payee": _payee_ref(payee),
            "amount": str(amount),
            "fund_kind": fund_kind,
            "source": src,
        },
    )
    if found := _replay(key, request.fingerprint):
        return found
    cash = _fund_cash(region, _order(region, (), fund_kind, date))
    if not cash:
        raise Refusal(
            f"{region.name}尚未设立{_fund_label(fund_kind)}，退回款无处入账",
            field="资金来源",
            value=str(fund_kind),
            rule="F13",
            clause=_clause(region, "F13", date),
        )
    receivable = payee_account_find(region, AccountKind.RECEIVABLE, payee)
    _lock(receivable, *cash)
    if found := _replay(key, request.fingerprint):
        return found
    due = balance(receivable) if receivable is not None else ZERO
    if amount > due:
        raise Refusal(
            f"“{payee}”应退回余额为 {yuan(due)} 元，本次退回 {yuan(amount)} 元超过应退余额：请先登记错付或追缴应收",
            field="金额",
            value=str(amount),
            rule="F14",
            clause=_clause(region, "F14", date),
        )
    assert receivable is not None
    spec = EntrySpec(
        key=key,
        region=region,
        kind=EntryKind.REFUND,
        date=date,
        memo=memo or f"{payee} 退回",
        lines=[Line(cash[0], debit=amount), Line(receivable, credit=amount)],
        source=src,
        payee=payee,
        request=request,
    )
    return _post(actor=actor, spec=spec)


@transaction.atomic
def receivable_offset(
    *,
    actor: Any,
    region: Region,
    payee: Payee,
    key: str,
    amount: Decimal | None = None,
    date: dt.date | None = None,
    memo: str = "",
    source: SourceRef = None,
) -> JournalEntry:
    """F14: what the payee owes back is deducted from what is owed to it (a later claim): debit the
    payable, credit the receivable. Without ``amount``, as much as both allow."""
    key, src = _key(key), _source(source)
    wanted = None if amount is None else _money(amount, "金额")
    request = Request(
        "receivable_offset",
        {
            "region": region.pk,
            "payee": _payee_ref(payee),
            "amount": str(wanted) if wanted is not None else "max",
            "source": src,
        },
    )
    if found := _replay(key, request.fingerprint):
        return found
    payable = payee_account_find(region, AccountKind.PAYABLE, payee)
    receivable = payee_account_find(region, AccountKind.RECEIVABLE, payee)
    _lock(payable, receivable)
    if found := _replay(key, request.fingerprint):
        return found
    owed = balance(payable) if payable is not None else ZERO
    due = balance(receivable) if receivable is not None else ZERO
    offset = min(owed, due) if wanted is None else wanted
    if offset <= 0 or offset > owed or offset > due:
        raise Refusal(
            f"“{payee}”应退回余额 {yuan(due)} 元，应付余额 {yuan(owed)} 元，"
            + (f"本次抵扣 {yuan(offset)} 元超过可抵扣金额" if offset > 0 else "没有可抵扣的金额"),
            field="金额",
            value=str(offset),
            rule="F14",
            clause=_clause(region, "F14", date),
        )
    assert payable is not None and receivable is not None
    spec = EntrySpec(
        key=key,
        region=region,
        kind=EntryKind.OFFSET,
        date=date,
        memo=memo or f"{payee} 应退回款抵扣应付",
        lines=[Line(payable, debit=offset), Line(receivable, credit=offset)],
        source=src,
        payee=payee,
        request=request,
    )
    return _post(actor=actor, spec=spec)


# --------------------------------------------------------------------------------------------------
# Corrections.


@transaction.atomic
def entry_reverse(
    *,
    actor: Any,
    entry: JournalEntry,
    key: str,
    date: dt.date | None = None,
    memo: str = "",
) -> JournalEntry:
    """Correct an entry the only way the books allow: a new entry with every side swapped."""
    key = _key(key)
    request = Request("entry_reverse", {"entry": entry.pk})
    if found := _replay(key, request.fingerprint):
        return found
    # Two corrections of the same entry under different keys must not both pass the check below.
    list(JournalEntry.objects.select_for_update().filter(pk=entry.pk).values_list("pk", flat=True))
    if found := _replay(key, request.fingerprint):
        return found
    earlier = JournalEntry.objects.filter(
        kind=EntryKind.REVERSAL, source_type=REVERSED_SOURCE, source_id=str(entry.pk)
    ).first()
    if earlier is not None:
        raise Refusal(
            f"分录 #{entry.pk} 已由分录 #{earlier.pk} 冲销，不能再次冲销",
            field="分录",
            value=str(entry.pk),
        )
    postings = entry.postings.select_related("account").order_by("id")
    spec = EntrySpec(
        key=key,
        region=entry.region,
        kind=EntryKind.REVERSAL,
        date=date,
        memo=memo or f"冲销分录 #{entry.pk}",
        lines=[Line(p.account, debit=p.credit, credit=p.debit) for p in postings],
        source=(REVERSED_SOURCE, str(entry.pk)),
        request=request,
    )
    return _post(actor=actor, spec=spec)


# --------------------------------------------------------------------------------------------------
# What the claims pipeline reads of the books.


def books_region(region: Region) -> Region:
    """The region whose funds pay: the nearest one up the tree (the region itself, or its city) with a
    fund."""
    ids = list(reversed(region.ancestor_ids()))  # the path holds the region itself, last
    with_funds = set(Fund.objects.filter(region_id__in=ids).values_list("region_id", flat=True))
    for pk in ids:
        if pk in with_funds:
            return region if pk == region.pk else Region.objects.get(pk=pk)
    raise Refusal(
        f"{region.name}及其上级未设立补贴资金账户（就业补助资金、职业技能提升行动专账资金），不能记账",
        field="资金来源",
        rule="F13",
        clause=_clause(region, "F13", None),
    )


def entry_find(key: str) -> JournalEntry | None:
    """The entry written under ``key``, if any."""
    return JournalEntry.objects.filter(key=key).first()


def entry_funds(entry: JournalEntry) -> list[dict[str, str]]:
    """The funds a payment or prepayment drew on (F13), in the order drawn: [{"fund", "amount"}]."""
    return [
        {"fund": p.account.fund.get_kind_display(), "amount": str(p.credit)}  # type: ignore[union-attr]
        for p in Posting.objects.filter(entry=entry, account__fund__isnull=False, credit__gt=0)
        .select_related("account__fund")
        .order_by("id")
    ]


# --------------------------------------------------------------------------------------------------
# The chart of accounts.


def fund_account(fund: Fund, kind: str) -> Account:
    return Account.objects.get(region_id=fund.region_id, code=f"{kind}:{fund.kind}")


def expense_account(region: Region) -> Account:
    account, _ = Account.objects.get_or_create(
        region=region,
        code=AccountKind.SUBSIDY_EXPENSE.value,
        defaults={"kind": AccountKind.SUBSIDY_EXPENSE, "name": AccountKind.SUBSIDY_EXPENSE.label},
    )
    return account


def payee_account(region: Region, kind: str, payee: Payee) -> Account:
    """The payee's payable / receivable / prepayment account in ``region``, opened on first use."""
    link: dict[str, Any] = {"organisation": payee} if isinstance(payee, Organisation) else {"person": payee}
    account, _ = Account.objects.get_or_create(
        region=region,
        code=f"{kind}:{_payee_ref(payee)}",
        defaults={"kind": kind, "name": f"{AccountKind(kind).label}·{payee}", **link},
    )
    return account


def payee_account_find(region: Region, kind: str, payee: Payee) -> Account | None:
    """The same account if anything was ever booked to it, else None (a read opens no account)."""
    return Account.objects.filter(region=region, code=f"{kind}:{_payee_ref(payee)}").first()


# --------------------------------------------------------------------------------------------------
# Internals.


@dataclass
class _Entry:
    """An entry of ``entries_post`` once checked: its key, source and amounts in their stored form."""

    key: str
    region: Region
    kind: str
    lines: list[Line]
    date: dt.date
    memo: str
    source: tuple[str, str]
    payee: Payee | None
    request: Request | None
    fingerprint: str = ""

    def resolve(self, opened: Mapping[tuple[int, str], Account]) -> None:
        """The named accounts replaced by their rows, and the request the key stands for."""
        self.lines = [
            Line(opened[(line.account.region.pk, line.account.code)], line.debit, line.credit)
            if isinstance(line.account, AccountRef)
            else line
            for line in self.lines
        ]
        request = self.request or Request(
            "journal_post",
            {
                "region": self.region.pk,
                "kind": self.kind,
                "source": self.source,
                "lines": sorted(
                    [line.account.pk, str(line.debit), str(line.credit)]  # type: ignore[union-attr]
                    for line in self.lines
                ),
            },
        )
        self.fingerprint = request.fingerprint


def _prepare(spec: EntrySpec) -> _Entry:
    key = _key(spec.key)
    if spec.kind not in EntryKind.values:
        raise Refusal(f"未知的分录类别 {spec.kind!r}", field="类别", value=str(spec.kind))
    source = _source(spec.source)
    return _Entry(
        key=key,
        region=spec.region,
        kind=spec.kind,
        lines=_normalise(spec.lines),
        date=spec.date or timezone.localdate(),
        memo=(spec.memo or "")[:200],
        source=source,
        payee=spec.payee,
        request=spec.request,
    )


def _named(exc: Refusal, key: str, many: bool) -> Refusal:
    """A refusal in a list of several entries names the entry; a list of one keeps the plain message."""
    if not many:
        return exc
    return Refusal(
        f"分录 {key}：{exc.message}",
        field=exc.field,
        value=exc.value,
        rule=exc.rule,
        clause=exc.clause,
        violations=exc.violations,
    )


def _accounts_open(refs: Sequence[AccountRef]) -> dict[tuple[int, str], Account]:
    """The named accounts, (region id, code) → row; the missing ones opened in one insert."""
    wanted = {(ref.region.pk, ref.code): ref for ref in refs}
    if not wanted:
        return {}
    codes: dict[int, list[str]] = defaultdict(list)
    for region_pk, code in wanted:
        codes[region_pk].append(code)

    def existing() -> dict[tuple[int, str], Account]:
        q = Q()
        for region_pk, region_codes in codes.items():
            q |= Q(region_id=region_pk, code__in=region_codes)
        return {(a.region_id, a.code): a for a in Account.objects.filter(q).order_by()}

    found = existing()
    missing = [
        Account(
            region=ref.region,
            kind=ref.kind,
            code=code,
            name=f"{AccountKind(ref.kind).label}·{ref.payee}"
            if ref.payee is not None
            else str(AccountKind(ref.kind).label),
            organisation=ref.payee if isinstance(ref.payee, Organisation) else None,
            person=ref.payee if isinstance(ref.payee, Person) else None,
        )
        for (region_pk, code), ref in wanted.items()
        if (region_pk, code) not in found
    ]
    if missing:
        # A concurrent call may open the same account: the database keeps one, both then read it.
        Account.objects.bulk_create(missing, ignore_conflicts=True)
        found = existing()
    return found


def _write(actor: Any, items: Sequence[_Entry]) -> dict[str, JournalEntry]:
    """The entries, their postings and their audit events: one statement per table (one per entry kind
    for the events, whose action names the kind)."""
    user = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    entries = [
        JournalEntry(
            region=item.region,
            date=item.date,
            kind=item.kind,
            memo=item.memo,
            actor=user,
            key=item.key,
            fingerprint=item.fingerprint,
            source_type=item.source[0],
            source_id=item.source[1],
            created_at=now,
        )
        for item in items
    ]
    _entries_insert(entries)
    copy_rows(
        Posting,
        ("entry", "account", "debit", "credit"),
        [
            (entry.pk, _row(line).pk, line.debit, line.credit)
            for entry, item in zip(entries, items, strict=True)
            for line in item.lines
        ],
    )
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry, item in zip(entries, items, strict=True):
        events[str(item.kind)].append(
            {
                "obj": entry,
                "to_state": str(item.kind),
                "payload": {
                    "key": item.key,
                    "date": item.date.isoformat(),
                    "total": str(sum((line.debit for line in item.lines), ZERO)),
                    "source": list(item.source) if item.source[0] else [],
                    "lines": [[line.account.code, str(line.debit), str(line.credit)] for line in item.lines],
                },
                "region_path": item.region.path,
                "organisation_id": item.payee.pk if isinstance(item.payee, Organisation) else None,
            }
        )
    for kind, items_of_kind in events.items():
        events_record_many(actor=actor, action=f"ledger.{kind}", items=items_of_kind)
    return {entry.key: entry for entry in entries}


# The columns of a journal entry as COPY writes them (``created_at`` given: COPY runs no ``pre_save``).
_ENTRY_COLUMNS = (
    "id",
    "region",
    "date",
    "kind",
    "memo",
    "actor",
    "key",
    "fingerprint",
    "source_type",
    "source_id",
    "created_at",
)


def _entries_insert(entries: Sequence[JournalEntry]) -> None:
    """One INSERT, or on PostgreSQL for many entries ids reserved from the sequence and one COPY: a
    thousand entries as a bound INSERT of 11,000 parameters cost more to build and parse than to store."""
    connection = connections[router.db_for_write(JournalEntry)]
    if connection.vendor != "postgresql" or len(entries) < 2:
        JournalEntry.objects.bulk_create(entries)
        return
    for entry, pk in zip(entries, reserve_ids(JournalEntry, len(entries)), strict=True):
        entry.pk = pk
    copy_rows(
        JournalEntry,
        _ENTRY_COLUMNS,
        [
            (
                e.pk,
                e.region_id,
                e.date,
                str(e.kind),
                e.memo,
                e.actor_id,
                e.key,
                e.fingerprint,
                e.source_type,
                e.source_id,
                e.created_at,
            )
            for e in entries
        ],
    )
    for e in entries:
        e._state.adding = False
        e._state.db = connection.alias


def _replays(fingerprints: Mapping[str, str]) -> dict[str, JournalEntry]:
    """The entries already written under these keys (retries); a key asked with another request is
    refused."""
    if not fingerprints:
        return {}
    found = {e.key: e for e in JournalEntry.objects.filter(key__in=list(fingerprints)).order_by()}
    for key, fingerprint in fingerprints.items():
        entry = found.get(key)
        if entry is not None and entry.fingerprint != fingerprint:
            raise Refusal(
                f"该键已用于分录 #{entry.pk}（{entry.get_kind_display()}，{entry.date:%Y-%m-%d}），"
                "本次请求的内容与之不同：重试同一笔业务须提交相同内容，另一笔业务须使用新的幂等键",
                field="幂等键",
                value=key,
            )
    return found


def _post(*, actor: Any, spec: EntrySpec) -> JournalEntry:
    return entries_post(actor=actor, entries=[spec]).entries[0]


def _normalise(lines: Sequence[Line]) -> list[Line]:
    out = []
    for row, line in enumerate(lines, start=1):
        debit = _money(line.debit, f"第 {row} 行借方", allow_zero=True)
        credit = _money(line.credit, f"第 {row} 行贷方", allow_zero=True)
        if (debit > 0) == (credit > 0):
            raise Refusal(
                "每一行须且只须在借方或贷方之一填写正数金额",
                field=f"第 {row} 行",
                value=f"借 {debit} / 贷 {credit}",
            )
        out.append(Line(line.account, debit=debit, credit=credit))
    return out


def _check(region: Region, lines: Sequence[Line]) -> None:
    if len(lines) < 2:
        raise Refusal("一笔分录至少两行（有借必有贷）", field="分录行", value=str(len(lines)))
    for row, line in enumerate(lines, start=1):
        account = _row(line)
        if account.region_id != region.pk:
            raise Refusal(
                f"账户“{account.name}”不属于{region.name}的账簿：一笔分录的账户须属于同一区域",
                field=f"第 {row} 行账户",
                value=account.code,
            )
    debit = sum((line.debit for line in lines), ZERO)
    credit = sum((line.credit for line in lines), ZERO)
    if debit != credit:
        raise Refusal(
            f"借方合计 {yuan(debit)} 元，贷方合计 {yuan(credit)} 元，借贷不平衡",
            field="分录行",
            value=f"{debit} ≠ {credit}",
        )


def _row(line: Line) -> Account:
    """The line's account row (``entries_post`` has replaced every AccountRef by then)."""
    assert isinstance(line.account, Account)
    return line.account


def _keep_non_negative(lines: Sequence[Line]) -> None:
    """No account may end below zero on its normal side: a fund spending more than it holds, a payable
    paid beyond what is owed, a receivable refunded beyond what is due. The accounts that these lines
    reduce are locked first, so that concurrent entries cannot both pass on the same balance; their
    balances are read in one query."""
    moves: dict[int, Decimal] = defaultdict(lambda: ZERO)
    accounts: dict[int, Account] = {}
    for line in lines:
        account = _row(line)
        signed = line.debit - line.credit
        moves[account.pk] += signed if account.debit_normal else -signed
        accounts[account.pk] = account
    reduced = [accounts[pk] for pk, move in moves.items() if move < 0]
    if not reduced:
        return
    _lock(*reduced)
    held = balances_of(reduced)
    for account in reduced:
        before = held[account.pk]
        if before + moves[account.pk] < 0:
            raise Refusal(
                f"账户“{account.name}”余额 {yuan(before)} 元，本分录减少 {yuan(-moves[account.pk])} 元后为负，未记账",
                field="金额",
                value=str(-moves[account.pk]),
            )


def _clause(region: Region, rule: str, date: dt.date | None) -> str:
    """The clause a refusal of ``rule`` quotes, as the profile of ``region`` words it in the year of the
    entry (``regions.selectors.rule_clause``); a region with no profile at all is refused, as elsewhere."""
    try:
        return rule_clause(region, (date or timezone.localdate()).year, rule)
    except NoProfile as exc:
        raise Refusal(str(exc), field="地区") from None


def _order(
    region: Region, fund_order: Sequence[str], fund_kind: str | None, date: dt.date | None
) -> list[str]:
    """The funds to draw on, in order: the one named, else ``fund_order`` (F13, from the profile)."""
    kinds = [fund_kind] if fund_kind is not None else [str(k) for k in fund_order]
    for kind in kinds:
        if kind not in FundKind.values:
            raise Refusal(
                f"未知的资金来源 {kind!r}；可选：{'、'.join(FundKind.labels)}",
                field="资金来源",
                value=str(kind),
                rule="F13",
                clause=_clause(region, "F13", date),
            )
    if not kinds:
        raise Refusal(
            "未指明资金来源或资金使用顺序，不能支付",
            field="资金来源",
            rule="F13",
            clause=_clause(region, "F13", date),
        )
    return kinds


def _fund_cash(region: Region, order: Sequence[str]) -> list[Account]:
    """The cash accounts to draw on, in ``order``, of the funds the region has."""
    found = {
        a.fund.kind: a  # type: ignore[union-attr]
        for a in Account.objects.filter(
            region=region, kind=AccountKind.FUND_CASH, fund__kind__in=order
        ).select_related("fund")
    }
    return [found[k] for k in order if k in found]


def _draw(
    region: Region, cash: Sequence[Account], amount: Decimal, order: Sequence[str], date: dt.date | None
) -> list[Line]:
    """F13: take ``amount`` from the funds in order, splitting when one is short; all or nothing.
    The caller holds the locks on ``cash``."""
    left = amount
    lines: list[Line] = []
    available: dict[str, Decimal] = {}
    for account in cash:
        held = balance(account)
        available[account.fund.kind] = held  # type: ignore[union-attr]
        take = min(held, left)
        if take > 0:
            lines.append(Line(account, credit=take))
            left -= take
    if left > 0:
        parts = "，".join(
            f"{_fund_label(k)} {yuan(available[k])} 元" if k in available else f"{_fund_label(k)} 未设立"
            for k in order
        )
        raise Refusal(
            f"应支付 {yuan(amount)} 元，{region.name}可用资金合计 {yuan(sum(available.values(), ZERO))} 元"
            f"（{parts}），资金不足，未支付",
            field="资金来源",
            value=str(amount),
            rule="F13",
            clause=_clause(region, "F13", date),
        )
    return lines


def _lock(*accounts: Account | None) -> None:
    """Row locks on the accounts, always in id order so that two payments never wait on each other."""
    ids = sorted({a.pk for a in accounts if a is not None})
    if ids:
        list(
            Account.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
        )


def _replay(key: str, fingerprint: str) -> JournalEntry | None:
    """The entry already written under ``key`` (a retry), or None; another request under it is refused."""
    return _replays({key: fingerprint}).get(key)


def _key(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise Refusal("幂等键不能为空：同一笔业务的重试须带同一个键", field="幂等键")
    if len(key) > 128:
        raise Refusal("幂等键不能超过 128 个字符", field="幂等键", value=key[:40])
    return key


def _money(value: object, field: str, *, allow_zero: bool = False) -> Decimal:
    # Money is never a float: 0.1 + 0.2 must not reach the books.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise Refusal(
            f"金额须为 Decimal 十进制数（收到 {type(value).__name__}），不接受浮点数",
            field=field,
            value=str(value),
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise Refusal("金额不是有效数字", field=field, value=str(value))
    if abs(amount) > MAX_AMOUNT:
        raise Refusal(f"金额超过账簿上限 {yuan(MAX_AMOUNT)} 元", field=field, value=str(value))
    if amount != amount.quantize(CENT):
        raise Refusal("金额最多两位小数（到分）", field=field, value=str(value))
    amount = amount.quantize(CENT)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise Refusal("金额须大于零", field=field, value=str(value))
    return amount


def _source(source: SourceRef) -> tuple[str, str]:
    if source is None or source == ("", ""):
        return ("", "")
    if isinstance(source, models.Model):
        return (source._meta.label, str(source.pk))
    source_type, source_id = (str(part).strip() for part in source)
    if not source_type or len(source_type) > 64 or len(source_id) > 64:
        raise Refusal(
            "来源须为（类型, 编号），各不超过 64 个字符", field="来源", value=f"{source_type}:{source_id}"
        )
    return (source_type, source_id)


def _payee_ref(payee: Payee) -> str:
    if isinstance(payee, Organisation):
        return f"org:{payee.pk}"
    if isinstance(payee, Person):
        return f"person:{payee.pk}"
    raise Refusal("收款人须为机构或实名登记人员", field="收款人", value=str(payee))


def _fund_label(kind: str) -> str:
    return str(FundKind(kind).label) if kind in FundKind.values else kind
