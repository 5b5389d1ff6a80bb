"""Issue 4 entitlements (jineng.policy.subsidy): amounts per funding type, caps, forfeits, refusals. Pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jineng.policy.identity import make_id_number
from jineng.policy.profiles import Profile, get_profile
from jineng.policy.standards import FUNDING_SUBSIDY_TYPES, SUBSIDY_TYPES
from jineng.policy.subsidy import (
    ClassEntitlement,
    EntitlementNotSet,
    SubsidyClass,
    TraineeFacts,
    class_entitlement,
    equipment_subsidy,
    planned_subsidy,
    prepayment_range,
    settle_prepayment,
)
from jineng.policy.training import ClassFacts, Enrolment, InstitutionFacts, LessonVideo, PersonHistory
from jineng.policy.violations import Violation

HYP = settings(database=None, deadline=None, max_examples=80)
ZZ21, HC21, XC19, XC23 = (get_profile(c) for c in ("ZZ21", "HC21", "XC19", "XC23"))
OCC = "6-31-01-03"  # 电工
START, END = dt.date(2021, 6, 1), dt.date(2021, 6, 30)
F02_PARAMS = (
    "subsidy_new_hire",
    "subsidy_completion",
    "subsidy_junior",
    "subsidy_intermediate",
    "subsidy_senior",
    "subsidy_offjob_completion",
)


def with_params(base: Profile, code: str, donor: Profile, *names: str) -> Profile:
    """A hypothetical profile: ``base`` with some numbers of ``donor`` (a bureau that adopted them)."""
    return dataclasses.replace(base, code=code, params={**base.params, **{n: donor.params[n] for n in names}})


# ZZ21's amounts under XC19's caps (B02, B08) and XC23's forfeits (C05, C09 suspend_assessment), so that
# every cap and forfeit can be shown with money: no single document has both.
ZZ21_B02 = with_params(ZZ21, "ZZ21+B02", XC19, "max_subsidised_trainings_per_year")
XC23_PAID = with_params(XC23, "XC23+F", ZZ21, *F02_PARAMS)
EVERYTHING = with_params(
    with_params(ZZ21, "ALL", XC19, "max_subsidised_trainings_per_year", "yigong_and_new_hire_exclusive"),
    "ALL",
    XC23,
    "video_incomplete_forfeit_count",
    "satisfaction_min",
    "satisfaction_effect",
)
EVERYTHING = with_params(
    EVERYTHING,
    "ALL",
    XC19,
    "subsidy_yigong_monthly",
    "yigong_max_months",
    "yigong_min_employment_months",
)


def institution() -> InstitutionFacts:
    return InstitutionFacts(
        name="郑州商业技师学院",
        kind="technical_school",
        city_code="410100",
        county_code="410102",
        is_technical_school=True,
        degree_education=True,
    )


def facts(**changes: object) -> ClassFacts:
    base = ClassFacts(
        ref="ZZ2021-0100",
        occupation_code=OCC,
        occupation_name="电工",
        level=4,
        target_certificate="skill_level",
        obtainable_certificates=frozenset({"skill_level"}),
        occupation_hour_rule=None,
        planned_trainees=40,
        total_hours=100,
        theory_hours=35,
        practical_hours=65,
        minutes_per_hour=45,
        online_hours=0,
        offline_practical_hours=65,
        delivery="offline",
        funding_type="on_job",
        teachers=(),
        teachers_for_major=2,
        workstations=2,
        start_date=START,
        end_date=END,
        institution=institution(),
        location_city_code="410100",
        location_county_code="410102",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def klass(
    *,
    mode: str = "institution",
    payee: str = "institution",
    inspection_counts: tuple[int, ...] = (50, 50),
    opening_headcount: int | None = None,
    lessons: tuple[LessonVideo, ...] = (),
    satisfaction_share: Decimal | None = None,
    **fact_changes: object,
) -> SubsidyClass:
    return SubsidyClass(
        facts=facts(**fact_changes),
        mode=mode,
        payee=payee,
        inspection_counts=inspection_counts,
        opening_headcount=opening_headcount,
        lessons=lessons,
        satisfaction_share=satisfaction_share,
    )


def pid(i: int) -> str:
    return make_id_number("410105", dt.date(1990, 1, 1), i)


def trainee(
    i: int, certificate: str | None = "skill_level", level: int | None = 4, **changes: object
) -> TraineeFacts:
    base = TraineeFacts(person_key=pid(i), name=f"学员{i}", row=i + 1, certificate=certificate, level=level)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def past(ref: str, start: dt.date, **changes: object) -> Enrolment:
    base = Enrolment(
        class_ref=ref,
        occupation_code="4-07-05-05",
        level=4,
        funding_type="on_job",
        start_date=start,
        end_date=start + dt.timedelta(days=20),
        assessed_on=start + dt.timedelta(days=25),
        subsidised=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def video(lesson: int, not_all_visible: int) -> LessonVideo:
    return LessonVideo(
        lesson=lesson,
        day=START + dt.timedelta(days=lesson),
        kind="theory",
        scheduled_minutes=90,
        recorded_minutes=90,
        not_all_visible=not_all_visible,
    )


def amounts(result: ClassEntitlement) -> list[tuple[int, str, Decimal]]:
    return [(line.row, line.status, line.amount) for line in result.lines]


def rules_of(violations: tuple[Violation, ...]) -> list[str]:
    return [v.rule for v in violations]


# --- F02 under ZZ21 ------------------------------------------------------------------------------------------


def test_f02_zz21_in_job_junior_intermediate_senior_1500_2000_2500() -> None:
    # Given an in-job class whose trainees obtained skill-level certificates at levels 5, 4 and 3
    people = [trainee(1, level=5), trainee(2, level=4), trainee(3, level=3)]
    # When the entitlement is computed under ZZ21
    result = class_entitlement(ZZ21, klass(), people, {})
    # Then each is paid by the certificate obtained, with the computation and the clause
    assert amounts(result) == [
        (2, "payable", Decimal("1500")),
        (3, "payable", Decimal("2000")),
        (4, "payable", Decimal("2500")),
    ]
    assert [line.computation for line in result.lines] == [
        "F02 初级工 1500元/人 × 1 = 1500元（郑技领办〔2021〕6号 三(一)）",
        "F02 中级工 2000元/人 × 1 = 2000元（郑技领办〔2021〕6号 三(一)）",
        "F02 高级工 2500元/人 × 1 = 2500元（郑技领办〔2021〕6号 三(一)）",
    ]
    assert all(line.rule_ids == ("F02",) and line.violations == () for line in result.lines)
    assert result.total == Decimal("6000") and result.payable_count == 3 and result.excluded == ()
    assert result.prepayment is None  # not project-based


def test_f02_zz21_qualification_certificate_paid_like_skill_level() -> None:
    result = class_entitlement(ZZ21, klass(), [trainee(1, certificate="qualification", level=4)], {})
    assert result.total == Decimal("2000")


def test_f02_zz21_completion_certificate_1000_in_job_1200_off_job() -> None:
    # Given an occupation where only the completion certificate is obtainable
    only_completion = {
        "target_certificate": "completion",
        "obtainable_certificates": frozenset({"completion"}),
    }
    people = [trainee(1, "completion", None), trainee(2, "completion", None)]
    # When in-job / off-job (脱产)
    in_job = class_entitlement(ZZ21, klass(**only_completion), people, {})
    off_job = class_entitlement(ZZ21, klass(funding_type="off_job", **only_completion), people, {})
    # Then 1000 / 1200 each
    assert in_job.total == Decimal("2000") and off_job.total == Decimal("2400")
    assert (
        in_job.lines[0].computation == "F02 培训合格证书 1000元/人 × 1 = 1000元（郑技领办〔2021〕6号 三(一)）"
    )
    assert (
        off_job.lines[0].computation
        == "F02 脱产培训合格证书 1200元/人 × 1 = 1200元（郑技领办〔2021〕6号 三(一)）"
    )


def test_f02_zz21_off_job_levels_paid_as_in_job() -> None:
    result = class_entitlement(
        ZZ21, klass(funding_type="off_job"), [trainee(1, level=4), trainee(2, level=3)], {}
    )
    assert result.total == Decimal("4500")


def test_f02_trainee_without_certificate_excluded_not_paid() -> None:
    result = class_entitlement(ZZ21, klass(), [trainee(1), trainee(2, certificate=None, level=None)], {})
    assert amounts(result) == [(2, "payable", Decimal("2000")), (3, "excluded", Decimal("0"))]
    failed = result.lines[1]
    assert failed.computation == "不予补贴：未取得证书（结业考核未合格或未参加考核），不予补贴"
    assert failed.rule_ids == ("F02",)
    v = failed.violations[0]
    assert (v.rule, v.row, v.field) == ("F02", 3, "取得证书")
    assert v.clause == "ZZ21 三(一) 培训合格证…1000元"
    assert result.total == Decimal("2000") and result.payable_count == 1 and result.excluded == (failed,)


# --- F01 under ZZ21 (B07) --------------------------------------------------------------------------------------


def test_f01_zz21_new_hire_600_within_twelve_months_b07() -> None:
    # Given a new-hire class starting 2021-06-01, one hired exactly 12 months before, one a day earlier
    cls = klass(funding_type="new_hire", payee="enterprise")
    people = [
        trainee(1, hired_on=dt.date(2020, 6, 1)),
        trainee(2, hired_on=dt.date(2020, 5, 31)),
    ]
    # When computed under ZZ21
    result = class_entitlement(ZZ21, cls, people, {})
    # Then the first is paid 600, the second is excluded by B07
    assert amounts(result) == [(2, "payable", Decimal("600")), (3, "excluded", Decimal("0"))]
    paid, late = result.lines
    assert paid.computation == "F01 新录用人员岗前培训 600元/人 × 1 = 600元（郑技领办〔2021〕6号 三(一)）"
    assert paid.rule_ids == ("F01", "B07")
    assert rules_of(late.violations) == ["B07"]
    assert late.violations[0].message == (
        "入职日期 2020-05-31，开班日期 2021-06-01 已超过入职后 12 个月（至 2021-05-31）"
    )
    assert late.computation == (
        "F01 新录用人员岗前培训 600元/人 × 1 = 600元（郑技领办〔2021〕6号 三(一)）；"
        "不予补贴：入职日期 2020-05-31，开班日期 2021-06-01 已超过入职后 12 个月（至 2021-05-31）"
    )
    assert result.total == Decimal("600")


def test_f01_paid_to_enterprise_or_institution_never_to_an_individual() -> None:
    people = [trainee(1, hired_on=dt.date(2021, 1, 1))]
    assert class_entitlement(
        ZZ21, klass(funding_type="new_hire", payee="institution"), people, {}
    ).total == Decimal("600")
    result = class_entitlement(ZZ21, klass(funding_type="new_hire", payee="individual"), people, {})
    assert result.total == Decimal("0") and result.forfeited
    v = result.forfeits[0]
    assert (v.rule, v.field) == ("F01", "申领主体")
    assert v.message == "新录用人员岗前培训补贴给予企业或培训机构，不能由个人申领"
    assert v.clause == "ZZ21 三(一) 按每人600元的标准给予企业或培训机构补贴"


# --- F03 under XC19 --------------------------------------------------------------------------------------------


def yigong(payee: str = "enterprise", **changes: object) -> SubsidyClass:
    return klass(funding_type="yigong", payee=payee, inspection_counts=(), ref="XC2021-0007", **changes)


def test_f03_xc19_200_a_month_capped_at_six_months() -> None:
    # Given 以工代训 for 4 and for 8 months, both employed since 2020-01-01 (more than 6 months by 06-30)
    hired = dt.date(2020, 1, 1)
    people = [
        trainee(1, None, None, yigong_months=4, hired_on=hired),
        trainee(2, None, None, yigong_months=8, hired_on=hired),
    ]
    # When computed under XC19
    result = class_entitlement(XC19, yigong(), people, {})
    # Then 4 × 200 = 800 and 6 × 200 = 1200 (the cap), no headcount cap for 以工代训
    assert amounts(result) == [(2, "payable", Decimal("800")), (3, "payable", Decimal("1200"))]
    assert [line.computation for line in result.lines] == [
        "F03 以工代训 200元/人/月 × 4个月 × 1 = 800元（许政办〔2019〕20号 二(三)1）",
        "F03 以工代训 200元/人/月 × 6个月（申报8个月，最长6个月） × 1 = 1200元（许政办〔2019〕20号 二(三)1）",
    ]
    assert result.lines[1].rule_ids == ("F03",)
    assert result.total == Decimal("2000") and result.trained_headcount is None


def test_f03_xc19_employed_less_than_six_months_or_no_months_excluded() -> None:
    people = [
        trainee(1, None, None, yigong_months=3, hired_on=dt.date(2021, 1, 1)),  # 6 months on 2021-07-01
        trainee(2, None, None, yigong_months=3, hired_on=dt.date(2020, 12, 30)),  # 6 months on 2021-06-30
        trainee(3, None, None, yigong_months=0, hired_on=dt.date(2020, 1, 1)),
        trainee(4, None, None, yigong_months=3),
    ]
    result = class_entitlement(XC19, yigong(), people, {})
    assert amounts(result) == [
        (2, "excluded", Decimal("0")),
        (3, "payable", Decimal("600")),
        (4, "excluded", Decimal("0")),
        (5, "excluded", Decimal("0")),
    ]
    short, _, none, unknown = result.lines
    assert short.violations[0].message == (
        "入职日期 2021-01-01，至以工代训结束 2021-06-30 就业不满 6 个月（2021-07-01 满 6 个月）"
    )
    assert short.violations[0].clause == "XC19 二(三)1 吸纳贫困劳动力就业6个月以上并开展以工代训"
    assert none.violations[0].message == "未填写以工代训月数"
    assert unknown.violations[0].message == "以工代训须填写入职日期"


def test_f03_paid_to_the_enterprise_only() -> None:
    people = [trainee(1, None, None, yigong_months=2, hired_on=dt.date(2020, 1, 1))]
    result = class_entitlement(XC19, yigong(payee="institution"), people, {})
    assert result.total == Decimal("0")
    assert result.forfeits[0].message == "以工代训补贴给予企业，不能由培训机构申领"


# --- B02, B08 ---------------------------------------------------------------------------------------------------


def test_b02_three_subsidised_trainings_a_year_the_fourth_excluded() -> None:
    # Given ZZ21 amounts with XC19's cap of 3 a year: trainee 1 had 2 earlier this year, trainee 2 had 3
    two = [past("A", dt.date(2021, 1, 5)), past("B", dt.date(2021, 3, 1), occupation_code="4-07-05-06")]
    three = [*two, past("C", dt.date(2021, 4, 1), occupation_code="4-07-05-07")]
    history: PersonHistory = {pid(1): two, pid(2): three}
    # When computed
    result = class_entitlement(ZZ21_B02, klass(), [trainee(1), trainee(2)], history)
    # Then the third training of the year is paid, the fourth is not
    assert amounts(result) == [(2, "payable", Decimal("2000")), (3, "excluded", Decimal("0"))]
    v = result.lines[1].violations[0]
    assert v.rule == "B02" and v.row == 3
    assert v.message == "学员2 2021 年已享受补贴性培训 3 次（A、B、C），加本班超过每年 3 次"
    assert result.lines[1].rule_ids == ("F02", "B02")
    assert result.total == Decimal("2000")


def test_b02_only_earlier_counted_trainings_weigh_whatever_order_claims_come_in() -> None:
    # Later classes of the year, withdrawn and unsubsidised ones, other years and this class do not count
    history: PersonHistory = {
        pid(1): [
            past("A", dt.date(2021, 1, 5)),
            past("B", dt.date(2021, 2, 1), status="withdrawn"),
            past("C", dt.date(2021, 3, 1), subsidised=False),
            past("D", dt.date(2020, 3, 1)),
            past("E", dt.date(2021, 9, 1)),
            past("F", dt.date(2021, 10, 1)),
            past("ZZ2021-0100", START, occupation_code=OCC),
            # same start date: the class reference breaks the tie
            past("ZZ2021-0099", START, occupation_code="4-07-05-08"),
            past("ZZ2021-0101", START, occupation_code="4-07-05-09"),
        ]
    }
    result = class_entitlement(ZZ21_B02, klass(), [trainee(1)], history)
    assert result.total == Decimal("2000")  # A and ZZ2021-0099: the 3rd of the year
    # …and E, later in the year, is the one that loses out, listing the earlier ones in date order
    later = klass(
        start_date=dt.date(2021, 9, 1), end_date=dt.date(2021, 9, 30), ref="E", occupation_code="4-07-05-10"
    )
    result_e = class_entitlement(ZZ21_B02, later, [trainee(1)], history)
    assert result_e.total == Decimal("0")
    assert [v.message for v in result_e.lines[0].violations] == [
        "学员1 2021 年已享受补贴性培训 4 次（A、ZZ2021-0099、ZZ2021-0100、ZZ2021-0101），加本班超过每年 3 次"
    ]


def test_b02_same_occupation_and_level_paid_once() -> None:
    history: PersonHistory = {pid(1): [past("ZZ2020-5", dt.date(2020, 5, 1), occupation_code=OCC, level=4)]}
    result = class_entitlement(ZZ21_B02, klass(), [trainee(1), trainee(2)], history)
    assert amounts(result) == [(2, "excluded", Decimal("0")), (3, "payable", Decimal("2000"))]
    assert result.lines[0].violations[0].message == (
        "学员1 已在 ZZ2020-5 享受同一职业（6-31-01-03）同一等级（四级/中级工）的补贴性培训，不可重复享受"
    )
    # ZZ21 itself sets no B02: paid
    assert class_entitlement(ZZ21, klass(), [trainee(1)], history).total == Decimal("2000")


def test_b02_does_not_limit_yigong() -> None:
    three = [past(r, dt.date(2020, m, 1)) for r, m in (("A", 1), ("B", 2), ("C", 3))]
    people = [trainee(1, None, None, yigong_months=1, hired_on=dt.date(2019, 1, 1))]
    result = class_entitlement(
        XC19, yigong(start_date=dt.date(2020, 6, 1), end_date=dt.date(2020, 6, 30)), people, {pid(1): three}
    )
    assert result.total == Decimal("200")


def test_b08_xc19_yigong_after_a_new_hire_subsidy_excluded_before_it_paid() -> None:
    # Given one trainee with an earlier new-hire subsidy and one whose new-hire training came later
    history: PersonHistory = {
        pid(1): [past("XC2020-0001", dt.date(2020, 3, 1), funding_type="new_hire")],
        pid(2): [past("XC2021-0009", dt.date(2021, 9, 1), funding_type="new_hire")],
    }
    people = [
        trainee(1, None, None, yigong_months=6, hired_on=dt.date(2019, 1, 1)),
        trainee(2, None, None, yigong_months=6, hired_on=dt.date(2019, 1, 1)),
    ]
    # When 以工代训 starting 2021-06-01 is computed under XC19
    result = class_entitlement(XC19, yigong(), people, history)
    # Then the first is excluded by B08, the second is paid (the later new-hire claim is the one refused)
    assert amounts(result) == [(2, "excluded", Decimal("0")), (3, "payable", Decimal("1200"))]
    v = result.lines[0].violations[0]
    assert v.rule == "B08"
    assert v.message == "学员1 已在 XC2020-0001 享受新录用人员岗前培训补贴，与以工代训补贴不得重复享受"
    assert v.clause == "XC19 二(三)1 以工代训补贴和新录用人员岗前技能培训补贴不得重复享受"
    assert result.lines[0].computation.startswith("F03 以工代训 200元/人/月 × 6个月 × 1 = 1200元")


def test_b01_same_person_twice_in_one_class_paid_once() -> None:
    people = [trainee(1), dataclasses.replace(trainee(1), row=9)]
    result = class_entitlement(ZZ21, klass(), people, {})
    assert amounts(result) == [(2, "payable", Decimal("2000")), (9, "excluded", Decimal("0"))]
    assert result.lines[1].violations[0].message == "与第2行为同一人，同一人在一个班中只能补贴一次"


# --- class-level forfeits ---------------------------------------------------------------------------------------


def test_c05_three_videos_not_showing_all_trainees_forfeit_the_class() -> None:
    people = [trainee(1), trainee(2, level=3)]
    # Given XC23 (with ZZ21's amounts): two incidents pay, three forfeit
    two = class_entitlement(XC23_PAID, klass(lessons=(video(1, 1), video(2, 1))), people, {})
    assert two.total == Decimal("4500") and not two.forfeited
    three = class_entitlement(XC23_PAID, klass(lessons=(video(1, 1), video(2, 2))), people, {})
    assert three.total == Decimal("0") and three.payable_count == 0
    assert rules_of(three.forfeits) == ["C05"]
    assert three.forfeits[0].message == "本班录像无法显示全体参训人员 3 次，达到 3 次，取消补贴资格"
    assert all(rules_of(line.violations) == ["C05"] for line in three.lines)
    assert three.lines[0].rule_ids == ("F02", "C05")
    # ZZ21 does not set C05: paid
    assert class_entitlement(ZZ21, klass(lessons=(video(1, 9),)), people, {}).total == Decimal("4500")


def test_c09_xc23_satisfaction_below_85_percent_forfeits_zz21_only_stops_opening() -> None:
    people = [trainee(1), trainee(2)]
    # XC23: suspend_assessment → this class loses its subsidy
    xc = class_entitlement(XC23_PAID, klass(satisfaction_share=Decimal("0.80")), people, {})
    assert xc.total == Decimal("0") and rules_of(xc.forfeits) == ["C09"]
    assert xc.forfeits[0].message == (
        "培训满意率 80%，低于 85%：暂停结业考核，重新组织培训或取消当班补贴资格，整改期不少于 1 个月；"
        "未重新组织培训并达标的，取消当班补贴资格"
    )
    # exactly 85% passes
    assert class_entitlement(
        XC23_PAID, klass(satisfaction_share=Decimal("0.85")), people, {}
    ).total == Decimal("4000")
    # ZZ21: stop_opening → the class is paid, the consequence is a notice
    zz = class_entitlement(ZZ21, klass(satisfaction_share=Decimal("0.80")), people, {})
    assert zz.total == Decimal("4000") and zz.forfeits == ()
    assert rules_of(zz.notices) == ["C09"]
    assert zz.notices[0].message == "培训满意率 80%，低于 85%：停止培训开班，整改期不少于 1 个月"


def test_e03_completion_assessment_where_skill_level_obtainable_forfeits_the_class() -> None:
    cls = klass(
        target_certificate="completion", obtainable_certificates=frozenset({"completion", "skill_level"})
    )
    result = class_entitlement(
        ZZ21, cls, [trainee(1, "completion", None), trainee(2, "completion", None)], {}
    )
    assert result.total == Decimal("0") and rules_of(result.forfeits) == ["E03"]
    assert result.forfeits[0].field == "考核证书类别"
    assert result.lines[0].computation == (
        "F02 培训合格证书 1000元/人 × 1 = 1000元（郑技领办〔2021〕6号 三(一)）；不予补贴："
        "该职业（工种）可取得职业技能等级证书，须组织学员参加相应鉴定评价或考核，直接组织培训合格证书考核的不予认可"
    )
    # XC19 does not set E03
    assert class_entitlement(
        with_params(XC19, "XC19+F", ZZ21, *F02_PARAMS), cls, [trainee(1, "completion", None)], {}
    ).total == Decimal("1000")


def test_e03_one_trainee_with_only_a_completion_certificate_in_a_skill_level_class_excluded() -> None:
    people = [trainee(1), trainee(2, "completion", None)]
    result = class_entitlement(ZZ21, klass(), people, {})
    assert amounts(result) == [(2, "payable", Decimal("2000")), (3, "excluded", Decimal("0"))]
    v = result.lines[1].violations[0]
    assert (v.rule, v.row, v.field) == ("E03", 3, "取得证书")


def test_c02_trained_headcount_38_pays_the_first_38_eligible_in_roster_order() -> None:
    # Given 41 trainees, one of whom failed, and inspections counting 40, 38, 37 (average 38.33 → 38)
    people = [trainee(i) for i in range(1, 42)]
    people[4] = trainee(5, certificate=None, level=None)
    random.Random(7).shuffle(people)  # the order given does not matter: roster rows decide
    # When computed under ZZ21
    result = class_entitlement(ZZ21, klass(inspection_counts=(40, 38, 37)), people, {})
    # Then 38 are paid: rows 2–40 except the failed row 6; rows 41 and 42 exceed the headcount
    assert result.trained_headcount == 38
    assert result.payable_count == 38 and result.total == Decimal("76000")
    assert [line.row for line in result.lines] == list(range(2, 43))
    excluded = {line.row: rules_of(line.violations) for line in result.excluded}
    assert excluded == {6: ["F02"], 41: ["C02"], 42: ["C02"]}
    v = result.lines[-1].violations[0]
    assert (
        v.message
        == "培训人数（检查在位平均人数）为 38 人，符合条件的 40 人按花名册顺序补贴前 38 人，本行超出"
    )
    assert v.clause == "ZZ21 附件2 过程监管：平均出勤人数"  # ZZ21's own form, not another document


def test_c02_opening_headcount_caps_the_average() -> None:
    result = class_entitlement(
        ZZ21, klass(inspection_counts=(5, 5), opening_headcount=3), [trainee(i) for i in range(1, 6)], {}
    )
    assert result.trained_headcount == 3 and result.total == Decimal("6000")


def test_c02_no_inspection_recorded_nothing_payable() -> None:
    result = class_entitlement(ZZ21, klass(inspection_counts=()), [trainee(1)], {})
    assert result.total == Decimal("0") and rules_of(result.forfeits) == ["C02"]
    assert (
        result.forfeits[0].message
        == "本班没有培训期间检查记录，无法确定培训人数（检查在位平均人数），不予补贴"
    )


# --- refusals: numbers the profile does not set ----------------------------------------------------------------


def refused(
    profile: Profile, cls: SubsidyClass, people: list[TraineeFacts], *, prefix: str = "本政策口径未规定"
) -> list[str]:
    with pytest.raises(EntitlementNotSet) as excinfo:
        class_entitlement(profile, cls, people, {})
    assert all(v.message.startswith(prefix) for v in excinfo.value.violations)
    return [v.render() for v in excinfo.value.violations]


def no_standard(profile: Profile, cls: SubsidyClass, people: list[TraineeFacts]) -> list[str]:
    return refused(profile, cls, people, prefix="2021年补贴标准目录中没有")


def test_f01_f02_xc19_and_xc23_without_a_standard_refuse_naming_the_item_never_zero() -> None:
    # Given XC19 / XC23 (no amounts: priced by the province standard) and no standards item at all
    new_hire = klass(funding_type="new_hire", payee="enterprise")
    # Then the refusal names the item looked for, under F02 with the profile's switch clause
    assert no_standard(XC19, new_hire, [trainee(1, hired_on=dt.date(2021, 1, 1))]) == [
        "“补贴标准目录项目”：2021年补贴标准目录中没有 2021-06-01（开班日期）有效的“6-31-01-03 "
        "电工·四级/中级工·职业技能等级证书（岗位技能提升培训）”标准，不予计算（缺少标准不按零元支付），"
        "请先导入该项目标准（规则 F02，依据 XC19 三(二) 补贴标准均按照省就业补助资金补贴标准执行）"
    ]
    # every missing item of the batch at once, each once
    people = [trainee(1, level=5), trainee(2, level=4), trainee(3, level=4)]
    messages = no_standard(XC23, klass(), people)
    assert len(messages) == 2
    assert "电工·五级/初级工·职业技能等级证书（岗位技能提升培训）" in messages[0]
    assert "电工·四级/中级工·职业技能等级证书（岗位技能提升培训）" in messages[1]
    assert all("依据 XC23 本地补充规定（文件未列补贴标准" in m for m in messages)


def test_f03_zz21_and_xc23_refuse_never_zero() -> None:
    people = [trainee(1, None, None, yigong_months=3, hired_on=dt.date(2020, 1, 1))]
    zz = refused(ZZ21, yigong(), people)
    assert [m.split("（规则")[0] for m in zz] == [
        "“以工代训月数”：本政策口径未规定“以工代训补贴（元/人/月）”：本文件未规定以工代训补贴标准",
        "“以工代训月数”：本政策口径未规定“以工代训最长月数”：本文件未规定以工代训补贴月数",
    ]
    assert len(refused(XC23, yigong(), people)) == 2


def test_f02_zz21_technician_and_special_fall_back_to_the_standards_table() -> None:
    # Given ZZ21, which fixes no amount for 技师 or 专项职业能力, and no standards item
    technician = no_standard(ZZ21, klass(level=2), [trainee(1, level=2)])
    # Then the refusal names the 技师 item looked for (ZZ21's switch to the province standard)
    assert "“6-31-01-03 电工·二级/技师·职业技能等级证书（岗位技能提升培训）”标准" in technician[0]
    assert technician[0].endswith(
        "（规则 F02，依据 ZZ21 本地补充规定（文件只列培训合格证、初级工、中级工、高级工的标准，其他证书和补贴类型按省补贴标准目录执行））"
    )
    special = no_standard(
        ZZ21, klass(level=None, target_certificate="special_ability"), [trainee(1, "special_ability", None)]
    )
    assert "“6-31-01-03 电工·专项职业能力证书（岗位技能提升培训）”标准" in special[0]


@pytest.mark.parametrize("funding_type", ["apprenticeship", "entrepreneurship", "employment"])
def test_f02_funding_types_the_document_does_not_price_look_for_their_standard(funding_type: str) -> None:
    messages = no_standard(ZZ21, klass(funding_type=funding_type), [trainee(1)])
    assert (
        len(messages) == 1 and f"（{SUBSIDY_TYPES[FUNDING_SUBSIDY_TYPES[funding_type]]}）”标准" in messages[0]
    )


def test_f02_missing_numbers_no_line_needs_do_not_refuse() -> None:
    # Given XC23 (no amounts) and a class where nobody passed, or a forfeited class
    failed = class_entitlement(XC23, klass(), [trainee(1, certificate=None, level=None)], {})
    assert failed.total == Decimal("0") and failed.excluded[0].violations[0].clause.startswith("XC23 《")
    forfeited = class_entitlement(XC23, klass(lessons=(video(1, 3),)), [trainee(1)], {})
    # Then there is nothing to pay and no refusal: the forfeit is the answer
    assert forfeited.total == Decimal("0") and rules_of(forfeited.forfeits) == ["C05"]
    assert (
        forfeited.lines[0].computation
        == "不予补贴：本班录像无法显示全体参训人员 3 次，达到 3 次，取消补贴资格"
    )


# --- F04 prepayment ----------------------------------------------------------------------------------------------


def test_f04_zz21_project_prepayment_30_to_50_percent_and_settlement() -> None:
    # Given a project-based class paying 3 × 2000 + 1 × 2500 = 8500 (average 4 at inspections)
    people = [trainee(1), trainee(2), trainee(3), trainee(4, level=3)]
    result = class_entitlement(ZZ21, klass(mode="project", inspection_counts=(4, 4)), people, {})
    # Then the prepayment may be 30%–50% of it
    assert result.total == Decimal("8500")
    prepay = result.prepayment
    assert prepay is not None and (prepay.minimum, prepay.maximum) == (Decimal("2550"), Decimal("4250"))
    assert (
        prepay.computation == "F04 项目制预拨 8500元 × 30%—50% = 2550元—4250元（郑技领办〔2021〕6号 三(四)）"
    )
    # And a prepayment settles to a balance due, or to an amount recovered (F14)
    due = result.settle(Decimal("4250"))
    assert (due.balance_due, due.to_recover, due.rule_ids) == (Decimal("4250"), Decimal("0"), ("F04",))
    assert due.computation == "核定补贴 8500元 − 已预拨 4250元 = 应拨付余额 4250元"
    over = settle_prepayment(Decimal("1000"), Decimal("4250"))
    assert (over.balance_due, over.to_recover, over.rule_ids) == (
        Decimal("0"),
        Decimal("3250"),
        ("F04", "F14"),
    )
    assert over.computation == "已预拨 4250元 − 核定补贴 1000元 = 应追回 3250元"


def test_f04_xc19_prepays_exactly_half_of_the_planned_subsidy() -> None:
    estimate = planned_subsidy(XC19, yigong(), trainees=30)
    assert estimate.amount == Decimal("36000")
    assert (
        estimate.computation
        == "F03 以工代训 200元/人/月 × 6个月 × 30 = 36000元（许政办〔2019〕20号 二(三)1）"
    )
    prepay = prepayment_range(XC19, estimate.amount)
    assert (prepay.minimum, prepay.maximum) == (Decimal("18000"), Decimal("18000"))
    assert prepay.computation == "F04 项目制预拨 36000元 × 50% = 18000元（许政办〔2019〕20号 二(三)1）"


def test_f04_planned_subsidy_zz21_by_target_certificate_and_fen_rounding() -> None:
    estimate = planned_subsidy(ZZ21, klass(), trainees=40)
    assert (estimate.per_head, estimate.amount) == (Decimal("2000"), Decimal("80000"))
    assert prepayment_range(ZZ21, Decimal("1234.57")).minimum == Decimal("370.37")  # 370.371 half-up


def test_f04_xc23_and_hc21_refuse_a_prepayment_range() -> None:
    for profile in (XC23, HC21):
        with pytest.raises(EntitlementNotSet) as excinfo:
            prepayment_range(profile, Decimal("1000"))
        assert rules_of(excinfo.value.violations) == ["F04", "F04"]
        assert (
            excinfo.value.violations[0].message
            == "本政策口径未规定“项目制预拨比例下限”：本文件未规定预拨比例"
        )
    # On the summary the refusal sits beside the amounts, which are still computed
    result = class_entitlement(XC23_PAID, klass(mode="project"), [trainee(1)], {})
    assert result.total == Decimal("2000") and result.prepayment is None
    assert rules_of(result.prepayment_refusals) == ["F04", "F04"]


def test_f04_forfeited_project_class_recovers_the_whole_prepayment() -> None:
    result = class_entitlement(ZZ21, klass(mode="project", inspection_counts=()), [trainee(1)], {})
    assert result.prepayment is not None and result.prepayment.maximum == Decimal("0")
    assert result.settle(Decimal("1000")).to_recover == Decimal("1000")


# --- F05 equipment -------------------------------------------------------------------------------------------------


def test_f05_xc19_twenty_percent_capped_500000_base_100000_studio() -> None:
    def grant(kind: str, value: str) -> Decimal:
        return equipment_subsidy(
            XC19, kind=kind, equipment_value=Decimal(value), staff_education_fund_used=True
        ).amount

    assert grant("base", "1000000") == Decimal("200000")
    assert grant("base", "2500000") == Decimal("500000")  # exactly the cap
    assert grant("base", "3000000") == Decimal("500000")
    assert grant("studio", "400000") == Decimal("80000")
    assert grant("studio", "600000") == Decimal("100000")
    capped = equipment_subsidy(
        XC19, kind="studio", equipment_value=Decimal("600000"), staff_education_fund_used=True
    )
    assert capped.computation == (
        "F05 技能大师工作室 新购置实训设备总值 600000元 × 20% = 120000元，超过上限 100000元，补助 100000元"
        "（许政办〔2019〕20号 二(二)1）"
    )
    assert (capped.status, capped.rule_ids) == ("payable", ("F05",))


def test_f05_only_from_staff_education_fund_and_only_once() -> None:
    no_fund = equipment_subsidy(
        XC19, kind="base", equipment_value=Decimal("1000000"), staff_education_fund_used=False
    )
    assert (no_fund.status, no_fund.amount) == ("excluded", Decimal("0"))
    assert (
        no_fund.violations[0].message
        == "企业未依法提取职工教育经费并用于高技能人才培训基地建设，不予实训设备补助"
    )
    again = equipment_subsidy(
        XC19,
        kind="base",
        equipment_value=Decimal("1000000"),
        staff_education_fund_used=True,
        already_granted=True,
    )
    assert again.status == "excluded" and again.computation.endswith(
        "不予补助：高技能人才培训基地实训设备补助为一次性补助，已享受过"
    )


def test_f05_zz21_and_xc23_refuse_never_zero() -> None:
    for profile, reason in (
        (
            ZZ21,
            "本文件五(一)支持申报建设技能大师工作室等基地项目、支持实训设施设备升级改造，未规定实训设备补助的比例和上限",
        ),
        (
            XC23,
            "本文件二(一)9只写支持企业依托高技能人才培训基地、技能大师工作室等加大高技能人才培养力度，未规定实训设备补助的比例和上限",
        ),
    ):
        with pytest.raises(EntitlementNotSet) as excinfo:
            equipment_subsidy(
                profile, kind="base", equipment_value=Decimal("1"), staff_education_fund_used=True
            )
        assert [v.message for v in excinfo.value.violations] == [
            f"本政策口径未规定“实训设备补助比例”：{reason}",
            f"本政策口径未规定“高技能人才培训基地设备补助上限（元）”：{reason}",
        ]


# --- properties ----------------------------------------------------------------------------------------------------

CERTS = st.sampled_from(
    [(None, None), ("completion", None), ("skill_level", 5), ("skill_level", 4), ("qualification", 3)]
)


@st.composite
def batches(draw: st.DrawFn) -> tuple[SubsidyClass, list[TraineeFacts], PersonHistory]:
    funding = draw(st.sampled_from(["on_job", "off_job", "new_hire", "yigong"]))
    n = draw(st.integers(0, 12))
    rows = draw(st.lists(st.integers(2, 60), min_size=n, max_size=n, unique=True))
    people: list[TraineeFacts] = []
    history: dict[str, list[Enrolment]] = {}
    for i, row in enumerate(rows):
        person = draw(st.integers(1, max(1, 2 * n)))  # now and then the same person twice
        cert, level = draw(CERTS)
        people.append(
            TraineeFacts(
                person_key=pid(person),
                name=f"学员{person}",
                row=row,
                certificate=cert,
                level=level,
                hired_on=draw(st.dates(dt.date(2019, 1, 1), dt.date(2021, 6, 30))),
                yigong_months=draw(st.integers(0, 9)),
            )
        )
        earlier = draw(st.integers(0, 4))
        history[pid(person)] = [
            past(
                f"H{i}-{k}",
                dt.date(2021, 1 + k, 1),
                funding_type=draw(st.sampled_from(["on_job", "new_hire", "yigong"])),
            )
            for k in range(earlier)
        ]
    cls = klass(
        funding_type=funding,
        payee="enterprise",
        mode=draw(st.sampled_from(["project", "institution"])),
        inspection_counts=tuple(draw(st.lists(st.integers(0, 15), min_size=1, max_size=4))),
        lessons=(video(1, draw(st.integers(0, 3))),),
        satisfaction_share=draw(st.sampled_from([None, Decimal("0.5"), Decimal("0.9")])),
        obtainable_certificates=frozenset({"skill_level", "qualification", "completion"}),
    )
    return cls, people, history


@HYP
@given(batch=batches(), seed=st.integers(0, 1000))
def test_property_total_is_the_sum_of_payable_lines_none_negative_order_free(
    batch: tuple[SubsidyClass, list[TraineeFacts], PersonHistory], seed: int
) -> None:
    cls, people, history = batch
    result = class_entitlement(EVERYTHING, cls, people, history)
    assert result.total == sum((line.amount for line in result.lines if line.status == "payable"), Decimal(0))
    assert all(line.amount >= 0 for line in result.lines)
    assert all((line.amount == 0) == (line.status == "excluded") for line in result.lines)
    assert all(bool(line.violations) == (line.status == "excluded") for line in result.lines)
    assert all(line.computation and line.rule_ids for line in result.lines)
    assert [line.row for line in result.lines] == sorted(t.row for t in people)
    if result.trained_headcount is not None:
        assert result.payable_count <= result.trained_headcount
    if result.forfeited:
        assert result.total == 0
    if result.prepayment is not None:
        assert 0 <= result.prepayment.minimum <= result.prepayment.maximum <= result.total
    shuffled = list(people)
    random.Random(seed).shuffle(shuffled)
    assert class_entitlement(EVERYTHING, cls, shuffled, history) == result
