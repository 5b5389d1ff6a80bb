"""Yearly budgets per fund source and region (issue 14), booked as appropriations and cuts through
``entries_post``, and the F13 draw order over budgets set this way under each profile."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.ledger.models import EntryKind, Fund, FundKind, JournalEntry
from jineng.ledger.selectors import fund_years, fund_years_of
from jineng.ledger.services import fund_budget_set, payment_make, year_budget
from jineng.ledger.tests.books import DAY, assert_books_balance, cash, lines_of, owe
from jineng.policy.claims import fund_order
from jineng.regions.models import Region
from jineng.regions.selectors import profile_for
from jineng.regions.services import profile_assign, region_create

pytestmark = pytest.mark.django_db

D = Decimal
SPECIAL, EMPLOYMENT, UNEMPLOYMENT = (
    FundKind.SPECIAL_ACCOUNT,
    FundKind.EMPLOYMENT_SUBSIDY,
    FundKind.UNEMPLOYMENT_INSURANCE,
)


def test_a_budget_is_an_appropriation_entry_and_an_audit_event(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    # Given no employment subsidy fund in Zhengzhou yet
    # When the bureau sets its 2021 budget to 1,000,000.00
    change = fund_budget_set(
        actor=admin, region=world.zhengzhou, kind=EMPLOYMENT, year=2021, amount=D("1000000.00")
    )
    # Then the fund is opened, the budget is booked as an appropriation dated in 2021, and audited
    assert (change.before, change.after) == (D("0.00"), D("1000000.00"))
    entry = change.entry
    assert entry is not None and entry.kind == EntryKind.APPROPRIATION and entry.date.year == 2021
    assert lines_of(entry) == [
        ("fund_cash:employment_subsidy", D("1000000.00"), D("0.00")),
        ("appropriation:employment_subsidy", D("0.00"), D("1000000.00")),
    ]
    event = Event.objects.filter(action="ledger.budget_set").get()
    assert (event.from_state, event.to_state, event.payload["year"]) == ("0.00", "1000000.00", 2021)
    assert event.region_path == world.zhengzhou.path
    assert Event.objects.filter(action="ledger.appropriation", object_id=str(entry.pk)).count() == 1
    assert year_budget(change.fund, 2021) == D("1000000.00")
    assert year_budget(change.fund, 2022) == D("0.00")
    assert_books_balance()


def test_a_lower_budget_is_a_cut_and_the_same_budget_writes_nothing(world: World) -> None:
    admin = world.users[Role.FINANCE]
    fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("500.00"))
    # When the budget is lowered to 300.00
    cut = fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("300.00"))
    # Then a cut entry takes 200.00 back from the fund's cash
    assert cut.entry is not None and cut.entry.kind == EntryKind.APPROPRIATION_CUT
    assert lines_of(cut.entry) == [
        ("appropriation:special_account", D("200.00"), D("0.00")),
        ("fund_cash:special_account", D("0.00"), D("200.00")),
    ]
    assert cash(cut.fund) == D("300.00")
    # And setting 300.00 again changes nothing: no entry, no event
    entries, events = JournalEntry.objects.count(), Event.objects.count()
    same = fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("300.00"))
    assert same.entry is None
    assert (JournalEntry.objects.count(), Event.objects.count()) == (entries, events)
    # And raising it back to 500.00 is a new entry (its own key), not a replay of the first
    again = fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("500.00"))
    assert again.entry is not None and again.entry.key.endswith(":2021:3")
    assert cash(again.fund) == D("500.00")
    assert_books_balance()


def test_f13_a_cut_below_what_was_paid_is_refused(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("1000.00"))
    owe(world.zhengzhou, world.zz_school, "800.00")
    payment_make(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("800.00"),
        key="pay",
        fund_order=(SPECIAL,),
        date=DAY,
    )
    with pytest.raises(Refusal) as exc:
        fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("100.00"))
    assert exc.value.render() == (
        "“年度预算”：郑州市职业技能提升行动专账资金 2021 年预算拟由 1,000.00 元调减为 100.00 元，需调回 900.00 元，"
        "但该资金现仅余 200.00 元（其余已支付），未调减"
        "（规则 F13，依据 ZZ21 附件2 资金来源；HC21 三(二) 优先使用专账资金）"
    )


def test_budget_refusals(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    with pytest.raises(PermissionDenied):
        fund_budget_set(
            actor=world.users[Role.AUDITOR], region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("1")
        )
    with pytest.raises(Refusal) as exc:
        fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=0.1)  # type: ignore[arg-type]
    assert (exc.value.field, exc.value.rule) == ("年度预算", "F13")
    assert exc.value.message == "金额须为 Decimal 十进制数（收到 float），不接受浮点数"
    with pytest.raises(Refusal) as exc:
        fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("-5.00"))
    assert exc.value.render() == (
        "“年度预算”：年度预算不能为负数：调减请填写调减后的预算总额"
        "（规则 F13，依据 ZZ21 附件2 资金来源；HC21 三(二) 优先使用专账资金）"
    )
    with pytest.raises(Refusal) as exc:
        fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=1999, amount=D("1"))
    assert (exc.value.field, exc.value.rule) == ("年度", "F13")
    with pytest.raises(Refusal) as exc:
        fund_budget_set(actor=admin, region=world.zhengzhou, kind="lottery", year=2021, amount=D("1"))
    assert (exc.value.field, exc.value.rule) == ("资金来源", "F13")
    assert not Fund.objects.exists()


def test_fund_years_read_the_years_budget_paid_and_balance(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2020, amount=D("100.00"))
    fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("1000.00"))
    owe(world.zhengzhou, world.zz_school, "250.00")
    payment_make(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("250.00"),
        key="pay",
        fund_order=(SPECIAL,),
        date=DAY,
    )
    (row,) = fund_years(admin, 2021)
    assert (row.budget, row.paid, row.refunded, row.remaining) == (
        D("1000.00"),
        D("250.00"),
        D("0.00"),
        D("850.00"),  # 2020's 100.00 carried over
    )
    (row2020,) = fund_years(admin, 2020)
    assert (row2020.budget, row2020.paid) == (D("100.00"), D("0.00"))
    # Xuchang's users see none of Zhengzhou's funds
    assert fund_years(world.outsiders[Role.HR_ADMIN], 2021) == []


# --------------------------------------------------------------------------------------------------
# F13 over budgets set by the bureau, under each profile.


def _books(world: World, code: str) -> tuple[Region, int]:
    """A region governed by ``code`` and the profile's year."""
    if code == "ZZ21":
        return world.zhengzhou, 2021
    if code == "XC23":
        return world.xuchang, 2023
    if code == "XC19":
        profile_assign(actor=None, region=world.xuchang, year=2021, profile_code="XC19")
        return world.xuchang, 2021
    xinyang = region_create(actor=None, name="信阳市", kind="city", parent=world.henan, code="411500")
    huangchuan = region_create(actor=None, name="潢川县", kind="county", parent=xinyang, code="411526")
    profile_assign(actor=None, region=huangchuan, year=2021, profile_code="HC21")
    return huangchuan, 2021


