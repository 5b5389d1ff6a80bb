"""Reads of the books, always through the user's scope: the books of the regions in their subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Case, CharField, DecimalField, F, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from jineng.accounts.models import User
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.ledger.models import (
    CENT,
    PAYEE_ACCOUNT_KINDS,
    ZERO,
    Account,
    AccountKind,
    EntryKind,
    Fund,
    JournalEntry,
    Posting,
)
from jineng.orgs.models import Organisation
from jineng.people.models import Person

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _q(value: Decimal | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


# --------------------------------------------------------------------------------------------------
# What the user may see.


def entries_visible(user: User) -> QuerySet[JournalEntry]:
    if not can(user.role, "ledger.view"):
        return JournalEntry.objects.none()
    scope = scope_of(user)
    return JournalEntry.objects.filter(scope.region_q()).select_related("region", "actor")


def accounts_visible(user: User) -> QuerySet[Account]:
    if not can(user.role, "ledger.view"):
        return Account.objects.none()
    return Account.objects.filter(scope_of(user).region_q()).select_related("region", "fund")


def funds_visible(user: User) -> QuerySet[Fund]:
    if not can(user.role, "ledger.view"):
        return Fund.objects.none()
    return Fund.objects.filter(scope_of(user).region_q()).select_related("region")


def entries_search(
    user: User,
    *,
    kind: str = "",
    source_type: str = "",
    source_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[JournalEntry]:
    qs = entries_visible(user)
    if kind:
        qs = qs.filter(kind=kind)
    if source_type:
        qs = qs.filter(source_type=source_type)
    if source_id:
        qs = qs.filter(source_id=source_id)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "-id")


def entry_for(user: User, entry_id: int) -> JournalEntry:
    """One entry in scope, with its postings; 404 outside the scope."""
    entry = with_postings(entries_visible(user)).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def with_postings(qs: QuerySet[JournalEntry]) -> QuerySet[JournalEntry]:
    """Each entry's postings (and their accounts) in one more query, in the order they were written."""
    return qs.prefetch_related(
        Prefetch("postings", queryset=Posting.objects.select_related("account").order_by("id"))
    )


@dataclass(frozen=True)
class EntrySource:
    """What an entry records, as a page names it: "补贴申领 BT2021…" (the object's Chinese type and its ref),
    a link where the object has a page, and the code (``claims.Claim#1``) as the secondary detail."""

    label: str
    url: str
    code: str


# The pages of the objects the books name as sources (URL names, so the books import no other app).
_SOURCE_PAGES = {
    "claims.Claim": "claims:detail",
    "claims.Prepayment": "claims:prepayment",
    "recovery.WrongPayment": "recovery:detail",
    "grants.GrantApplication": "grants:detail",
}


