"""18.13: print views laid out as the documents' forms — a class's record as its profile's 申请表 (ZZ21
附件2, no finance block since its form has none), and a payment batch's 拨付单 with its signature blocks."""

from __future__ import annotations

import datetime as dt

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
    assert (
        '<h1 class="form-title">2021年度补贴性职业技能提升培训申请表</h1>' in html
        and "表式：ZZ21 附件2" in html
    )
    assert tc.institution.name in html and f"开班编号 {tc.ref}" in html
    assert "行业主管部门审核情况（自受理之日起15个工作日内）" in html
    assert "人力资源社会保障部门对补贴信息公示情况（不少于3个工作日）" in html
    assert "2021年7月5日至2021年7月7日在" in html
    # dated as the acts were, from the records: the pledge with the submission (5 July 2021), the class's
    # reviews on the day they were signed (10 May 2021), the claim's by its reviews (5 July, 8 July)
    assert f"申请承诺人：{paid.pledge_signed_by}　2021年7月5日</span>" in html
    reviewer = world.users[Role.DEPT_FIRST].label
    assert (
        f"<span>初审人：{reviewer}</span><span>复核人：{world.users[Role.DEPT_SECOND].label}</span>"
        "<span>（盖章）</span><span>2021年5月10日</span>"
    ) in html
    assert html.count("<span>2021年5月10日</span>") == 2  # the department's and the bureau's approval
    assert html.count("<span>2021年7月5日</span>") == 1 and html.count("<span>2021年7月8日</span>") == 1
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
    # The bureau's opinion dated the day the cycle sent it, finance's the day it paid
    batch = item.batch
    assert (
        f"（盖章）<br>{batch.send_on.year}年{batch.send_on.month}月{batch.send_on.day}日</td>" in for_finance
    )
    assert (
        f"（盖章）<br>{batch.paid_on.year}年{batch.paid_on.month}月{batch.paid_on.day}日</td>" in for_finance
    )


def test_a_form_not_yet_signed_leaves_the_dates_blank(world: World) -> None:
    # Given a draft class in Zhengzhou: no profile recorded on it yet, nothing submitted or signed
    from jineng.training.tests.factories import draft_class

    tc = draft_class(world)
    assert tc.profile_code == ""
    html = world.client(world.users[Role.INSTITUTION]).get(f"/claims/classes/{tc.pk}/print/").content.decode()
    # Then its title is the form of the profile that applies to it, as a submitted class's
    assert f'<h1 class="form-title">{tc.year}年度补贴性职业技能提升培训申请表</h1>' in html
    assert "表式：ZZ21 附件2" in html
    # And no signature or pledge bears a date
    assert "申请承诺人：　　　　　　　　年　月　日" in html
    assert "<span>　　年　月　日</span>" in html and "2026年" not in html


def test_an_unsent_batch_slip_leaves_the_opinions_undated(world: World, paid) -> None:  # type: ignore[no-untyped-def]
    # Given next month's batch, open (the paid claim's batch is July's first week)
    batch = services.batch_open(
        actor=world.users[Role.HR_ADMIN], region=world.zhengzhou, today=dt.date(2021, 8, 2)
    )
    assert batch.state == "open" and batch.pk != paid.batch_item.batch_id
    html = world.client(world.users[Role.FINANCE]).get(f"/claims/batches/{batch.pk}/print/").content.decode()
    assert html.count("（盖章）<br>　　年　月　日</td>") == 2


@pytest.mark.parametrize(
    ("profile", "title", "finance"),
    [
        # XC23 附件3 names its year: not doubled; with its finance block (F10)
        ("XC23", "2023年政府补贴培训评价资金申请表", True),
        (
            "XC19",
            "2021年度补贴性职业技能培训申请表",
            True,
        ),  # no annexed form: the plain title; finance is local
        ("HC21", "2021年度补贴性职业技能提升培训申请表", False),  # HC21 附件2
    ],
)
def test_the_form_follows_the_class_profile(world: World, profile: str, title: str, finance: bool) -> None:
    from jineng.supervision.tests.factory import make_class
    from jineng.training.models import TrainingClass

    tc = make_class(world)
    TrainingClass.objects.filter(pk=tc.pk).update(profile_code=profile, profile_version=1)
    html = world.client(world.users[Role.HR_FIRST]).get(f"/claims/classes/{tc.pk}/print/").content.decode()
    assert tc.year == 2021 and f'<h1 class="form-title">{title}</h1>' in html
    assert f"<title>{title} {tc.ref}</title>" in html
    assert ("财政部门审核意见" in html) is finance
