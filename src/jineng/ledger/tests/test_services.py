"""The books' primitives: balanced entries, idempotent keys, F13 fund order, F14 receivables, F04
prepayments, reversals. The books are checked to balance after every step."""

from __future__ import annotations

import re

import pytest

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import (
    Account,
    AccountKind,
    EntryKind,
    Fund,
    FundKind,
    JournalEntry,
    Posting,
    ReceivableReason,
)
from jineng.ledger.services import (
    Line,
    entry_reverse,
    expense_account,
    fund_account,
    fund_appropriate,
    fund_open,
    journal_post,
    payable_recognise,
    payee_account,
    payment_make,
    prepayment_make,
    prepayment_settle,
    receivable_offset,
    receivable_raise,
    refund_record,
)
from jineng.ledger.tests.books import (
    DAY,
    D,
    assert_books_balance,
    cash,
    expense,
    funded,
    last_event_id,
    lines_of,
    owe,
    payee_balance,
)
from jineng.policy.claims import F13_FUND_ORDER
from jineng.regions.services import region_create

SPECIAL = FundKind.SPECIAL_ACCOUNT.value
EMPLOYMENT = FundKind.EMPLOYMENT_SUBSIDY.value
UNEMPLOYMENT = FundKind.UNEMPLOYMENT_INSURANCE.value
PAYABLE, RECEIVABLE, PREPAYMENT = AccountKind.PAYABLE, AccountKind.RECEIVABLE, AccountKind.PREPAYMENT


def counts() -> tuple[int, int, int]:
    return JournalEntry.objects.count(), Posting.objects.count(), Event.objects.count()


# --------------------------------------------------------------------------------------------------
# Funds


def test_f13_fund_open_creates_the_fund_and_its_two_accounts_once(world: World) -> None:
    # Given no fund / When the special account is opened twice
    before = last_event_id()
    fund = fund_open(actor=world.users["finance"], region=world.zhengzhou, kind=SPECIAL)
    again = fund_open(actor=world.users["finance"], region=world.zhengzhou, kind=SPECIAL)
    # Then one fund, its cash and appropriation accounts, one event
    assert again.pk == fund.pk
    assert str(fund) == "郑州市·职业技能提升行动专账资金"
    assert sorted(Account.objects.filter(fund=fund).values_list("code", "name")) == [
        ("appropriation:special_account", "资金拨入·职业技能提升行动专账资金"),
        ("fund_cash:special_account", "资金存款·职业技能提升行动专账资金"),
    ]
    event = Event.objects.get(pk__gt=before)
    assert (event.action, event.object_type, event.region_path) == (
        "ledger.fund_opened",
        "ledger.Fund",
        world.zhengzhou.path,
    )


def test_f13_fund_open_refuses_an_unknown_kind(world: World) -> None:
    with pytest.raises(Refusal) as exc:
        fund_open(actor=None, region=world.zhengzhou, kind="lottery")
    assert exc.value.rule == "F13" and exc.value.field == "资金来源"
    assert "职业技能提升行动专账资金、就业补助资金、失业保险基金" in exc.value.render()
    assert not Fund.objects.exists()


def test_f13_refusal_quotes_the_clause_of_the_region_profile(world: World) -> None:
    # Given Zhengzhou under ZZ21, Xuchang under XC23 and the province above both
    quoted = {}
    for region in (world.zhengzhou, world.xuchang, world.henan):
        # When each opens a fund of an unknown kind
        with pytest.raises(Refusal) as exc:
            fund_open(actor=None, region=region, kind="lottery")
        quoted[region.name] = exc.value.clause
    # Then each refusal quotes F13 as its own profile words it; the province every wording below it
    zz = "ZZ21 附件2 资金来源；HC21 三(二) 优先使用专账资金"
    xc = "XC23 附件3 资金来源；HC21 三(二) 优先使用专账资金"
    assert quoted == {"郑州市": zz, "许昌市": xc, "河南省": f"{xc}；{zz}"}


def test_f13_refusal_in_a_region_without_a_profile_names_the_missing_profile(world: World) -> None:
    # Given a city with no profile of its own or above it
    xinyang = region_create(actor=None, name="信阳市", kind="city", parent=world.henan, code="411500")
    # When it opens a fund of an unknown kind / Then refused: the clause cannot be quoted without a profile
    with pytest.raises(Refusal) as exc:
        fund_open(actor=None, region=xinyang, kind="lottery")
    assert exc.value.field == "地区"
    assert exc.value.message.startswith("信阳市 及其上级区域均未设定")
    assert not Fund.objects.exists()


