"""Issue 4 at the level of the claims workflow, on PostgreSQL: 50 simultaneous attempts — finance clicking
"确认拨付" on one batch, a clerk's double submissions of one class's claim — pay once and claim once.

Each thread has its own connection and transaction, released together by a barrier (the ledger's own
race tests, ledger/tests/test_concurrency.py, do the same one level down).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from jineng.audit.models import Event
from jineng.claims import services
from jineng.claims.models import BatchItem, Claim, ClaimLine, ClaimState, PaymentBatch
from jineng.claims.tests.factories import CLAIMED, approved, assessed_class, funded
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind, EntryKind, JournalEntry
from jineng.ledger.tests.books import assert_books_balance, last_event_id, payee_balance
from jineng.ledger.tests.test_concurrency import THREADS, race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent requests race only on PostgreSQL; SQLite runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]

PAY_DAY = dt.date(2021, 7, 9)


def test_f13_fifty_simultaneous_pay_clicks_on_one_batch_pay_its_claim_once(world: World) -> None:
    # Given a sent batch holding one approved claim of 60,000
    funded(world)
    claim = approved(world, assessed_class(world))
    batch = services.batch_open(
        actor=world.users["hr_admin"], region=world.zhengzhou, today=dt.date(2021, 7, 7)
    )
    services.batch_collect(actor=world.users["hr_admin"], batch=batch)
    services.batch_send(actor=world.users["hr_second"], batch=batch)
    events_before = last_event_id()
    finance = world.users["finance"]

    # When finance's 50 requests (clicks, retries, a second tab) confirm the payment at the same moment
    def attempt(i: int) -> str:
        paid = services.batch_pay(actor=finance, batch=batch, bank_reference=f"HX{i:02d}", today=PAY_DAY)
        return paid.bank_reference

    results, errors = race(attempt)

    # Then every request answered with the one paid batch, and the money left once
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    batch.refresh_from_db()
    assert (batch.state, batch.bank_reference) == (PaymentBatch.State.PAID, results[0])
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    item = BatchItem.objects.get(claim=claim)
    assert item.journal_entry_id == JournalEntry.objects.get(kind=EntryKind.PAYMENT).pk
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID
    assert Event.objects.filter(pk__gt=events_before, action="batch.paid").count() == 1
    assert Event.objects.filter(pk__gt=events_before, action="claim.paid").count() == 1
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == Decimal("0.00")
    assert_books_balance()


def test_f02_fifty_simultaneous_claims_for_one_class_make_one_claim(world: World) -> None:
    # Given an assessed class of 30 trainees
    tc = assessed_class(world)
    clerk = world.users["institution"]
    events_before = last_event_id()

    # When the clerk's 50 requests generate the class's claim at the same moment
    def attempt(i: int) -> int:
        return services.claim_create(actor=clerk, training_class=tc, today=CLAIMED).pk

    results, errors = race(attempt)

    # Then one claim exists with its 30 live lines; every other request was refused in Chinese
    claim = Claim.objects.get()
    assert ClaimLine.objects.filter(claim=claim, live=True).count() == 30
    assert set(results) == {claim.pk}
    assert len(results) + len(errors) == THREADS
    assert all(isinstance(e, Refusal) and "不能重复申领" in str(e) for e in errors), errors[:3]
    assert Event.objects.filter(pk__gt=events_before, action="claim.created").count() == 1
