"""F05 equipment grants of high-skilled talent bases and master studios: the grant (share of the newly
purchased equipment, capped by kind, once), the bureau's two signatures (F09), and the claim it becomes,
paid through the one pipeline — pledge (F06), department review, public notice (F08), bureau and finance
review (F10), batch and ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client

from jineng.accounts.services import user_create, user_update
from jineng.audit.models import Event
from jineng.claims import services as claims
from jineng.claims.models import Claim, ClaimLine, ClaimState
from jineng.claims.tests.factories import CLAIMED, funded
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.grants import services
from jineng.grants.models import EquipmentItem, GrantApplication, GrantState
from jineng.grants.tests.factory import (
    APPLIED,
    applied,
    item,
    recognised,
    signed,
    under,
)
from jineng.ledger.models import AccountKind, Fund, FundKind
from jineng.ledger.tests.books import assert_books_balance, cash, payee_balance
from jineng.policy.profiles import get_profile

pytestmark = pytest.mark.django_db

XC19_DOC = "许政办〔2019〕20号 二(二)1"
NOTICE_OVER = dt.date(2021, 7, 12)  # 5 working days from Monday 5 July end on Friday 9 July


def _counts() -> tuple[int, int, int, int, int]:
    return (
        GrantApplication.objects.count(),
        EquipmentItem.objects.count(),
        Claim.objects.count(),
        ClaimLine.objects.count(),
        Event.objects.count(),
    )


CASES = [
    # kind, items, grant, computation
    (
        "base",
        [
            item(1, quantity=2, unit_price="400000"),
            item(2, unit_price="150000.53", name="工业机器人实训工作站"),
        ],
        D("190000.11"),
        f"F05 高技能人才培训基地 新购置实训设备总值 950000.53元 × 20% = 190000.11元（{XC19_DOC}）",
    ),
    (
        "base",
        [item(1, quantity=3, unit_price="1000000")],
        D("500000.00"),
        f"F05 高技能人才培训基地 新购置实训设备总值 3000000元 × 20% = 600000元，超过上限 500000元，补助 500000元（{XC19_DOC}）",
    ),
    (
        "studio",
        [item(1, unit_price="420000")],
        D("84000.00"),
        f"F05 技能大师工作室 新购置实训设备总值 420000元 × 20% = 84000元（{XC19_DOC}）",
    ),
    (
        "studio",
        [item(1, quantity=2, unit_price="300000")],
        D("100000.00"),
        f"F05 技能大师工作室 新购置实训设备总值 600000元 × 20% = 120000元，超过上限 100000元，补助 100000元（{XC19_DOC}）",
    ),
]


@pytest.mark.parametrize(
    ("kind", "items", "grant", "computation"), CASES, ids=["base-20%", "base-cap", "studio-20%", "studio-cap"]
)
def test_f05_xc19_grant_is_paid_end_to_end_through_the_claim_pipeline(
    world: World, kind: str, items: list, grant: D, computation: str
) -> None:
    # Given XC19 in force in Zhengzhou (with its local notice period, finance step and cycle), the city's
    # employment subsidy fund, and the school's recognised base or studio
    under(world, "XC19")
    funded(world, special="0.00", employment="1000000.00")
    r = recognised(world, kind=kind)
    # When the school applies for its newly purchased equipment
    a = applied(world, r, items=items)
    # Then the grant is 20% of the total, capped by kind, citing XC19 二(二)1
    assert (a.state, a.amount, a.computation) == (GrantState.SUBMITTED, grant, computation)
    assert (a.profile_code, a.ref) == ("XC19", f"SB2021{a.pk:06d}")
    # When the bureau's 初审 and 复核 (two people) pass it
    a = signed(world, a)
    # Then it is approved and its claim is drafted: one line, no person, held once by the application
    assert a.state == GrantState.APPROVED and a.claim is not None
    claim = a.claim
    assert (claim.programme, claim.programme_label, claim.source_id, claim.source_ref) == (
        "equipment",
        "实训设备补助",
        a.pk,
        a.ref,
    )
    assert (claim.state, claim.amount, claim.headcount, claim.payee_organisation) == (
        ClaimState.DRAFT,
        grant,
        0,
        world.zz_school,
    )
    (line,) = claim.lines.all()
    assert (line.person_id, line.label, line.line_key, line.amount, line.rule_ids, line.computation) == (
        None,
        "新购实训设备",
        f"equipment:{a.pk}",
        grant,
        "F05",
        computation,
    )
    assert claim.source_url == f"/grants/{a.pk}/"
    # When the school pledges and submits, the department signs twice, the notice runs, the bureau and
    # finance sign twice each, and the month's batch pays
    claim = claims.claim_submit(
        actor=world.users["institution"], claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED
    )
    for role in ("dept_first", "dept_second"):
        claim = claims.claim_review(actor=world.users[role], claim=claim, decision="pass", today=CLAIMED)
    assert (claim.state, claim.notice_end) == (ClaimState.IN_NOTICE, dt.date(2021, 7, 9))
    claim = claims.claim_notice_close(actor=world.users["hr_first"], claim=claim, today=NOTICE_OVER)
    for role in ("hr_first", "hr_second"):
        claim = claims.claim_review(actor=world.users[role], claim=claim, decision="pass", today=NOTICE_OVER)
    assert claim.state == ClaimState.HR_REVIEWED
    second_finance = user_create(
        actor=None,
        username="zz_czj2",
        password="Test@pass-2026",
        display_name="钱多",
        role="finance",
        region=world.zhengzhou,
    )
    for officer in (world.users["finance"], second_finance):
        claim = claims.claim_review(actor=officer, claim=claim, decision="pass", today=NOTICE_OVER)
    assert claim.state == ClaimState.APPROVED
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == grant
    batch = claims.batch_open(actor=world.users["hr_admin"], region=world.zhengzhou, today=NOTICE_OVER)
    assert claims.batch_collect(actor=world.users["hr_admin"], batch=batch) == 1
    batch = claims.batch_send(actor=world.users["hr_second"], batch=batch)
    claims.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="SB1", today=batch.pay_on)
    # Then the school is paid the grant exactly, from the employment subsidy fund, and the paid line still
    # cites XC19 二(二)1
    claim.refresh_from_db()
    assert (claim.state, claim.amount, claim.paid_on) == (ClaimState.PAID, grant, dt.date(2021, 7, 30))
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("0.00")
    assert claim.lines.get().computation.endswith(f"（{XC19_DOC}）")
    fund = Fund.objects.get(region=world.zhengzhou, kind=FundKind.EMPLOYMENT_SUBSIDY)
    assert cash(fund) == D("1000000.00") - grant
    assert_books_balance()


@pytest.mark.parametrize(
    ("code", "reason", "document"),
    [
        (
            "ZZ21",
            "本文件五(一)支持申报建设技能大师工作室等基地项目、支持实训设施设备升级改造，未规定实训设备补助的比例和上限",
            "郑技领办〔2021〕6号 2021年郑州市全民技能振兴工程暨职业技能提升行动工作方案",
        ),
        (
            "HC21",
            "本文件14条只写企业可通过职工教育经费支持建设高技能人才培训基地、技能大师工作室，“政府按规定加大补助力度”，未规定实训设备补助的比例和上限",
            "潢技领办〔2021〕1号 2021年潢川县全民技能振兴工程暨职业技能提升行动工作方案",
        ),
        (
            "XC23",
            "本文件二(一)9只写支持企业依托高技能人才培训基地、技能大师工作室等加大高技能人才培养力度，未规定实训设备补助的比例和上限",
            "许技领办〔2023〕1号 2023年许昌市高质量推进“人人持证、技能河南”建设工作方案",
        ),
    ],
)
def test_f05_profiles_that_set_no_grant_refuse_in_their_own_words_never_zero(
    world: World, code: str, reason: str, document: str
) -> None:
    # Given a profile whose document fixes no equipment grant, in force where the school is
    under(world, code)
    r = recognised(world)
    before = _counts()
    # When the school applies
    with pytest.raises(Refusal) as refused:
        applied(world, r)
    # Then it is refused under F05 naming the profile's document, with its reason; nothing is written
    exc = refused.value
    assert (exc.rule, exc.field) == ("F05", "实训设备补助")
    assert exc.message == f"本政策口径未规定“实训设备补助比例”：{reason}"
    assert get_profile(code).document == document
    assert exc.clause == f"{code} 《{document}》"
    assert [v.message for v in exc.violations] == [
        f"本政策口径未规定“实训设备补助比例”：{reason}",
        f"本政策口径未规定“高技能人才培训基地设备补助上限（元）”：{reason}",
    ]
    assert _counts() == before


def test_f05_a_base_is_granted_once_and_a_refused_application_does_not_count(world: World) -> None:
    # Given XC19 and the school's base with an application under review
    under(world, "XC19")
    r = recognised(world)
    first = applied(world, r)
    before = _counts()
    # When the school applies again for the same base
    with pytest.raises(Refusal) as refused:
        applied(world, r, items=[item(7)])
    # Then F05 (一次性补助) refuses it, naming the first application
    assert (refused.value.rule, refused.value.clause) == (
        "F05",
        "XC19 二(二)1 按企业新购置实训设备总值的20%从就业补助资金中给予一次性补助",
    )
    assert refused.value.message == (
        f"高技能人才培训基地“数控加工高技能人才培训基地”已申请过实训设备补助（{first.ref}），一次性补助不能重复申请"
    )
    assert _counts() == before
    # When the bureau refuses the first one, a new application may be made
    services.grant_application_review(
        actor=world.users["hr_first"],
        application=first,
        decision="return",
        comment="发票与设备不符",
        today=APPLIED,
    )
    again = applied(world, r, items=[item(7)])
    assert again.state == GrantState.SUBMITTED


def test_f05_only_where_the_staff_education_fund_was_used(world: World) -> None:
    under(world, "XC19")
    with pytest.raises(Refusal) as refused:
        applied(world, recognised(world), fund_used=False)
    (v,) = refused.value.violations
    assert (v.rule, v.message) == (
        "F05",
        "企业未依法提取职工教育经费并用于高技能人才培训基地建设，不予实训设备补助",
    )


def test_f05_items_are_new_purchases_each_with_its_own_invoice_all_problems_reported(world: World) -> None:
    under(world, "XC19")
    r = recognised(world)
    before = _counts()
    with pytest.raises(Refusal) as refused:
        applied(
            world,
            r,
            items=[
                item(1),
                item(2, invoice_number="440012340001"),
                item(3, unit_price="0"),
                item(4, purchased_on=dt.date(2021, 7, 1)),
                item(5, name=" ", quantity=0),
            ],
        )
    assert [(v.row, v.field, v.message) for v in refused.value.violations] == [
        (2, "发票号码", "发票号码与第 1 行重复：同一张发票只计一次"),
        (3, "单价", "单价应大于 0 元且不超过 1 亿元"),
        (4, "购置日期", "购置日期晚于申请日期：只补助已购置的设备"),
        (5, "设备名称", "请填写设备名称"),
        (5, "数量", "数量应为 1 至 100000 的整数"),
    ]
    assert {v.rule for v in refused.value.violations} == {"F05"}
    assert _counts() == before


def test_f05_an_invoice_already_granted_to_the_organisation_is_not_counted_again(world: World) -> None:
    under(world, "XC19")
    applied(world, recognised(world))
    studio = recognised(world, kind="studio")
    with pytest.raises(Refusal) as refused:
        applied(world, studio, items=[item(1)])
    assert refused.value.violations[0].message == "该发票已在本单位另一份设备补助申请中申报，不能重复申报"


def test_f09_the_first_and_second_signatures_are_two_people_in_the_right_roles(world: World) -> None:
    # Given an application signed by the bureau's first reviewer
    under(world, "XC19")
    a = applied(world, recognised(world))
    first = world.users["hr_first"]
    a = services.grant_application_review(actor=first, application=a, decision="pass", today=APPLIED)
    assert (a.state, a.first_reviewer) == (GrantState.FIRST_SIGNED, first)
    before = _counts()
    # When he signs again as first reviewer: the step is the second reviewer's
    with pytest.raises(Refusal) as refused:
        services.grant_application_review(actor=first, application=a, decision="pass", today=APPLIED)
    assert refused.value.rule == "F09" and "人社局复核" in refused.value.message
    # When he is made a second reviewer and signs the same application again: two people are needed
    user_update(actor=world.users["hr_admin"], user=first, role="hr_second")
    first.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        services.grant_application_review(actor=first, application=a, decision="pass", today=APPLIED)
    (v,) = refused.value.violations
    assert (v.rule, v.message) == ("F09", "初审人与复核人须为不同的人")
    # Then nothing changed (the role change's own event aside)
    assert _counts()[:4] == before[:4]
    a.refresh_from_db()
    assert a.state == GrantState.FIRST_SIGNED and a.claim is None


def test_only_the_organisation_clerk_applies_and_only_bureau_reviewers_of_the_region_sign(
    world: World,
) -> None:
    under(world, "XC19")
    r = recognised(world)
    with pytest.raises(Refusal, match="只有依托单位的经办人"):
        services.grant_application_create(
            actor=world.users["hr_admin"], recognition=r, items=[item()], staff_education_fund_used=True
        )
    a = applied(world, r)
    with pytest.raises(Refusal, match="只能办理本辖区"):
        services.grant_application_review(
            actor=world.outsiders["hr_first"], application=a, decision="pass", today=APPLIED
        )
    with pytest.raises(Refusal, match="不予核准须填写意见"):
        services.grant_application_review(actor=world.users["hr_first"], application=a, decision="return")


def test_one_audit_event_per_write(world: World) -> None:
    under(world, "XC19")
    r = recognised(world)
    assert Event.objects.filter(action="grant.recognition_recorded", object_id=str(r.pk)).count() == 1
    before = Event.objects.count()
    a = applied(world, r)
    assert Event.objects.count() == before + 1
    a = services.grant_application_review(
        actor=world.users["hr_first"], application=a, decision="pass", today=APPLIED
    )
    assert Event.objects.count() == before + 2
    services.grant_application_review(
        actor=world.users["hr_second"], application=a, decision="pass", today=APPLIED
    )
    # The approval's own event and the pipeline's claim.created, in one transaction
    assert list(Event.objects.order_by("-pk").values_list("action", flat=True)[:2]) == [
        "grant.review.second",
        "claim.created",
    ]


def test_f08_the_grant_claim_shows_on_its_pages_and_on_the_public_notice(
    world: World,
) -> None:
    # Given an approved grant whose claim the department passed: on public notice
    under(world, "XC19")
    a = signed(world, applied(world, recognised(world, kind="studio"), items=[item(1, unit_price="420000")]))
    claim = claims.claim_submit(
        actor=world.users["institution"], claim=a.claim, pledge_name="赵敏", pledge=True, today=CLAIMED
    )
    for role in ("dept_first", "dept_second"):
        claim = claims.claim_review(actor=world.users[role], claim=claim, decision="pass", today=CLAIMED)
    # When the school's clerk opens the claim, and anybody the public notice
    page = world.client(world.users["institution"]).get(f"/claims/{claim.pk}/").content.decode()
    public = Client().get(f"/claims/notices/{claim.pk}/").content.decode()
    # Then both show the programme, the item line, the amount and where it comes from
    assert "实训设备补助" in page and "新购实训设备" in page and f"/grants/{a.pk}/" in page
    assert "实训设备补助" in public and "新购实训设备" in public and "84,000.00" in public


def test_f05_the_applicant_withdraws_before_the_first_signature_and_applies_again(world: World) -> None:
    # Given XC19 and the school's base with an application nobody has signed
    under(world, "XC19")
    r = recognised(world)
    first = applied(world, r)
    events = Event.objects.count()
    # When the school's clerk withdraws it, giving why
    out = services.grant_application_withdraw(
        actor=world.users["institution"], application=first, reason="设备清单漏列两项", today=APPLIED
    )
    # Then it is withdrawn with one audit event, and no longer holds the base's one-off grant (F05)
    assert (out.state, out.comment) == (GrantState.WITHDRAWN, "撤回：设备清单漏列两项")
    assert Event.objects.count() == events + 1
    assert Event.objects.filter(action="grant.withdrawn", object_id=str(first.pk)).count() == 1
    # And the same invoice may be listed again in the new application
    again = applied(world, r, items=[item(1)])
    assert again.state == GrantState.SUBMITTED and again.pk != first.pk


def test_f09_an_application_the_bureau_has_signed_cannot_be_withdrawn(world: World) -> None:
    # Given an application signed by the first reviewer
    under(world, "XC19")
    a = applied(world, recognised(world))
    services.grant_application_review(
        actor=world.users["hr_first"], application=a, decision="pass", today=APPLIED
    )
    before = _counts()
    # When the clerk tries to withdraw it
    with pytest.raises(Refusal) as refused:
        services.grant_application_withdraw(
            actor=world.users["institution"], application=a, reason="重新核对", today=APPLIED
        )
    # Then F09 refuses, naming the application, the state and who signed
    assert refused.value.rule == "F09" and refused.value.field == "状态"
    assert refused.value.message == (
        f"申请 {a.ref} 当前状态为“待人社复核”，已由{world.users['hr_first'].label}于{APPLIED:%Y-%m-%d}"
        "初审签署，只能在人社初审签署前撤回"
    )
    assert _counts() == before


def test_only_the_applicant_withdraws_and_a_reason_is_required(world: World) -> None:
    under(world, "XC19")
    a = applied(world, recognised(world))
    with pytest.raises(Refusal) as refused:
        services.grant_application_withdraw(actor=world.users["hr_first"], application=a, reason="x")
    assert refused.value.message == "只有依托单位的经办人可以撤回本单位的设备补助申请"
    with pytest.raises(Refusal) as refused:
        services.grant_application_withdraw(actor=world.users["institution"], application=a, reason=" ")
    assert refused.value.field == "撤回原因"
    assert GrantApplication.objects.get().state == GrantState.SUBMITTED