def test_fund_appropriate_debits_cash_and_credits_appropriation(world: World) -> None:
    fund = fund_open(actor=None, region=world.zhengzhou, kind=EMPLOYMENT)
    before = last_event_id()
    entry = fund_appropriate(
        actor=world.users["finance"], fund=fund, amount=D("250000.00"), key="budget-2021-emp", date=DAY
    )
    assert (entry.kind, entry.region_id, entry.date, entry.memo) == (
        EntryKind.APPROPRIATION,
        world.zhengzhou.pk,
        DAY,
        "就业补助资金拨入",
    )
    assert lines_of(entry) == [
        ("fund_cash:employment_subsidy", D("250000.00"), D("0.00")),
        ("appropriation:employment_subsidy", D("0.00"), D("250000.00")),
    ]
    assert cash(fund) == D("250000.00")
    event = Event.objects.get(pk__gt=before)
    assert (event.action, event.object_id, event.actor_role) == (
        "ledger.appropriation",
        str(entry.pk),
        "finance",
    )
    assert event.payload == {
        "key": "budget-2021-emp",
        "date": "2021-06-30",
        "total": "250000.00",
        "source": [],
        "lines": [
            ["fund_cash:employment_subsidy", "250000.00", "0.00"],
            ["appropriation:employment_subsidy", "0.00", "250000.00"],
        ],
    }
    assert_books_balance()


# --------------------------------------------------------------------------------------------------
# journal_post: balanced, one region, exact money


def _two_accounts(world: World) -> tuple[Account, Account]:
    fund = funded(world.zhengzhou, special_account="1000.00")[SPECIAL]
    return fund_account(fund, AccountKind.FUND_CASH), expense_account(world.zhengzhou)


def test_journal_post_writes_a_balanced_entry_with_its_source(world: World) -> None:
    cash_account, expense_account_ = _two_accounts(world)
    entry = journal_post(
        actor=None,
        region=world.zhengzhou,
        key="manual-1",
        date=DAY,
        kind=EntryKind.MANUAL,
        memo="直接支出",
        lines=[Line(expense_account_, debit=D("99.99")), Line(cash_account, credit=D("99.99"))],
        source=("claims.Claim", "17"),
    )
    assert (entry.source_type, entry.source_id) == ("claims.Claim", "17")
    assert lines_of(entry) == [
        ("subsidy_expense", D("99.99"), D("0.00")),
        ("fund_cash:special_account", D("0.00"), D("99.99")),
    ]
    assert expense(world.zhengzhou) == D("99.99")
    assert_books_balance()


def test_journal_post_unbalanced_is_refused_and_nothing_is_written(world: World) -> None:
    cash_account, expense_account_ = _two_accounts(world)
    before = counts()
    with pytest.raises(Refusal) as exc:
        journal_post(
            actor=None,
            region=world.zhengzhou,
            key="manual-unbalanced",
            date=DAY,
            kind=EntryKind.MANUAL,
            memo="",
            lines=[Line(expense_account_, debit=D("100.00")), Line(cash_account, credit=D("99.99"))],
        )
    assert exc.value.render() == "“分录行”：借方合计 100.00 元，贷方合计 99.99 元，借贷不平衡"
    assert counts() == before
    assert_books_balance()


@pytest.mark.parametrize(
    ("debit", "credit", "message"),
    [
        (0.1, D("0"), "“第 1 行借方”：金额须为 Decimal 十进制数（收到 float），不接受浮点数"),
        (D("1.005"), D("0"), "“第 1 行借方”：金额最多两位小数（到分）"),
        (D("-5.00"), D("0"), "“第 1 行借方”：金额须大于零"),
        (D("NaN"), D("0"), "“第 1 行借方”：金额不是有效数字"),
        (D("1000000000000.00"), D("0"), "“第 1 行借方”：金额超过账簿上限 999,999,999,999.99 元"),
        (D("5.00"), D("5.00"), "“第 1 行”：每一行须且只须在借方或贷方之一填写正数金额"),
        (D("0"), D("0"), "“第 1 行”：每一行须且只须在借方或贷方之一填写正数金额"),
    ],
)
def test_journal_post_refuses_bad_amounts(world: World, debit: object, credit: object, message: str) -> None:
    cash_account, expense_account_ = _two_accounts(world)
    before = counts()
    with pytest.raises(Refusal) as exc:
        journal_post(
            actor=None,
            region=world.zhengzhou,
            key="bad",
            date=DAY,
            kind=EntryKind.MANUAL,
            memo="",
            lines=[Line(expense_account_, debit=debit, credit=credit), Line(cash_account, credit=D("5.00"))],  # type: ignore[arg-type]
        )
    assert exc.value.render() == message
    assert counts() == before


