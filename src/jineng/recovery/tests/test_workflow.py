"""F14: wrong payments raise a receivable, are refunded or offset against the payee's next claim,
fraud is recovered (追缴) with the institution suspended or exited and blacklisted, and the weekly and
monthly reports count it all; the books balance after every step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.audit.models import Event
from jineng.claims import services as claims
from jineng.claims.models import Claim
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind, EntryKind, JournalEntry
from jineng.ledger.tests.books import assert_books_balance, expense, payee_balance
from jineng.orgs.models import Organisation
from jineng.recovery import services
from jineng.recovery.models import BlacklistEntry, CaseState, Movement, WrongPayment
from jineng.recovery.selectors import period_of, report
from jineng.recovery.tests.factories import FOUND, NEXT_PAY, next_batch, paid_claim
from jineng.training.models import TrainingClass
from jineng.training.services import class_submit
from jineng.training.tests.factories import draft_class

D = Decimal
pytestmark = pytest.mark.django_db


def test_f14_wrong_payment_is_refunded_in_part_and_the_rest_offset_against_the_next_claim(
    world: World,
) -> None:
    # Given 60000 paid to the school for 30 trainees
    claim = paid_claim(world)
    assert expense(world.zhengzhou) == D("60000.00")
    # When the bureau finds rows 2 and 3 paid in error (4000)
    wp = services.wrong_payment_record(
        actor=world.users["hr_first"],
        claim=claim,
        kind="error",
        amount=D("4000.00"),
        reason="两名学员重复享受补贴",
        rows=[2, 3],
        today=FOUND,
    )
    # Then 4000 is owed back by the school and the subsidy expense falls to 56000
    assert (wp.ref, wp.amount, wp.outstanding, wp.rows) == (
        f"CF202107{wp.pk:06d}",
        D("4000.00"),
        D("4000.00"),
        [2, 3],
    )
    assert payee_balance(world.zhengzhou, AccountKind.RECEIVABLE, world.zz_school) == D("4000.00")
    assert expense(world.zhengzhou) == D("56000.00")
    assert JournalEntry.objects.get(pk=wp.journal_entry_id).kind == EntryKind.RECEIVABLE_WRONG_PAYMENT
    assert_books_balance()
    # When the school refunds 1500 into the special account
    services.refund_record(
        actor=world.users["hr_second"], wrong_payment=wp, amount="1500.00", reference="TK001", today=FOUND
    )
    wp.refresh_from_db()
    assert (wp.refunded, wp.outstanding) == (D("1500.00"), D("2500.00"))
    assert payee_balance(world.zhengzhou, AccountKind.RECEIVABLE, world.zz_school) == D("2500.00")
    assert_books_balance()
    # And its next claim (60000) goes into a batch: the item plans the offset of the 2500 still owed
    batch, item = next_batch(world)
    assert (item.prepaid, item.offset, item.amount) == (D("0.00"), D("2500.00"), D("57500.00"))
    # When finance pays
    claims.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="HX0723001", today=NEXT_PAY)
    # Then the bank pays 57500, the 2500 is offset, and nothing is owed either way
    item.refresh_from_db()
    wp.refresh_from_db()
    assert (item.offset, item.amount) == (D("2500.00"), D("57500.00"))
    assert (wp.offset, wp.outstanding) == (D("2500.00"), D("0.00"))
    assert JournalEntry.objects.get(kind=EntryKind.OFFSET).key == f"claim:{item.claim_id}:offset"
    for kind in (AccountKind.RECEIVABLE, AccountKind.PAYABLE):
        assert payee_balance(world.zhengzhou, kind, world.zz_school) == D("0.00")
    assert expense(world.zhengzhou) == D("116000.00")
    assert_books_balance()


def test_f14_refund_beyond_what_is_owed_and_wrong_payment_beyond_the_claim_are_refused(world: World) -> None:
    claim = paid_claim(world)
    wp = services.wrong_payment_record(
        actor=world.users["hr_first"],
        claim=claim,
        kind="error",
        amount="1000",
        reason="多发一人补贴",
        today=FOUND,
    )
    events = Event.objects.count()
    with pytest.raises(Refusal) as excinfo:
        services.refund_record(actor=world.users["hr_first"], wrong_payment=wp, amount="1000.01", today=FOUND)
    assert (excinfo.value.rule, excinfo.value.field) == ("F14", "金额")
    with pytest.raises(Refusal, match="超过核定金额"):
        services.wrong_payment_record(
            actor=world.users["hr_first"],
            claim=claim,
            kind="error",
            amount="59000.01",
            reason="多发补贴",
            today=FOUND,
        )
    with pytest.raises(Refusal, match="超过所选明细金额"):
        services.wrong_payment_record(
            actor=world.users["hr_first"],
            claim=claim,
            kind="error",
            amount="2000.01",
            reason="多发补贴",
            rows=[2],
            today=FOUND,
        )
    assert (Event.objects.count(), Movement.objects.count(), WrongPayment.objects.count()) == (events, 0, 1)
    assert_books_balance()


def test_f14_only_a_paid_claim_and_only_bureau_staff(world: World) -> None:
    claim = paid_claim(world)
    with pytest.raises(Refusal, match="人社部门工作人员"):
        services.wrong_payment_record(
            actor=world.users["finance"], claim=claim, kind="error", amount="100", reason="多发补贴"
        )
    with pytest.raises(Refusal, match="本辖区"):
        services.wrong_payment_record(
            actor=world.outsiders["hr_first"], claim=claim, kind="error", amount="100", reason="多发补贴"
        )
    Claim.objects.filter(pk=claim.pk).update(state="approved")
    with pytest.raises(Refusal, match="只有已拨付的申领"):
        services.wrong_payment_record(
            actor=world.users["hr_first"], claim=claim, kind="error", amount="100", reason="多发补贴"
        )
    assert WrongPayment.objects.count() == 0


def test_f14_fraud_opens_a_recovery_case_suspends_and_blacklists_the_school(world: World) -> None:
    # Given a paid claim and a class the school drafted, then evidence of a fictitious trainee roster
    claim = paid_claim(world)
    drafted = draft_class(world)
    wp = services.wrong_payment_record(
        actor=world.users["hr_first"],
        claim=claim,
        kind="fraud",
        amount="60000",
        reason="虚假培训套取补贴",
        org_action="suspend",
        today=FOUND,
    )
    # Then a recovery case is open, the receivable is booked as 追缴, the school is suspended and listed
    assert wp.case.state == CaseState.OPEN
    assert JournalEntry.objects.get(pk=wp.journal_entry_id).kind == EntryKind.RECEIVABLE_RECOVERY
    school = Organisation.objects.get(pk=world.zz_school.pk)
    assert (school.status, school.status_reason) == ("suspended", f"F14 追缴 {wp.ref}：虚假培训套取补贴")
    entry = BlacklistEntry.objects.get(organisation=school)
    assert (entry.since, entry.listed_by, entry.wrong_payment) == (FOUND, world.users["hr_first"], wp)
    assert Event.objects.filter(action="recovery.blacklisted", object_id=str(entry.pk)).count() == 1
    assert_books_balance()
    # When the school then claims for another class, or applies for / submits a class
    before = (Claim.objects.count(), TrainingClass.objects.count())
    with pytest.raises(Refusal) as excinfo:
        claims.claim_create(actor=world.users["institution"], training_class=claim.training_class)
    # Then each is refused citing F14 and nothing is written
    assert (excinfo.value.rule, excinfo.value.field) == ("F14", "机构")
    assert "列入黑名单" in excinfo.value.message and "ZZ21 七(二)" in excinfo.value.clause
    with pytest.raises(Refusal, match="列入黑名单"):
        draft_class(world)
    with pytest.raises(Refusal, match="列入黑名单"):
        class_submit(actor=world.users["institution"], training_class=drafted)
    # And the API answers the same refusal in its envelope, naming F14
    response = world.client(world.users["institution"]).post(
        "/api/v1/claims", {"class_id": claim.training_class_id}, content_type="application/json"
    )
    body = response.json()
    assert (response.status_code, body["code"], body["details"][0]["rule"]) == (422, "refused", "F14")
    assert "列入黑名单" in body["message"] and "规则 F14" in body["message"]
    assert (Claim.objects.count(), TrainingClass.objects.count()) == before


def test_f14_fraud_with_exit_and_the_recovery_case_steps(world: World) -> None:
    claim = paid_claim(world)
    wp = services.wrong_payment_record(
        actor=world.users["hr_first"],
        claim=claim,
        kind="fraud",
        amount="6000",
        reason="冒名顶替学员",
        org_action="exit",
        today=FOUND,
    )
    assert Organisation.objects.get(pk=world.zz_school.pk).status == "exited"
    case = wp.case
    with pytest.raises(Refusal, match="须先送达追缴通知"):
        services.case_close(actor=world.users["hr_first"], case=case, note="结案")
    case = services.case_notice_serve(
        actor=world.users["hr_first"], case=case, number="郑人社追〔2021〕1号", served_on=FOUND
    )
    with pytest.raises(Refusal, match=r"尚有 6,000\.00 元未追回"):
        services.case_close(actor=world.users["hr_first"], case=case, note="结案")
    services.refund_record(actor=world.users["hr_first"], wrong_payment=wp, amount="6000", today=FOUND)
    case = services.case_close(actor=world.users["hr_first"], case=case, note="已全额追回", today=FOUND)
    assert (case.state, case.closed_on, case.notice_number) == (
        CaseState.CLOSED,
        FOUND,
        "郑人社追〔2021〕1号",
    )
    assert payee_balance(world.zhengzhou, AccountKind.RECEIVABLE, world.zz_school) == D("0.00")
    assert_books_balance()


def test_f14_weekly_and_monthly_reports_per_region_and_institution(world: World) -> None:
    # Given a paid claim, and the school's next claim already approved and sent to finance (planned
    # with nothing to offset)
    claim = paid_claim(world)
    batch, item = next_batch(world)
    assert item.offset == D("0.00")
    # And two wrong payments found in the week of 12 July (4000 error, 1000 fraud), refunds of 1500
    # and 400 that week
    hr = world.users["hr_first"]
    error = services.wrong_payment_record(
        actor=hr, claim=claim, kind="error", amount="4000", reason="多发两人补贴", today=FOUND
    )
    services.refund_record(actor=hr, wrong_payment=error, amount="1500", today=FOUND + dt.timedelta(days=1))
    fraud = services.wrong_payment_record(
        actor=hr, claim=claim, kind="fraud", amount="1000", reason="虚报一名学员", today=FOUND
    )
    services.refund_record(actor=hr, wrong_payment=fraud, amount="400", today=FOUND)
    # When the batch is paid on 23 July: the offset is recomputed then, so the 3100 still owed is deducted
    claims.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="HX0723001", today=NEXT_PAY)
    assert period_of("weekly", FOUND) == (dt.date(2021, 7, 12), dt.date(2021, 7, 18))
    # When the week of 12 July is reported for Zhengzhou
    week = report(hr, kind="weekly", day=FOUND, region=world.zhengzhou)
    # Then one row, the school in its district: 2 raised (5000), 2 refunds (1900), 400 recovered, 3100 open
    assert [(r.region, r.payee) for r in week.rows] == [(claim.region.name, world.zz_school.name)]
    r = week.rows[0]
    assert (r.raised_count, r.raised, r.refunded_count, r.refunded, r.offset_count, r.offset) == (
        2,
        D("5000.00"),
        2,
        D("1900.00"),
        0,
        D("0.00"),
    )
    assert (r.recovered, r.outstanding) == (D("400.00"), D("3100.00"))
    # And the week of 19 July shows the offset of 3100 (2500 error, then 600 fraud) and nothing left
    later = report(hr, kind="weekly", day=NEXT_PAY, region=world.zhengzhou).rows[0]
    assert (later.raised_count, later.offset_count, later.offset, later.recovered, later.outstanding) == (
        0,
        2,
        D("3100.00"),
        D("600.00"),
        D("0.00"),
    )
    item.refresh_from_db()
    assert (item.offset, item.amount) == (D("3100.00"), D("56900.00"))
    # And July as a month holds it all
    month = report(hr, kind="monthly", day=FOUND, region=world.zhengzhou)
    t = month.total
    assert (month.start, month.end) == (dt.date(2021, 7, 1), dt.date(2021, 7, 31))
    assert (t.raised_count, t.raised, t.refunded, t.offset, t.recovered, t.outstanding) == (
        2,
        D("5000.00"),
        D("1900.00"),
        D("3100.00"),
        D("1000.00"),
        D("0.00"),
    )
    # And the Xuchang bureau sees none of it
    assert report(world.outsiders["hr_first"], kind="monthly", day=FOUND, region=world.zhengzhou).rows == []
    assert_books_balance()
