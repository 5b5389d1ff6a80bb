"""Reading the books: balances, the trial balance, fund balances and a payee's statement, each in the
user's scope; the page, its Excel exports and the API."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.http import Http404
from openpyxl import load_workbook

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.conftest import PASSWORD, World
from jineng.ledger.models import ReceivableReason
from jineng.ledger.selectors import (
    entries_search,
    fund_balances,
    fund_remaining,
    payee_statement,
    trial_balance,
)
from jineng.ledger.services import payment_make, prepayment_make, receivable_raise
from jineng.ledger.tests.books import DAY, D, funded, owe
from jineng.policy.claims import F13_FUND_ORDER

API = "/api/v1/ledger"


@pytest.fixture
def books(world: World) -> World:
    """Zhengzhou: 10000.00 special + 5000.00 employment subsidy; the school owed 12000.00 and paid
    11000.00 (10000.00 + 1000.00 across the funds), 300.00 of it a wrong payment; 500.00 prepaid to the
    trainee. Xuchang: a fund of its own with 777.00 and a payment to its school."""
    funded(world.zhengzhou, special_account="10000.00", employment_subsidy="5000.00")
    owe(world.zhengzhou, world.zz_school, "12000.00")
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("11000.00"),
        key="zz-pay",
        date=DAY,
        source=("claims.Claim", "5"),
    )
    receivable_raise(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("300.00"),
        reason=ReceivableReason.WRONG_PAYMENT,
        key="zz-wrong",
        date=DAY,
    )
    prepayment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_person,
        amount=D("500.00"),
        key="zz-pre",
        date=DAY,
    )
    funded(world.xuchang, employment_subsidy="777.00")
    owe(world.xuchang, world.xc_school, "77.00")
    payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=world.xuchang,
        payee=world.xc_school,
        amount=D("77.00"),
        key="xc-pay",
        date=DAY,
    )
    return world


def test_trial_balance_of_the_city_balances_to_the_cent(books: World) -> None:
    tb = trial_balance(books.users["finance"])
    rows = {r.account.code: (r.net_debit, r.net_credit) for r in tb.rows}
    school, person = books.zz_school.pk, books.zz_person.pk
    assert rows == {
        "appropriation:employment_subsidy": (D("0.00"), D("5000.00")),
        "appropriation:special_account": (D("0.00"), D("10000.00")),
        "fund_cash:employment_subsidy": (D("3500.00"), D("0.00")),
        "fund_cash:special_account": (D("0.00"), D("0.00")),
        f"payable:org:{school}": (D("0.00"), D("1000.00")),
        f"prepayment:person:{person}": (D("500.00"), D("0.00")),
        f"receivable:org:{school}": (D("300.00"), D("0.00")),
        "subsidy_expense": (D("11700.00"), D("0.00")),
    }
    assert (tb.total_debit, tb.total_credit, tb.balanced) == (D("16000.00"), D("16000.00"), True)
    # Xuchang's books are a world apart, and balance on their own
    xc = trial_balance(books.outsiders["auditor"])
    assert (xc.total_debit, xc.total_credit) == (D("777.00"), D("777.00"))
    assert {r.account.region_id for r in xc.rows} == {books.xuchang.pk}


def test_trial_balance_as_of_a_date_before_anything_is_empty(books: World) -> None:
    import datetime as dt

    tb = trial_balance(books.users["finance"], as_of=dt.date(2021, 1, 1))
    assert (tb.rows, tb.total_debit, tb.total_credit) == ([], D("0.00"), D("0.00"))


def test_fund_balances_and_remaining(books: World) -> None:
    rows = {
        (f.fund.region.name, f.fund.kind): (f.appropriated, f.used, f.remaining)
        for f in fund_balances(books.users["hr_admin"])
    }
    assert rows == {
        ("郑州市", "employment_subsidy"): (D("5000.00"), D("1500.00"), D("3500.00")),
        ("郑州市", "special_account"): (D("10000.00"), D("10000.00"), D("0.00")),
    }
    xc_fund = fund_balances(books.outsiders["finance"])[0].fund
    assert fund_remaining(books.outsiders["finance"], xc_fund) == D("700.00")
    with pytest.raises(Http404):
        fund_remaining(books.users["finance"], xc_fund)


def test_payee_statement_in_scope_only(books: World) -> None:
    st = payee_statement(books.users["auditor"], books.zz_school)
    assert (st.payable, st.receivable, st.prepayment) == (D("1000.00"), D("300.00"), D("0.00"))
    assert [(p.entry.kind, p.debit, p.credit) for p in st.lines] == [
        ("payable", D("0.00"), D("12000.00")),
        ("payment", D("11000.00"), D("0.00")),
        ("receivable_wrong", D("300.00"), D("0.00")),
    ]
    assert payee_statement(books.users["finance"], books.zz_person).prepayment == D("500.00")
    with pytest.raises(Http404):
        payee_statement(books.outsiders["finance"], books.zz_school)
    with pytest.raises(Http404):
        payee_statement(books.users["finance"], books.xc_school)


@pytest.mark.parametrize(
    "role", ["institution", "hr_first", "dept_first", "inspector", "trainee", "evaluator"]
)
def test_roles_without_the_capability_see_no_books(books: World, role: str) -> None:
    user = books.users[role]
    assert trial_balance(user).rows == []
    assert fund_balances(user) == []
    assert not entries_search(user).exists()


def test_entries_search_by_source_and_kind(books: World) -> None:
    finance = books.users["finance"]
    assert [e.key for e in entries_search(finance, source_type="claims.Claim", source_id="5")] == ["zz-pay"]
    assert [e.key for e in entries_search(finance, kind="prepayment")] == ["zz-pre"]
    assert entries_search(finance).count() == 6  # 2 budgets, payable, payment, wrong payment, prepayment
    assert entries_search(books.outsiders["finance"]).count() == 3


# --------------------------------------------------------------------------------------------------
# The page and the API


def _get(world: World, user: User, url: str, **params: Any) -> Any:
    return world.client(user).get(url, params)


def test_overview_page_shows_funds_and_a_balanced_trial_balance(books: World) -> None:
    response = _get(books, books.users["finance"], "/ledger/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "借贷平衡" in html and "借贷不平衡" not in html
    assert "职业技能提升行动专账资金" in html and "16,000.00" in html and "3,500.00" in html
    assert "16000.00" not in html  # 18: amounts with thousands separated, as officials write them
    assert "许昌" not in html and "777.00" not in html
    # the fund balances' row: appropriated, used, remaining
    assert (
        '<td>职业技能提升行动专账资金</td><td class="num fit">10,000.00</td>'
        '<td class="num fit">10,000.00</td><td class="num fit">0.00</td>'
    ) in html


def test_entries_page_names_the_source_in_chinese_and_separates_thousands(books: World) -> None:
    html = _get(books, books.users["finance"], "/ledger/entries/", kind="payment").content.decode()
    # the source by its Chinese name, its code only as the secondary detail (no claim 5 here: its number)
    assert (
        '<span class="muted small">来源：补贴申领 5 <span class="mono">claims.Claim#5</span></span>' in html
    )
    assert '<td class="num fit">11,000.00</td>' in html and '<td class="num fit">10,000.00</td>' in html
    assert "11000.00" not in html
    # the filter offers the sources by name
    assert '<option value="claims.Claim">补贴申领</option>' in html


def test_f13_overview_gives_the_fund_order_and_clause_of_the_users_profile(world: World) -> None:
    # Given Zhengzhou under ZZ21, Xuchang under XC23 and the province above both
    province = user_create(
        actor=None, username="hn_cz", password=PASSWORD, display_name="省", role="finance", region=world.henan
    )
    order = "职业技能提升行动专账资金 → 就业补助资金"
    zz21 = f"{order}（ZZ21 附件2 资金来源；HC21 三(二) 优先使用专账资金）"
    xc23 = f"{order}（XC23 附件3 资金来源；HC21 三(二) 优先使用专账资金）"
    lead = "支付依次动用各项资金，前一项无结余的从下一项中支出："
    # When each finance user opens the books
    pages = {
        who: _get(world, user, "/ledger/").content.decode()
        for who, user in (
            ("zz", world.users["finance"]),
            ("xc", world.outsiders["finance"]),
            ("hn", province),
        )
    }
    # Then each reads the order and the F13 clause of its own profile; the province each, named
    assert f"{lead}{zz21}。" in pages["zz"] and "XC23" not in pages["zz"]
    assert f"{lead}{xc23}。" in pages["xc"] and "ZZ21" not in pages["xc"]
    assert f"{lead}许昌2023 {xc23}；郑州2021 {zz21}。" in pages["hn"]


def test_trial_balance_export(books: World) -> None:
    response = _get(books, books.users["auditor"], "/ledger/", format="xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "区域",
        "账户名称",  # 18: the Chinese label first, the code after it
        "账户代码",
        "科目",
        "借方发生额",
        "贷方发生额",
        "借方余额",
        "贷方余额",
    )
    assert rows[-1] == ("合计", None, None, None, None, None, 16000, 16000)
    assert len(rows) == 1 + 8 + 1


def test_entries_page_paginates_and_exports(books: World, settings: Any) -> None:
    settings.JINENG_PAGE_SIZE = 4
    finance = books.users["finance"]
    first = _get(books, finance, "/ledger/entries/").content.decode()
    assert "共 6 笔" in first and "第 1/2 页" in first
    assert "借：应付补贴·郑州商业技师学院" in first  # the newest entries first
    response = _get(books, finance, "/ledger/entries/", kind="payment", format="xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "分录号",
        "记账日期",
        "区域",
        "类别",
        "摘要",
        "来源",
        "账户名称",
        "账户代码",
        "借方",
        "贷方",
    )
    assert [(r[3], r[5], r[6], r[7], r[8], r[9]) for r in rows[1:]] == [
        (
            "支付（F13）",
            "claims.Claim#5",
            "应付补贴·郑州商业技师学院",
            f"payable:org:{books.zz_school.pk}",
            11000,
            None,
        ),
        (
            "支付（F13）",
            "claims.Claim#5",
            "资金存款·职业技能提升行动专账资金",
            "fund_cash:special_account",
            None,
            10000,
        ),
        (
            "支付（F13）",
            "claims.Claim#5",
            "资金存款·就业补助资金",
            "fund_cash:employment_subsidy",
            None,
            1000,
        ),
    ]


def test_api_money_is_exact_strings(books: World) -> None:
    finance = books.users["finance"]
    funds = _get(books, finance, f"{API}/funds").json()
    assert [(f["kind"], f["appropriated"], f["used"], f["remaining"]) for f in funds] == [
        ("employment_subsidy", "5000.00", "1500.00", "3500.00"),
        ("special_account", "10000.00", "10000.00", "0.00"),
    ]
    tb = _get(books, finance, f"{API}/trial-balance").json()
    assert (tb["total_debit"], tb["total_credit"], tb["balanced"]) == ("16000.00", "16000.00", True)
    page = _get(books, finance, f"{API}/entries", kind="payment").json()
    assert page["count"] == 1
    entry = page["items"][0]
    assert [(p["account_code"], p["debit"], p["credit"]) for p in entry["postings"]] == [
        (f"payable:org:{books.zz_school.pk}", "11000.00", "0.00"),
        ("fund_cash:special_account", "0.00", "10000.00"),
        ("fund_cash:employment_subsidy", "0.00", "1000.00"),
    ]
    assert _get(books, finance, f"{API}/entries/{entry['id']}").json() == entry
    st = _get(books, finance, f"{API}/statement", organisation_id=books.zz_school.pk).json()
    assert (st["payee"], st["payable"], st["receivable"], st["prepayment"]) == (
        "郑州商业技师学院",
        "1000.00",
        "300.00",
        "0.00",
    )


def test_api_statement_needs_exactly_one_payee(books: World) -> None:
    response = _get(books, books.users["finance"], f"{API}/statement")
    assert response.status_code == 422
    assert response.json()["message"] == "“收款人”：须且只须指定一个收款人：organisation_id 或 person_id"