def test_journal_post_refuses_a_single_line_and_an_account_of_another_region(world: World) -> None:
    _cash_account, expense_account_ = _two_accounts(world)
    xc_fund = funded(world.xuchang, special_account="500.00")[SPECIAL]
    before = counts()
    with pytest.raises(Refusal, match="一笔分录至少两行"):
        journal_post(
            actor=None,
            region=world.zhengzhou,
            key="one-line",
            date=DAY,
            kind=EntryKind.MANUAL,
            memo="",
            lines=[Line(expense_account_, debit=D("1.00"))],
        )
    with pytest.raises(Refusal) as exc:
        journal_post(
            actor=None,
            region=world.zhengzhou,
            key="two-regions",
            date=DAY,
            kind=EntryKind.MANUAL,
            memo="",
            lines=[
                Line(expense_account_, debit=D("1.00")),
                Line(fund_account(xc_fund, AccountKind.FUND_CASH), credit=D("1.00")),
            ],
        )
    assert exc.value.field == "第 2 行账户"
    assert "不属于郑州市的账簿" in exc.value.message
    assert counts() == before


def test_no_account_may_go_below_zero_on_its_normal_side(world: World) -> None:
    # Given a fund holding 1000.00
    cash_account, expense_account_ = _two_accounts(world)
    before = counts()
    # When an entry would take 1000.01 out of it / Then refused, nothing written
    with pytest.raises(Refusal) as exc:
        journal_post(
            actor=None,
            region=world.zhengzhou,
            key="overdraw",
            date=DAY,
            kind=EntryKind.MANUAL,
            memo="",
            lines=[Line(expense_account_, debit=D("1000.01")), Line(cash_account, credit=D("1000.01"))],
        )
    assert exc.value.render() == (
        "“金额”：账户“资金存款·职业技能提升行动专账资金”余额 1,000.00 元，本分录减少 1,000.01 元后为负，未记账"
    )
    assert counts() == before


# --------------------------------------------------------------------------------------------------
# Idempotency


def test_journal_post_same_key_same_lines_returns_the_first_entry(world: World) -> None:
    cash_account, expense_account_ = _two_accounts(world)
    lines = [Line(expense_account_, debit=D("10.00")), Line(cash_account, credit=D("10.00"))]
    first = journal_post(
        actor=None, region=world.zhengzhou, key="k-1", date=DAY, kind=EntryKind.MANUAL, memo="", lines=lines
    )
    before = counts()
    # A retry, even a day later and with another memo, is the same request
    again = journal_post(
        actor=None,
        region=world.zhengzhou,
        key="k-1",
        date=None,
        kind=EntryKind.MANUAL,
        memo="重试",
        lines=lines,
    )
    assert again.pk == first.pk
    assert counts() == before
    assert expense(world.zhengzhou) == D("10.00")


def test_journal_post_same_key_other_lines_is_refused(world: World) -> None:
    cash_account, expense_account_ = _two_accounts(world)
    first = journal_post(
        actor=None,
        region=world.zhengzhou,
        key="k-2",
        date=DAY,
        kind=EntryKind.MANUAL,
        memo="",
        lines=[Line(expense_account_, debit=D("10.00")), Line(cash_account, credit=D("10.00"))],
    )
    before = counts()
    with pytest.raises(Refusal) as exc:
        journal_post(
            actor=None,
            region=world.zhengzhou,
            key="k-2",
            date=DAY,
            kind=EntryKind.MANUAL,
            memo="",
            lines=[Line(expense_account_, debit=D("11.00")), Line(cash_account, credit=D("11.00"))],
        )
    assert exc.value.render() == (
        f"“幂等键”：该键已用于分录 #{first.pk}（其他分录，2021-06-30），本次请求的内容与之不同："
        "重试同一笔业务须提交相同内容，另一笔业务须使用新的幂等键"
    )
    assert counts() == before


def test_a_key_cannot_serve_two_operations_and_must_not_be_blank(world: World) -> None:
    funded(world.zhengzhou, special_account="1000.00")
    owe(world.zhengzhou, world.zz_school, "100.00")
    payable_recognise(
        actor=None, region=world.zhengzhou, payee=world.zz_school, amount=D("50.00"), key="claim-9", date=DAY
    )
    with pytest.raises(Refusal, match="该键已用于分录"):
        payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("50.00"),
            key="claim-9",
        )
    with pytest.raises(Refusal, match="幂等键不能为空"):
        payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("50.00"),
            key="  ",
        )
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("150.00")


# --------------------------------------------------------------------------------------------------
# Payables and payments (F13)