CLAUSES = {
    "ZZ21": "ZZ21 附件2 资金来源；HC21 三(二) 优先使用专账资金",
    "HC21": "HC21 附件2 资金来源；HC21 三(二) 优先使用专账资金",
    "XC19": "XC19 二(三)2 失业保险基金结余专项用于职业技能提升行动；HC21 三(二) 优先使用专账资金",
    "XC23": "XC23 附件3 资金来源；HC21 三(二) 优先使用专账资金",
}


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19", "XC23"])
def test_f13_payments_draw_on_budgets_in_the_profiles_order(world: World, code: str) -> None:
    region, year = _books(world, code)
    day = DAY.replace(year=year)
    order = fund_order(profile_for(region, year))
    assert order == (SPECIAL, EMPLOYMENT)  # HC21 三(二) by its own parameter; the others by RULES.md F13
    admin = world.users[Role.HR_ADMIN] if region == world.zhengzhou else None
    for kind, amount in ((SPECIAL, "100.00"), (EMPLOYMENT, "1000.00"), (UNEMPLOYMENT, "5000.00")):
        fund_budget_set(actor=admin, region=region, kind=kind, year=year, amount=D(amount))
    payee = world.xc_school
    owe(region, payee, "1500.00")

    def pay(amount: str, key: str) -> JournalEntry:
        return payment_make(
            actor=None, region=region, payee=payee, amount=D(amount), key=key, fund_order=order, date=day
        )

    # The special account first, the rest from the employment subsidy fund
    first = pay("300.00", f"{code}-1")
    assert lines_of(first)[1:] == [
        ("fund_cash:special_account", D("0.00"), D("100.00")),
        ("fund_cash:employment_subsidy", D("0.00"), D("200.00")),
    ]
    # The special account has no budget left: skipped
    second = pay("500.00", f"{code}-2")
    assert lines_of(second)[1:] == [("fund_cash:employment_subsidy", D("0.00"), D("500.00"))]
    # Both spent: refused, naming each fund, the rule and the profile's clause; the unemployment
    # insurance fund (not in the order) is not touched
    with pytest.raises(Refusal) as exc:
        pay("700.00", f"{code}-3")
    assert exc.value.render() == (
        f"“资金来源”：应支付 700.00 元，{region.name}可用资金合计 300.00 元（职业技能提升行动专账资金 0.00 元，"
        f"就业补助资金 300.00 元），资金不足，未支付（规则 F13，依据 {CLAUSES[code]}）"
    )
    rows = {r.fund.kind: r for r in fund_years_of(Fund.objects.filter(region=region), year)}
    assert (rows[SPECIAL].paid, rows[EMPLOYMENT].paid, rows[UNEMPLOYMENT].paid) == (
        D("100.00"),
        D("700.00"),
        D("0.00"),
    )
    assert (rows[SPECIAL].remaining, rows[EMPLOYMENT].remaining, rows[UNEMPLOYMENT].remaining) == (
        D("0.00"),
        D("300.00"),
        D("5000.00"),
    )
    assert_books_balance()


