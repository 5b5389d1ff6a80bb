"""F04: a prepayment is paid exactly once under 50 simultaneous attempts on PostgreSQL (double clicks,
retries, two finance officers), the pattern of ledger/tests/test_concurrency.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from jineng.claims import prepayments
from jineng.claims.models import Prepayment, PrepaymentState
from jineng.claims.tests.factories import funded
from jineng.claims.tests.prepay import REQUESTED, project_class
from jineng.conftest import World
from jineng.ledger.models import AccountKind, EntryKind, JournalEntry
from jineng.ledger.tests.books import assert_books_balance, payee_balance
from jineng.ledger.tests.test_concurrency import THREADS, race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent payments race only on PostgreSQL; SQLite runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_f04_fifty_simultaneous_prepayment_pays_pay_once(world: World) -> None:
    # Given an approved 30000 prepayment of the school's project class and funds to pay it twice over
    funded(world)
    tc = project_class(world)
    p = prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)
    for role in ("hr_first", "hr_second"):
        p = prepayments.prepayment_review(
            actor=world.users[role], prepayment=p, decision="pass", today=REQUESTED
        )
    assert (p.state, p.amount) == (PrepaymentState.APPROVED, Decimal("30000.00"))

    # When finance's "pay" arrives 50 times at the same moment
    def attempt(i: int) -> int | None:
        return prepayments.prepayment_pay(actor=world.users["finance"], prepayment=p).journal_entry_id

    results, errors = race(attempt)

    # Then every attempt answers with the one entry, and the money left the funds once
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    assert JournalEntry.objects.filter(kind=EntryKind.PREPAYMENT).count() == 1
    assert Prepayment.objects.get(pk=p.pk).state == PrepaymentState.PAID
    assert payee_balance(world.zhengzhou, AccountKind.PREPAYMENT, world.zz_school) == Decimal("30000.00")
    assert_books_balance()