def test_payable_recognise_debits_expense_and_credits_the_payee(world: World) -> None:
    entry = payable_recognise(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("2000.00"),
        key="claim-1:payable",
        date=DAY,
        source=("claims.Claim", "1"),
    )
    code = f"payable:org:{world.zz_school.pk}"
    assert lines_of(entry) == [("subsidy_expense", D("2000.00"), D("0.00")), (code, D("0.00"), D("2000.00"))]
    assert Account.objects.get(code=code).name == "应付补贴·郑州商业技师学院"
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("2000.00")
    assert expense(world.zhengzhou) == D("2000.00")
    assert_books_balance()


def test_f13_order_is_the_special_account_then_the_employment_subsidy_fund() -> None:
    assert F13_FUND_ORDER == (FundKind.SPECIAL_ACCOUNT, FundKind.EMPLOYMENT_SUBSIDY)


def test_f13_payment_draws_on_the_special_account_first(world: World) -> None:
    # Given both funds with money, and 1500.00 owed to the school
    funds = funded(world.zhengzhou, employment_subsidy="5000.00", special_account="3000.00")
    owe(world.zhengzhou, world.zz_school, "1500.00")
    # When it is paid
    before = last_event_id()
    entry = payment_make(
        fund_order=F13_FUND_ORDER,
        actor=world.users["finance"],
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("1500.00"),
        key="claim-1:payment",
        date=DAY,
        source=("claims.Claim", "1"),
    )
    # Then all of it comes from the special account
    assert entry.kind == EntryKind.PAYMENT
    assert lines_of(entry) == [
        (f"payable:org:{world.zz_school.pk}", D("1500.00"), D("0.00")),
        ("fund_cash:special_account", D("0.00"), D("1500.00")),
    ]
    assert (cash(funds[SPECIAL]), cash(funds[EMPLOYMENT])) == (D("1500.00"), D("5000.00"))
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("0.00")
    event = Event.objects.get(pk__gt=before)
    assert (event.action, event.organisation_id, event.region_path) == (
        "ledger.payment",
        world.zz_school.pk,
        world.zhengzhou.path,
    )
    assert event.payload["source"] == ["claims.Claim", "1"]
    assert_books_balance()


def test_f13_payment_splits_across_funds_when_the_special_account_is_short(world: World) -> None:
    funds = funded(world.zhengzhou, special_account="1000.00", employment_subsidy="5000.00")
    owe(world.zhengzhou, world.zz_school, "1500.50")
    entry = payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("1500.50"),
        key="pay-split",
        date=DAY,
    )
    assert lines_of(entry) == [
        (f"payable:org:{world.zz_school.pk}", D("1500.50"), D("0.00")),
        ("fund_cash:special_account", D("0.00"), D("1000.00")),
        ("fund_cash:employment_subsidy", D("0.00"), D("500.50")),
    ]
    assert (cash(funds[SPECIAL]), cash(funds[EMPLOYMENT])) == (D("0.00"), D("4499.50"))
    # And the next payment skips the empty special account
    owe(world.zhengzhou, world.zz_person, "200.00")
    entry = payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_person,
        amount=D("200.00"),
        key="pay-next",
        date=DAY,
    )
    assert lines_of(entry)[1:] == [("fund_cash:employment_subsidy", D("0.00"), D("200.00"))]
    assert cash(funds[EMPLOYMENT]) == D("4299.50")
    assert_books_balance()


def test_f13_payment_refused_in_chinese_when_all_funds_are_short(world: World) -> None:
    # Given 100.00 + 200.00 in the two funds (and the unemployment insurance fund, outside the order)
    funds = funded(
        world.zhengzhou,
        special_account="100.00",
        employment_subsidy="200.00",
        unemployment_insurance="9000.00",
    )
    owe(world.zhengzhou, world.zz_school, "500.00")
    before = counts()
    # When 500.00 is paid / Then refused, naming each fund, the rule and the clause; nothing written
    with pytest.raises(Refusal) as exc:
        payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("500.00"),
            key="pay-short",
        )
    assert exc.value.render() == (
        "“资金来源”：应支付 500.00 元，郑州市可用资金合计 300.00 元（职业技能提升行动专账资金 100.00 元，"
        "就业补助资金 200.00 元），资金不足，未支付"
        "（规则 F13，依据 ZZ21 附件2 资金来源；HC21 三(二) 优先使用专账资金）"
    )
    assert counts() == before
    assert (cash(funds[SPECIAL]), cash(funds[EMPLOYMENT])) == (D("100.00"), D("200.00"))
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("500.00")


