"""以工代训 pays through the one claim pipeline: declare → claim a month → pledge (F06) → department (F09)
→ notice (F08) → bureau → batch (F11/F12) → ledger (F13); each line 200 yuan citing XC19 二(三)1 (F03)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.accounts.services import user_create
from jineng.claims import services as claims
from jineng.claims.models import BatchItem, Claim, ClaimLine, ClaimState
from jineng.conftest import PASSWORD, World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind, EntryKind, JournalEntry
from jineng.ledger.tests.books import assert_books_balance, payee_balance
from jineng.wagetraining import services
from jineng.wagetraining.models import Declaration, MonthClaim
from jineng.wagetraining.tests.factory import declaration, enterprise, funded, row, under

pytestmark = pytest.mark.django_db

MARCH = dt.date(2021, 3, 1)
CLAIMED = dt.date(2021, 4, 6)  # Tuesday after 清明 (3–5 April 2021)
NOTICE_OVER = dt.date(2021, 4, 13)  # 6, 7, 8, 9, 12 April are the five working days
TEXT = "F03 以工代训 2021年3月 200元/人/月 × 1个月 = 200元（许政办〔2019〕20号 二(三)1）"


def test_f03_xc19_month_is_paid_end_to_end_200_per_person_citing_its_clause(world: World) -> None:
    # Given Xuchang 2021 under XC19 (with its local notice period, finance review and monthly payment),
    # its special account funded, and an insured enterprise in 魏都区 declaring a poor labourer employed
    # since 2020-09-15 (6 months on 2021-03-15) and a 就业困难人员 hired 2021-02-01
    under(world.xuchang, "XC19")
    funded(world.xuchang)
    org, clerk = enterprise(world)
    d = declaration(world, clerk)
    assert (d.ref, d.profile_code, d.profile_version) == (f"YG2021411002{d.pk:06d}", "XC19", 1)
    services.employees_add(
        actor=clerk,
        declaration=d,
        rows=[row(1, "贫困劳动力", dt.date(2020, 9, 15)), row(2, "就业困难人员", dt.date(2021, 2, 1))],
        today=dt.date(2021, 3, 1),
    )
    # When the clerk claims March 2021, signs and submits
    month = services.month_claim(
        actor=clerk, declaration=d, month=MARCH, activity="师傅带徒，岗位练兵", today=CLAIMED
    )
    claim = month.claim
    assert (claim.programme, claim.source_id, claim.source_ref, claim.title) == (
        "yigong",
        d.pk,
        d.ref,
        "2021年3月 以工代训",
    )
    assert (claim.period_start, claim.period_end) == (MARCH, dt.date(2021, 3, 31))
    assert (claim.state, claim.headcount, claim.amount) == (ClaimState.DRAFT, 2, D("400.00"))
    claim = claims.claim_submit(actor=clerk, claim=claim, pledge_name="周敏", pledge=True, today=CLAIMED)
    # And the department signs twice, the notice runs five working days, the bureau signs twice
    x = world.outsiders
    for role in ("dept_first", "dept_second"):
        claim = claims.claim_review(actor=x[role], claim=claim, decision="pass", today=CLAIMED)
    assert (claim.state, claim.notice_end) == (ClaimState.IN_NOTICE, dt.date(2021, 4, 12))
    claim = claims.claim_notice_close(actor=x["hr_first"], claim=claim, today=NOTICE_OVER)
    for role in ("hr_first", "hr_second"):
        claim = claims.claim_review(actor=x[role], claim=claim, decision="pass", today=NOTICE_OVER)
    # And finance signs twice (F10: XC19's local setting, F09: two officers)
    assert claim.state == ClaimState.HR_REVIEWED
    second = user_create(
        actor=None,
        username="xc_czj2",
        password=PASSWORD,
        display_name="孙财",
        role="finance",
        region=world.xuchang,
        department=x["finance"].department,
    )
    for officer in (x["finance"], second):
        claim = claims.claim_review(actor=officer, claim=claim, decision="pass", today=NOTICE_OVER)
    assert claim.state == ClaimState.APPROVED
    assert payee_balance(world.xuchang, AccountKind.PAYABLE, org) == D("400.00")
    # And the month's batch (F12: the last working day of April) is collected, sent and paid
    batch = claims.batch_open(actor=x["hr_admin"], region=world.xuchang, today=NOTICE_OVER)
    assert (batch.cycle, batch.pay_on) == ("monthly", dt.date(2021, 4, 30))
    assert claims.batch_collect(actor=x["hr_admin"], batch=batch) == 1
    batch = claims.batch_send(actor=x["hr_second"], batch=batch)
    claims.batch_pay(actor=x["finance"], batch=batch, bank_reference="GH0430001", today=batch.pay_on)
    # Then the claim is paid, each line 200.00 citing XC19 二(三)1, from the special account
    claim.refresh_from_db()
    assert (claim.state, claim.paid_on, claim.amount) == (ClaimState.PAID, dt.date(2021, 4, 30), D("400.00"))
    lines = list(
        claim.lines.order_by("row").values_list("label", "status", "amount", "rule_ids", "computation")
    )
    assert lines == [("2021年3月", "payable", D("200.00"), "F03", TEXT)] * 2
    keys = sorted(claim.lines.values_list("line_key", flat=True))
    assert keys == sorted(f"yigong:{e.person_id}:2021-03" for e in d.employees.all())
    assert BatchItem.objects.get(claim=claim).funds == [
        {"fund": "职业技能提升行动专账资金", "amount": "400.00"}
    ]
    payment = JournalEntry.objects.get(kind=EntryKind.PAYMENT)
    assert payment.memo == f"补贴申领 {claim.ref} 拨付"
    assert payee_balance(world.xuchang, AccountKind.PAYABLE, org) == D("0.00")
    assert_books_balance()


def test_f03_a_withdrawn_month_frees_its_person_months_for_a_new_claim(world: World) -> None:
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    services.employees_add(actor=clerk, declaration=d, rows=[row(1)], today=dt.date(2021, 3, 1))
    first = services.month_claim(actor=clerk, declaration=d, month=MARCH, activity="岗位练兵", today=CLAIMED)
    # The same month of the same declaration again: refused while the first claim lives
    with pytest.raises(Refusal, match=r"本申报 2021年3月已申领（BT2021411002\d{6}），撤回后方可重新申领"):
        services.month_claim(actor=clerk, declaration=d, month=MARCH, activity="岗位练兵", today=CLAIMED)
    claims.claim_withdraw(actor=clerk, claim=first.claim)
    again = services.month_claim(actor=clerk, declaration=d, month=MARCH, activity="岗位练兵", today=CLAIMED)
    assert again.claim.amount == D("200.00")
    assert ClaimLine.objects.filter(live=True).count() == 1
    assert MonthClaim.objects.filter(declaration=d).count() == 2


def test_a_month_not_yet_over_or_of_another_year_is_refused_and_nothing_is_written(world: World) -> None:
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    services.employees_add(actor=clerk, declaration=d, rows=[row(1)], today=dt.date(2021, 3, 1))
    before = (Claim.objects.count(), MonthClaim.objects.count())
    with pytest.raises(Refusal, match="2021年4月尚未结束，月末后方可申领"):
        services.month_claim(
            actor=clerk, declaration=d, month=dt.date(2021, 4, 1), activity="练兵", today=CLAIMED
        )
    with pytest.raises(Refusal, match="申领月份 2020年12月 不在申报年度 2021 年内"):
        services.month_claim(
            actor=clerk, declaration=d, month=dt.date(2020, 12, 1), activity="练兵", today=CLAIMED
        )
    assert (Claim.objects.count(), MonthClaim.objects.count()) == before
    assert Declaration.objects.count() == 1


def test_j04_the_enterprise_corrects_an_employee_until_a_live_claim_holds_him_then_after_withdrawal(
    world: World,
) -> None:
    from jineng.audit.models import Event
    from jineng.wagetraining.models import Employee

    # Given an XC19 declaration with one employee declared with the wrong group and hire date
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    services.employees_add(actor=clerk, declaration=d, rows=[row(1)], today=dt.date(2021, 3, 1))
    e = Employee.objects.get()
    # When the enterprise corrects his group, hire date and post
    events = Event.objects.count()
    services.employee_correct(
        actor=clerk,
        employee=e,
        group="就业困难人员",
        hired_on=dt.date(2020, 2, 3),
        post="装配",
        today=CLAIMED,
    )
    # Then the row says what was corrected, with one audit event naming before and after
    e.refresh_from_db()
    assert (e.group, e.hired_on, e.post) == ("hard_to_employ", dt.date(2020, 2, 3), "装配")
    corrected = Event.objects.get(action="yigong.employee_corrected")
    assert Event.objects.count() == events + 1
    assert corrected.payload["before"]["hired_on"] == "2020-01-01"
    # When March is claimed, a correction is refused naming the claim (J04), and nothing changes
    first = services.month_claim(actor=clerk, declaration=d, month=MARCH, activity="岗位练兵", today=CLAIMED)
    with pytest.raises(Refusal) as refused:
        services.employee_correct(
            actor=clerk, employee=e, group="贫困劳动力", hired_on=dt.date(2020, 1, 1), today=CLAIMED
        )
    assert refused.value.rule == "J04" and refused.value.value == "第1行"
    assert refused.value.message == (
        f"第1行 员工1 已在补贴申领 {first.claim.ref}（2021年3月 以工代训，草稿）中，不能更正；请先撤回该申领或待其退回"
    )
    e.refresh_from_db()
    assert e.group == "hard_to_employ"
    # When the claim is withdrawn, the correction goes through again
    claims.claim_withdraw(actor=clerk, claim=first.claim)
    services.employee_correct(
        actor=clerk, employee=e, group="贫困劳动力", hired_on=dt.date(2020, 1, 1), today=CLAIMED
    )
    e.refresh_from_db()
    assert (e.group, e.hired_on, e.post) == ("poor_labour", dt.date(2020, 1, 1), "")


def test_j04_a_correction_is_judged_like_a_declaration_and_reported_by_row(world: World) -> None:
    from jineng.wagetraining.models import Employee

    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    services.employees_add(actor=clerk, declaration=d, rows=[row(1)], today=dt.date(2021, 3, 1))
    e = Employee.objects.get()
    with pytest.raises(Refusal) as refused:
        services.employee_correct(
            actor=clerk,
            employee=e,
            group="退役军人",
            hired_on=dt.date(2020, 5, 1),
            left_on=dt.date(2020, 4, 1),
            today=CLAIMED,
        )
    assert [(v.row, v.field) for v in refused.value.violations] == [(1, "人员类别"), (1, "离职日期")]
    assert Employee.objects.get().hired_on == dt.date(2020, 1, 1)
    # And another enterprise's clerk cannot correct it
    _, other = enterprise(world, name="许昌某发制品企业")
    with pytest.raises(Refusal):
        services.employee_correct(actor=other, employee=e, group="贫困劳动力", hired_on=dt.date(2020, 1, 1))