def source_type_label(source_type: str) -> str:
    """The Chinese name of a source type (the model's verbose_name); the code for one no longer known."""
    try:
        return str(apps.get_model(source_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return source_type


def entry_sources(entries: Collection[JournalEntry]) -> dict[int, EntrySource]:
    """Each sourced entry's source by entry id, one query per source type."""
    wanted: dict[str, set[str]] = {}
    for e in entries:
        if e.source_type:
            wanted.setdefault(e.source_type, set()).add(e.source_id)
    named: dict[tuple[str, str], str] = {}
    for source_type, ids in wanted.items():
        try:
            model = apps.get_model(source_type)
        except (LookupError, ValueError):
            continue
        pks = [i for i in ids if i.isdigit()]
        for obj in model._default_manager.filter(pk__in=pks):
            ref = getattr(obj, "ref", "") or ""
            named[(source_type, str(obj.pk))] = str(ref) if ref else f"{obj.pk}"
    shown: dict[int, EntrySource] = {}
    for e in entries:
        if not e.source_type:
            continue
        key = (e.source_type, e.source_id)
        label = f"{source_type_label(e.source_type)} {named.get(key, e.source_id)}"
        url = ""
        if key in named and e.source_type in _SOURCE_PAGES:
            try:
                url = reverse(_SOURCE_PAGES[e.source_type], args=[int(e.source_id)])
            except NoReverseMatch:
                url = ""
        shown[e.pk] = EntrySource(label, url, f"{e.source_type}#{e.source_id}")
    return shown


def entry_source_types(user: User) -> list[tuple[str, str]]:
    """The source types of the entries in the user's scope, as (code, Chinese name), for the filter."""
    codes = (
        entries_visible(user)
        .exclude(source_type="")
        .order_by()
        .values_list("source_type", flat=True)
        .distinct()
    )
    return sorted(((c, source_type_label(c)) for c in codes), key=lambda t: t[1])


# --------------------------------------------------------------------------------------------------
# Balances.


@dataclass(frozen=True)
class AccountBalance:
    account: Account
    debit: Decimal  # total debits
    credit: Decimal  # total credits

    @property
    def balance(self) -> Decimal:
        """On the account's normal side: what a fund holds, what is owed to or by the payee."""
        return self.debit - self.credit if self.account.debit_normal else self.credit - self.debit

    @property
    def net_debit(self) -> Decimal:
        return max(self.debit - self.credit, ZERO)

    @property
    def net_credit(self) -> Decimal:
        return max(self.credit - self.debit, ZERO)


def _balances(accounts: QuerySet[Account], as_of: dt.date | None = None) -> list[AccountBalance]:
    when = Q(postings__entry__date__lte=as_of) if as_of else Q()
    rows = accounts.annotate(
        total_debit=Coalesce(Sum("postings__debit", filter=when), Value(ZERO), output_field=_MONEY),
        total_credit=Coalesce(Sum("postings__credit", filter=when), Value(ZERO), output_field=_MONEY),
    ).order_by("region__path", "code")
    return [AccountBalance(a, _q(a.total_debit), _q(a.total_credit)) for a in rows]


def account_balances(user: User, *, as_of: dt.date | None = None) -> list[AccountBalance]:
    return _balances(accounts_visible(user), as_of)


@dataclass(frozen=True)
class TrialBalance:
    rows: list[AccountBalance]
    as_of: dt.date | None
    total_debit: Decimal = ZERO  # sum of the accounts' net debit balances
    total_credit: Decimal = ZERO

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


def trial_balance(user: User, *, as_of: dt.date | None = None) -> TrialBalance:
    """Every account in scope with its net balance on the debit or the credit side; the two columns'
    totals are equal whenever the books are right."""
    rows = [r for r in account_balances(user, as_of=as_of) if r.debit or r.credit]
    return TrialBalance(
        rows=rows,
        as_of=as_of,
        total_debit=sum((r.net_debit for r in rows), ZERO),
        total_credit=sum((r.net_credit for r in rows), ZERO),
    )


@dataclass(frozen=True)
class FundBalance:
    fund: Fund
    appropriated: Decimal  # budget received, net of corrections
    remaining: Decimal  # cash the fund still holds

    @property
    def used(self) -> Decimal:
        return self.appropriated - self.remaining


def fund_balances(user: User) -> list[FundBalance]:
    funds = {f.pk: f for f in funds_visible(user)}
    by_fund: dict[int, dict[str, Decimal]] = {pk: {} for pk in funds}
    accounts = accounts_visible(user).filter(
        kind__in=[AccountKind.FUND_CASH, AccountKind.APPROPRIATION], fund_id__in=list(funds)
    )
    for row in _balances(accounts):
        by_fund[row.account.fund_id][row.account.kind] = row.balance  # type: ignore[index]
    return [
        FundBalance(
            fund=fund,
            appropriated=by_fund[pk].get(AccountKind.APPROPRIATION, ZERO),
            remaining=by_fund[pk].get(AccountKind.FUND_CASH, ZERO),
        )
        for pk, fund in funds.items()
    ]


def fund_remaining(user: User, fund: Fund) -> Decimal:
    """What a fund in the user's scope still holds; 404 outside the scope."""
    for row in fund_balances(user):
        if row.fund.pk == fund.pk:
            return row.remaining
    raise Http404


# --------------------------------------------------------------------------------------------------
# A year of each fund (issue 14): its budget, what it paid, what came back.

# The entries that take money out of a fund to a payee (F13): payments, and F04 prepayments.
OUTFLOW_KINDS = (EntryKind.PAYMENT, EntryKind.PREPAYMENT)


@dataclass(frozen=True)
class FundYear:
    fund: Fund
    year: int
    budget: Decimal  # appropriated by entries of the year, net of cuts and reversals
    paid: Decimal  # drawn by payments and prepayments of the year (F13)
    refunded: Decimal  # returned to it by refunds of the year (F14)
    remaining: Decimal  # what it holds now, earlier years' balance included

    @property
    def spent(self) -> Decimal:
        """Paid less refunded."""
        return self.paid - self.refunded


@dataclass(frozen=True)
class Outflow:
    """What a fund paid in a year for one business object (a claim, a prepayment…), by its source."""

    fund_id: int
    fund_kind: str
    source_type: str
    source_id: str
    amount: Decimal


def fund_years(user: User, year: int) -> list[FundYear]:
    """Each fund in the user's scope in ``year``."""
    return fund_years_of(funds_visible(user), year)


def fund_years_of(funds: QuerySet[Fund], year: int) -> list[FundYear]:
    """Each of ``funds`` in ``year``, in two queries (the year's movements, the balances now). Amounts
    only: no payee. The public page of fund use reads this over every region."""
    rows = {f.pk: f for f in funds.select_related("region").order_by("region__path", "kind")}
    if not rows:
        return []
    moves: dict[tuple[int, str, str], tuple[Decimal, Decimal]] = {}
    for r in (
        Posting.objects.filter(account__fund_id__in=list(rows), entry__date__year=year)
        .order_by()
        .values("account__fund_id", "account__kind", "entry__kind")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    ):
        moves[(r["account__fund_id"], r["account__kind"], r["entry__kind"])] = (_q(r["d"]), _q(r["c"]))
    held = {
        r["account__fund_id"]: _q(r["d"]) - _q(r["c"])
        for r in Posting.objects.filter(account__fund_id__in=list(rows), account__kind=AccountKind.FUND_CASH)
        .order_by()
        .values("account__fund_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }

    def total(pk: int, account: str, kinds: tuple[str, ...] | None, side: int) -> Decimal:
        return sum(
            (
                v[side]
                for (fund, acc, kind), v in moves.items()
                if fund == pk and acc == account and (kinds is None or kind in kinds)
            ),
            ZERO,
        )

    return [
        FundYear(
            fund=fund,
            year=year,
            budget=total(pk, AccountKind.APPROPRIATION, None, 1)
            - total(pk, AccountKind.APPROPRIATION, None, 0),
            paid=total(pk, AccountKind.FUND_CASH, OUTFLOW_KINDS, 1),
            refunded=total(pk, AccountKind.FUND_CASH, (EntryKind.REFUND,), 0),
            remaining=held.get(pk, ZERO),
        )
        for pk, fund in rows.items()
    ]


def fund_outflows(funds: QuerySet[Fund], year: int, *, by_id: Collection[str] = ()) -> list[Outflow]:
    """What each of ``funds`` paid in ``year`` (payments and prepayments), summed per source type — and
    per source object for the types in ``by_id`` — for a caller above the books to say what the money
    paid for (training, evaluation…). A row summed per type has ``source_id`` "". One query."""
    rows = (
        Posting.objects.filter(
            account__fund__in=funds,
            account__kind=AccountKind.FUND_CASH,
            entry__kind__in=OUTFLOW_KINDS,
            entry__date__year=year,
            credit__gt=0,
        )
        .order_by()
        .annotate(
            sid=Case(
                When(entry__source_type__in=list(by_id), then=F("entry__source_id")),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .values("account__fund_id", "account__fund__kind", "entry__source_type", "sid")
        .annotate(c=Sum("credit"))
    )
    return [
        Outflow(
            fund_id=r["account__fund_id"],
            fund_kind=r["account__fund__kind"],
            source_type=r["entry__source_type"],
            source_id=r["sid"],
            amount=_q(r["c"]),
        )
        for r in rows
    ]


def funds_all() -> QuerySet[Fund]:
    """Every region's funds, unscoped: for the public page of fund use (amounts only, no payee)."""
    return Fund.objects.select_related("region")


# --------------------------------------------------------------------------------------------------
# A payee's statement.


@dataclass(frozen=True)
class PayeeStatement:
    payee: Organisation | Person
    balances: list[AccountBalance]
    lines: list[Posting] = field(default_factory=list)

    def total(self, kind: str) -> Decimal:
        return sum((b.balance for b in self.balances if b.account.kind == kind), ZERO)

    @property
    def payable(self) -> Decimal:
        """Still owed to the payee."""
        return self.total(AccountKind.PAYABLE)

    @property
    def receivable(self) -> Decimal:
        """Still owed by the payee (wrong payments, recovery: F14)."""
        return self.total(AccountKind.RECEIVABLE)

    @property
    def prepayment(self) -> Decimal:
        """Advanced and not yet settled (F04)."""
        return self.total(AccountKind.PREPAYMENT)


def payee_statement(user: User, payee: Organisation | Person) -> PayeeStatement:
    """The payee's accounts in the user's scope and every posting on them, oldest first; 404 when the
    payee has no account in the scope."""
    link = Q(organisation=payee) if isinstance(payee, Organisation) else Q(person=payee)
    accounts = accounts_visible(user).filter(link, kind__in=sorted(PAYEE_ACCOUNT_KINDS))
    if not accounts.exists():
        raise Http404
    lines = list(
        Posting.objects.filter(account__in=accounts)
        .select_related("entry", "account", "entry__region")
        .order_by("entry__date", "entry_id", "id")
    )
    return PayeeStatement(payee=payee, balances=_balances(accounts), lines=lines)