def test_f13_payment_refused_when_the_region_has_no_fund(world: World) -> None:
    owe(world.zhengzhou, world.zz_school, "10.00")
    with pytest.raises(Refusal) as exc:
        payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("10.00"),
            key="p",
        )
    assert "（职业技能提升行动专账资金 未设立，就业补助资金 未设立）" in exc.value.message
    assert exc.value.rule == "F13"


def test_f13_payment_from_a_named_fund(world: World) -> None:
    funds = funded(world.zhengzhou, special_account="1000.00", unemployment_insurance="800.00")
    owe(world.zhengzhou, world.zz_school, "300.00")
    entry = payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("300.00"),
        key="pay-ui",
        date=DAY,
        fund_kind=UNEMPLOYMENT,
    )
    assert lines_of(entry)[1:] == [("fund_cash:unemployment_insurance", D("0.00"), D("300.00"))]
    assert (cash(funds[SPECIAL]), cash(funds[UNEMPLOYMENT])) == (D("1000.00"), D("500.00"))
    assert_books_balance()


def test_payment_beyond_what_is_owed_is_refused(world: World) -> None:
    # Given 1000.00 owed and paid once
    funded(world.zhengzhou, special_account="10000.00")
    owe(world.zhengzhou, world.zz_school, "1000.00")
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("1000.00"),
        key="first",
    )
    before = counts()
    # When a double submission pays it again under another key / Then refused
    with pytest.raises(Refusal) as exc:
        payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("1000.00"),
            key="second",
        )
    assert exc.value.render() == (
        "“金额”：应付“郑州商业技师学院”的余额为 0.00 元，本次支付 1,000.00 元超过应付余额，未支付（同一笔应付不能重复支付）"
    )
    # And paying someone who is owed nothing at all is refused the same way
    with pytest.raises(Refusal, match=re.escape("应付“李明”的余额为 0.00 元")):
        payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_person,
            amount=D("1.00"),
            key="third",
        )
    assert counts() == before


def test_payment_retried_with_its_key_returns_the_first_payment(world: World) -> None:
    funds = funded(world.zhengzhou, special_account="10000.00")
    owe(world.zhengzhou, world.zz_school, "1000.00")
    first = payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("1000.00"),
        key="claim-3:pay",
    )
    before = counts()
    # The retry comes after the payable is paid: it returns the payment, it is not a refusal
    for _ in range(3):
        again = payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("1000.00"),
            key="claim-3:pay",
        )
        assert again.pk == first.pk
    assert counts() == before
    assert cash(funds[SPECIAL]) == D("9000.00")
    # The same key with another amount is not a retry
    with pytest.raises(Refusal, match=f"该键已用于分录 #{first.pk}（支付（F13）"):
        payment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("999.00"),
            key="claim-3:pay",
        )


# --------------------------------------------------------------------------------------------------
# Receivables, refunds, offsetting (F14)


def test_f14_wrong_payment_refunded_then_offset_against_a_later_claim(world: World) -> None:
    # Given 10000.00 in the special account; 3000.00 owed to the school and paid
    funds = funded(world.zhengzhou, special_account="10000.00")
    owe(world.zhengzhou, world.zz_school, "3000.00")
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("3000.00"),
        key="pay-1",
    )
    assert_books_balance()
    # When 800.00 of it is found to be a wrong payment
    entry = receivable_raise(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("800.00"),
        reason=ReceivableReason.WRONG_PAYMENT,
        key="wrong-1",
        date=DAY,
    )
    assert entry.kind == EntryKind.RECEIVABLE_WRONG_PAYMENT
    assert lines_of(entry) == [
        (f"receivable:org:{world.zz_school.pk}", D("800.00"), D("0.00")),
        ("subsidy_expense", D("0.00"), D("800.00")),
    ]
    assert expense(world.zhengzhou) == D("2200.00")
    assert_books_balance()
    # And the school refunds 500.00 into the special account
    refund = refund_record(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("500.00"),
        fund_kind=SPECIAL,
        key="refund-1",
        date=DAY,
    )
    assert lines_of(refund) == [
        ("fund_cash:special_account", D("500.00"), D("0.00")),
        (f"receivable:org:{world.zz_school.pk}", D("0.00"), D("500.00")),
    ]
    assert (cash(funds[SPECIAL]), payee_balance(world.zhengzhou, RECEIVABLE, world.zz_school)) == (
        D("7500.00"),
        D("300.00"),
    )
    assert_books_balance()
    # A refund beyond what is due is refused
    with pytest.raises(Refusal) as exc:
        refund_record(
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("300.01"),
            fund_kind=SPECIAL,
            key="refund-2",
        )
    assert exc.value.render() == (
        "“金额”：“郑州商业技师学院”应退回余额为 300.00 元，本次退回 300.01 元超过应退余额：请先登记错付或追缴应收"
        "（规则 F14，依据 ZZ21 七(二)；HC21 三(三)；XC23 三(三)）"
    )
    # When a later claim of 1000.00 is recognised, the remaining 300.00 is deducted from it
    owe(world.zhengzhou, world.zz_school, "1000.00")
    offset = receivable_offset(
        actor=None, region=world.zhengzhou, payee=world.zz_school, key="offset-1", date=DAY
    )
    assert lines_of(offset) == [
        (f"payable:org:{world.zz_school.pk}", D("300.00"), D("0.00")),
        (f"receivable:org:{world.zz_school.pk}", D("0.00"), D("300.00")),
    ]
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("700.00")
    assert payee_balance(world.zhengzhou, RECEIVABLE, world.zz_school) == D("0.00")
    assert_books_balance()
    # Then the school is paid the 700.00 balance, and the fund has spent exactly the net expense
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("700.00"),
        key="pay-2",
    )
    assert cash(funds[SPECIAL]) == D("6800.00")
    assert expense(world.zhengzhou) == D("3200.00")
    assert D("10000.00") - cash(funds[SPECIAL]) == expense(world.zhengzhou)
    assert_books_balance()


