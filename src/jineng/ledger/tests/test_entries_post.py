"""``entries_post``, the one way an entry is written: a list of balanced entries with their keys, written
set-based (one statement per table), replayed by key, all or none."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind, EntryKind, FundKind, JournalEntry, Posting
from jineng.ledger.services import (
    EntrySpec,
    Line,
    entries_post,
    expense_account,
    fund_account,
    payable_entry,
    payable_recognise,
)
from jineng.ledger.tests.books import (
    DAY,
    D,
    assert_books_balance,
    funded,
    last_event_id,
    lines_of,
    payee_balance,
)

PAYABLE = AccountKind.PAYABLE


def counts() -> tuple[int, int, int]:
    return JournalEntry.objects.count(), Posting.objects.count(), Event.objects.count()


def payables(world: World, n: int, prefix: str, amount: str = "100.00") -> list[EntrySpec]:
    """``n`` payables alternating between the school and the person."""
    return [
        payable_entry(
            region=world.zhengzhou,
            payee=world.zz_school if i % 2 == 0 else world.zz_person,
            amount=D(amount),
            key=f"{prefix}:{i}",
            date=DAY,
            memo=f"补贴申领 {prefix}-{i} 核准",
            source=("claims.Claim", f"{prefix}{i}"),
        )
        for i in range(n)
    ]


def test_a_list_of_entries_is_written_with_their_postings_and_events(world: World) -> None:
    # Given no account for either payee yet
    before = last_event_id()
    # When four payables are posted in one call
    result = entries_post(actor=world.users["hr_second"], entries=payables(world, 4, "c"))
    # Then four entries, in the order asked, each balanced, with its own event
    assert result.written == 4
    assert [e.key for e in result.entries] == ["c:0", "c:1", "c:2", "c:3"]
    assert [(e.kind, e.memo, e.date, e.source_id) for e in result.entries][:2] == [
        (EntryKind.PAYABLE, "补贴申领 c-0 核准", DAY, "c0"),
        (EntryKind.PAYABLE, "补贴申领 c-1 核准", DAY, "c1"),
    ]
    assert lines_of(result.entries[1]) == [
        ("subsidy_expense", D("100.00"), D("0.00")),
        (f"payable:person:{world.zz_person.pk}", D("0.00"), D("100.00")),
    ]
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("200.00")
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_person) == D("200.00")
    events = list(Event.objects.filter(pk__gt=before).order_by("id"))
    assert [(e.action, e.object_id, e.organisation_id, e.actor_role) for e in events] == [
        ("ledger.payable", str(result.entries[0].pk), world.zz_school.pk, "hr_second"),
        ("ledger.payable", str(result.entries[1].pk), None, "hr_second"),
        ("ledger.payable", str(result.entries[2].pk), world.zz_school.pk, "hr_second"),
        ("ledger.payable", str(result.entries[3].pk), None, "hr_second"),
    ]
    assert events[0].payload == {
        "key": "c:0",
        "date": "2021-06-30",
        "total": "100.00",
        "source": ["claims.Claim", "c0"],
        "lines": [
            ["subsidy_expense", "100.00", "0.00"],
            [f"payable:org:{world.zz_school.pk}", "0.00", "100.00"],
        ],
    }
    assert_books_balance()


def test_the_statements_do_not_grow_with_the_number_of_entries(world: World) -> None:
    # Given the accounts open (a first call opened them)
    entries_post(actor=None, entries=payables(world, 2, "warm"))
    # When 3 and then 60 payables are posted
    with CaptureQueriesContext(connection) as three:
        entries_post(actor=None, entries=payables(world, 3, "three"))
    with CaptureQueriesContext(connection) as sixty:
        entries_post(actor=None, entries=payables(world, 60, "sixty"))
    # Then the same statements, whatever the count: one per table, none per entry
    assert len(sixty.captured_queries) == len(three.captured_queries)
    for table in ("ledger_journalentry", "ledger_posting", "audit_event"):
        writes = [
            q["sql"]
            for q in sixty.captured_queries
            if q["sql"].startswith("INSERT") and f'"{table}"' in q["sql"]
        ]
        assert len(writes) <= 1, (table, writes)  # PostgreSQL writes by COPY, which is not captured
    assert JournalEntry.objects.filter(key__startswith="sixty:").count() == 60
    assert_books_balance()


def test_a_list_posted_again_returns_its_entries_and_writes_nothing(world: World) -> None:
    first = entries_post(actor=None, entries=payables(world, 3, "r"))
    before = counts()
    # A retry of the whole list, and a list with one more entry
    again = entries_post(actor=None, entries=payables(world, 3, "r"))
    assert ([e.pk for e in again.entries], again.written) == ([e.pk for e in first.entries], 0)
    assert counts() == before
    more = entries_post(actor=None, entries=payables(world, 4, "r"))
    assert [e.pk for e in more.entries][:3] == [e.pk for e in first.entries]
    assert more.written == 1
    assert counts() == (before[0] + 1, before[1] + 2, before[2] + 1)
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_person) == D("200.00")


def test_a_key_with_another_request_refuses_the_whole_list(world: World) -> None:
    first = payable_recognise(
        actor=None, region=world.zhengzhou, payee=world.zz_school, amount=D("100.00"), key="k:1", date=DAY
    )
    before = counts()
    with pytest.raises(Refusal) as exc:
        entries_post(actor=None, entries=payables(world, 3, "k", amount="90.00"))
    assert exc.value.render() == (
        f"“幂等键”：该键已用于分录 #{first.pk}（确认应付，2021-06-30），本次请求的内容与之不同："
        "重试同一笔业务须提交相同内容，另一笔业务须使用新的幂等键"
    )
    assert counts() == before


def test_one_bad_entry_refuses_the_list_naming_it_and_nothing_is_written(world: World) -> None:
    cash = fund_account(funded(world.zhengzhou, special_account="1000.00")["special_account"], "fund_cash")
    expense = expense_account(world.zhengzhou)
    unbalanced = EntrySpec(
        key="manual-9",
        region=world.zhengzhou,
        kind=EntryKind.MANUAL,
        lines=[Line(expense, debit=D("10.00")), Line(cash, credit=D("9.99"))],
    )
    before = counts()
    with pytest.raises(Refusal) as exc:
        entries_post(actor=None, entries=[*payables(world, 2, "ok"), unbalanced])
    assert exc.value.render() == "“分录行”：分录 manual-9：借方合计 10.00 元，贷方合计 9.99 元，借贷不平衡"
    # And the same key twice with different content
    twice = [*payables(world, 1, "dup"), *payables(world, 1, "dup", amount="5.00")]
    with pytest.raises(Refusal, match="同一批分录中该幂等键出现两次且内容不同"):
        entries_post(actor=None, entries=twice)
    assert counts() == before


def test_no_account_goes_below_zero_across_the_list(world: World) -> None:
    # Given 1000.00 in the special account
    fund = funded(world.zhengzhou, special_account="1000.00")[FundKind.SPECIAL_ACCOUNT]
    cash, expense = fund_account(fund, AccountKind.FUND_CASH), expense_account(world.zhengzhou)

    def spend(key: str, amount: str) -> EntrySpec:
        return EntrySpec(
            key=key,
            region=world.zhengzhou,
            kind=EntryKind.MANUAL,
            lines=[Line(expense, debit=D(amount)), Line(cash, credit=D(amount))],
        )

    before = counts()
    # When two entries of 600.00 each are posted together: each alone would pass, both would not
    with pytest.raises(Refusal) as exc:
        entries_post(actor=None, entries=[spend("s1", "600.00"), spend("s2", "600.00")])
    assert exc.value.render() == (
        "“金额”：账户“资金存款·职业技能提升行动专账资金”余额 1,000.00 元，本分录减少 1,200.00 元后为负，未记账"
    )
    assert counts() == before
    assert entries_post(actor=None, entries=[spend("s1", "600.00"), spend("s2", "400.00")]).written == 2
    assert_books_balance()
