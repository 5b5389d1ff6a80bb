"""Claims in batches (claims.bulk): many classes claimed, many claims signed, in one call each — the path
claim_create and claim_review take with a batch of one, and the one bench/subsidy_batch.py times."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from jineng.audit.models import Event
from jineng.claims import entitle
from jineng.claims.bulk import claims_create_bulk, claims_review_bulk
from jineng.claims.models import Claim, ClaimLine, ClaimReview, ClaimState
from jineng.claims.services import claim_submit
from jineng.claims.tests.factories import CLAIMED, NOTICE_OVER, assessed_class, funded
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind, JournalEntry
from jineng.ledger.tests.books import assert_books_balance, payee_balance
from jineng.policy import subsidy
from jineng.policy.profiles import get_profile
from jineng.training import facts
from jineng.training.tests.factories import approved_class

D = Decimal


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Claim.objects.count(),
        ClaimLine.objects.count(),
        ClaimReview.objects.count(),
        JournalEntry.objects.count(),
        Event.objects.count(),
    )


def _submitted(world: World, claims: list[Claim]) -> list[Claim]:
    return [
        claim_submit(
            actor=world.users["institution"], claim=c, pledge_name="赵敏", pledge=True, today=CLAIMED
        )
        for c in claims
    ]


def test_f02_c02_two_classes_claimed_in_one_call_get_their_own_lines_refs_and_events(world: World) -> None:
    # Given two assessed classes: one with row 5 failing the exam, one whose inspections counted 30 and 25
    failing = assessed_class(world, failing_rows=(5,))
    cut = assessed_class(world, present=(30, 25))
    # When the school's clerk claims both in one call
    claims = claims_create_bulk(actor=world.users["institution"], classes=[cut, failing], today=CLAIMED)
    # Then each class has its claim, in class order, with exactly its own lines
    assert [c.training_class_id for c in claims] == sorted([failing.pk, cut.pk])
    by_class = {c.training_class_id: Claim.objects.get(pk=c.pk) for c in claims}
    f, c = by_class[failing.pk], by_class[cut.pk]
    assert (f.state, f.headcount, f.amount) == (ClaimState.DRAFT, 29, D("58000.00"))
    assert (c.headcount, c.amount) == (27, D("54000.00"))
    assert f.ref == f"BT2021410105{f.pk:06d}" and c.ref == f"BT2021410105{c.pk:06d}"
    assert f.lines.get(row=5).reasons[0]["rule"] == "F02"
    assert f.lines.get(row=2).computation == "F02 中级工 2000元/人 × 1 = 2000元（郑技领办〔2021〕6号 三(一)）"
    assert list(c.lines.filter(status="excluded").values_list("row", flat=True).order_by("row")) == [
        29,
        30,
        31,
    ]
    assert c.lines.get(row=31).reasons[0]["rule"] == "C02"
    assert ClaimLine.objects.filter(claim__in=claims).count() == 60
    # And one audit event per claim, with its own amount
    events = Event.objects.filter(action="claim.created").order_by("object_id")
    assert [(e.object_id, e.payload) for e in events] == [
        (str(x.pk), {"amount": str(x.amount), "headcount": x.headcount})
        for x in sorted([f, c], key=lambda x: str(x.pk))
    ]


def test_batch_with_one_class_not_assessed_is_refused_naming_it_and_nothing_changes(world: World) -> None:
    assessed = assessed_class(world)
    early = approved_class(world)
    before = _counts()
    with pytest.raises(Refusal) as refused:
        claims_create_bulk(actor=world.users["institution"], classes=[assessed, early], today=CLAIMED)
    assert refused.value.message.startswith(f"培训班 {early.ref}：")
    assert "考核结果录入后方可申领补贴" in refused.value.message
    assert _counts() == before


def test_f02_batch_refused_at_its_last_class_writes_none_of_the_lines_already_streamed(world: World) -> None:
    # Given two assessed classes, the second (claimed after the first's lines have gone to the database —
    # on PostgreSQL they stream into one COPY as each class is judged) with every trainee failing the exam
    fine = assessed_class(world)
    failed = assessed_class(world, failing_rows=tuple(range(2, 32)))
    assert fine.pk < failed.pk
    before = _counts()
    # When both are claimed in one call, then the batch is refused, naming the second class and F02
    with pytest.raises(Refusal) as refused:
        claims_create_bulk(actor=world.users["institution"], classes=[fine, failed], today=CLAIMED)
    assert refused.value.message.startswith(f"培训班 {failed.ref}：本班没有符合补贴条件的学员")
    assert refused.value.violations and refused.value.violations[0].rule == "F02"
    # And nothing was written: no claim, no line (not even the first class's), no event
    assert _counts() == before
    # And the connection is usable: the first class alone is claimed afterwards, with its 30 lines
    claim = claims_create_bulk(actor=world.users["institution"], classes=[fine], today=CLAIMED)[0]
    assert (claim.headcount, ClaimLine.objects.filter(claim=claim).count()) == (30, 30)


def test_f02_batch_skips_trainees_already_in_a_live_claim_of_the_class(world: World) -> None:
    # Given a class already claimed
    tc = assessed_class(world)
    claims_create_bulk(actor=world.users["institution"], classes=[tc], today=CLAIMED)
    before = _counts()
    # When it is claimed again in a batch, then the batch is refused: all its trainees are taken
    with pytest.raises(Refusal, match=r"均已在申领 BT2021410105\d+ 中，不能重复申领"):
        claims_create_bulk(actor=world.users["institution"], classes=[tc], today=CLAIMED)
    assert _counts() == before


def test_f02_c02_entitlement_facts_of_the_batch_give_the_same_lines_as_the_full_class_facts(
    world: World,
) -> None:
    # Given an assessed class with a failed trainee and a C02 cut
    tc = assessed_class(world, failing_rows=(7,), present=(30, 26))
    profile = get_profile("ZZ21")
    batch = entitle._read([tc], {tc.pk: profile})
    trainees, history = batch.trainees[tc.pk], batch.history
    # When it is judged with the batch's facts and with the full class facts the A-rules read
    full = dataclasses.replace(
        batch.classes[tc.pk],
        facts=dataclasses.replace(
            facts.class_facts(tc),
            target_certificate=batch.classes[tc.pk].facts.target_certificate,
            level=batch.classes[tc.pk].facts.level,
        ),
    )
    ours = subsidy.class_entitlement(profile, batch.classes[tc.pk], trainees, history)
    theirs = subsidy.class_entitlement(profile, full, trainees, history)
    # Then every line is the same, amount, rules and computation
    assert ours.lines == theirs.lines and ours.forfeits == theirs.forfeits
    assert (ours.total, ours.payable_count) == (D("56000.00"), 28)


def test_f08_f09_department_signs_many_claims_at_once_and_the_second_signature_opens_each_notice(
    world: World,
) -> None:
    classes = [assessed_class(world), assessed_class(world)]
    claims = _submitted(
        world, claims_create_bulk(actor=world.users["institution"], classes=classes, today=CLAIMED)
    )
    # When the department's first and second reviewers each sign both claims in one action
    claims_review_bulk(actor=world.users["dept_first"], claims=claims, decision="pass", today=CLAIMED)
    signed = claims_review_bulk(
        actor=world.users["dept_second"], claims=claims, decision="pass", today=CLAIMED
    )
    # Then both are on public notice for ZZ21's three working days (5–7 July 2021)
    for c in [Claim.objects.get(pk=c.pk) for c in signed]:
        assert (c.state, c.notice_start.isoformat(), c.notice_end.isoformat()) == (
            ClaimState.IN_NOTICE,
            "2021-07-05",
            "2021-07-07",
        )
        assert list(c.reviews.values_list("stage", "step", "reviewer__username")) == [
            ("dept", "first", world.users["dept_first"].username),
            ("dept", "second", world.users["dept_second"].username),
        ]
    events = Event.objects.filter(action="claim.review.dept.second")
    assert sorted(e.payload["notice_end"] for e in events) == ["2021-07-07", "2021-07-07"]
    assert {e.from_state for e in events} == {"submitted"}


def test_f09_batch_with_a_claim_at_another_step_is_refused_naming_it_and_nothing_changes(
    world: World,
) -> None:
    classes = [assessed_class(world), assessed_class(world)]
    first, second = _submitted(
        world, claims_create_bulk(actor=world.users["institution"], classes=classes, today=CLAIMED)
    )
    claims_review_bulk(actor=world.users["dept_first"], claims=[first], decision="pass", today=CLAIMED)
    before = _counts()
    # When the first reviewer signs both: the first claim now waits for the second reviewer
    with pytest.raises(Refusal) as refused:
        claims_review_bulk(
            actor=world.users["dept_first"], claims=[first, second], decision="pass", today=CLAIMED
        )
    # Then the batch is refused under F09, naming the claim, and nothing changed
    assert refused.value.rule == "F09"
    assert refused.value.message.startswith(f"申领 {first.ref}：此环节须由行业部门复核")
    assert _counts() == before
    assert Claim.objects.get(pk=second.pk).state == ClaimState.SUBMITTED


def test_f13_bureau_batch_approval_books_one_payable_per_claim_once_and_the_books_balance(
    world: World,
) -> None:
    funded(world)
    classes = [assessed_class(world), assessed_class(world, failing_rows=(3,))]
    claims = _submitted(
        world, claims_create_bulk(actor=world.users["institution"], classes=classes, today=CLAIMED)
    )
    for role in ("dept_first", "dept_second"):
        claims = claims_review_bulk(actor=world.users[role], claims=claims, decision="pass", today=CLAIMED)
    from jineng.claims.services import claim_notice_close

    claims = [claim_notice_close(actor=world.users["hr_first"], claim=c, today=NOTICE_OVER) for c in claims]
    # When the bureau's two reviewers sign both claims at once
    for role in ("hr_first", "hr_second"):
        claims = claims_review_bulk(
            actor=world.users[role], claims=claims, decision="pass", today=NOTICE_OVER
        )
    # Then both are approved and each has one payable entry under its own key
    assert {Claim.objects.get(pk=c.pk).state for c in claims} == {ClaimState.APPROVED}
    keys = sorted(JournalEntry.objects.filter(kind="payable").values_list("key", flat=True))
    assert keys == sorted(f"claim:{c.pk}:payable" for c in claims)
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("118000.00")
    assert Event.objects.filter(action="ledger.payable").count() == 2
    assert_books_balance()


def _signing_queries(world: World, n: int) -> list[int]:
    """Queries of each of the four signatures (department first and second, then the bureau's first and
    second, which approves and books) on ``n`` claims signed in one call each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jineng.claims.services import claim_notice_close

    claims = _submitted(
        world,
        claims_create_bulk(
            actor=world.users["institution"], classes=[assessed_class(world) for _ in range(n)], today=CLAIMED
        ),
    )
    counts = []
    for role, today in (
        ("dept_first", CLAIMED),
        ("dept_second", CLAIMED),
        ("hr_first", NOTICE_OVER),
        ("hr_second", NOTICE_OVER),
    ):
        if role == "hr_first":
            claims = [
                claim_notice_close(actor=world.users["hr_first"], claim=c, today=NOTICE_OVER) for c in claims
            ]
        with CaptureQueriesContext(connection) as queries:
            claims = claims_review_bulk(actor=world.users[role], claims=claims, decision="pass", today=today)
        counts.append(len(queries))
    assert {Claim.objects.get(pk=c.pk).state for c in claims} == {ClaimState.APPROVED}
    return counts


def test_f09_f13_signing_three_claims_takes_as_many_queries_as_one(world: World) -> None:
    # Given one submitted claim, and later three: each signed through all four signatures in one call each
    # (after a first approval, which opens the school's and the region's accounts in the books)
    funded(world)
    _signing_queries(world, 1)
    one = _signing_queries(world, 1)
    three = _signing_queries(world, 3)
    # Then each signature of three claims runs exactly the queries it runs for one (nothing per claim:
    # in particular no field a signature reads is left to load claim by claim)
    assert three == one