def test_f14_recovery_from_a_person_refunded_into_a_named_fund(world: World) -> None:
    funds = funded(world.zhengzhou, special_account="100.00", employment_subsidy="5000.00")
    owe(world.zhengzhou, world.zz_person, "1200.00")
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_person,
        amount=D("1200.00"),
        key="p",
    )
    entry = receivable_raise(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_person,
        amount=D("1200.00"),
        reason=ReceivableReason.RECOVERY,
        key="recover-1",
        memo="骗取补贴，追缴",
    )
    assert (entry.kind, entry.get_kind_display()) == (EntryKind.RECEIVABLE_RECOVERY, "追缴应收（F14）")
    refund_record(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_person,
        amount=D("1200.00"),
        fund_kind=EMPLOYMENT,
        key="recovered-1",
    )
    assert (cash(funds[SPECIAL]), cash(funds[EMPLOYMENT])) == (D("0.00"), D("5100.00"))
    assert expense(world.zhengzhou) == D("0.00")
    assert payee_balance(world.zhengzhou, RECEIVABLE, world.zz_person) == D("0.00")
    assert_books_balance()


def test_f14_receivable_refusals(world: World) -> None:
    funded(world.zhengzhou, special_account="100.00")
    with pytest.raises(Refusal, match="应收原因须为：错付、追缴"):
        receivable_raise(
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("1.00"),
            reason="gift",
            key="r",
        )
    # Nothing was ever expensed: a receivable cannot take the expense below zero
    with pytest.raises(Refusal, match=re.escape("账户“补贴支出”余额 0.00 元，本分录减少 1.00 元后为负")):
        receivable_raise(
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("1.00"),
            reason=ReceivableReason.RECOVERY,
            key="r",
        )
    with pytest.raises(Refusal, match="郑州市尚未设立失业保险基金，退回款无处入账"):
        refund_record(
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("1.00"),
            fund_kind=UNEMPLOYMENT,
            key="r",
        )
    with pytest.raises(Refusal) as exc:
        receivable_offset(actor=None, region=world.zhengzhou, payee=world.zz_school, key="o")
    assert exc.value.render().startswith(
        "“金额”：“郑州商业技师学院”应退回余额 0.00 元，应付余额 0.00 元，没有可抵扣的金额"
    )
    assert not JournalEntry.objects.exclude(kind=EntryKind.APPROPRIATION).exists()


def test_f14_offset_of_a_named_amount_beyond_either_balance_is_refused(world: World) -> None:
    funded(world.zhengzhou, special_account="1000.00")
    owe(world.zhengzhou, world.zz_school, "500.00")
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("500.00"),
        key="p",
    )
    receivable_raise(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("200.00"),
        reason=ReceivableReason.WRONG_PAYMENT,
        key="w",
    )
    owe(world.zhengzhou, world.zz_school, "150.00")
    with pytest.raises(
        Refusal, match=re.escape("应退回余额 200.00 元，应付余额 150.00 元，本次抵扣 180.00 元超过可抵扣金额")
    ):
        receivable_offset(
            actor=None, region=world.zhengzhou, payee=world.zz_school, amount=D("180.00"), key="o"
        )
    entry = receivable_offset(actor=None, region=world.zhengzhou, payee=world.zz_school, key="o")
    assert lines_of(entry)[0][1] == D("150.00")
    assert payee_balance(world.zhengzhou, RECEIVABLE, world.zz_school) == D("50.00")
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("0.00")
    assert_books_balance()


