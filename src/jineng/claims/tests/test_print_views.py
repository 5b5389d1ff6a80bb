"""18.13: print views laid out as the documents' forms — a class's record as its profile's 申请表 (ZZ21
附件2, no finance block since its form has none), and a payment batch's 拨付单 with its signature blocks."""

from __future__ import annotations

import pytest

from jineng.claims import services
from jineng.claims.tests.factories import CLAIMED, NOTICE_OVER, assessed_class, funded, to_paid
from jineng.conftest import World
from jineng.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(world: World):  # type: ignore[no-untyped-def]
    """A Zhengzhou class (ZZ21) claimed, reviewed, on notice, approved and paid."""
    funded(world)
    tc = assessed_class(world)
    claim = services.claim_create(actor=world.users[Role.INSTITUTION], training_class=tc, today=CLAIMED)
    return to_paid(world, claim, claimed=CLAIMED, notice_over=NOTICE_OVER)


def test_the_class_form_is_the_profiles_annex_filled_from_the_records(world: World, paid) -> None:  # type: ignore[no-untyped-def]
    tc = paid.training_class
    # When the bureau's reviewer prints the class's form
    html = world.client(world.users[Role.HR_FIRST]).get(f"/claims/classes/{tc.pk}/print/").content.decode()
    # Then it carries the annex's name from the profile and each block filled from the records
    assert f"{tc.year}年度补贴性职业技能提升培训申请表" in html and "表式：ZZ21 附件2" in html
    assert tc.institution.name in html and f"开班编号 {tc.ref}" in html
    assert "行业主管部门审核情况（自受理之日起15个工作日内）" in html
    assert "人力资源社会保障部门对补贴信息公示情况（不少于3个工作日）" in html
    assert "2021年7月5日至2021年7月7日在" in html
    assert f"申请承诺人：{paid.pledge_signed_by}" in html
    reviewer = world.users[Role.DEPT_FIRST].label
    assert f"初审人：{reviewer}" in html and f"复核人：{world.users[Role.DEPT_SECOND].label}" in html
    assert "财政部门审核意见" not in html  # ZZ21's form has no finance block (F10)
    assert f"{paid.headcount} 人 / 6 万元（60,000.00 元）" in html
    assert "拨付金额（万元）" in html and "data-print" in html


def test_the_batch_slip_shows_full_accounts_to_finance_and_masked_to_the_auditor(world: World, paid) -> None:  # type: ignore[no-untyped-def]
    item = paid.batch_item
    url = f"/claims/batches/{item.batch_id}/print/"
    for_finance = world.client(world.users[Role.FINANCE]).get(url).content.decode()
    for_audit = world.client(world.users[Role.AUDITOR]).get(url).content.decode()
    assert "职业技能提升行动补贴资金拨付单" in for_finance
    assert paid.bank_account in for_finance and paid.bank_account not in for_audit
    assert "财政部门<br>审核意见" in for_finance and "HX1" in for_finance
    assert "申请单位：郑州市人力资源和社会保障局" in for_finance


@pytest.mark.parametrize(
    ("profile", "title", "finance"),
    [
        ("XC23", "2023年政府补贴培训评价资金申请表", True),  # XC23 附件3, with its finance block (F10)
        ("XC19", "补贴性职业技能培训申请表", True),  # no annexed form: the plain title; finance is local
        ("HC21", "年度补贴性职业技能提升培训申请表", False),  # HC21 附件2
    ],
)
def test_the_form_follows_the_class_profile(world: World, profile: str, title: str, finance: bool) -> None:
    from jineng.supervision.tests.factory import make_class
    from jineng.training.models import TrainingClass

    tc = make_class(world)
    TrainingClass.objects.filter(pk=tc.pk).update(profile_code=profile, profile_version=1)
    html = world.client(world.users[Role.HR_FIRST]).get(f"/claims/classes/{tc.pk}/print/").content.decode()
    assert title in html
    assert ("财政部门审核意见" in html) is finance
