"""Fund use per year (issue 14): spending split into training and evaluation subsidies, F15 (XC23 sets
a floor of 15 % of the year's employment subsidy fund; ZZ21, HC21 and XC19 set none), the bureau's
report and its export, the ledger's pages, and the public page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from jineng.claims import funduse, services
from jineng.claims.funduse import Purpose, fund_use_for, fund_use_public
from jineng.claims.models import BatchItem
from jineng.claims.tests.factories import approved, assessed_class
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.home.selectors import work_for
from jineng.ledger.models import Fund, FundKind
from jineng.ledger.selectors import fund_outflows
from jineng.ledger.services import fund_budget_set, payment_make
from jineng.ledger.tests.books import owe
from jineng.regions.models import Region
from jineng.regions.services import profile_assign, region_create

pytestmark = pytest.mark.django_db

D = Decimal
EMPLOYMENT, SPECIAL = FundKind.EMPLOYMENT_SUBSIDY, FundKind.SPECIAL_ACCOUNT


def _pay(region: Region, payee: object, amount: str, source: tuple[str, str], year: int, key: str) -> None:
    owe(region, payee, amount)  # type: ignore[arg-type]
    payment_make(
        actor=None,
        region=region,
        payee=payee,  # type: ignore[arg-type]
        amount=D(amount),
        key=key,
        fund_order=(SPECIAL, EMPLOYMENT),
        date=dt.date(year, 6, 30),
        source=source,
    )


def _books(world: World, code: str) -> tuple[Region, int]:
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


def _budget_and_pay(world: World, code: str) -> tuple[Region, int]:
    """Given an employment subsidy fund of 1,000,000.00 for the year and 120,000.00 of training subsidies
    paid from it (two claims), and 50,000.00 from the special account."""
    region, year = _books(world, code)
    fund_budget_set(actor=None, region=region, kind=EMPLOYMENT, year=year, amount=D("1000000.00"))
    fund_budget_set(actor=None, region=region, kind=SPECIAL, year=year, amount=D("50000.00"))
    payee = world.xc_school
    _pay(region, payee, "50000.00", ("claims.Claim", "1"), year, f"{code}-1")  # the special account first
    _pay(region, payee, "100000.00", ("claims.Claim", "2"), year, f"{code}-2")
    _pay(region, payee, "20000.00", ("claims.Prepayment", "3"), year, f"{code}-3")
    return region, year


NO_FLOOR = {
    "ZZ21": "本政策口径未规定“培训和评价补贴占就业补助资金最低比例”（规则 F15，政策档案 ZZ21 《郑技领办〔2021〕6号 2021年郑州市全民技能振兴工程暨职业技能提升行动工作方案》）：本文件未规定",
    "HC21": "本政策口径未规定“培训和评价补贴占就业补助资金最低比例”（规则 F15，政策档案 HC21 《潢技领办〔2021〕1号 2021年潢川县全民技能振兴工程暨职业技能提升行动工作方案》）：本文件未规定",
    "XC19": "本政策口径未规定“培训和评价补贴占就业补助资金最低比例”（规则 F15，政策档案 XC19 《许政办〔2019〕20号 许昌市职业技能提升行动方案（2019—2021年）》）：本三年行动方案未规定“培训和评价补贴占就业补助资金最低比例”",
}


def test_f15_under_xc23_warns_at_12_percent(world: World) -> None:
    _region, year = _budget_and_pay(world, "XC23")
    (use,) = fund_use_public(year).regions
    rows = {r.fund.fund.kind: r for r in use.rows}
    # The split: every claim and prepayment paid training subsidies; no evaluation subsidy was paid
    assert (rows[EMPLOYMENT].fund.paid, rows[EMPLOYMENT].training, rows[EMPLOYMENT].evaluation) == (
        D("120000.00"),
        D("120000.00"),
        D("0.00"),
    )
    assert (rows[SPECIAL].fund.paid, rows[SPECIAL].training) == (D("50000.00"), D("50000.00"))
    # F15: 120,000.00 / 1,000,000.00 = 12.0 % < 15 % → below the floor (the special account does not count)
    f15 = use.f15
    assert (f15.budget, f15.subsidies, f15.share, f15.minimum, f15.below) == (
        D("1000000.00"),
        D("120000.00"),
        D("12.0"),
        D("0.15"),
        True,
    )
    assert f15.text == (
        "许昌市 2023 年就业补助资金预算 1,000,000.00 元，全年用于培训和评价补贴 120,000.00 元，占 12.0%，"
        "未达到 15% 的下限"
        "（规则 F15，依据 XC23 三(三) 就业补助资金用于培训和评价补贴的比例不得低于年内资金总额的15%）"
    )


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19"])
def test_f15_no_floor_where_the_document_sets_none(world: World, code: str) -> None:
    region, year = _budget_and_pay(world, code)
    (use,) = [u for u in fund_use_public(year).regions if u.region == region]
    assert (use.f15.minimum, use.f15.below, use.f15.share) == (None, False, D("12.0"))
    assert use.f15.text == NO_FLOOR[code]


def test_f15_evaluation_subsidies_count_towards_the_floor(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a programme that pays evaluation subsidies (评价补贴) and registers its payments as such
    monkeypatch.setattr(funduse, "_classifiers", dict(funduse._classifiers))
    funduse.purpose_provide("test.Evaluation", lambda ids: dict.fromkeys(ids, Purpose.EVALUATION.value))
    region, year = _budget_and_pay(world, "XC23")
    _pay(region, world.xc_school, "30000.00", ("test.Evaluation", "9"), year, "eval")
    # And a payment nobody classifies
    _pay(region, world.xc_school, "1000.00", ("test.Unknown", "1"), year, "other")
    (use,) = fund_use_public(year).regions
    employment = next(r for r in use.rows if r.fund.fund.kind == EMPLOYMENT)
    assert (employment.training, employment.evaluation, employment.other) == (
        D("120000.00"),
        D("30000.00"),
        D("1000.00"),
    )
    # 150,000.00 / 1,000,000.00 = 15.0 %: the floor is met
    assert (use.f15.share, use.f15.below) == (D("15.0"), False)
    assert use.f15.text.startswith(
        "许昌市 2023 年就业补助资金预算 1,000,000.00 元，全年用于培训和评价补贴 150,000.00 元，占 15.0%，不低于 15% 的下限"
    )


def test_f15_without_an_employment_budget_says_so(world: World) -> None:
    fund_budget_set(actor=None, region=world.xuchang, kind=SPECIAL, year=2023, amount=D("100.00"))
    (use,) = fund_use_public(2023).regions
    assert use.f15.below is True
    assert use.f15.text.startswith("许昌市尚未设定 2023 年就业补助资金预算：")
    # A past year's warning on the budgets page is a finding, not a forecast
    page = world.client(world.outsiders[Role.HR_ADMIN]).get("/ledger/budgets/?year=2023").content.decode()
    assert '<span class="badge warn">未达标</span>' in page and "预警" not in page


def test_the_bureaus_report_and_its_export(world: World) -> None:
    _budget_and_pay(world, "XC23")
    user = world.outsiders[Role.HR_ADMIN]  # Xuchang's bureau
    client = world.client(user)
    page = client.get("/claims/funds/?year=2023").content.decode()
    assert "年度报告" in page and "未达标" in page and "占 12.0%" in page
    assert "本年度尚无评价补贴支付记录" in page
    response = client.get("/claims/funds/?year=2023&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:6] == [
        "区域",
        "资金来源",
        "年度预算（元）",
        "本年支付（元）",
        "其中：培训补贴（元）",
        "其中：评价补贴（元）",
    ]
    employment = next(r for r in rows if r[1] == "就业补助资金")
    assert employment[2:7] == [1000000, 120000, 120000, 0, 0]
    assert any(r[1] == "F15" and "占 12.0%" in r[2] for r in rows)
    # Zhengzhou's bureau sees none of Xuchang's funds
    assert fund_use_for(world.users[Role.HR_ADMIN], 2023).regions == []


def test_ledger_pages_and_home_show_the_f15_warning_while_the_year_runs(world: World) -> None:
    # Given this year's XC23-governed books at 12 %
    year = dt.date.today().year
    profile_assign(actor=None, region=world.xuchang, year=year, profile_code="XC23")
    fund_budget_set(actor=None, region=world.xuchang, kind=EMPLOYMENT, year=year, amount=D("1000000.00"))
    _pay(world.xuchang, world.xc_school, "120000.00", ("claims.Claim", "1"), year, "now")
    user = world.outsiders[Role.HR_ADMIN]
    client = world.client(user)
    for url in ("/ledger/", f"/ledger/budgets/?year={year}", f"/claims/funds/?year={year}"):
        page = client.get(url).content.decode()
        assert (
            "预警" in page
            and f"许昌市 {year} 年就业补助资金预算 1,000,000.00 元，截至目前用于培训和评价补贴" in page
        ), url
        assert "低于 15% 的下限" in page, url
    (item,) = [i for i in work_for(user) if "F15" in i.label]
    assert item.level == "warn" and item.url == f"/claims/funds/?year={year}"


def test_public_page_needs_no_login_and_names_no_payee(world: World) -> None:
    _budget_and_pay(world, "XC23")
    page = Client().get("/claims/funds/public/?year=2023")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2023 年职业技能提升行动资金使用情况" in text
    assert "1,000,000.00" in text and "120,000.00" in text and "占 12.0%" in text
    assert world.xc_school.name not in text
    assert "当前余额" not in text
    # One region's page, the link a bureau puts on its own site
    other = region_create(actor=None, name="开封市", kind="city", parent=world.henan, code="410200")
    fund_budget_set(actor=None, region=other, kind=EMPLOYMENT, year=2023, amount=D("7.00"))
    assert "开封市" in Client().get("/claims/funds/public/?year=2023").content.decode()
    one = Client().get(f"/claims/funds/public/?year=2023&region={world.xuchang.pk}").content.decode()
    assert "许昌市 2023 年职业技能提升行动资金使用情况" in one and "开封市</h2>" not in one
    # And the same through the API, without a token
    body = Client().get(f"/api/v1/fund-use?year=2023&region_id={world.xuchang.pk}").json()
    assert [(r["region"], r["f15"]["share_percent"], r["f15"]["below"]) for r in body] == [
        ("许昌市", "12.0", True)
    ]
    employment = next(f for f in body[0]["funds"] if f["kind"] == "employment_subsidy")
    assert (employment["budget"], employment["paid"], employment["training"], employment["evaluation"]) == (
        "1000000.00",
        "120000.00",
        "120000.00",
        "0.00",
    )
    assert "payee" not in str(body) and world.xc_school.name not in str(body)
    assert Client().get("/api/v1/fund-use?year=2023&region_id=999999").status_code == 404


def test_the_public_reads_no_staff_message_and_the_missing_floor_once(world: World) -> None:
    # Given 2021 books under ZZ21, XC19 and HC21 (none sets an F15 floor)
    for code in ("ZZ21", "XC19", "HC21"):
        _budget_and_pay(world, code)
    text = Client().get("/claims/funds/public/?year=2021").content.decode()
    # Then the public page says once which regions' documents set no floor, not the long sentence per region
    assert text.count("适用的政策文件未规定") == 1
    assert (
        '<p class="f15 small"><span class="rule">F15</span> 郑州市、许昌市、潢川县适用的政策文件未规定'
        "培训和评价补贴占就业补助资金的最低比例。</p>"
    ) in text
    assert "本政策口径未规定" not in text
    assert '<td class="num fit">1,000,000.00</td>' in text  # thousands separated
    # And a year nobody has set up: a short neutral phrase, not the message asking an administrator to act
    fund_budget_set(actor=None, region=world.zhengzhou, kind=EMPLOYMENT, year=2019, amount=D("5.00"))
    text = Client().get("/claims/funds/public/?year=2019").content.decode()
    assert '<p class="f15"><span class="rule">F15</span> 本年度尚未公布</p>' in text
    assert "管理员" not in text and "未设定" not in text
    # While the staff's own report still says what to do
    staff = world.client(world.users[Role.HR_ADMIN]).get("/claims/funds/?year=2019").content.decode()
    assert "郑州市 及其上级区域均未设定 2019 年适用的政策档案，请管理员先设定" in staff


def test_a_claim_paid_through_its_batch_is_training_spending_of_the_funds_it_drew_on(world: World) -> None:
    # Given ZZ21 budgets set by the bureau: 10,000.00 special account, 1,000,000.00 employment subsidy
    admin = world.users[Role.HR_ADMIN]
    fund_budget_set(actor=admin, region=world.zhengzhou, kind=SPECIAL, year=2021, amount=D("10000.00"))
    fund_budget_set(actor=admin, region=world.zhengzhou, kind=EMPLOYMENT, year=2021, amount=D("1000000.00"))
    claim = approved(world, assessed_class(world))
    # When the week's batch pays the 60,000.00 claim
    batch = services.batch_open(actor=admin, region=world.zhengzhou, today=dt.date(2021, 7, 7))
    services.batch_collect(actor=admin, batch=batch)
    services.batch_send(actor=world.users[Role.HR_SECOND], batch=batch)
    services.batch_pay(
        actor=world.users[Role.FINANCE], batch=batch, bank_reference="HX0709009", today=dt.date(2021, 7, 9)
    )
    # Then F13 drew the special account first, the rest from the employment subsidy fund
    assert BatchItem.objects.get(claim=claim).funds == [
        {"fund": "职业技能提升行动专账资金", "amount": "10000.00"},
        {"fund": "就业补助资金", "amount": "50000.00"},
    ]
    # And the year's fund use counts both as training subsidies; ZZ21 sets no F15 floor
    (use,) = fund_use_for(admin, 2021).regions
    rows = {r.fund.fund.kind: r for r in use.rows}
    assert (rows[SPECIAL].training, rows[EMPLOYMENT].training, rows[EMPLOYMENT].evaluation) == (
        D("10000.00"),
        D("50000.00"),
        D("0.00"),
    )
    assert (use.f15.share, use.f15.below, use.f15.text) == (D("5.0"), False, NO_FLOOR["ZZ21"])
    # And the books' entries name the claim by its ref, linked, the code only as the secondary detail
    html = world.client(admin).get("/ledger/entries/", {"source_type": "claims.Claim"}).content.decode()
    shown = (
        f'<span class="muted small">来源：<a href="/claims/{claim.pk}/">补贴申领 {claim.ref}</a> '
        f'<span class="mono">claims.Claim#{claim.pk}</span></span>'
    )
    assert html.count(shown) == 2  # recognised (确认应付), then paid


def test_payments_of_a_type_with_one_purpose_are_summed_per_type(world: World) -> None:
    # The public page reads this for anyone: one row per fund and source type, not per claim
    _budget_and_pay(world, "XC23")
    _pay(world.xuchang, world.xc_school, "5.00", ("claims.Claim", "4"), 2023, "more")
    rows = fund_outflows(Fund.objects.all(), 2023, by_id=funduse.per_id_types())
    assert sorted((o.fund_kind, o.source_type, o.source_id, o.amount) for o in rows) == [
        (EMPLOYMENT, "claims.Claim", "", D("100005.00")),
        (EMPLOYMENT, "claims.Prepayment", "", D("20000.00")),
        (SPECIAL, "claims.Claim", "", D("50000.00")),
    ]
