"""Every profile pays every class-based subsidy type its documents name, end to end, in one batch.

Under each of ZZ21, HC21, XC19 and XC23 the same school runs five small classes, one per subsidy type the
documents name beyond the plain 中级工 (test_standards): 技师 (level 2), 专项职业能力, 特种作业操作证, 就业技能培训
and 创业培训. Their claims go through the department, the notice, the bureau (and finance where the profile
has it) and are paid in one batch; each line's amount and the source it cites are asserted exactly. No
document fixes these amounts itself (ZZ21 三(一) lists only 合格证, 初级, 中级, 高级): every profile prices
them by the province's 补贴标准目录, citing the item and the profile's own words for doing so.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.accounts.services import user_create
from jineng.catalogue.models import (
    CatalogueItem,
    InstitutionOccupation,
    Occupation,
    OccupationCertificate,
    Teacher,
)
from jineng.claims import services
from jineng.claims.models import Claim, ClaimState
from jineng.claims.tests.factories import CLAIMED, assessed_class, funded
from jineng.claims.tests.test_standards import DOCS, standards, under
from jineng.conftest import World
from jineng.ledger.tests.books import assert_books_balance
from jineng.policy.identity import make_id_number
from jineng.policy.profiles import get_profile

pytestmark = pytest.mark.django_db

ELECTRICIAN, STARTUP = "6-31-01-03", "4-07-05-02"
# The province list's lines the five classes name (invented amounts; the real list is imported by the
# bureau): occupation, name, trade, level, certificate, hours, amount, subsidy type, supplementary, sample.
LIST = [
    [ELECTRICIAN, "电工", "", "二级/技师", "职业技能等级证书", 90, "3000.00", "岗位技能提升培训", "", "否"],
    [ELECTRICIAN, "电工", "", "", "专项职业能力证书", 40, "900.00", "岗位技能提升培训", "", "否"],
    [ELECTRICIAN, "电工", "", "", "特种作业操作证", 40, "700.00", "岗位技能提升培训", "", "否"],
    [ELECTRICIAN, "电工", "", "五级/初级工", "职业技能等级证书", 80, "1200.00", "就业技能培训", "", "否"],
    [STARTUP, "创业指导", "", "", "培训合格证书", 40, "800.00", "创业培训", "", "否"],
]
ZZ21_LOCAL = "郑技领办〔2021〕6号 本地补充规定（文件只列培训合格证、初级工、中级工、高级工的标准，其他证书和补贴类型按省补贴标准目录执行）"
SOURCE = {**DOCS, "ZZ21": ZZ21_LOCAL}
NOTICE_OVER = {"ZZ21": dt.date(2021, 7, 8), "HC21": dt.date(2021, 7, 8), "XC19": dt.date(2021, 7, 12)}
NOTICE_OVER["XC23"] = dt.date(2021, 7, 12)
# (what, funding type, certificate, level, subsidy type, occupation, amount, the item as a line cites it)
TYPES = [
    ("技师", "on_job", "skill_level", 2, "skill_upgrade", ELECTRICIAN, D("3000.00"), "电工·二级/技师·职业技能等级证书（岗位技能提升培训）"),
    ("专项职业能力", "on_job", "special_ability", None, "skill_upgrade", ELECTRICIAN, D("900.00"), "电工·专项职业能力证书（岗位技能提升培训）"),
    ("特种作业", "on_job", "special_operation", None, "skill_upgrade", ELECTRICIAN, D("700.00"), "电工·特种作业操作证（岗位技能提升培训）"),
    ("就业技能培训", "employment", "skill_level", 5, "employment", ELECTRICIAN, D("1200.00"), "电工·五级/初级工·职业技能等级证书（就业技能培训）"),
    ("创业培训", "entrepreneurship", "completion", None, "entrepreneurship", STARTUP, D("800.00"), "创业指导·培训合格证书（创业培训）"),
]  # fmt: skip


def startup_occupation(w: World) -> list[int]:
    """An occupation whose only certificate is the 培训合格证书, listed for the school (A11) with two
    filed teachers (A06, A15): 创业培训 ends with one (E03 refuses a completion-only class of an occupation
    with other certificates). Returns the teachers' ids."""
    occ, _ = Occupation.objects.get_or_create(
        code=STARTUP,
        defaults={"name": "创业指导", "major_code": "4", "middle_code": "4-07", "minor_code": "4-07-05"},
    )
    OccupationCertificate.objects.get_or_create(occupation=occ, kind="completion")
    InstitutionOccupation.objects.get_or_create(
        organisation=w.zz_school, occupation=occ, defaults={"valid_from": dt.date(2020, 1, 1)}
    )
    return [
        Teacher.objects.create(
            organisation=w.zz_school,
            name=f"创业讲师{i}",
            id_number=make_id_number("410105", dt.date(1982, 3, 1 + i), 31 + i),
            occupation=occ,
            full_time=True,
            filed_on=dt.date(2020, 3, 1),
        ).pk
        for i in range(2)
    ]


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19", "XC23"])
def test_f02_every_class_subsidy_type_is_paid_end_to_end_citing_its_item(world: World, code: str) -> None:
    # Given the province's lines for the five types, the city's funds, the profile in force for the
    # school's district, and one assessed class of two trainees per type naming its line
    startup_teachers = startup_occupation(world)
    standards(world, *LIST)
    under(world, code)
    funded(world)
    if get_profile(code, 1).get("max_special_completion_share") is not None:
        # E06 (XC23: ≤ 10%): the school's year already holds 30 skill-level certificates, so the
        # special-ability and completion certificates below (2 + 2 of 40) stay within the share
        assessed_class(world, batch="2021-技能等级")
    claims: dict[str, Claim] = {}
    for what, funding, certificate, level, subsidy_type, occupation, _, _ in TYPES:
        item = CatalogueItem.objects.get(
            occupation__code=occupation, subsidy_type=subsidy_type, certificate_kind=certificate, level=level
        )
        tc = assessed_class(
            world,
            trainees=2,
            present=(2, 2),
            funding_type=funding,
            target_certificate=certificate,
            level=level,
            certificate=certificate,
            occupation_code=occupation,
            catalogue_item_id=item.pk,
            batch=f"2021-{what}",
            **({"teacher_ids": startup_teachers} if occupation == STARTUP else {}),
        )
        # When the school claims each class
        claims[what] = services.claim_create(
            actor=world.users["institution"], training_class=tc, today=CLAIMED
        )
    for what, c in claims.items():
        c = services.claim_submit(
            actor=world.users["institution"], claim=c, pledge_name="赵敏", pledge=True, today=CLAIMED
        )
        for role in ("dept_first", "dept_second"):
            c = services.claim_review(actor=world.users[role], claim=c, decision="pass", today=CLAIMED)
        claims[what] = c
    over = NOTICE_OVER[code]
    second_finance = None
    for what, c in claims.items():
        c = services.claim_notice_close(actor=world.users["hr_first"], claim=c, today=over)
        for role in ("hr_first", "hr_second"):
            c = services.claim_review(actor=world.users[role], claim=c, decision="pass", today=over)
        if c.state == ClaimState.HR_REVIEWED:  # F10: XC19 (local) and XC23 have finance sign too
            second_finance = second_finance or user_create(
                actor=None,
                username="zz_czj2",
                password="Test@pass-2026",
                display_name="钱多",
                role="finance",
                region=world.zhengzhou,
                department=world.users["finance"].department,
            )
            for officer in (world.users["finance"], second_finance):
                c = services.claim_review(actor=officer, claim=c, decision="pass", today=over)
        assert c.state == ClaimState.APPROVED, what
    assert (second_finance is not None) == (code in ("XC19", "XC23"))
    batch = services.batch_open(actor=world.users["hr_admin"], region=world.zhengzhou, today=over)
    assert services.batch_collect(actor=world.users["hr_admin"], batch=batch) == 5
    batch = services.batch_send(actor=world.users["hr_second"], batch=batch)
    services.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="HX1", today=batch.pay_on)
    # Then all five are paid in the one batch, each line at its item's amount, citing the item and the
    # profile's reason for pricing by the province list
    for what, _, _, _, _, _, amount, cited in TYPES:
        c = Claim.objects.get(pk=claims[what].pk)
        assert (c.state, c.headcount, c.amount) == (ClaimState.PAID, 2, amount * 2), what
        line = c.lines.get(row=2)
        year = "2021"
        assert line.computation == (
            f"F02 {cited} {amount:.0f}元/人 × 1 = {amount:.0f}元"
            f"（河南省{year}年补贴标准目录 {CatalogueItem.objects.get(pk=c.training_class.catalogue_item_id).occupation.code} "
            f"{cited} {amount:.0f}元，第1版 {year}-01-01起；{SOURCE[code]}）"
        ), what
    assert sum(i.amount for i in batch.items.all()) == D("13200.00")
    assert_books_balance()
