"""Test helpers: open a region's funds with a budget, read balances, check that the books balance."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from jineng.audit.models import Event
from jineng.ledger.balances import balance
from jineng.ledger.models import Account, AccountKind, Fund, FundKind, JournalEntry, Posting
from jineng.ledger.services import fund_account, fund_appropriate, fund_open, payable_recognise
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Region

D = Decimal
DAY = dt.date(2021, 6, 30)


def new_key(prefix: str = "test") -> str:
    return f"{prefix}:{uuid.uuid4().hex}"


def funded(region: Region, **budgets: str) -> dict[str, Fund]:
    """Open the named funds (by FundKind value) of ``region`` and appropriate each its budget."""
    funds = {}
    for kind, amount in budgets.items():
        fund = fund_open(actor=None, region=region, kind=FundKind(kind))
        if D(amount) > 0:
            fund_appropriate(actor=None, fund=fund, amount=D(amount), key=new_key("budget"), date=DAY)
        funds[kind] = fund
    return funds


def cash(fund: Fund) -> Decimal:
    return balance(fund_account(fund, AccountKind.FUND_CASH))


def payee_balance(region: Region, kind: str, payee: Organisation | Person) -> Decimal:
    ref = f"org:{payee.pk}" if isinstance(payee, Organisation) else f"person:{payee.pk}"
    account = Account.objects.filter(region=region, code=f"{kind}:{ref}").first()
    return balance(account) if account is not None else D("0.00")


def expense(region: Region) -> Decimal:
    account = Account.objects.filter(region=region, code=AccountKind.SUBSIDY_EXPENSE).first()
    return balance(account) if account is not None else D("0.00")


def owe(region: Region, payee: Organisation | Person, amount: str) -> JournalEntry:
    return payable_recognise(
        actor=None, region=region, payee=payee, amount=D(amount), key=new_key("owe"), date=DAY
    )


def assert_books_balance() -> None:
    """The whole ledger, and every entry in it, has debits equal to credits."""
    debit = sum((p.debit for p in Posting.objects.all()), D("0"))
    credit = sum((p.credit for p in Posting.objects.all()), D("0"))
    assert debit == credit, (debit, credit)
    for entry in JournalEntry.objects.all():
        lines = list(entry.postings.all())
        assert len(lines) >= 2, entry
        assert sum(p.debit for p in lines) == sum(p.credit for p in lines) > 0, entry


def last_event_id() -> int:
    """Ids, not counts: PostgreSQL sequences are not reset between tests."""
    last = Event.objects.order_by("-id").first()
    return last.pk if last else 0


def lines_of(entry: JournalEntry) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (p.account.code, p.debit, p.credit) for p in entry.postings.select_related("account").order_by("id")
    ]
