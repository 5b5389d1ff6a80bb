"""The claim from an assessed class to the bank: F02 lines, C02 cut, F06 pledge, F07 deadline, F08 notice
and objections, F09 signatures, F10 finance step, F11 batch, F13 funds, exactly-once payment; the books
balance after every step."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from jineng.audit.models import Event
from jineng.claims import services
from jineng.claims.models import BatchItem, Claim, ClaimLine, ClaimReview, ClaimState, Objection, PaymentBatch
from jineng.claims.tests.factories import (
    CLAIMED,
    NOTICE_OVER,
    approved,
    assessed_class,
    funded,
    in_notice,
    submitted_claim,
)
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind, EntryKind, JournalEntry
from jineng.ledger.tests.books import assert_books_balance, payee_balance
from jineng.policy.profiles import get_profile

D = Decimal
PAY_DAY = dt.date(2021, 7, 9)  # Friday of the week of 5 July


def _counts() -> tuple[int, int, int, int]:
    return (
        Claim.objects.count(),
        ClaimLine.objects.count(),
        ClaimReview.objects.count(),
        Event.objects.count(),
    )


def test_f02_claim_lines_pay_2000_per_intermediate_certificate_and_exclude_the_failed(world: World) -> None:
    # Given the school's 中级 electrician class of 30, one trainee (row 5) failing the exam
    tc = assessed_class(world, failing_rows=(5,))
    # When the school's clerk claims
    claim = services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    # Then 29 lines of 2000 yuan each are payable and the failed trainee's line says why
    assert (claim.state, claim.headcount, claim.amount) == (ClaimState.DRAFT, 29, D("58000.00"))
    assert claim.ref.startswith("BT2021410105")
    first = claim.lines.get(row=2)
    assert (first.status, first.amount, first.rule_ids) == ("payable", D("2000.00"), "F02")
    assert first.computation == "F02 中级工 2000元/人 × 1 = 2000元（郑技领办〔2021〕6号 三(一)）"
    failed = claim.lines.get(row=5)
    assert (failed.status, failed.amount) == ("excluded", D("0.00"))
    assert failed.reasons and failed.reasons[0]["rule"]
    assert claim.payee_organisation == world.zz_school and claim.bank_account == "6222020200112233445"


def test_c02_trained_headcount_cuts_the_lines_in_roster_order(world: World) -> None:
    # Given inspections that found 30 and 25 present: the trained headcount is 27
    tc = assessed_class(world, present=(30, 25))
    claim = services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    # Then the first 27 rows are paid and the last three are excluded under C02
    assert (claim.headcount, claim.amount) == (27, D("54000.00"))
    assert claim.computation["trained_headcount"] == 27
    cut = list(claim.lines.filter(status="excluded").order_by("row").values_list("row", flat=True))
    assert cut == [29, 30, 31]
    assert claim.lines.get(row=31).reasons[0]["rule"] == "C02"


def test_claim_refused_before_assessment_and_never_twice_for_the_same_trainees(world: World) -> None:
    tc = assessed_class(world)
    services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    before = _counts()
    with pytest.raises(Refusal, match=r"均已在申领 BT2021410105\d+ 中，不能重复申领"):
        services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    assert _counts() == before


def test_claim_for_a_class_not_yet_assessed_is_refused(world: World) -> None:
    from jineng.training.tests.factories import approved_class

    tc = approved_class(world)
    before = _counts()
    with pytest.raises(Refusal, match="考核结果录入后方可申领补贴"):
        services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    assert _counts() == before


def test_f06_submit_without_the_pledge_is_refused_and_nothing_changes(world: World) -> None:
    claim = services.claim_create(
        actor=world.users["institution"], training_class=assessed_class(world), today=CLAIMED
    )
    before = _counts()
    with pytest.raises(Refusal) as refused:
        services.claim_submit(actor=world.users["institution"], claim=claim, pledge_name="赵敏", pledge=False)
    assert (refused.value.rule, refused.value.clause) == ("F06", "ZZ21 附件2 补贴资金申领 申请承诺人")
    assert _counts() == before
    claim.refresh_from_db()
    assert claim.state == ClaimState.DRAFT and claim.pledge_signed_at is None


def test_f07_submission_sets_the_department_deadline_15_working_days(world: World) -> None:
    claim = submitted_claim(world)
    # Monday 5 July 2021 + 15 working days
    assert (claim.state, claim.submitted_on, claim.review_due) == (
        ClaimState.SUBMITTED,
        CLAIMED,
        dt.date(2021, 7, 26),
    )
    assert claim.pledge_signed_by == "赵敏" and claim.profile_code == "ZZ21"


def test_f09_department_signatures_in_order_by_the_right_roles(world: World) -> None:
    claim = submitted_claim(world)
    before = _counts()
    with pytest.raises(Refusal) as refused:
        services.claim_review(actor=world.users["dept_second"], claim=claim, decision="pass", today=CLAIMED)
    assert refused.value.rule == "F09" and "行业部门初审" in refused.value.message
    with pytest.raises(Refusal, match="只能审核本辖区"):
        services.claim_review(
            actor=world.outsiders["dept_first"], claim=claim, decision="pass", today=CLAIMED
        )
    assert _counts() == before


def test_f08_department_approval_opens_a_3_working_day_notice_and_objections_are_resolved(
    world: World,
) -> None:
    funded(world)
    # Given a claim the department passed on Monday 5 July: notice 5–7 July
    claim = in_notice(world)
    assert (claim.state, claim.notice_start, claim.notice_end) == (
        ClaimState.IN_NOTICE,
        dt.date(2021, 7, 5),
        dt.date(2021, 7, 7),
    )
    # When a member of the public objects to row 3 on 6 July
    objection = services.objection_submit(
        claim=claim,
        name="王某",
        contact="13900001111",
        text="此人培训期间在外地务工，未参加培训",
        line_row=3,
        today=dt.date(2021, 7, 6),
    )
    assert Event.objects.filter(action="claim.objection.received", actor__isnull=True).count() == 1
    # Then the notice cannot close on its last day, nor while the objection is open
    hr = world.users["hr_first"]
    with pytest.raises(Refusal) as refused:
        services.claim_notice_close(actor=hr, claim=claim, today=dt.date(2021, 7, 7))
    assert [v.rule for v in refused.value.violations] == ["F08", "F08"]
    with pytest.raises(Refusal) as refused:
        services.claim_notice_close(actor=hr, claim=claim, today=NOTICE_OVER)
    assert [v.message for v in refused.value.violations] == [
        "公示期间收到的异议尚有 1 件未处理，处理完毕后方可结束公示"
    ]
    # When the bureau upholds it, the trainee leaves the list and the total follows
    services.objection_resolve(
        actor=hr,
        objection=objection,
        outcome="upheld",
        resolution="经核实考勤记录，情况属实",
        today=NOTICE_OVER,
    )
    claim.refresh_from_db()
    assert (claim.headcount, claim.amount) == (29, D("58000.00"))
    line = claim.lines.get(row=3)
    assert (line.status, line.amount, line.live) == ("excluded", D("0.00"), False)
    assert line.reasons[0]["rule"] == "F08"
    claim = services.claim_notice_close(actor=hr, claim=claim, today=NOTICE_OVER)
    assert claim.state == ClaimState.NOTICE_CLOSED and claim.review_due is None  # ZZ21 sets no bureau limit
    assert_books_balance()


def test_f08_objection_outside_the_notice_is_refused(world: World) -> None:
    claim = in_notice(world)
    before = Objection.objects.count()
    with pytest.raises(Refusal) as refused:
        services.objection_submit(
            claim=claim, name="王某", contact="139", text="名单有误，请核实", today=NOTICE_OVER
        )
    assert refused.value.violations[0].rule == "F08"
    assert Objection.objects.count() == before


def test_approval_books_the_payable_and_the_batch_pays_from_the_special_account_first(world: World) -> None:
    # Given 50,000 in the special account and 500,000 in the employment subsidy fund
    funded(world, special="50000.00")
    claim = approved(world, assessed_class(world))
    # Then approval recognised 60,000 owed to the school
    assert claim.state == ClaimState.APPROVED
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("60000.00")
    assert_books_balance()
    # When the bureau batches the week (F11) and finance pays on Friday
    batch = services.batch_open(
        actor=world.users["hr_admin"], region=world.zhengzhou, today=dt.date(2021, 7, 7)
    )
    assert (batch.collect_on, batch.send_on, batch.pay_on) == (
        dt.date(2021, 7, 7),
        dt.date(2021, 7, 8),
        PAY_DAY,
    )
    assert services.batch_collect(actor=world.users["hr_admin"], batch=batch) == 1
    assert_books_balance()
    services.batch_send(actor=world.users["hr_second"], batch=batch)
    batch = services.batch_pay(
        actor=world.users["finance"], batch=batch, bank_reference="HX0709001", today=PAY_DAY
    )
    # Then F13: 50,000 from the special account, the other 10,000 from the employment subsidy fund
    item = BatchItem.objects.get(claim=claim)
    assert item.funds == [
        {"fund": "职业技能提升行动专账资金", "amount": "50000.00"},
        {"fund": "就业补助资金", "amount": "10000.00"},
    ]
    claim.refresh_from_db()
    assert (claim.state, claim.paid_on, batch.state) == (ClaimState.PAID, PAY_DAY, PaymentBatch.State.PAID)
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("0.00")
    assert_books_balance()


def test_paying_a_paid_batch_again_pays_nothing_more(world: World) -> None:
    funded(world)
    approved(world, assessed_class(world))
    batch = services.batch_open(
        actor=world.users["hr_admin"], region=world.zhengzhou, today=dt.date(2021, 7, 7)
    )
    services.batch_collect(actor=world.users["hr_admin"], batch=batch)
    services.batch_send(actor=world.users["hr_second"], batch=batch)
    services.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="HX1", today=PAY_DAY)
    payments = JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count()
    # When finance clicks again (a retry, a double submission)
    again = services.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="HX2", today=PAY_DAY)
    # Then the batch answers as it was and no second payment exists
    assert (again.bank_reference, payments) == ("HX1", 1)
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert_books_balance()


def test_a_batch_needs_the_bureau_to_send_it_before_finance_pays(world: World) -> None:
    funded(world)
    approved(world, assessed_class(world))
    batch = services.batch_open(
        actor=world.users["hr_admin"], region=world.zhengzhou, today=dt.date(2021, 7, 7)
    )
    services.batch_collect(actor=world.users["hr_admin"], batch=batch)
    with pytest.raises(Refusal, match="送交财政后方可拨付"):
        services.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="HX1", today=PAY_DAY)
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 0


def test_f10_finance_step_with_two_different_finance_officers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a profile version that adds the finance review of the XC23 form to ZZ21's numbers
    base = get_profile("ZZ21")
    params = dict(base.params)
    params["finance_review_required"] = dataclasses.replace(params["finance_review_required"], value=True)
    with_finance = dataclasses.replace(base, params=params)
    monkeypatch.setattr(services, "_class_profile", lambda tc: with_finance)
    from jineng.accounts.services import user_create

    second_finance = user_create(
        actor=None,
        username="zz_czj2",
        password="Test@pass-2026",
        display_name="钱多",
        role="finance",
        region=world.zhengzhou,
        department=world.users["finance"].department,
    )
    funded(world)
    claim = approved(world, assessed_class(world))
    # Then the bureau's approval waits for finance
    assert claim.state == ClaimState.HR_REVIEWED
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("0.00")
    first = world.users["finance"]
    claim = services.claim_review(actor=first, claim=claim, decision="pass", today=NOTICE_OVER)
    before = _counts()
    with pytest.raises(Refusal) as refused:
        services.claim_review(actor=first, claim=claim, decision="pass", today=NOTICE_OVER)
    assert refused.value.violations[0].rule == "F09"
    assert _counts() == before
    claim = services.claim_review(actor=second_finance, claim=claim, decision="pass", today=NOTICE_OVER)
    assert claim.state == ClaimState.APPROVED
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("60000.00")


def test_return_then_resubmit_starts_a_new_round(world: World) -> None:
    claim = submitted_claim(world)
    claim = services.claim_review(
        actor=world.users["dept_first"], claim=claim, decision="return", comment="请补充考勤表", today=CLAIMED
    )
    assert (claim.state, claim.return_comment) == (ClaimState.RETURNED, "请补充考勤表")
    claim = services.claim_submit(
        actor=world.users["institution"], claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED
    )
    assert (claim.state, claim.review_round) == (ClaimState.SUBMITTED, 2)
    assert services.next_step(claim) == ("dept", "first")


def test_withdrawn_claim_frees_its_trainees_for_a_new_claim(world: World) -> None:
    tc = assessed_class(world)
    claim = services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    services.claim_withdraw(actor=world.users["institution"], claim=claim)
    again = services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    assert again.amount == D("60000.00") and ClaimLine.objects.filter(live=True).count() == 30


def test_individual_claims_only_his_own_line(world: World) -> None:
    from jineng.accounts.models import User

    tc = assessed_class(world)
    person = tc.enrolments.get(row=2).person
    User.objects.filter(pk=world.users["trainee"].pk).update(person=person)
    trainee = User.objects.get(pk=world.users["trainee"].pk)
    claim = services.claim_create(actor=trainee, training_class=tc, today=CLAIMED)
    assert (claim.applicant_kind, claim.payee_person, claim.headcount, claim.amount) == (
        "individual",
        person,
        1,
        D("2000.00"),
    )
    # The school can still claim for the other 29, not for him
    school = services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    assert (school.headcount, school.amount) == (29, D("58000.00"))
    mine = school.lines.get(row=2)
    assert (mine.status, mine.live) == ("excluded", False) and claim.ref in mine.reasons[0]["message"]