# --------------------------------------------------------------------------------------------------
# Prepayment (F04)

PROJECT = ("claims.Project", "7")


def _prepaid(world: World, amount: str = "2000.00") -> dict[str, Fund]:
    funds = funded(world.zhengzhou, special_account="10000.00")
    entry = prepayment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D(amount),
        key="project-7:prepay",
        date=DAY,
        source=PROJECT,
    )
    assert entry.kind == EntryKind.PREPAYMENT
    assert lines_of(entry) == [
        (f"prepayment:org:{world.zz_school.pk}", D(amount), D("0.00")),
        ("fund_cash:special_account", D("0.00"), D(amount)),
    ]
    assert_books_balance()
    return funds


def test_f04_prepayment_settled_with_a_balance_due(world: World) -> None:
    # Given 2000.00 (40 % of 5000.00) prepaid to the project
    funds = _prepaid(world)
    assert payee_balance(world.zhengzhou, PREPAYMENT, world.zz_school) == D("2000.00")
    # When the final subsidy is 4800.00
    entry = prepayment_settle(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        subsidy=D("4800.00"),
        key="project-7:settle",
        source=PROJECT,
        date=DAY,
    )
    # Then the prepayment is cleared, 4800.00 expensed, 2800.00 still owed
    assert lines_of(entry) == [
        (f"prepayment:org:{world.zz_school.pk}", D("0.00"), D("2000.00")),
        ("subsidy_expense", D("4800.00"), D("0.00")),
        (f"payable:org:{world.zz_school.pk}", D("0.00"), D("2800.00")),
    ]
    assert entry.memo == "预拨清算 郑州商业技师学院：核定 4,800.00 元，已预拨 2,000.00 元"
    assert payee_balance(world.zhengzhou, PREPAYMENT, world.zz_school) == D("0.00")
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("2800.00")
    assert_books_balance()
    # And the balance due is paid like any payable
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("2800.00"),
        key="project-7:pay",
    )
    assert cash(funds[SPECIAL]) == D("5200.00")
    assert expense(world.zhengzhou) == D("4800.00")
    assert_books_balance()


def test_f04_prepayment_beyond_the_subsidy_becomes_a_receivable(world: World) -> None:
    _prepaid(world)
    entry = prepayment_settle(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        subsidy=D("1500.00"),
        key="project-7:settle",
        source=PROJECT,
    )
    assert lines_of(entry) == [
        (f"prepayment:org:{world.zz_school.pk}", D("0.00"), D("2000.00")),
        ("subsidy_expense", D("1500.00"), D("0.00")),
        (f"receivable:org:{world.zz_school.pk}", D("500.00"), D("0.00")),
    ]
    assert payee_balance(world.zhengzhou, RECEIVABLE, world.zz_school) == D("500.00")
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("0.00")
    assert_books_balance()


def test_f04_prepayment_of_a_failed_project_is_all_receivable(world: World) -> None:
    _prepaid(world, "1000.00")
    entry = prepayment_settle(
        actor=None, region=world.zhengzhou, payee=world.zz_school, subsidy=D("0"), key="s", source=PROJECT
    )
    assert lines_of(entry) == [
        (f"prepayment:org:{world.zz_school.pk}", D("0.00"), D("1000.00")),
        (f"receivable:org:{world.zz_school.pk}", D("1000.00"), D("0.00")),
    ]
    assert_books_balance()


def test_f04_settle_exactly_the_prepayment_leaves_nothing_owed_either_way(world: World) -> None:
    _prepaid(world)
    entry = prepayment_settle(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        subsidy=D("2000.00"),
        key="s",
        source=PROJECT,
    )
    assert len(lines_of(entry)) == 2
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("0.00")
    assert payee_balance(world.zhengzhou, RECEIVABLE, world.zz_school) == D("0.00")


