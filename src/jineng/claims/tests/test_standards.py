"""F02: every profile prices a claim line by one visible resolution order — the document's own amount,
else the 补贴标准目录 item in force on the class's start date, else a refusal naming the item.

Each profile is put in force for the class's district (金水区, 2021) so the same school, class and roster
run under ZZ21, HC21, XC19 and XC23; the province's list is imported through the catalogue service.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from jineng.accounts.services import user_create
from jineng.catalogue.importing import HEADERS
from jineng.catalogue.models import CatalogueItem
from jineng.catalogue.services import catalogue_import
from jineng.catalogue.tests.helpers import xlsx
from jineng.claims import services
from jineng.claims.models import ClaimState
from jineng.claims.tests.factories import CLAIMED, assessed_class, funded, in_notice
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind
from jineng.ledger.tests.books import assert_books_balance, payee_balance
from jineng.regions.services import profile_assign
from jineng.training.tests.factories import occupation, prepared_institution, submitted_class

pytestmark = pytest.mark.django_db

# 电工 of the province's 2021 list: 中级工 (level 4) and 技师 (level 2), 岗位技能提升培训, from 1 January.
INTERMEDIATE = [
    "6-31-01-03",
    "电工",
    "",
    "四级/中级工",
    "职业技能等级证书",
    80,
    "1800.00",
    "岗位技能提升培训",
    "",
    "否",
]
TECHNICIAN = [
    "6-31-01-03",
    "电工",
    "",
    "二级/技师",
    "职业技能等级证书",
    90,
    "3000.00",
    "岗位技能提升培训",
    "",
    "否",
]

ITEM_4 = "河南省2021年补贴标准目录 6-31-01-03 电工·四级/中级工·职业技能等级证书（岗位技能提升培训） 1800元，第1版 2021-01-01起"
ITEM_2 = "河南省2021年补贴标准目录 6-31-01-03 电工·二级/技师·职业技能等级证书（岗位技能提升培训） 3000元，第1版 2021-01-01起"
LOCAL = "本地补充规定（文件未列补贴标准，按省就业补助资金补贴标准即省补贴标准目录执行）"
DOCS = {
    "HC21": f"潢技领办〔2021〕1号 {LOCAL}",
    "XC19": "许政办〔2019〕20号 三(二)",
    "XC23": f"许技领办〔2023〕1号 {LOCAL}",
}


def standards(w: World, *rows: list[Any]) -> None:
    occupation()  # 电工 in the classification
    catalogue_import(actor=None, region=w.henan, year=2021, content=xlsx(list(rows), HEADERS))


def item(level: int) -> CatalogueItem:
    return CatalogueItem.objects.get(occupation__code="6-31-01-03", level=level, valid_to__isnull=True)


def under(w: World, code: str) -> None:
    profile_assign(actor=None, region=w.jinshui, year=2021, profile_code=code)


@pytest.mark.parametrize("code", ["HC21", "XC19", "XC23"])
def test_f02_profiles_without_amounts_pay_the_standards_item_and_cite_it(world: World, code: str) -> None:
    # Given the province's 中级工 line (1800 yuan) and a 中级 class naming it, under a profile that
    # prices by the province standard
    standards(world, INTERMEDIATE)
    under(world, code)
    tc = assessed_class(world, catalogue_item_id=item(4).pk)
    assert tc.profile_code == code
    # When the school claims
    claim = services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    claim = services.claim_submit(
        actor=world.users["institution"], claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED
    )
    # Then each line pays the item's amount and cites the item and the profile's switch
    assert (claim.state, claim.headcount, claim.amount) == (ClaimState.SUBMITTED, 30, D("54000.00"))
    line = claim.lines.get(row=2)
    assert (line.status, line.amount, line.rule_ids) == ("payable", D("1800.00"), "F02")
    assert line.computation == (
        "F02 电工·四级/中级工·职业技能等级证书（岗位技能提升培训） 1800元/人 × 1 = 1800元"
        f"（{ITEM_4}；{DOCS[code]}）"
    )


def test_f02_zz21_pays_its_own_amount_first_and_the_item_where_it_fixes_none(world: World) -> None:
    # Given both lines in the province's list, under ZZ21 (the district's own assignment)
    standards(world, INTERMEDIATE, TECHNICIAN)
    under(world, "ZZ21")
    # When a 中级 class claims: the document's 2000 yuan, not the list's 1800
    intermediate = assessed_class(world, catalogue_item_id=item(4).pk)
    claim = services.claim_create(
        actor=world.users["institution"], training_class=intermediate, today=CLAIMED
    )
    line = claim.lines.get(row=2)
    assert (line.amount, line.computation) == (
        D("2000.00"),
        "F02 中级工 2000元/人 × 1 = 2000元（郑技领办〔2021〕6号 三(一)）",
    )
    # And a 技师 class (ZZ21 三(一) names no amount for it) is paid the list's 3000 yuan, citing both
    technician = assessed_class(world, level=2, catalogue_item_id=item(2).pk, batch="2021-电工-技师")
    claim = services.claim_create(actor=world.users["institution"], training_class=technician, today=CLAIMED)
    line = claim.lines.get(row=2)
    assert (line.amount, claim.amount) == (D("3000.00"), D("90000.00"))
    assert line.computation == (
        "F02 电工·二级/技师·职业技能等级证书（岗位技能提升培训） 3000元/人 × 1 = 3000元"
        f"（{ITEM_2}；郑技领办〔2021〕6号 本地补充规定（文件只列培训合格证、初级工、中级工、高级工的标准，其他证书和补贴类型按省补贴标准目录执行））"
    )


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19", "XC23"])
def test_f02_a_missing_standard_refuses_the_claim_naming_the_item_never_zero(world: World, code: str) -> None:
    # Given only the 中级工 line, and a 技师 class (no profile fixes a 技师 amount) naming no item
    standards(world, INTERMEDIATE)
    under(world, code)
    tc = assessed_class(world, level=2)
    # When the school claims, Then the claim is refused under F02, naming the missing line; nothing is made
    with pytest.raises(Refusal) as refused:
        services.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    (v,) = refused.value.violations
    assert (v.rule, v.field) == ("F02", "补贴标准目录项目")
    assert v.message == (
        "河南省2021年补贴标准目录中没有 2021-06-01（开班日期）有效的“6-31-01-03 电工·二级/技师·职业技能等级证书"
        "（岗位技能提升培训）”标准，不予计算（缺少标准不按零元支付），请先导入该项目标准"
    )
    assert v.clause.startswith(f"{code} ")
    assert not tc.claims.exists()


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19", "XC23"])
def test_f02_submission_refuses_a_class_that_does_not_match_its_item(world: World, code: str) -> None:
    # Given the 技师 line (at least 90 hours) named by a 中级 class of 80 hours
    standards(world, TECHNICIAN)
    under(world, code)
    prepared_institution(world)
    # When the school submits, Then F02 names each field that differs, with the profile's clause
    with pytest.raises(Refusal) as refused:
        submitted_class(
            world,
            catalogue_item_id=item(2).pk,
            total_hours=80,
            theory_hours=20,
            practical_hours=60,
            funding_type="on_job",
        )
    f02 = [v for v in refused.value.violations if v.rule == "F02"]
    assert [(v.field, v.value) for v in f02] == [("等级", "四级/中级工"), ("总课时", "80")]
    assert f02[1].message == (
        "与所选补贴标准目录项目“电工·二级/技师·职业技能等级证书（岗位技能提升培训）”不符："
        "总课时 80，低于目录规定的最低 90 课时"
    )
    assert all(v.clause.startswith(f"{code} ") for v in f02)


def test_the_form_accepts_only_a_current_item_of_the_class_region_year_and_occupation(world: World) -> None:
    standards(world, INTERMEDIATE)
    other = ["4-10-01-06", "家政服务员", "", "", "专项职业能力证书", 40, "600.00", "就业技能培训", "", "否"]
    occupation("4-10-01-06", "家政服务员")
    catalogue_import(actor=None, region=world.henan, year=2021, content=xlsx([other], HEADERS))
    wrong = CatalogueItem.objects.get(occupation__code="4-10-01-06")
    prepared_institution(world)
    with pytest.raises(Refusal) as refused:
        submitted_class(world, catalogue_item_id=wrong.pk)
    assert refused.value.field == "补贴标准目录项目"
    assert "2021年“电工”的现行项目" in refused.value.message


@pytest.mark.parametrize(
    ("code", "notice_over"), [("HC21", dt.date(2021, 7, 8)), ("XC23", dt.date(2021, 7, 12))]
)
def test_f02_a_line_priced_from_the_standards_item_is_paid_end_to_end(
    world: World, code: str, notice_over: dt.date
) -> None:
    # Given the 中级工 line, the city's funds, and a class naming it under HC21 (3 working days' notice)
    # or XC23 (5, and a finance review)
    standards(world, INTERMEDIATE)
    under(world, code)
    funded(world)
    tc = assessed_class(world, catalogue_item_id=item(4).pk)
    # When the claim goes through the department, the notice, the bureau (and finance) and a batch
    claim = in_notice(world, tc)
    claim = services.claim_notice_close(actor=world.users["hr_first"], claim=claim, today=notice_over)
    for role in ("hr_first", "hr_second"):
        claim = services.claim_review(
            actor=world.users[role], claim=claim, decision="pass", today=notice_over
        )
    if claim.state == ClaimState.HR_REVIEWED:
        assert code == "XC23"
        second = user_create(
            actor=None,
            username="zz_czj2",
            password="Test@pass-2026",
            display_name="钱多",
            role="finance",
            region=world.zhengzhou,
            department=world.users["finance"].department,
        )
        for officer in (world.users["finance"], second):  # F09: two finance officers sign
            claim = services.claim_review(actor=officer, claim=claim, decision="pass", today=notice_over)
    assert claim.state == ClaimState.APPROVED
    batch = services.batch_open(actor=world.users["hr_admin"], region=world.zhengzhou, today=notice_over)
    services.batch_collect(actor=world.users["hr_admin"], batch=batch)
    batch = services.batch_send(actor=world.users["hr_second"], batch=batch)
    services.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="HX1", today=batch.pay_on)
    # Then the school is paid 30 × 1800 and each paid line still cites the item it was priced from
    claim.refresh_from_db()
    assert (claim.state, claim.amount) == (ClaimState.PAID, D("54000.00"))
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("0.00")
    assert claim.lines.get(row=2).computation.endswith(f"（{ITEM_4}；{DOCS[code]}）")
    assert_books_balance()
