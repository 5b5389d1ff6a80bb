"""A claim is paid exactly once: 50 simultaneous attempts on PostgreSQL (issue 4).

Each thread has its own database connection and transaction, released by a barrier at the same
moment, like 50 clicks, retries and double submissions arriving together. SQLite serialises every
writer (IMMEDIATE transactions), so there is no race to test there.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import EntryKind, JournalEntry
from jineng.ledger.selectors import trial_balance
from jineng.ledger.services import entries_post, payable_entry, payment_make
from jineng.ledger.tests.books import D, assert_books_balance, cash, funded, last_event_id, owe, payee_balance
from jineng.people.services import person_register
from jineng.policy.claims import F13_FUND_ORDER
from jineng.policy.identity import make_id_number

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent payments race only on PostgreSQL; SQLite runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 50


def race(attempt: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``attempt(i)`` in THREADS threads released together; their results and their exceptions."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcome = attempt(i)
            with lock:
                results.append(outcome)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a payment thread hung"
    return results, errors


def test_fifty_simultaneous_payments_with_one_key_pay_once(world: World) -> None:
    # Given 3000.00 owed to the school and 10000.00 in the special account
    funds = funded(world.zhengzhou, special_account="10000.00")
    owe(world.zhengzhou, world.zz_school, "3000.00")
    events_before = last_event_id()
    finance = world.users["finance"]

    # When 50 requests pay the claim with the same idempotency key at the same moment
    def attempt(i: int) -> int:
        return payment_make(
            fund_order=F13_FUND_ORDER,
            actor=finance,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("3000.00"),
            key="claim-42:payment",
            source=("claims.Claim", "42"),
        ).pk

    results, errors = race(attempt)

    # Then every request got the one payment, and the money left the fund once
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    payment = JournalEntry.objects.get(key="claim-42:payment")
    assert results[0] == payment.pk
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert Event.objects.filter(pk__gt=events_before, action="ledger.payment").count() == 1
    assert cash(funds["special_account"]) == D("7000.00")
    assert payee_balance(world.zhengzhou, "payable", world.zz_school) == D("0.00")
    tb = trial_balance(finance)
    assert (tb.total_debit, tb.total_credit) == (D("10000.00"), D("10000.00"))
    assert_books_balance()


def test_fifty_double_submissions_with_different_keys_pay_once(world: World) -> None:
    # Given 3000.00 owed to the school
    funds = funded(world.zhengzhou, special_account="10000.00")
    owe(world.zhengzhou, world.zz_school, "3000.00")

    # When 50 submissions each carry a key of their own (a form posted twice, two browser tabs…)
    def attempt(i: int) -> int:
        return payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("3000.00"),
            key=f"submission-{i}",
        ).pk

    results, errors = race(attempt)

    # Then one is paid and 49 are refused because nothing is owed any more
    assert len(results) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, Refusal) for e in errors), errors[:3]
    assert {e.message for e in errors} == {  # type: ignore[attr-defined]
        "应付“郑州商业技师学院”的余额为 0.00 元，本次支付 3,000.00 元超过应付余额，未支付（同一笔应付不能重复支付）"
    }
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert cash(funds["special_account"]) == D("7000.00")
    assert_books_balance()


def test_fifty_payees_drawing_on_one_fund_never_overdraw_it(world: World) -> None:
    # Given 2000.00 in the special account only, and 50 trainees owed 100.00 each
    funds = funded(world.zhengzhou, special_account="2000.00")
    people = [
        person_register(
            actor=None,
            id_number=make_id_number("410105", dt.date(1990, 1, 1) + dt.timedelta(days=i), 11 + i),
            name=f"学员{i}",
            region=world.jinshui,
        )
        for i in range(THREADS)
    ]
    for p in people:
        owe(world.zhengzhou, p, "100.00")

    # When all 50 are paid at once
    def attempt(i: int) -> int:
        return payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=people[i],
            amount=D("100.00"),
            key=f"trainee-{i}",
        ).pk

    results, errors = race(attempt)

    # Then exactly 20 are paid, 30 refused under F13, and the fund ends at zero, never below
    assert len(results) == 20
    assert len(errors) == 30
    assert all(isinstance(e, Refusal) and e.rule == "F13" for e in errors), errors[:3]
    assert cash(funds["special_account"]) == D("0.00")
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 20
    assert_books_balance()


def test_fifty_overlapping_lists_write_each_key_once(world: World) -> None:
    # Given 50 batches that each book the same five payables and one of their own (a batch retried while
    # it still runs, say)
    events_before = last_event_id()

    def attempt(i: int) -> list[int]:
        keys = [f"shared:{n}" for n in range(5)] + [f"own:{i}"]
        entries = [
            payable_entry(region=world.zhengzhou, payee=world.zz_school, amount=D("10.00"), key=key)
            for key in keys
        ]
        return [e.pk for e in entries_post(actor=None, entries=entries).entries]

    # When they are all posted at the same moment
    results, errors = race(attempt)

    # Then each key is written once, every batch got the shared entries, and each its own
    assert errors == []
    shared = sorted(JournalEntry.objects.filter(key__startswith="shared:").values_list("pk", flat=True))
    assert len(shared) == 5
    assert all(sorted(r[:5]) == shared for r in results)
    assert JournalEntry.objects.filter(key__startswith="own:").count() == THREADS
    assert Event.objects.filter(pk__gt=events_before, action="ledger.payable").count() == 5 + THREADS
    assert payee_balance(world.zhengzhou, "payable", world.zz_school) == D("550.00")
    assert_books_balance()
