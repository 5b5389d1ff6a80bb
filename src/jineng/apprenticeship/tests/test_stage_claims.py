"""企业新型学徒制 pays through the one claim pipeline: a cohort's yearly stage, priced per apprentice per
year by the province's 补贴标准目录 item (F02), under ZZ21, HC21, XC19 and XC23 (the enterprise's district
takes the profile, as in claims' test_standards), paid once, only to apprentices still in the cohort.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.apprenticeship import services
from jineng.apprenticeship.tests.factory import FIRST_YEAR_OVER, ITEM, cohort, standards
from jineng.claims.models import Claim, ClaimState
from jineng.claims.tests.factories import funded, to_paid
from jineng.claims.tests.test_standards import DOCS, under
from jineng.conftest import World
from jineng.ledger.models import AccountKind
from jineng.ledger.tests.books import assert_books_balance, payee_balance
from jineng.regions.services import profile_assign

pytestmark = pytest.mark.django_db

DAY = FIRST_YEAR_OVER
# Three working days' notice from Monday 7 March 2022 end on the 9th, five on the 11th.
NOTICE_OVER = {"ZZ21": dt.date(2022, 3, 10), "HC21": dt.date(2022, 3, 10), "XC19": dt.date(2022, 3, 14)}
NOTICE_OVER["XC23"] = dt.date(2022, 3, 14)
SOURCES = {
    **DOCS,
    "ZZ21": "郑技领办〔2021〕6号 本地补充规定（文件只列培训合格证、初级工、中级工、高级工的标准，其他证书和补贴类型按省补贴标准目录执行）",
}
STAGE1 = "第1年（2021-03-01至2022-02-28）"


def line_text(code: str, stage: str = STAGE1) -> str:
    return (
        "F02 电工·四级/中级工·职业技能等级证书（企业新型学徒制） 4000元/人·年 × 1 = 4000元"
        f"（{stage}；{ITEM}；{SOURCES[code]}）"
    )


def through_to_paid(w: World, claim: Claim, code: str) -> Claim:
    return to_paid(w, claim, claimed=DAY, notice_over=NOTICE_OVER[code])


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19", "XC23"])
def test_f02_a_cohorts_first_year_is_paid_per_apprentice_end_to_end(world: World, code: str) -> None:
    # Given the province's 电工 中级 apprenticeship line (4000 yuan per person per year), the city's
    # funds, and a two-year cohort of three apprentices from 1 March 2021 under the profile
    standards(world)
    under(world, code)
    funded(world)
    # (the city keeps its own profile in force for 2022, the year its batch pays the first stage)
    profile_assign(actor=None, region=world.zhengzhou, year=2022, profile_code="ZZ21")
    c = cohort(world, apprentices=3, years=2)
    assert (c.profile_code, c.ref[:12]) == (code, "XT2021410105")
    # (a two-year cohort: the first year is paid for the training itself, the second at completion)
    # When the school claims the first year after it ended, and the claim goes the common way to the bank
    claim = services.stage_claim_create(actor=world.users["institution"], cohort=c, stage=1, today=DAY)
    assert (claim.programme, claim.source_ref, claim.title) == (
        "apprenticeship",
        c.ref,
        "电工 郑州宇通电气有限公司1 第1年",
    )
    assert (claim.period_start, claim.period_end) == (dt.date(2021, 3, 1), dt.date(2022, 2, 28))
    claim = through_to_paid(world, claim, code)
    # Then the school is paid 4000 yuan for each apprentice, each line citing the item and the switch
    assert (claim.state, claim.headcount, claim.amount) == (ClaimState.PAID, 3, D("12000.00"))
    lines = list(claim.lines.order_by("row"))
    assert [(ln.row, ln.status, ln.amount, ln.rule_ids) for ln in lines] == [
        (1, "payable", D("4000.00"), "F02"),
        (2, "payable", D("4000.00"), "F02"),
        (3, "payable", D("4000.00"), "F02"),
    ]
    assert lines[0].computation == line_text(code)
    assert lines[0].label == "学徒1 第1年"
    assert lines[0].line_key == f"apprenticeship:{c.pk}:{lines[0].person_id}:1"
    # And the ledger paid it: nothing owed to the school, the batch item is the amount
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("0.00")
    assert claim.batch_item.amount == D("12000.00")
    assert_books_balance()