def test_f04_settle_is_once_per_project_and_needs_a_prepayment(world: World) -> None:
    _prepaid(world)
    first = prepayment_settle(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        subsidy=D("4800.00"),
        key="s1",
        source=PROJECT,
        date=DAY,
    )
    # The same key is a retry
    assert (
        prepayment_settle(
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            subsidy=D("4800.00"),
            key="s1",
            source=PROJECT,
        ).pk
        == first.pk
    )
    before = counts()
    with pytest.raises(Refusal) as exc:
        prepayment_settle(
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            subsidy=D("4800.00"),
            key="s2",
            source=PROJECT,
        )
    assert exc.value.render() == (
        f"“来源”：该项目的预拨款已于 2021-06-30 清算（分录 #{first.pk}），不能再次清算"
        "（规则 F04，依据 ZZ21 三(四)；XC19 二(三)1）"
    )
    with pytest.raises(Refusal, match="在该项目下没有预拨款，无需清算"):
        prepayment_settle(
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            subsidy=D("100.00"),
            key="s3",
            source=("claims.Project", "8"),
        )
    with pytest.raises(Refusal, match="预拨清算须指明来源"):
        prepayment_settle(
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            subsidy=D("100.00"),
            key="s4",
            source=None,
        )
    assert counts() == before
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("2800.00")


def test_f04_prepayment_is_drawn_in_f13_order_and_refused_when_short(world: World) -> None:
    funds = funded(world.zhengzhou, special_account="300.00", employment_subsidy="1000.00")
    entry = prepayment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("500.00"),
        key="pp",
        source=PROJECT,
    )
    assert lines_of(entry)[1:] == [
        ("fund_cash:special_account", D("0.00"), D("300.00")),
        ("fund_cash:employment_subsidy", D("0.00"), D("200.00")),
    ]
    with pytest.raises(Refusal, match=r"资金不足.*F13"):
        prepayment_make(
            fund_order=F13_FUND_ORDER,
            actor=None,
            region=world.zhengzhou,
            payee=world.zz_school,
            amount=D("800.01"),
            key="pp2",
        )
    assert cash(funds[EMPLOYMENT]) == D("800.00")
    assert_books_balance()


# --------------------------------------------------------------------------------------------------
# Corrections are reversing entries


def test_entry_reverse_swaps_every_side_once(world: World) -> None:
    funds = funded(world.zhengzhou, special_account="1000.00")
    owe(world.zhengzhou, world.zz_school, "400.00")
    payment = payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("400.00"),
        key="p",
    )
    reversal = entry_reverse(actor=world.users["finance"], entry=payment, key="p:reverse", date=DAY)
    assert (reversal.kind, reversal.source_type, reversal.source_id, reversal.memo) == (
        EntryKind.REVERSAL,
        "ledger.JournalEntry",
        str(payment.pk),
        f"冲销分录 #{payment.pk}",
    )
    assert lines_of(reversal) == [
        (f"payable:org:{world.zz_school.pk}", D("0.00"), D("400.00")),
        ("fund_cash:special_account", D("400.00"), D("0.00")),
    ]
    assert cash(funds[SPECIAL]) == D("1000.00")
    assert payee_balance(world.zhengzhou, PAYABLE, world.zz_school) == D("400.00")
    assert entry_reverse(actor=None, entry=payment, key="p:reverse").pk == reversal.pk
    with pytest.raises(Refusal, match=f"分录 #{payment.pk} 已由分录 #{reversal.pk} 冲销，不能再次冲销"):
        entry_reverse(actor=None, entry=payment, key="p:reverse-again")
    assert_books_balance()


def test_entry_reverse_cannot_take_a_spent_budget_back(world: World) -> None:
    fund = fund_open(actor=None, region=world.zhengzhou, kind=SPECIAL)
    budget = fund_appropriate(actor=None, fund=fund, amount=D("500.00"), key="b")
    owe(world.zhengzhou, world.zz_school, "300.00")
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("300.00"),
        key="p",
    )
    with pytest.raises(Refusal, match=re.escape("余额 200.00 元，本分录减少 500.00 元后为负")):
        entry_reverse(actor=None, entry=budget, key="b:reverse")
    assert cash(fund) == D("200.00")


# --------------------------------------------------------------------------------------------------
# Payee accounts


def test_payee_accounts_are_per_region_and_payee(world: World) -> None:
    a = payee_account(world.zhengzhou, PAYABLE, world.zz_school)
    b = payee_account(world.zhengzhou, PAYABLE, world.zz_school)
    c = payee_account(world.jinshui, PAYABLE, world.zz_school)
    d = payee_account(world.zhengzhou, PAYABLE, world.zz_person)
    assert a.pk == b.pk and len({a.pk, c.pk, d.pk}) == 3
    assert (d.code, d.name, d.person_id, d.organisation_id) == (
        f"payable:person:{world.zz_person.pk}",
        "应付补贴·李明",
        world.zz_person.pk,
        None,
    )
    with pytest.raises(Refusal, match="收款人须为机构或实名登记人员"):
        payable_recognise(
            actor=None,
            region=world.zhengzhou,
            payee=world.zhengzhou,
            amount=D("1.00"),
            key="x",  # type: ignore[arg-type]
        )
