"""F04: prepayment of a project-based class, its two-person review, exactly-once payment, and its
settlement against the final subsidy when the claim's batch is paid; the books balance after each step."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jineng.claims import prepayments
from jineng.claims.models import BatchItem, Claim, Prepayment, PrepaymentState
from jineng.claims.tests.factories import funded
from jineng.claims.tests.prepay import (
    PREPAID,
    REQUESTED,
    approved_claim,
    assess,
    batch_to_finance,
    pay,
    prepaid,
    project_class,
)
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind, EntryKind, JournalEntry
from jineng.ledger.tests.books import assert_books_balance, expense, payee_balance
from jineng.recovery.models import WrongKind, WrongPayment
from jineng.training.models import TrainingClass

D = Decimal
pytestmark = pytest.mark.django_db


def test_f04_zz21_prepays_half_of_30_planned_trainees_at_2000_then_the_batch_pays_the_rest(
    world: World,
) -> None:
    # Given ZZ21 funds and the school's approved 项目制 electrician class of 30 planned trainees
    funded(world)
    tc = project_class(world)
    # When the school asks for 50% (ZZ21 allows 30%–50%)
    p = prepayments.prepayment_request(
        actor=world.users["institution"], training_class=tc, share=D("0.50"), today=REQUESTED
    )
    # Then the basis is 30 × 2000 = 60000 and the amount 30000
    assert (p.basis, p.share, p.amount, p.state) == (D("60000.00"), D("0.5000"), D("30000.00"), "requested")
    assert "F02 中级工 2000元/人 × 30 = 60000元" in p.computation
    # And the bureau's two signatures (F09) approve it; finance pays it once
    p = prepayments.prepayment_review(
        actor=world.users["hr_first"], prepayment=p, decision="pass", today=REQUESTED
    )
    assert_books_balance()
    p = prepayments.prepayment_review(
        actor=world.users["hr_second"], prepayment=p, decision="pass", today=REQUESTED
    )
    p = prepayments.prepayment_pay(actor=world.users["finance"], prepayment=p, today=PREPAID)
    again = prepayments.prepayment_pay(actor=world.users["finance"], prepayment=p, today=PREPAID)
    assert (p.state, again.journal_entry_id) == (PrepaymentState.PAID, p.journal_entry_id)
    assert JournalEntry.objects.filter(kind=EntryKind.PREPAYMENT).count() == 1
    assert payee_balance(world.zhengzhou, AccountKind.PREPAYMENT, world.zz_school) == D("30000.00")
    assert p.funds == [{"fund": "职业技能提升行动专账资金", "amount": "30000.00"}]
    assert_books_balance()
    # When the class is assessed with 28 passing, claimed (56000) and approved
    tc = assess(world, tc, failing_rows=(3, 4))
    claim = approved_claim(world, tc)
    assert claim.amount == D("56000.00")
    assert_books_balance()
    # And the week's batch is collected: the item shows prepaid 30000, net 26000
    batch = batch_to_finance(world)
    item = BatchItem.objects.get(claim=claim)
    assert (item.prepaid, item.offset, item.amount) == (D("30000.00"), D("0.00"), D("26000.00"))
    # When finance pays the batch
    pay(world, batch)
    # Then the prepayment is settled, the bank pays 26000 and the school is owed nothing more
    item.refresh_from_db()
    p.refresh_from_db()
    assert (item.prepaid, item.offset, item.amount) == (D("30000.00"), D("0.00"), D("26000.00"))
    assert (p.state, p.settled_final, p.settled_excess) == (PrepaymentState.SETTLED, D("56000.00"), D("0.00"))
    assert item.funds == [
        {"fund": "职业技能提升行动专账资金", "amount": "26000.00"},
    ]
    for kind in (AccountKind.PREPAYMENT, AccountKind.PAYABLE, AccountKind.RECEIVABLE):
        assert payee_balance(world.zhengzhou, kind, world.zz_school) == D("0.00")
    assert expense(world.zhengzhou) == D("56000.00")
    assert_books_balance()


def test_f04_prepayment_beyond_the_final_amount_becomes_a_receivable_f14(world: World) -> None:
    # Given 30000 prepaid and a class where only 10 of 30 pass (final 20000)
    funded(world)
    tc = project_class(world)
    p = prepaid(world, tc)
    tc = assess(world, tc, failing_rows=tuple(range(12, 32)))
    claim = approved_claim(world, tc)
    assert claim.amount == D("20000.00")
    # When its batch is paid
    batch = batch_to_finance(world)
    pay(world, batch)
    # Then nothing goes to the bank and the 10000 excess is owed back, as an F14 wrong payment
    item = BatchItem.objects.get(claim=claim)
    assert (item.prepaid, item.offset, item.amount, item.funds) == (D("20000.00"), D("0.00"), D("0.00"), [])
    p.refresh_from_db()
    assert (p.settled_final, p.settled_excess) == (D("20000.00"), D("10000.00"))
    assert payee_balance(world.zhengzhou, AccountKind.RECEIVABLE, world.zz_school) == D("10000.00")
    wp = WrongPayment.objects.get(claim=claim)
    assert (wp.kind, wp.amount, wp.outstanding) == (WrongKind.PREPAY_EXCESS, D("10000.00"), D("10000.00"))
    assert Claim.objects.get(pk=claim.pk).state == "paid"
    assert expense(world.zhengzhou) == D("20000.00")
    assert_books_balance()


def test_f04_share_outside_the_zz21_range_is_refused(world: World) -> None:
    tc = project_class(world)
    with pytest.raises(Refusal) as excinfo:
        prepayments.prepayment_request(
            actor=world.users["institution"], training_class=tc, share=D("0.60"), today=REQUESTED
        )
    assert (excinfo.value.rule, excinfo.value.field) == ("F04", "预拨比例")
    assert "不在政策规定的 30%—50% 之内" in excinfo.value.message


def test_f04_non_project_class_is_refused(world: World) -> None:
    from jineng.training.tests.factories import approved_class

    tc = approved_class(world, funding_type="on_job")
    with pytest.raises(Refusal, match="只有项目制培训可以预拨补贴"):
        prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)


def test_f09_prepayment_second_signature_by_the_first_reviewer_is_refused(world: World) -> None:
    tc = project_class(world)
    p = prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)
    p = prepayments.prepayment_review(
        actor=world.users["hr_first"], prepayment=p, decision="pass", today=REQUESTED
    )
    # The first reviewer cannot take the second reviewer's role, and finance cannot pay before approval
    with pytest.raises(Refusal, match="人社局复核"):
        prepayments.prepayment_review(actor=world.users["hr_first"], prepayment=p, decision="pass")
    with pytest.raises(Refusal, match="复核通过后方可拨付"):
        prepayments.prepayment_pay(actor=world.users["finance"], prepayment=p)
    assert JournalEntry.objects.filter(kind=EntryKind.PREPAYMENT).count() == 0


def _frozen(tc: TrainingClass, code: str) -> TrainingClass:
    TrainingClass.objects.filter(pk=tc.pk).update(profile_code=code, profile_version=1)
    tc.refresh_from_db()
    return tc


def test_f04_xc19_prepays_exactly_50_percent_and_refuses_any_other_share(world: World) -> None:
    # Given a 以工代训 class frozen under XC19 (项目制 “可先行拨付50%的培训补贴资金”; F03 200元/人/月, 6 months)
    tc = project_class(world)
    TrainingClass.objects.filter(pk=tc.pk).update(funding_type="yigong")
    tc = _frozen(tc, "XC19")
    with pytest.raises(Refusal) as excinfo:
        prepayments.prepayment_request(
            actor=world.users["institution"], training_class=tc, share=D("0.30"), today=REQUESTED
        )
    assert (excinfo.value.rule, excinfo.value.message) == ("F04", "预拨比例 30% 须为 50%")
    assert "二(三)1" in excinfo.value.clause
    p = prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)
    # Then 30 planned × 200 × 6 = 36000, half of it prepaid
    assert (p.basis, p.share, p.amount) == (D("36000.00"), D("0.5000"), D("18000.00"))
    assert p.computation.startswith("预计补贴：F03 以工代训 200元/人/月 × 6个月 × 30 = 36000元")


@pytest.mark.parametrize("code", ["XC23", "HC21"])
def test_f04_profiles_without_a_prepayment_share_refuse_it(world: World, code: str) -> None:
    tc = _frozen(project_class(world), code)
    with pytest.raises(Refusal) as excinfo:
        prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)
    assert excinfo.value.rule == "F04"
    assert excinfo.value.message.startswith("本政策口径未规定")
    assert Prepayment.objects.count() == 0


def test_f04_a_second_request_for_the_same_class_is_refused(world: World) -> None:
    tc = project_class(world)
    prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)
    with pytest.raises(Refusal, match="本班已有预拨申请"):
        prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)
    assert Prepayment.objects.count() == 1


def test_f04_cancelled_class_paid_prepayment_is_owed_back_f14_and_offset_from_the_next_claim(
    world: World,
) -> None:
    from jineng.recovery.services import offset_previews
    from jineng.training.services import class_cancel

    # Given ZZ21 funds and 30000 prepaid on the school's approved 项目制 class
    funded(world)
    tc = project_class(world)
    p = prepaid(world, tc)
    assert payee_balance(world.zhengzhou, AccountKind.PREPAYMENT, world.zz_school) == D("30000.00")
    # When the bureau cancels the class before it starts
    class_cancel(actor=world.users["hr_first"], training_class=tc, reason="报名人数不足", today=PREPAID)
    # Then the prepayment is recalled: cleared against nothing, the whole 30000 a receivable of the school
    p.refresh_from_db()
    assert (p.state, p.settled_final, p.settled_excess, p.settled_on) == (
        PrepaymentState.RECALLED,
        D("0.00"),
        D("30000.00"),
        PREPAID,
    )
    assert p.get_state_display() == "班级已取消，预拨款转应退回"
    assert payee_balance(world.zhengzhou, AccountKind.PREPAYMENT, world.zz_school) == D("0.00")
    assert payee_balance(world.zhengzhou, AccountKind.RECEIVABLE, world.zz_school) == D("30000.00")
    assert expense(world.zhengzhou) == D("0.00")
    assert_books_balance()
    # And it is an F14 wrong payment of the school, named by the prepayment (there is no claim)
    wp = WrongPayment.objects.get(prepayment=p)
    assert (wp.kind, wp.claim, wp.amount, wp.outstanding, wp.payee_organisation) == (
        WrongKind.PREPAY_CANCELLED,
        None,
        D("30000.00"),
        D("30000.00"),
        world.zz_school,
    )
    assert (wp.source_ref, wp.journal_entry_id) == (p.ref, p.settle_entry_id)
    assert f"培训班 {tc.ref} 已取消" in wp.reason
    # And the trail says so, in the cancellation's transaction
    from jineng.audit.models import Event

    assert list(
        Event.objects.filter(object_id__in=[str(tc.pk), str(p.pk), str(wp.pk)])
        .filter(action__in=["class.cancelled", "prepayment.recalled", "recovery.wrong_payment.recorded"])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["class.cancelled", "prepayment.recalled", "recovery.wrong_payment.recorded"]
    # When the school's next class is claimed, the debt is offset from it (F14)
    other = project_class(world)
    other = assess(world, other)
    claim = approved_claim(world, other)
    assert claim.amount == D("60000.00")
    assert offset_previews([claim], {claim.pk: D("60000.00")}) == {claim.pk: D("30000.00")}


def test_f04_cancelled_class_unpaid_prepayment_is_closed_and_nothing_is_booked(world: World) -> None:
    from jineng.training.services import class_cancel

    # Given a prepayment approved by both reviewers but not yet paid by finance
    tc = project_class(world)
    p = prepayments.prepayment_request(
        actor=world.users["institution"], training_class=tc, share=D("0.30"), today=REQUESTED
    )
    for role in ("hr_first", "hr_second"):
        p = prepayments.prepayment_review(
            actor=world.users[role], prepayment=p, decision="pass", today=REQUESTED
        )
    entries = JournalEntry.objects.count()
    # When the class is cancelled
    class_cancel(actor=world.users["hr_second"], training_class=tc, reason="场地不符合要求", today=PREPAID)
    # Then the prepayment is closed, finance can no longer pay it, and nothing is owed or booked
    p.refresh_from_db()
    assert (p.state, p.get_state_display()) == (PrepaymentState.CLOSED, "班级已取消，不再预拨")
    with pytest.raises(Refusal) as excinfo:
        prepayments.prepayment_pay(actor=world.users["finance"], prepayment=p, today=PREPAID)
    assert excinfo.value.rule == "F04"
    assert JournalEntry.objects.count() == entries
    assert not WrongPayment.objects.filter(prepayment=p).exists()


def test_f04_xc19_prepays_an_enterprises_own_training_zz21_only_project_based(world: World) -> None:
    from jineng.claims.prepayment_selectors import prepayable_classes

    # Given the same 企业自主培训 以工代训 class, frozen once under ZZ21 and once under XC19
    tc = project_class(world)
    TrainingClass.objects.filter(pk=tc.pk).update(mode="enterprise_self", funding_type="yigong")
    clerk = world.users["institution"]
    # When it is ZZ21's (三(四): only 项目制 is prepaid), the class is not offered and a request is refused
    tc = _frozen(tc, "ZZ21")
    assert tc not in prepayable_classes(clerk)
    with pytest.raises(Refusal) as excinfo:
        prepayments.prepayment_request(actor=clerk, training_class=tc, today=REQUESTED)
    assert (excinfo.value.rule, excinfo.value.field, excinfo.value.message) == (
        "F04",
        "培训方式",
        "培训方式为“企业自主培训”：只有项目制培训可以预拨补贴",
    )
    assert excinfo.value.clause == "ZZ21 三(四) 积极开展“项目制”补贴性培训项目，享受 30%—50% 预拨补贴"
    # When it is XC19's (二(三)1 “对企业开展培训或者培训机构开展项目制培训的，可先行拨付50%”)
    tc = _frozen(tc, "XC19")
    assert list(prepayable_classes(clerk)) == [tc]
    p = prepayments.prepayment_request(actor=clerk, training_class=tc, today=REQUESTED)
    # Then half of 30 planned × 200 × 6 is prepaid
    assert (p.basis, p.share, p.amount) == (D("36000.00"), D("0.5000"), D("18000.00"))


@pytest.mark.parametrize("code", ["XC23", "HC21"])
def test_f04_profiles_without_prepayment_offer_no_class(world: World, code: str) -> None:
    from jineng.claims.prepayment_selectors import prepayable_classes

    tc = _frozen(project_class(world), code)
    assert tc not in prepayable_classes(world.users["institution"])
