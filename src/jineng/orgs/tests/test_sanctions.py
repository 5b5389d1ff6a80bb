"""Sanctions that bite (I01, I02, C09): a sanction in force refuses the institution's new classes,
prepayments and claims under every profile, citing the decision; lifting is two signatures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.audit.models import Event
from jineng.claims import prepayments
from jineng.claims import services as claim_services
from jineng.claims.models import Claim, Prepayment
from jineng.claims.tests.factories import CLAIMED, END, assessed_class, at
from jineng.claims.tests.prepay import REQUESTED, project_class
from jineng.claims.tests.test_standards import under
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.orgs.guards import refuse_private_school_standing
from jineng.orgs.models import Organisation, Sanction, SanctionLiftSignature
from jineng.orgs.selectors import sanction_lifts_awaiting_second, sanctions_in_force
from jineng.orgs.services import (
    annual_inspection_record,
    liability_incident_record,
    organisation_reinstate,
    organisation_suspend,
    sanction_impose,
    sanction_lift_sign,
)
from jineng.policy.profiles import get_profile
from jineng.supervision.services import class_end, class_open, inspection_record, satisfaction_record
from jineng.training import services as training
from jineng.training.models import ClassState, TrainingClass
from jineng.training.tests.factories import APPLIED, START, approved_class, draft_class, with_roster

pytestmark = pytest.mark.django_db

SUSPENDED_ON = dt.date(2021, 5, 1)
PROFILES = ["ZZ21", "HC21", "XC19", "XC23"]
ZZ21_I01 = (
    "XC23 二(二) 2022年以来审计、检查发现存在明显问题的机构不得开展政府补贴性培训；"
    "XC23 二(三)3 问题突出的纳入“黑名单”"
)


def suspended(w: World, today: dt.date = SUSPENDED_ON) -> Organisation:
    return organisation_suspend(
        actor=w.users[Role.HR_ADMIN],
        organisation=w.zz_school,
        reason="审计发现虚报学员",
        until=None,
        rule="A12",
        reference="市审计局审计报告 郑审报〔2021〕3号",
        today=today,
    )


def suspension_text(act: str, clause: str) -> str:
    return (
        "“机构”：郑州商业技师学院已被暂停（审计发现虚报学员；依据：市审计局审计报告 郑审报〔2021〕3号；"
        f"2021-05-01 起至解除为止），期间不得{act}（规则 I01，依据 {clause}）"
    )


# ---- I01: class submission and creation, under every profile


def test_I01_suspended_institution_zz21_class_is_refused_at_submission(world: World) -> None:
    # Given (the issue's own case) a ZZ21 class drafted with its roster, and the school then suspended
    tc = with_roster(world, draft_class(world))
    suspended(world)
    # When its clerk submits it / Then I01 refuses, naming the decision and ZZ21's clause
    with pytest.raises(Refusal) as caught:
        training.class_submit(actor=world.users[Role.INSTITUTION], training_class=tc, today=APPLIED)
    assert str(caught.value) == suspension_text("提交开班申请", ZZ21_I01)
    assert [v.rule for v in caught.value.violations] == ["I01"]
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.DRAFT
    assert Event.objects.filter(action="class.submitted").count() == 0


@pytest.mark.parametrize("code", PROFILES)
def test_I01_suspended_institution_class_is_refused_under_every_profile(world: World, code: str) -> None:
    # Given the school's district under ``code``, a drafted class with its roster, the school suspended
    under(world, code)
    tc = with_roster(world, draft_class(world))
    suspended(world)
    # When its clerk submits / Then I01 refuses citing that profile's clause
    with pytest.raises(Refusal) as caught:
        training.class_submit(actor=world.users[Role.INSTITUTION], training_class=tc, today=APPLIED)
    assert str(caught.value) == suspension_text("提交开班申请", get_profile(code).rule_clause("I01"))
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.DRAFT


def test_I01_suspended_institution_cannot_create_a_class(world: World) -> None:
    suspended(world)
    before = TrainingClass.objects.count()
    with pytest.raises(Refusal) as caught:
        draft_class(world)
    assert str(caught.value) == suspension_text("申请开班", ZZ21_I01)
    assert TrainingClass.objects.count() == before


# ---- C09 → I01: stop-opening after low satisfaction, until the end of the rectification period


def ended_class(w: World) -> TrainingClass:
    tc = approved_class(w)
    inspector = w.users[Role.INSPECTOR]
    tc = class_open(
        actor=inspector, training_class=tc, present=30, signed_in=30, materials_kept=True, today=START
    )
    for i in range(2):
        inspection_record(
            actor=inspector,
            training_class=tc,
            at=at(START + dt.timedelta(days=3 + i)),
            place=tc.venue,
            teachers_present="教师1、教师2",
            trainees_present=30,
        )
    return class_end(actor=inspector, training_class=tc, today=END)


def next_class(w: World) -> TrainingClass:
    start = dt.date(2021, 8, 16)
    return with_roster(
        w,
        draft_class(w, batch="2021-电工-02", start_date=start, end_date=start + dt.timedelta(days=20)),
        today=dt.date(2021, 7, 19),
    )


def test_C09_low_satisfaction_stops_opening_until_the_end_date_then_accepts(world: World) -> None:
    # Given an ended ZZ21 class whose survey finds 80% satisfied (below 85%) on 2021-06-21
    tc = ended_class(world)
    satisfaction_record(
        actor=world.users[Role.INSPECTOR], training_class=tc, surveyed=20, satisfied=16, today=END
    )
    # Then a stop-opening sanction holds for the one-month rectification period, and the school reads 暂停
    sanction = Sanction.objects.get()
    assert (sanction.kind, sanction.rule, sanction.starts_on, sanction.ends_on) == (
        "stop_opening",
        "C09",
        dt.date(2021, 6, 21),
        dt.date(2021, 7, 21),
    )
    school = Organisation.objects.get(pk=world.zz_school.pk)
    assert (school.status, school.suspended_until) == ("suspended", dt.date(2021, 7, 21))
    # When the school submits its next class the day before the period ends / Then I01 refuses it
    nxt = next_class(world)
    with pytest.raises(Refusal) as caught:
        training.class_submit(
            actor=world.users[Role.INSTITUTION], training_class=nxt, today=dt.date(2021, 7, 20)
        )
    assert str(caught.value) == (
        f"“机构”：郑州商业技师学院已被停止开班（满意度不达标整改）（培训满意率 80.00% 低于规定，停止培训开班，"
        f"整改至 2021-07-21；依据：培训班 {tc.ref} 满意度调查（20 人，满意 16 人，2021-06-21）；"
        "2021-06-21 起至 2021-07-21），期间不得提交开班申请"
        "（规则 I01，依据 ZZ21 六(二)3 满意度调查低于85%的停止培训开班，给予为期一个月的整改期）"
    )
    # And on the period's end day it is accepted
    done = training.class_submit(
        actor=world.users[Role.INSTITUTION], training_class=nxt, today=dt.date(2021, 7, 21)
    )
    assert done.state == ClassState.SUBMITTED


# ---- I01: prepayments and claims


def test_I01_prepayment_is_refused_while_a_sanction_is_in_force(world: World) -> None:
    tc = project_class(world)
    sanction_impose(
        actor=world.users[Role.HR_FIRST],
        organisation=world.zz_school,
        kind="blacklist",
        decision="问题突出，列入黑名单",
        reference="督查通报 郑人社督〔2021〕7号",
        starts_on=dt.date(2021, 5, 15),
        today=dt.date(2021, 5, 15),
    )
    with pytest.raises(Refusal) as caught:
        prepayments.prepayment_request(
            actor=world.users[Role.INSTITUTION], training_class=tc, share=Decimal("0.50"), today=REQUESTED
        )
    assert str(caught.value) == (
        "“机构”：郑州商业技师学院已被列入黑名单（问题突出，列入黑名单；依据：督查通报 郑人社督〔2021〕7号；"
        f"2021-05-15 起至解除为止），期间不得申请预拨（规则 I01，依据 {ZZ21_I01}）"
    )
    assert Prepayment.objects.count() == 0


def test_I01_claim_is_refused_while_suspended_and_accepted_after_the_lift(world: World) -> None:
    tc = assessed_class(world)
    suspended(world, today=dt.date(2021, 7, 1))
    with pytest.raises(Refusal) as caught:
        claim_services.claim_create(actor=world.users[Role.INSTITUTION], training_class=tc, today=CLAIMED)
    assert str(caught.value) == (
        "“机构”：郑州商业技师学院已被暂停（审计发现虚报学员；依据：市审计局审计报告 郑审报〔2021〕3号；"
        f"2021-07-01 起至解除为止），期间不得申领补贴（规则 I01，依据 {ZZ21_I01}）"
    )
    assert Claim.objects.count() == 0
    # When two bureau staff lift the suspension
    sanction = Sanction.objects.get()
    sanction_lift_sign(
        actor=world.users[Role.HR_FIRST], sanction=sanction, reason="整改完成，复查合格", today=CLAIMED
    )
    sanction_lift_sign(actor=world.users[Role.HR_SECOND], sanction=sanction, today=CLAIMED)
    # Then the claim is made
    claim = claim_services.claim_create(actor=world.users[Role.INSTITUTION], training_class=tc, today=CLAIMED)
    assert claim.headcount == 30


# ---- I01: lifting is two different signers


def test_I01_lift_needs_two_different_bureau_signers(world: World) -> None:
    suspended(world)
    sanction = Sanction.objects.get()
    hr1, hr2 = world.users[Role.HR_FIRST], world.users[Role.HR_SECOND]
    on = dt.date(2021, 6, 1)
    # A lift without a reason, and one by an institution's clerk, are refused
    with pytest.raises(Refusal) as caught:
        sanction_lift_sign(actor=hr1, sanction=sanction, reason="", today=on)
    assert str(caught.value) == f"“理由”：解除处理决定须写明理由（不少于4个字）（规则 I01，依据 {ZZ21_I01}）"
    with pytest.raises(Refusal) as caught:
        sanction_lift_sign(
            actor=world.users[Role.INSTITUTION], sanction=sanction, reason="已整改完毕", today=on
        )
    assert str(caught.value) == "只有人社局工作人员可以签署解除处理决定"
    # The first signature alone leaves it in force
    sanction_lift_sign(actor=hr1, sanction=sanction, reason="整改完成，复查合格", today=on)
    assert list(sanctions_in_force([world.zz_school.pk], on)) == [world.zz_school.pk]
    assert list(sanction_lifts_awaiting_second(hr2)) == [sanction]
    assert list(sanction_lifts_awaiting_second(hr1)) == []
    # The same person cannot sign the second time
    with pytest.raises(Refusal) as caught:
        sanction_lift_sign(actor=hr1, sanction=sanction, today=on)
    assert str(caught.value) == (
        f"“复核人”：解除处理决定须由两名不同的人社局工作人员签署：复核人不能是提出解除的人（规则 I01，依据 {ZZ21_I01}）"
    )
    assert Organisation.objects.get(pk=world.zz_school.pk).status == "suspended"
    # A second, different signer lifts it from that day: the school reads 正常 again
    sanction_lift_sign(actor=hr2, sanction=sanction, today=on)
    assert sanctions_in_force([world.zz_school.pk], on) == {}
    assert sanctions_in_force([world.zz_school.pk], on - dt.timedelta(days=1))[world.zz_school.pk][
        0
    ].kind == ("suspension")
    assert Organisation.objects.get(pk=world.zz_school.pk).status == "active"
    steps = list(SanctionLiftSignature.objects.values_list("step", "signer", "reason"))
    assert steps == [("first", hr1.pk, "整改完成，复查合格"), ("second", hr2.pk, "同意解除")]
    assert [
        e.action for e in Event.objects.filter(action__startswith="organisation.sanction").order_by("pk")
    ] == [
        "organisation.sanction_lift_signed",
        "organisation.sanction_lifted",
    ]
    with pytest.raises(Refusal, match="已解除"):
        sanction_lift_sign(actor=world.users[Role.HR_ADMIN], sanction=sanction, today=on)


def test_I01_an_open_ended_suspension_is_not_reinstated_by_one_person(world: World) -> None:
    suspended(world)
    with pytest.raises(Refusal) as caught:
        organisation_reinstate(
            actor=world.users[Role.HR_ADMIN], organisation=world.zz_school, today=dt.date(2021, 6, 1)
        )
    assert str(caught.value) == (
        "“处理决定”：郑州商业技师学院的处理决定“暂停：审计发现虚报学员”（2021-05-01 起，至解除为止）尚未解除："
        f"须由两名人社局工作人员签署解除（规则 I01，依据 {ZZ21_I01}）"
    )


def test_I01_sanctions_are_append_only_in_the_orm(world: World) -> None:
    suspended(world)
    sanction = Sanction.objects.get()
    with pytest.raises(PermissionError):
        sanction.save()
    with pytest.raises(PermissionError):
        Sanction.objects.update(decision="改")
    with pytest.raises(PermissionError):
        sanction.delete()


# ---- I02 (HC21 16): a private school's 年检 and liability incidents


def private_school(w: World) -> Organisation:
    # Given the school is a private training school (民办职业培训学校)
    Organisation.objects.filter(pk=w.zz_school.pk).update(kind=Organisation.Kind.PRIVATE_SCHOOL)
    return Organisation.objects.get(pk=w.zz_school.pk)


HC16 = "HC21 16 政策性补贴向 2019 年以来未因办学发生责任问题、2020 年度年检合格的民办职业培训学校开放"


def test_I02_hc21_refuses_a_private_school_without_a_passed_2020_inspection(world: World) -> None:
    under(world, "HC21")
    school = private_school(world)
    tc = with_roster(world, draft_class(world))
    with pytest.raises(Refusal) as caught:
        training.class_submit(actor=world.users[Role.INSTITUTION], training_class=tc, today=APPLIED)
    assert str(caught.value) == (
        f"“年检”：民办职业培训学校“郑州商业技师学院”2020年度年检无记录，不得开展补贴性培训（规则 I02，依据 {HC16}）"
    )
    annual_inspection_record(
        actor=world.users[Role.HR_ADMIN], organisation=school, year=2020, passed=False, today=APPLIED
    )
    with pytest.raises(Refusal) as caught:
        training.class_submit(actor=world.users[Role.INSTITUTION], training_class=tc, today=APPLIED)
    assert str(caught.value) == (
        f"“年检”：民办职业培训学校“郑州商业技师学院”2020年度年检未通过，不得开展补贴性培训（规则 I02，依据 {HC16}）"
    )
    # When the 2020 inspection is recorded as passed / Then the class is submitted
    annual_inspection_record(
        actor=world.users[Role.HR_ADMIN], organisation=school, year=2020, passed=True, today=APPLIED
    )
    done = training.class_submit(actor=world.users[Role.INSTITUTION], training_class=tc, today=APPLIED)
    assert done.state == ClassState.SUBMITTED


def test_I02_hc21_refuses_a_private_school_with_an_incident_since_2019(world: World) -> None:
    under(world, "HC21")
    school = private_school(world)
    annual_inspection_record(
        actor=world.users[Role.HR_ADMIN], organisation=school, year=2020, passed=True, today=APPLIED
    )
    liability_incident_record(
        actor=world.users[Role.HR_ADMIN],
        organisation=school,
        occurred_on=dt.date(2018, 11, 3),
        description="实训课烫伤学员",
        today=APPLIED,
    )
    tc = with_roster(world, draft_class(world))
    profile = get_profile("HC21")
    refuse_private_school_standing(school.pk, profile=profile, on_date=APPLIED)  # 2018: before 2019
    liability_incident_record(
        actor=world.users[Role.HR_ADMIN],
        organisation=school,
        occurred_on=dt.date(2019, 9, 12),
        description="实训设备伤人，负主要责任",
        today=APPLIED,
    )
    with pytest.raises(Refusal) as caught:
        training.class_submit(actor=world.users[Role.INSTITUTION], training_class=tc, today=APPLIED)
    assert str(caught.value) == (
        "“责任事故”：民办职业培训学校“郑州商业技师学院”2019年以来发生办学责任事故（2019-09-12），"
        f"不得开展补贴性培训（规则 I02，依据 {HC16}）"
    )


@pytest.mark.parametrize("code", ["ZZ21", "XC19", "XC23"])
def test_I02_is_not_checked_where_the_profile_does_not_ask(world: World, code: str) -> None:
    # Given a private school with neither a 2020 inspection nor a clean record, under a profile other than HC21
    under(world, code)
    school = private_school(world)
    liability_incident_record(
        actor=world.users[Role.HR_ADMIN],
        organisation=school,
        occurred_on=dt.date(2020, 4, 1),
        description="实训设备伤人",
        today=APPLIED,
    )
    refuse_private_school_standing(school.pk, profile=get_profile(code), on_date=APPLIED)
    if code == "ZZ21":  # the document: the class goes through (XC19/XC23 have rules of their own)
        tc = with_roster(world, draft_class(world))
        done = training.class_submit(actor=world.users[Role.INSTITUTION], training_class=tc, today=APPLIED)
        assert done.state == ClassState.SUBMITTED


def test_I02_a_school_of_another_kind_is_not_checked_under_hc21(world: World) -> None:
    refuse_private_school_standing(world.zz_school.pk, profile=get_profile("HC21"), on_date=APPLIED)


# ---- the bureau's decisions


def test_I01_imposing_needs_a_decision_and_its_reference(world: World) -> None:
    with pytest.raises(Refusal) as caught:
        sanction_impose(
            actor=world.users[Role.HR_FIRST],
            organisation=world.zz_school,
            kind="inspection_failed",
            decision="2020年度年检不合格",
            reference="",
        )
    assert str(caught.value) == "“决定依据”：须写明决定依据（审计、督查、满意度调查记录或文号）（规则 I01）"
    with pytest.raises(Refusal) as caught:
        sanction_impose(
            actor=world.outsiders[Role.HR_FIRST],
            organisation=world.zz_school,
            kind="inspection_failed",
            decision="2020年度年检不合格",
            reference="年检结论",
        )
    assert str(caught.value) == "“机构”：郑州商业技师学院不在您的管辖范围内"
    assert Sanction.objects.count() == 0


def test_I01_a_programme_claim_paying_a_sanctioned_institution_is_refused(world: World) -> None:
    # Given the school suspended, and a programme's claim (以证换券 here) that would pay it
    from jineng.claims.sourced import SourceClaim, claims_create_for_sources
    from jineng.vouchers.services import VOUCHER_PROGRAMME

    suspended(world)
    asked = SourceClaim(
        source_id=1,
        source_ref="KB2021410100000001",
        title="职业培训券补贴",
        region=world.jinshui,
        department_id=world.zz_industry.pk,
        applicant_kind="institution",
        profile=get_profile("ZZ21"),
        year=2021,
        period_start=None,
        period_end=None,
        lines=[],
        payee_organisation=world.zz_school,
    )
    # When the claim is made / Then I01 refuses it, and no claim exists
    with pytest.raises(Refusal) as caught:
        claims_create_for_sources(
            actor=world.users[Role.INSTITUTION], programme_code=VOUCHER_PROGRAMME, claims=[asked]
        )
    assert str(caught.value) == suspension_text("申领补贴", ZZ21_I01)
    assert Claim.objects.count() == 0