def test_budget_page_and_api(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    client = world.client(admin)
    # The page sets a budget and shows it, with the profile's fund sources and F13 order
    response = client.post(
        "/ledger/budgets/",
        {
            "region": world.zhengzhou.pk,
            "kind": SPECIAL,
            "year": 2021,
            "amount": "1000.00",
            "memo": "郑财社〔2021〕1号",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/ledger/budgets/?year=2021"
    page = client.get("/ledger/budgets/?year=2021").content.decode()
    assert "1,000.00" in page and "职业技能提升行动专账资金 → 就业补助资金" in page
    assert "文件所列资金来源：就业补助资金、失业保险基金、职业技能提升行动资金" in page
    owe(world.zhengzhou, world.zz_school, "800.00")
    payment_make(
        actor=None,
        region=world.zhengzhou,
        payee=world.zz_school,
        amount=D("800.00"),
        key="pay",
        fund_order=(SPECIAL,),
        date=DAY,
    )
    # A cut below what was paid: the refusal next to the amount, nothing written
    before = JournalEntry.objects.count()
    response = client.post(
        "/ledger/budgets/", {"region": world.zhengzhou.pk, "kind": SPECIAL, "year": 2021, "amount": "100.00"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["amount"]
    assert "但该资金现仅余 200.00 元" in errors[0] and "F13" in errors[0]
    assert JournalEntry.objects.count() == before
    # The API: read, set, and the same refusal in the envelope
    assert client.get("/api/v1/ledger/budgets?year=2021").json()[0]["budget"] == "1000.00"
    body = {"kind": SPECIAL, "year": 2021, "amount": "100.00"}
    refused = client.post("/api/v1/ledger/budgets", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "refused"
    assert "（规则 F13，依据 ZZ21 附件2 资金来源；HC21 三(二) 优先使用专账资金）" in refused.json()["message"]
    body["amount"] = "1500.00"
    done = client.post("/api/v1/ledger/budgets", body, content_type="application/json").json()
    assert (done["before"], done["after"], done["region_id"]) == ("1000.00", "1500.00", world.zhengzhou.pk)
    assert Event.objects.filter(action="ledger.budget_set").count() == 2


def test_the_xc19_allocation_from_the_unemployment_insurance_fund_is_shown_against_the_budgets(
    world: World,
) -> None:
    # Given XC19 in force in Xuchang for 2021 and two years of its unemployment insurance fund budgeted
    profile_assign(actor=None, region=world.xuchang, year=2021, profile_code="XC19")
    for year, amount in ((2019, "30000000.00"), (2020, "40000000.00")):
        fund_budget_set(actor=None, region=world.xuchang, kind=UNEMPLOYMENT, year=year, amount=D(amount))
    # When Xuchang's bureau opens the 2021 budgets
    page = world.client(world.outsiders[Role.HR_ADMIN]).get("/ledger/budgets/?year=2021").content.decode()
    # Then the document's figure is shown beside what was budgeted over its years
    assert (
        "文件安排失业保险基金 119,500,000.00 元，用于 2019—2021 年（XC19 二(三)2 2019—2021年，从我市失业保险基金结余中"
        "安排1.195亿元专项用于职业技能提升行动）；这些年度已设定的失业保险基金预算合计 70,000,000.00 元。"
    ) in page
    # And a profile without such a figure shows none
    page = world.client(world.users[Role.HR_ADMIN]).get("/ledger/budgets/?year=2021").content.decode()
    assert "文件安排失业保险基金" not in page
