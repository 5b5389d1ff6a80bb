"""API shapes of the books. Money is a Decimal, sent as a string ("1200.00"): never a float."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from jineng.core.params import Year
from jineng.ledger.models import JournalEntry, Posting
from jineng.ledger.selectors import AccountBalance, FundBalance, FundYear, PayeeStatement, TrialBalance
from jineng.ledger.services import BudgetChange


class PostingOut(Schema):
    account_code: str
    account_name: str
    account_kind: str
    debit: Decimal
    credit: Decimal

    @staticmethod
    def from_posting(p: Posting) -> PostingOut:
        return PostingOut(
            account_code=p.account.code,
            account_name=p.account.name,
            account_kind=p.account.kind,
            debit=p.debit,
            credit=p.credit,
        )


class EntryOut(Schema):
    id: int
    region_id: int
    region: str
    date: dt.date
    kind: str
    kind_label: str
    memo: str
    actor: str
    key: str
    source_type: str
    source_id: str
    created_at: dt.datetime
    postings: list[PostingOut]

    @staticmethod
    def resolve_region(obj: JournalEntry) -> str:
        return obj.region.name

    @staticmethod
    def resolve_kind_label(obj: JournalEntry) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_actor(obj: JournalEntry) -> str:
        return obj.actor.label if obj.actor else "系统"

    @staticmethod
    def resolve_postings(obj: JournalEntry) -> list[PostingOut]:
        return [PostingOut.from_posting(p) for p in obj.postings.all()]


class FundOut(Schema):
    id: int
    region_id: int
    region: str
    kind: str
    kind_label: str
    appropriated: Decimal
    used: Decimal
    remaining: Decimal

    @staticmethod
    def of(row: FundBalance) -> FundOut:
        return FundOut(
            id=row.fund.pk,
            region_id=row.fund.region_id,
            region=row.fund.region.name,
            kind=row.fund.kind,
            kind_label=row.fund.get_kind_display(),
            appropriated=row.appropriated,
            used=row.used,
            remaining=row.remaining,
        )


class AccountBalanceOut(Schema):
    region: str
    account_code: str
    account_name: str
    account_kind: str
    debit: Decimal
    credit: Decimal
    net_debit: Decimal
    net_credit: Decimal
    balance: Decimal

    @staticmethod
    def of(row: AccountBalance) -> AccountBalanceOut:
        return AccountBalanceOut(
            region=row.account.region.name,
            account_code=row.account.code,
            account_name=row.account.name,
            account_kind=row.account.kind,
            debit=row.debit,
            credit=row.credit,
            net_debit=row.net_debit,
            net_credit=row.net_credit,
            balance=row.balance,
        )


class TrialBalanceOut(Schema):
    as_of: dt.date | None
    total_debit: Decimal
    total_credit: Decimal
    balanced: bool
    rows: list[AccountBalanceOut]

    @staticmethod
    def of(tb: TrialBalance) -> TrialBalanceOut:
        return TrialBalanceOut(
            as_of=tb.as_of,
            total_debit=tb.total_debit,
            total_credit=tb.total_credit,
            balanced=tb.balanced,
            rows=[AccountBalanceOut.of(r) for r in tb.rows],
        )


class StatementLineOut(Schema):
    entry_id: int
    date: dt.date
    kind: str
    memo: str
    account_code: str
    account_kind: str
    debit: Decimal
    credit: Decimal


class StatementOut(Schema):
    payee: str
    payable: Decimal
    receivable: Decimal
    prepayment: Decimal
    accounts: list[AccountBalanceOut]
    lines: list[StatementLineOut]

    @staticmethod
    def of(st: PayeeStatement) -> StatementOut:
        return StatementOut(
            payee=str(st.payee),
            payable=st.payable,
            receivable=st.receivable,
            prepayment=st.prepayment,
            accounts=[AccountBalanceOut.of(b) for b in st.balances],
            lines=[
                StatementLineOut(
                    entry_id=p.entry_id,
                    date=p.entry.date,
                    kind=p.entry.kind,
                    memo=p.entry.memo,
                    account_code=p.account.code,
                    account_kind=p.account.kind,
                    debit=p.debit,
                    credit=p.credit,
                )
                for p in st.lines
            ],
        )


class FundYearOut(Schema):
    """One fund in one year (issue 14): budget, paid, refunded, balance now."""

    fund_id: int
    region_id: int
    region: str
    kind: str
    kind_label: str
    year: int
    budget: Decimal
    paid: Decimal
    refunded: Decimal
    remaining: Decimal

    @staticmethod
    def of(row: FundYear) -> FundYearOut:
        return FundYearOut(
            fund_id=row.fund.pk,
            region_id=row.fund.region_id,
            region=row.fund.region.name,
            kind=row.fund.kind,
            kind_label=row.fund.get_kind_display(),
            year=row.year,
            budget=row.budget,
            paid=row.paid,
            refunded=row.refunded,
            remaining=row.remaining,
        )


class BudgetIn(Schema):
    """Set a fund's budget for a year; region_id defaults to the user's own region."""

    kind: str
    year: Year
    amount: Decimal
    region_id: int | None = None
    memo: str = ""


class BudgetChangeOut(Schema):
    fund_id: int
    region_id: int
    kind: str
    year: int
    before: Decimal
    after: Decimal
    entry_id: int | None

    @staticmethod
    def of(change: BudgetChange) -> BudgetChangeOut:
        return BudgetChangeOut(
            fund_id=change.fund.pk,
            region_id=change.fund.region_id,
            kind=change.fund.kind,
            year=change.year,
            before=change.before,
            after=change.after,
            entry_id=change.entry.pk if change.entry else None,
        )
