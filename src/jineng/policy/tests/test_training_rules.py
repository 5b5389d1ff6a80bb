"""Issue 3 rules (jineng.policy.training): class opening, roster, supervision, assessment. Pure, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jineng.policy.identity import RULE_B01_CLAUSE, make_id_number
from jineng.policy.profiles import SCHEMA, get_profile
from jineng.policy.training import (
    CatalogueEntry,
    ClassFacts,
    Enrolment,
    InstitutionFacts,
    LessonVideo,
    RosterRow,
    TeacherFacts,
    add_months,
    check_assessment_application,
    check_class,
    check_roster,
    check_special_completion_share,
    check_video,
    class_review_due,
    count_rows_with_errors,
    minor_group,
    percent,
    satisfaction_effect,
    special_completion_share_ok,
    trained_headcount,
)
from jineng.policy.violations import Violation
from jineng.policy.workdays import WorkCalendar

HYP = settings(database=None, deadline=None, max_examples=60)
ZZ21, HC21, XC19, XC23 = (get_profile(c) for c in ("ZZ21", "HC21", "XC19", "XC23"))
ALL = (ZZ21, HC21, XC19, XC23)
TODAY = dt.date(2023, 5, 10)
START = dt.date(2023, 6, 1)
OCC = "6-31-01-03"  # 电工


def institution(**changes: object) -> InstitutionFacts:
    base = InstitutionFacts(
        name="许昌明德职业培训学校",
        kind="private_school",
        city_code="411000",
        county_code="411002",
        is_technical_school=False,
        degree_education=False,
        catalogue=(CatalogueEntry(OCC, dt.date(2022, 1, 1), None),),
        fulltime_teachers=((OCC, 2),),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


TEACHERS = (
    TeacherFacts(name="王建国", occupation_code=OCC, full_time=True, filed=True),
    TeacherFacts(name="李红", occupation_code=OCC, full_time=True, filed=True),
)


def facts(**changes: object) -> ClassFacts:
    """A class that passes every rule under every shipped profile."""
    base = ClassFacts(
        ref="XC2023-0001",
        occupation_code=OCC,
        occupation_name="电工",
        level=4,
        target_certificate="skill_level",
        obtainable_certificates=frozenset({"skill_level", "completion"}),
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
        teachers=TEACHERS,
        teachers_for_major=2,
        workstations=3,
        start_date=START,
        end_date=dt.date(2023, 6, 30),
        institution=institution(),
        location_city_code="411000",
        location_county_code="411002",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def only(violations: list[Violation], rule: str) -> list[Violation]:
    return [v for v in violations if v.rule == rule]


def one(violations: list[Violation], rule: str) -> Violation:
    found = only(violations, rule)
    assert len(found) == 1, violations
    return found[0]


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.code)
def test_the_base_class_passes_every_profile(profile: object) -> None:
    assert check_class(profile, facts(), today=TODAY) == []  # type: ignore[arg-type]


# --- A01–A06 ------------------------------------------------------------------------------------------


def test_a01_more_than_twenty_per_teacher_refused() -> None:
    v = one(check_class(ZZ21, facts(planned_trainees=41, workstations=5), today=TODAY), "A01")
    assert v.clause == "ZZ21 六(二)1 职业技能培训师生比…保持在1:20以内"
    assert v.message == "拟培训人数 41 人，授课教师 2 名，师生比超过 1:20（最多 40 人）"
    assert v.field == "授课教师"


def test_a01_exactly_twenty_per_teacher_passes_and_xc19_does_not_check() -> None:
    assert only(check_class(ZZ21, facts(planned_trainees=40), today=TODAY), "A01") == []
    # XC19 sets no teacher ratio: the rule is not checked at all, even with no teacher
    assert only(check_class(XC19, facts(teachers=(), planned_trainees=79), today=TODAY), "A01") == []


def test_a02_workstation_ratio_refused_at_61_passes_at_60() -> None:
    v = one(check_class(XC23, facts(planned_trainees=61, teachers=TEACHERS * 2), today=TODAY), "A02")
    assert v.clause == "XC23 二(三)1 工位与培训学员比保持在1:20以内"
    assert v.message == "拟培训人数 61 人，工位 3 个，工位与学员比超过 1:20（最多 60 人）"
    assert v.field == "工位数"
    assert (
        only(check_class(XC23, facts(planned_trainees=60, teachers=TEACHERS * 2), today=TODAY), "A02") == []
    )


def test_a03_class_size_81_refused_80_passes() -> None:
    big = {"teachers": TEACHERS * 3, "workstations": 5}
    v = one(check_class(HC21, facts(planned_trainees=81, **big), today=TODAY), "A03")
    assert v.clause == "HC21 21(1) 每班人数不得超过80人"
    assert v.message == "拟培训人数 81 人，超过每班 80 人的上限"
    assert (v.field, v.value) == ("拟培训人数", "81")
    assert only(check_class(HC21, facts(planned_trainees=80, **big), today=TODAY), "A03") == []


def test_a04_class_hour_of_39_minutes_refused_40_passes() -> None:
    v = one(check_class(ZZ21, facts(minutes_per_hour=39), today=TODAY), "A04")
    assert v.clause == "ZZ21 六(二)1 每课时不低于40分钟"
    assert v.message == "每课时 39 分钟，低于 40 分钟"
    assert v.field == "每课时分钟数"
    assert only(check_class(ZZ21, facts(minutes_per_hour=40), today=TODAY), "A04") == []


def test_a05_practical_share_below_profile_minimum_refused() -> None:
    v = one(check_class(ZZ21, facts(theory_hours=50, practical_hours=50), today=TODAY), "A05")
    assert v.rule == "A05"
    assert v.clause == "ZZ21 六(二)1 实操培训不少于总课时的65%"
    assert v.message == "实操课时 50 占总课时 100 的 50%，低于 65%"
    assert (v.field, v.value) == ("实操课时", "50")


def test_a05_exactly_at_the_minimum_passes() -> None:
    assert only(check_class(ZZ21, facts(theory_hours=35, practical_hours=65), today=TODAY), "A05") == []
    assert only(check_class(XC23, facts(theory_hours=40, practical_hours=60), today=TODAY), "A05") == []
    # 64.6% is below 65% even though it would print as 65% rounded to a whole percent
    v = one(check_class(ZZ21, facts(total_hours=99, theory_hours=35, practical_hours=64), today=TODAY), "A05")
    assert v.message == "实操课时 64 占总课时 99 的 64.6%，低于 65%"


def test_a05_same_class_passes_xc23_60_percent_and_fails_zz21_65_percent() -> None:
    cls = facts(theory_hours=40, practical_hours=60)
    assert only(check_class(XC23, cls, today=TODAY), "A05") == []
    v = one(check_class(ZZ21, cls, today=TODAY), "A05")
    assert v.message == "实操课时 60 占总课时 100 的 60%，低于 65%"
    # XC19 sets no share: not checked
    assert only(check_class(XC19, facts(theory_hours=90, practical_hours=10), today=TODAY), "A05") == []


def test_a05_hours_that_do_not_add_up_refused() -> None:
    v = one(check_class(HC21, facts(theory_hours=30, practical_hours=65), today=TODAY), "A05")
    assert v.message == "理论课时 30 与实操课时 65 之和不等于总课时 100"
    zero = one(check_class(HC21, facts(total_hours=0, theory_hours=0, practical_hours=0), today=TODAY), "A05")
    assert zero.message == "总课时为 0，无法计算实操课时占比"


def test_a06_xc23_needs_two_teachers_per_major() -> None:
    v = one(check_class(XC23, facts(teachers_for_major=1), today=TODAY), "A06")
    assert v.clause == "XC23 二(三)1 每个专业每个班级不少于2名教师"
    assert v.message == "本专业授课教师 1 名，每个专业每个班级不少于 2 名"
    assert only(check_class(XC23, facts(teachers_for_major=2), today=TODAY), "A06") == []
    # ZZ21 sets no minimum
    assert only(check_class(ZZ21, facts(teachers_for_major=0), today=TODAY), "A06") == []


# --- A07–A09 ------------------------------------------------------------------------------------------

COMPLETION_ONLY = {
    "target_certificate": "completion",
    "obtainable_certificates": frozenset({"completion"}),
    "level": None,
}


def _hours(total: int) -> dict[str, int]:
    practical = total - total * 35 // 100
    return {"total_hours": total, "theory_hours": total - practical, "practical_hours": practical}


def test_a07_completion_only_training_under_40_hours_refused_40_passes() -> None:
    v = one(check_class(ZZ21, facts(**COMPLETION_ONLY, **_hours(39)), today=TODAY), "A07")
    assert v.clause.startswith("ZZ21 六(一) 只能领取培训合格证书的，培训不少于40个学时")
    assert v.message == "只能取得培训合格证书的培训总课时 39，少于40 学时"
    assert v.field == "总课时"
    assert only(check_class(ZZ21, facts(**COMPLETION_ONLY, **_hours(40)), today=TODAY), "A07") == []


def test_a07_occupation_with_its_own_hour_rule_uses_it() -> None:
    own = {**COMPLETION_ONLY, "occupation_hour_rule": 20}
    assert only(check_class(XC23, facts(**own, **_hours(20)), today=TODAY), "A07") == []
    v = one(check_class(XC23, facts(**own, **_hours(19)), today=TODAY), "A07")
    assert v.message == "只能取得培训合格证书的培训总课时 19，少于该职业（工种）规定的 20 学时"


def test_a07_not_applied_when_a_higher_certificate_is_obtainable() -> None:
    # The short completion class is refused by E03 instead, not by A07
    out = check_class(ZZ21, facts(target_certificate="completion", level=None, **_hours(20)), today=TODAY)
    assert only(out, "A07") == []
    assert one(out, "E03").field == "拟取得证书"


APPRENTICE = {"funding_type": "apprenticeship"}


def test_a08_apprentices_over_twenty_times_fulltime_teachers_refused() -> None:
    # 2 full-time teachers → 40 apprentices at most; 10 already + 31 planned = 41
    cls = facts(**APPRENTICE, planned_trainees=31, apprentices_in_occupation=10)
    v = one(check_class(ZZ21, cls, today=TODAY), "A08")
    assert v.clause.startswith("ZZ21 六(二)1 企业新型学徒制单个职业（工种）培训数量不超过")
    assert v.message == "该职业学徒已有 10 人，加本班 31 人共 41 人，超过该职业专职教师 2 名的 20 倍（40 人）"
    ok = facts(**APPRENTICE, planned_trainees=30, apprentices_in_occupation=10)
    assert only(check_class(ZZ21, ok, today=TODAY), "A08") == []
    # Not an apprenticeship class: not counted; XC23 sets no ratio
    assert only(check_class(ZZ21, facts(apprentices_in_occupation=1000), today=TODAY), "A08") == []
    assert only(check_class(XC23, cls, today=TODAY), "A08") == []


def test_a09_same_institution_enterprise_occupation_over_200_refused() -> None:
    v = one(
        check_class(XC23, facts(**APPRENTICE, apprentices_same_enterprise_occupation=161), today=TODAY), "A09"
    )
    assert v.clause.startswith("XC23 二(三)1 同一培训机构对同一企业同一职业（工种）")
    assert v.message == "本机构对同一企业同一职业的学徒已有 161 人，加本班 40 人共 201 人，超过 200 人"
    ok = facts(**APPRENTICE, apprentices_same_enterprise_occupation=160)
    assert only(check_class(XC23, ok, today=TODAY), "A09") == []


@pytest.mark.parametrize(("degree", "cap"), [(True, 1000), (False, 400)])
def test_a09_yearly_cap_depends_on_degree_education(degree: bool, cap: int) -> None:
    inst = institution(degree_education=degree)
    at_cap = facts(**APPRENTICE, institution=inst, apprentices_institution_year=cap - 40)
    assert only(check_class(XC23, at_cap, today=TODAY), "A09") == []
    over = facts(**APPRENTICE, institution=inst, apprentices_institution_year=cap - 39)
    v = one(check_class(XC23, over, today=TODAY), "A09")
    assert f"共 {cap + 1} 人，超过" in v.message
    assert f"年 {cap} 人的上限" in v.message
    name = "apprentice_yearly_max_degree_school" if degree else "apprentice_yearly_max_other"
    assert v.clause == XC23.cite(name)
    # ZZ21 sets no yearly cap
    assert only(check_class(ZZ21, over, today=TODAY), "A09") == []


# --- A10 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.code)
def test_a10_review_deadlines_are_a_local_setting_of_five_working_days(profile: object) -> None:
    for name in ("class_dept_review_working_days", "class_hr_review_working_days"):
        param = profile.param(name)  # type: ignore[attr-defined]
        assert param.rule == "A10"
        assert param.value == 5
        assert param.clause == "本地补充规定（文件未规定开班审核时限）"
        assert "新版本政策档案" in param.note
    assert {s.name for s in SCHEMA if s.rule == "A10"} == {
        "class_dept_review_working_days",
        "class_hr_review_working_days",
    }


def test_a10_class_review_due_counts_working_days_across_national_day() -> None:
    cal = WorkCalendar()
    # Received Friday 2023-09-28: 29 Sep – 6 Oct are holidays, 7–8 Oct are worked weekend days
    assert class_review_due(XC23, cal, dt.date(2023, 9, 28), "dept") == dt.date(2023, 10, 11)
    assert class_review_due(XC23, cal, dt.date(2023, 6, 5), "hr") == dt.date(2023, 6, 12)


# --- A11–A15 ------------------------------------------------------------------------------------------


def test_a11_institution_not_listed_for_the_occupation_refused() -> None:
    cls = facts(occupation_code="4-07-05-04", occupation_name="保育师")
    v = one(check_class(XC23, cls, today=TODAY), "A11")
    assert v.clause.startswith("XC23 三(二) 纳入目录清单管理的培训机构培训专业依法变更的")
    assert v.message == (
        "培训机构“许昌明德职业培训学校”在开班日期 2023-06-01 未就职业（工种）保育师（4-07-05-04）纳入目录清单"
    )
    assert (v.field, v.value) == ("培训职业", "4-07-05-04")
    # ZZ21 does not set the rule
    assert only(check_class(ZZ21, cls, today=TODAY), "A11") == []


def test_a11_a_change_of_occupations_counts_from_its_day() -> None:
    on_start = institution(catalogue=(CatalogueEntry(OCC, START, None),))
    assert only(check_class(HC21, facts(institution=on_start), today=TODAY), "A11") == []
    day_after = institution(catalogue=(CatalogueEntry(OCC, START + dt.timedelta(days=1), None),))
    assert one(check_class(HC21, facts(institution=day_after), today=TODAY), "A11").field == "培训职业"
    ended = institution(catalogue=(CatalogueEntry(OCC, dt.date(2020, 1, 1), START - dt.timedelta(days=1)),))
    assert one(check_class(HC21, facts(institution=ended), today=TODAY), "A11").field == "培训职业"
    # A trade code under the listed occupation is covered by the listing
    assert only(check_class(HC21, facts(occupation_code=OCC + "-01"), today=TODAY), "A11") == []


def test_a11_exited_or_suspended_institution_refused() -> None:
    v = one(check_class(XC23, facts(institution=institution(status="exited")), today=TODAY), "A11")
    assert v.message == "培训机构“许昌明德职业培训学校”已退出目录清单"
    suspended = institution(status="suspended", status_until=dt.date(2023, 5, 31))
    v = one(check_class(XC23, facts(institution=suspended), today=TODAY), "A11")
    assert v.message == "培训机构“许昌明德职业培训学校”暂停开班至 2023-05-31"
    over = institution(status="suspended", status_until=TODAY - dt.timedelta(days=1))
    assert only(check_class(XC23, facts(institution=over), today=TODAY), "A11") == []


def test_a12_finding_since_2022_bars_the_institution_in_xc23() -> None:
    found = facts(institution=institution(latest_finding_on=dt.date(2022, 1, 1)))
    v = one(check_class(XC23, found, today=TODAY), "A12")
    assert v.clause.startswith("XC23 二(二) 2022年以来审计、检查发现存在明显问题的机构")
    assert v.message == (
        "培训机构“许昌明德职业培训学校”于 2022-01-01 被审计、检查发现明显问题（2022-01-01 以来），不得开展补贴性培训"
    )
    before = facts(institution=institution(latest_finding_on=dt.date(2021, 12, 31)))
    assert only(check_class(XC23, before, today=TODAY), "A12") == []
    assert only(check_class(ZZ21, found, today=TODAY), "A12") == []


def test_a13_cross_city_class_needs_provincial_approval_in_xc23() -> None:
    away = {"location_city_code": "410100", "location_county_code": "410105"}
    v = one(check_class(XC23, facts(**away), today=TODAY), "A13")
    assert v.clause.startswith("XC23 二(二) 本区域内已有相关培训、评价机构的，除技工学校外")
    assert v.message.startswith("培训地点所在地市（410100）与机构所在地市（411000）不同")
    assert v.field == "培训地点"
    assert only(check_class(XC23, facts(**away, cross_city_approved=True), today=TODAY), "A13") == []
    school = institution(kind="technical_school", is_technical_school=True)
    assert only(check_class(XC23, facts(**away, institution=school), today=TODAY), "A13") == []
    no_local = facts(**away, location_has_local_institution=False)
    assert only(check_class(XC23, no_local, today=TODAY), "A13") == []
    assert only(check_class(ZZ21, facts(**away), today=TODAY), "A13") == []


def test_a13_group_centre_cross_county_needs_filing_in_hc21() -> None:
    group = institution(kind="enterprise_centre", is_group_centre=True, county_code="411526")
    cls = facts(institution=group, location_county_code="411502")
    v = one(check_class(HC21, cls, today=TODAY), "A13")
    assert v.clause.startswith("HC21 14 集团公司培训中心")
    assert v.message == "集团培训中心在县（区）411502 跨区域培训，须先向当地人力资源社会保障局报备同意"
    filed = dataclasses.replace(cls, cross_county_filed=True)
    assert only(check_class(HC21, filed, today=TODAY), "A13") == []
    assert (
        only(check_class(HC21, facts(institution=group, location_county_code="411526"), today=TODAY), "A13")
        == []
    )


def test_a15_unfiled_teacher_of_a_private_school_refused() -> None:
    teachers = (TEACHERS[0], dataclasses.replace(TEACHERS[1], filed=False))
    v = one(check_class(ZZ21, facts(teachers=teachers), today=TODAY), "A15")
    assert v.clause == "ZZ21 六(二)1 民办培训机构和企业培训中心专职师资实行报备制度"
    assert (v.message, v.value) == ("教师 李红 未在本机构专职师资报备名单中", "李红")
    school = institution(kind="technical_school", is_technical_school=True)
    assert only(check_class(ZZ21, facts(teachers=teachers, institution=school), today=TODAY), "A15") == []
    assert only(check_class(XC19, facts(teachers=teachers), today=TODAY), "A15") == []


# --- A14, B01–B08: roster -----------------------------------------------------------------------------


def pid(seq: int, birth: dt.date = dt.date(1990, 1, 1)) -> str:
    return make_id_number("411002", birth, seq)


def row(n: int, **changes: object) -> RosterRow:
    base = RosterRow(
        row=n,
        id_number=pid(n),
        name=f"学员{n}",
        wants_training=True,
        wants_work=True,
        able_to_work=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def past(ref: str, start: dt.date, **changes: object) -> Enrolment:
    base = Enrolment(
        class_ref=ref,
        occupation_code="4-07-05-04",
        level=5,
        funding_type="employment",
        start_date=start,
        end_date=start + dt.timedelta(days=20),
        assessed_on=start + dt.timedelta(days=25),
        subsidised=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_b01_invalid_check_digit_refused_on_its_row() -> None:
    good = pid(2)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    v = one(check_roster(ZZ21, facts(), [row(2, id_number=bad)], {}, today=TODAY), "B01")
    assert v.clause == RULE_B01_CLAUSE
    assert v.message.startswith("身份证号校验码错误")
    assert (v.row, v.field) == (2, "身份证号")


def test_b01_unreal_birth_date_refused() -> None:
    body = "41100219900231001"  # 31 February
    v = one(check_roster(ZZ21, facts(), [row(3, id_number=body + "0")], {}, today=TODAY), "B01")
    assert v.message == "身份证号中的出生日期 19900231 不是真实日期"


def test_b01_duplicate_id_in_one_roster_refused_on_the_second_row() -> None:
    rows = [row(2), row(3), row(4, id_number=pid(2).lower())]
    out = check_roster(ZZ21, facts(), rows, {}, today=TODAY)
    v = one(out, "B01")
    assert v.row == 4
    assert v.message == "身份证号与第2行重复，同一人在一个花名册中只能出现一次"
    assert v.value == pid(2)[:4] + "*" * 10 + pid(2)[-4:]


def test_b02_xc19_three_subsidised_trainings_a_year() -> None:
    two = [past("A", dt.date(2023, 1, 5)), past("B", dt.date(2023, 3, 1), occupation_code="4-07-05-05")]
    assert check_roster(XC19, facts(), [row(2)], {pid(2): two}, today=TODAY) == []
    three = [*two, past("C", dt.date(2023, 4, 1), occupation_code="4-07-05-06")]
    v = one(check_roster(XC19, facts(), [row(2)], {pid(2): three}, today=TODAY), "B02")
    assert v.clause.startswith("XC19 二(三)1 原则上每人每年可享受不超过3次")
    assert v.message == "学员2 2023 年已享受补贴性培训 3 次（A、B、C），加本班超过每年 3 次"
    assert (v.row, v.field) == (2, "身份证号")


def test_b02_withdrawn_unsubsidised_other_years_and_this_class_do_not_count() -> None:
    history = [
        past("A", dt.date(2023, 1, 5), status="withdrawn"),
        past("B", dt.date(2023, 2, 1), subsidised=False),
        past("C", dt.date(2022, 3, 1)),
        past("D", dt.date(2023, 3, 1)),
        past(facts().ref, START, occupation_code=OCC, level=4, assessed_on=None),
    ]
    assert check_roster(XC19, facts(), [row(2)], {pid(2): history}, today=TODAY) == []


def test_b02_same_occupation_same_level_never_twice() -> None:
    history = [past("XC2019-7", dt.date(2019, 5, 1), occupation_code=OCC, level=4)]
    v = one(check_roster(XC19, facts(), [row(2)], {pid(2): history}, today=TODAY), "B02")
    assert (
        v.message
        == "学员2 已在 XC2019-7 享受同一职业（6-31-01-03）同一等级（四级/中级工）的补贴性培训，不可重复享受"
    )
    higher = [past("XC2019-7", dt.date(2019, 5, 1), occupation_code=OCC, level=5)]
    assert check_roster(XC19, facts(), [row(2)], {pid(2): higher}, today=TODAY) == []
    # ZZ21 does not set B02
    assert only(check_roster(ZZ21, facts(), [row(2)], {pid(2): history}, today=TODAY), "B02") == []


def test_b03_previous_training_not_yet_assessed_refused() -> None:
    history = [past("ZZ-9", dt.date(2023, 4, 1), assessed_on=None)]
    v = one(check_roster(ZZ21, facts(), [row(2)], {pid(2): history}, today=TODAY), "B03")
    assert v.clause.startswith("ZZ21 六(二)2 上一个项目未考核或考核后距下一次培训开班不足一个月")
    assert v.message == "学员2 参加的补贴性培训 ZZ-9（2023-04-01 开班）尚未考核，不得参加下一次补贴性培训"


def test_b03_one_month_after_assessment_passes_a_day_less_refused() -> None:
    # Assessed 31 March → one calendar month later is 30 April (clamped)
    cls = facts(start_date=dt.date(2023, 4, 30))
    history = [past("ZZ-8", dt.date(2023, 3, 1), assessed_on=dt.date(2023, 3, 31))]
    assert check_roster(ZZ21, cls, [row(2)], {pid(2): history}, today=TODAY) == []
    early = dataclasses.replace(cls, start_date=dt.date(2023, 4, 29))
    v = one(check_roster(ZZ21, early, [row(2)], {pid(2): history}, today=TODAY), "B03")
    assert v.message == (
        "学员2 参加的补贴性培训 ZZ-8 于 2023-03-31 考核，距本班开班 2023-04-29 不足 1 个月（最早 2023-04-30）"
    )
    # XC19 does not set B03
    assert check_roster(XC19, early, [row(2)], {pid(2): history}, today=TODAY) == []


def test_b04_employee_post_in_a_different_minor_group_refused() -> None:
    v = one(
        check_roster(
            XC23, facts(), [row(2, is_employee=True, post_occupation_code="6-02-06-01")], {}, today=TODAY
        ),
        "B04",
    )
    assert v.clause.startswith("XC23 二(三)1 企业职工须参加与本人岗位相同或相近的职业（工种）培训")
    assert (
        v.message
        == "现岗位职业 6-02-06-01 与培训职业 6-31-01-03 不属于同一小类，企业职工须参加与本人岗位相同或相近的职业培训"
    )
    assert (v.row, v.field) == (2, "现岗位职业编码")


def test_b04_same_or_close_post_passes_missing_post_refused() -> None:
    close = row(2, is_employee=True, post_occupation_code="6-31-01-02")
    assert check_roster(ZZ21, facts(), [close], {}, today=TODAY) == []
    missing = one(check_roster(ZZ21, facts(), [row(2, is_employee=True)], {}, today=TODAY), "B04")
    assert missing.message == "企业职工须填写现岗位职业编码"
    bad = one(
        check_roster(ZZ21, facts(), [row(2, is_employee=True, post_occupation_code="6-31")], {}, today=TODAY),
        "B04",
    )
    assert bad.message == "现岗位职业编码 6-31 格式不正确（应如 6-02-06-01）"
    assert check_roster(XC19, facts(), [row(2, is_employee=True)], {}, today=TODAY) == []


def test_b05_transfer_within_the_same_minor_group_refused() -> None:
    same = row(2, is_employee=True, is_transfer=True, previous_post_occupation_code="6-31-01-09")
    v = one(check_roster(HC21, facts(), [same], {}, today=TODAY), "B05")
    assert v.clause.startswith(
        "HC21 20 转岗职工参加培训的职业（工种）与原岗位职业（工种）不隶属于同一职业分类"
    )
    assert (
        v.message
        == "转岗职工原岗位职业 6-31-01-09 与培训职业 6-31-01-03 同属小类 6-31-01，转岗培训须选择不同职业分类"
    )
    other = dataclasses.replace(same, previous_post_occupation_code="6-02-06-01")
    assert check_roster(HC21, facts(), [other], {}, today=TODAY) == []
    missing = dataclasses.replace(same, previous_post_occupation_code="")
    assert one(check_roster(HC21, facts(), [missing], {}, today=TODAY), "B05").field == "原岗位职业编码"


def test_b06_zz21_student_in_current_major_refused() -> None:
    student = row(2, is_student=True, major_occupation_code="6-31-01-05", school_org_id=7)
    v = one(check_roster(ZZ21, facts(), [student], {}, today=TODAY), "B06")
    assert v.clause.startswith("ZZ21 六(一) 不得对职业院校在校生开展在读专业的补贴性技能培训")
    assert (
        v.message
        == "在校生在读专业（6-31-01-05）与培训职业 6-31-01-03 属同一小类，不得开展在读专业的补贴性培训"
    )
    other = dataclasses.replace(student, major_occupation_code="4-07-05-04")
    assert check_roster(ZZ21, facts(), [other], {}, today=TODAY) == []
    # Under XC23 (graduating_year) a non-graduating student in their major is fine
    assert check_roster(XC23, facts(), [student], {}, today=TODAY) == []


def test_b06_xc23_graduating_year_student_refused_with_exceptions() -> None:
    grad = row(2, is_student=True, is_graduating_year=True, school_kind="vocational")
    v = one(check_roster(XC23, facts(), [grad], {}, today=TODAY), "B06")
    assert v.clause.startswith("XC23 二(三)1 培训机构不得对除特殊职业教育、普通高校外的毕业年度在校生")
    assert (
        v.message
        == "毕业年度在校生不得参加政府补贴性职业技能培训（特殊职业教育、普通高校学生及创业培训除外）"
    )
    assert v.field == "毕业年度学生"
    for kind in ("university", "special_vocational"):
        assert (
            check_roster(XC23, facts(), [dataclasses.replace(grad, school_kind=kind)], {}, today=TODAY) == []
        )
    startup = facts(funding_type="entrepreneurship")
    assert check_roster(XC23, startup, [grad], {}, today=TODAY) == []


def test_b07_new_hire_within_twelve_months_boundary() -> None:
    cls = facts(funding_type="new_hire")
    on_the_day = row(2, hired_on=dt.date(2022, 6, 1))
    assert check_roster(ZZ21, cls, [on_the_day], {}, today=TODAY) == []
    late = row(2, hired_on=dt.date(2022, 5, 31))
    v = one(check_roster(ZZ21, cls, [late], {}, today=TODAY), "B07")
    assert v.clause == "ZZ21 三(一) 在员工入职12个月内"
    assert v.message == "入职日期 2022-05-31，开班日期 2023-06-01 已超过入职后 12 个月（至 2023-05-31）"
    assert (v.row, v.field) == (2, "入职日期")
    assert (
        one(check_roster(ZZ21, cls, [row(2)], {}, today=TODAY), "B07").message
        == "新录用人员岗前培训须填写入职日期"
    )
    after = one(
        check_roster(ZZ21, cls, [row(2, hired_on=START + dt.timedelta(days=1))], {}, today=TODAY), "B07"
    )
    assert after.message == "入职日期 2023-06-02 晚于开班日期 2023-06-01，不属于新录用人员"
    # Another funding type is not judged; XC23 sets no window
    assert check_roster(ZZ21, facts(), [late], {}, today=TODAY) == []
    assert check_roster(XC23, cls, [late], {}, today=TODAY) == []


def test_b08_xc19_yigong_and_new_hire_never_both() -> None:
    history = [past("XC-YG-1", dt.date(2020, 3, 1), funding_type="yigong", occupation_code="6-02-06-01")]
    cls = facts(funding_type="new_hire", start_date=dt.date(2021, 6, 1))
    v = one(check_roster(XC19, cls, [row(2)], {pid(2): history}, today=TODAY), "B08")
    assert v.clause.startswith("XC19 二(三)1 以工代训补贴和新录用人员岗前技能培训补贴不得重复享受")
    assert v.message == "学员2 已在 XC-YG-1 享受以工代训补贴，与新录用人员岗前培训补贴不得重复享受"
    # The other way round too
    reverse = [past("XC-NH-1", dt.date(2020, 3, 1), funding_type="new_hire", occupation_code="6-02-06-01")]
    yigong = facts(funding_type="yigong", start_date=dt.date(2021, 6, 1))
    assert one(check_roster(XC19, yigong, [row(2)], {pid(2): reverse}, today=TODAY), "B08").row == 2
    assert (
        only(
            check_roster(ZZ21, cls, [row(2, hired_on=dt.date(2021, 5, 1))], {pid(2): history}, today=TODAY),
            "B08",
        )
        == []
    )


def test_a14_questionnaire_no_or_unanswered_refuses_the_row() -> None:
    out = check_roster(XC23, facts(), [row(2, wants_work=False), row(3, able_to_work=None)], {}, today=TODAY)
    no, blank = only(out, "A14")
    assert no.clause.startswith("XC23 二(三)1 开班前开展问卷调查")
    assert (no.row, no.field, no.message) == (
        2,
        "有就业意愿",
        "开班前问卷显示无就业意愿，不得参加政府补贴性培训",
    )
    assert (blank.row, blank.field, blank.message) == (3, "有劳动能力", "开班前问卷“有劳动能力”未作答")
    assert check_roster(XC19, facts(), [row(2, wants_work=False)], {}, today=TODAY) == []


def test_count_rows_with_errors_counts_distinct_rows() -> None:
    rows = [row(2, wants_work=False, wants_training=False), row(3), row(4, id_number="123")]
    out = check_roster(XC23, facts(), rows, {}, today=TODAY)
    assert len(out) == 3
    assert count_rows_with_errors(out) == 2


@HYP
@given(
    people=st.lists(
        st.tuples(
            st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2005, 12, 31)),
            st.integers(min_value=0, max_value=999),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda p: (p[0], p[1]),
    ),
    profile=st.sampled_from(ALL),
)
def test_b01_to_b08_and_a14_valid_rows_never_refused(
    people: list[tuple[dt.date, int, bool]], profile: object
) -> None:
    rows = [
        row(
            i,
            id_number=pid(seq, birth),
            is_employee=employee,
            post_occupation_code="6-31-01-01" if employee else "",
        )
        for i, (birth, seq, employee) in enumerate(people, start=2)
    ]
    assert check_roster(profile, facts(), rows, {}, today=TODAY) == []  # type: ignore[arg-type]


@HYP
@given(
    n=st.integers(min_value=2, max_value=25),
    data=st.data(),
    profile=st.sampled_from(ALL),
)
def test_b01_duplicate_always_reported_on_the_later_row(n: int, data: st.DataObject, profile: object) -> None:
    rows = [row(i) for i in range(2, n + 2)]
    first = data.draw(st.integers(min_value=0, max_value=n - 2))
    second = data.draw(st.integers(min_value=first + 1, max_value=n - 1))
    rows[second] = dataclasses.replace(rows[second], id_number=" " + rows[first].id_number + " ")
    out = check_roster(profile, facts(), rows, {}, today=TODAY)  # type: ignore[arg-type]
    assert [(v.rule, v.row) for v in out] == [("B01", rows[second].row)]
    assert out[0].message.startswith(f"身份证号与第{rows[first].row}行重复")


# --- C02, C04, C05, C09 -------------------------------------------------------------------------------


def test_c02_trained_headcount_is_the_floor_of_the_average_present() -> None:
    assert trained_headcount([40, 38, 37]) == 38  # 115 / 3 = 38.33
    assert trained_headcount([40, 39]) == 39  # 39.5 rounds down: nobody pays for half a trainee
    assert trained_headcount([45, 45], opening_headcount=40) == 40
    with pytest.raises(ValueError, match="C01"):
        trained_headcount([])


@HYP
@given(st.lists(st.integers(min_value=0, max_value=80), min_size=1, max_size=20))
def test_c02_headcount_lies_between_min_and_max_present(counts: list[int]) -> None:
    result = trained_headcount(counts)
    assert min(counts) <= result <= max(counts)
    assert result * len(counts) <= sum(counts) < (result + 1) * len(counts)


def lesson(n: int, kind: str = "practical", **changes: object) -> LessonVideo:
    base = LessonVideo(
        lesson=n,
        day=dt.date(2023, 6, n),
        kind=kind,  # type: ignore[arg-type]
        scheduled_minutes=90,
        recorded_minutes=90 if kind == "theory" else 30,
        continuous_minutes_per_hour=() if kind == "theory" else (15, 15),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_c04_practical_fifteen_continuous_minutes_per_hour_boundary() -> None:
    assert check_video(ZZ21, [lesson(1), lesson(2, "theory")]) == []
    v = one(check_video(ZZ21, [lesson(3, continuous_minutes_per_hour=(15, 14))]), "C04")
    assert v.clause == "ZZ21 六(一) 理论教学须全程录像，实操培训每学时连续录像不低于15分钟"
    assert v.message == "第3次课（2023-06-03）实操培训每学时连续录像须不少于 15 分钟：第2学时 14 分钟"
    none = one(check_video(ZZ21, [lesson(4, continuous_minutes_per_hour=())]), "C04")
    assert none.message.endswith("无分学时录像记录")


def test_c04_theory_filmed_in_full() -> None:
    v = one(check_video(HC21, [lesson(5, "theory", recorded_minutes=89)]), "C04")
    assert v.message == "第5次课（2023-06-05）理论教学录像 89 分钟，少于课时 90 分钟：理论教学须全程录像"
    assert check_video(XC19, [lesson(5, "theory", recorded_minutes=0)]) == []


def test_c05_xc23_three_incomplete_videos_forfeit_the_subsidy() -> None:
    two = [lesson(1, not_all_visible=1), lesson(2, not_all_visible=1)]
    assert check_video(XC23, two) == []
    v = one(check_video(XC23, [*two, lesson(3, not_all_visible=1)]), "C05")
    assert v.clause.startswith("XC23 二(三)2 对同一班次录像无法显示全体参训人员达3次及以上的取消补贴资格")
    assert v.message == "本班录像无法显示全体参训人员 3 次，达到 3 次，取消补贴资格"
    assert only(check_video(ZZ21, [lesson(1, not_all_visible=9)]), "C05") == []


def test_c09_satisfaction_below_85_percent_effect_by_profile() -> None:
    assert satisfaction_effect(ZZ21, Decimal("0.85")) is None
    zz = satisfaction_effect(ZZ21, Decimal("0.8499"))
    assert zz is not None
    assert (zz.effect, zz.rectification_months) == ("stop_opening", 1)
    assert zz.violation.rule == "C09"
    assert zz.violation.clause == "ZZ21 六(二)3 低于85%的停止培训开班，给予为期一个月的整改期"
    assert zz.violation.message == "培训满意率 85%，低于 85%：停止培训开班，整改期不少于 1 个月"
    xc = satisfaction_effect(XC23, Decimal("0.80"))
    assert xc is not None
    assert xc.effect == "suspend_assessment"
    assert (
        xc.violation.message
        == "培训满意率 80%，低于 85%：暂停结业考核，重新组织培训或取消当班补贴资格，整改期不少于 1 个月"
    )
    assert satisfaction_effect(XC19, Decimal("0.10")) is None


# --- D01, D02, D05 ------------------------------------------------------------------------------------


def online(name: str, offline_hours: int, **changes: object) -> ClassFacts:
    return facts(
        occupation_name=name,
        delivery="online",
        online_hours=35,
        offline_practical_hours=offline_hours,
        online_platform_listed=True,
        **changes,
    )


def test_d02_zz21_offline_required_occupation_needs_eight_offline_hours() -> None:
    assert only(check_class(ZZ21, online("茶艺师", 8), today=TODAY), "D02") == []
    v = one(check_class(ZZ21, online("茶艺师", 7), today=TODAY), "D02")
    assert v.clause == "ZZ21 六(二)2 部分职业（工种）须开展不少于8个学时的线下实训（见附件3）"
    assert v.message == "职业（工种）茶艺师 线上培训须开展不少于 8 学时的线下实训，本班线下实训 7 学时"
    assert v.field == "线下实训课时"


def test_d02_fully_online_occupation_passes_unlisted_occupation_refused() -> None:
    assert only(check_class(ZZ21, online("电子商务师", 0), today=TODAY), "D02") == []
    v = one(check_class(ZZ21, online("电工", 65), today=TODAY), "D02")
    assert v.clause == "ZZ21 附件3 序号1 全线上培训"
    assert v.message == "职业（工种）电工 不在“互联网+职业技能培训”职业（工种）目录中，不得线上培训"
    # An offline class is not judged; XC23 has no 附件3 lists
    assert only(check_class(ZZ21, facts(occupation_name="电工"), today=TODAY), "D02") == []
    assert only(check_class(XC23, online("电工", 65), today=TODAY), "D02") == []


def test_d02_hc21_occupation_on_both_lists_needs_the_offline_hours() -> None:
    # HC21 prints 营销员 under both 序号1 and 序号2: the stricter reading applies
    assert one(check_class(HC21, online("营销员", 0), today=TODAY), "D02").field == "线下实训课时"


def test_d05_xc23_online_theory_at_most_40_percent() -> None:
    at = facts(
        delivery="blended", theory_hours=40, practical_hours=60, online_hours=40, online_platform_listed=True
    )
    assert only(check_class(XC23, at, today=TODAY), "D05") == []
    over = dataclasses.replace(at, total_hours=100, theory_hours=41, practical_hours=59, online_hours=41)
    v = one(check_class(XC23, over, today=TODAY), "D05")
    assert v.clause.startswith("XC23 三(二) 培训机构可将不超过总课时40%的理论学习部分")
    assert v.message == "线上理论课时 41 占总课时 100 的 41%，超过 40%"
    practical_online = dataclasses.replace(at, online_hours=45)
    messages = [v.message for v in only(check_class(XC23, practical_online, today=TODAY), "D05")]
    assert "线上课时 45 超过理论课时 40：只有理论学习部分可以线上培训" in messages
    assert only(check_class(ZZ21, over, today=TODAY), "D05") == []


def test_d01_unlisted_online_platform_refused() -> None:
    cls = facts(delivery="blended", online_hours=30)
    v = one(check_class(XC23, cls, today=TODAY), "D01")
    assert v.clause.startswith("XC23 三(二) 对未纳入监管系统的互联网平台组织的培训结果不予认可")
    assert v.message == "线上培训平台未纳入目录清单或未经报备审核"
    assert only(check_class(HC21, cls, today=TODAY), "D01") == []


# --- E01, E03–E06 -------------------------------------------------------------------------------------


def test_e01_assessment_declared_three_days_ahead() -> None:
    day = dt.date(2023, 7, 10)
    assert (
        only(
            check_assessment_application(
                ZZ21, facts(), day, dt.date(2023, 7, 7), offline=True, exam_set_by_level=None
            ),
            "E01",
        )
        == []
    )
    out = check_assessment_application(
        ZZ21, facts(), day, dt.date(2023, 7, 8), offline=True, exam_set_by_level=None
    )
    v = one(out, "E01")
    assert v.clause == "ZZ21 附件2 组织考核（评价、鉴定）时间提前3天提出"
    assert v.message == "考核日期 2023-07-10 仅提前 2 天申报（2023-07-08），须提前 3 天"
    assert v.field == "考核日期"
    assert check_assessment_application(XC19, facts(), day, day, offline=False, exam_set_by_level=None) == []


def test_e03_completion_assessment_where_a_higher_certificate_exists_refused() -> None:
    cls = facts(target_certificate="completion", level=None)
    out = check_assessment_application(
        XC23, cls, dt.date(2023, 7, 10), dt.date(2023, 7, 1), offline=True, exam_set_by_level="county"
    )
    v = one(out, "E03")
    assert v.clause.startswith("XC23 二(三)3 对能够取得职业资格证书")
    assert (
        v.message
        == "该职业（工种）可取得职业技能等级证书，须组织学员参加相应鉴定评价或考核，直接组织培训合格证书考核的不予认可"
    )
    assert v.field == "考核证书类别"
    only_completion = facts(**COMPLETION_ONLY)
    assert (
        only(
            check_assessment_application(
                XC23,
                only_completion,
                dt.date(2023, 7, 10),
                dt.date(2023, 7, 1),
                offline=True,
                exam_set_by_level="county",
            ),
            "E03",
        )
        == []
    )
    # At opening already
    assert one(check_class(HC21, cls, today=TODAY), "E03").field == "拟取得证书"


def test_e04_subsidised_training_assessed_offline() -> None:
    out = check_assessment_application(
        HC21, facts(), dt.date(2023, 7, 10), dt.date(2023, 7, 1), offline=False, exam_set_by_level=None
    )
    v = one(out, "E04")
    assert v.clause == "HC21 21(3) 政府补贴性培训一律实行线下考核"
    assert v.message == "政府补贴性培训一律实行线下考核"
    assert (
        only(
            check_assessment_application(
                XC23,
                facts(),
                dt.date(2023, 7, 10),
                dt.date(2023, 7, 1),
                offline=False,
                exam_set_by_level=None,
            ),
            "E04",
        )
        == []
    )


@pytest.mark.parametrize(
    ("level", "ok"),
    [("institution", False), (None, False), ("county", True), ("city", True), ("province", True)],
)
def test_e05_completion_exam_set_by_county_bureau_or_higher(level: str | None, ok: bool) -> None:
    cls = facts(**COMPLETION_ONLY, **_hours(40))
    out = only(
        check_assessment_application(
            ZZ21, cls, dt.date(2023, 7, 10), dt.date(2023, 7, 1), offline=True, exam_set_by_level=level
        ),
        "E05",
    )
    if ok:
        assert out == []
    else:
        (v,) = out
        assert v.clause.startswith(
            "ZZ21 六(二)3 培训合格证书类考核，理论、实操由县（区）级以上人力资源社会保障局"
        )
        given_label = "培训机构自行" if level else "未填写"
        assert (
            v.message
            == f"培训合格证书考核的理论、实操试题须由县（区）级人社部门以上统一出题并组织考核（本次：{given_label}）"
        )


def test_e05_not_judged_for_a_skill_level_assessment() -> None:
    out = check_assessment_application(
        ZZ21,
        facts(),
        dt.date(2023, 7, 10),
        dt.date(2023, 7, 1),
        offline=True,
        exam_set_by_level="institution",
    )
    assert out == []


def test_e06_xc23_special_and_completion_at_most_ten_percent() -> None:
    assert special_completion_share_ok(XC23, {"skill_level": 90, "special_ability": 5, "completion": 5})
    over = {"skill_level": 89, "special_ability": 5, "completion": 6}
    assert not special_completion_share_ok(XC23, over)
    v = check_special_completion_share(XC23, over)
    assert v is not None
    assert v.rule == "E06"
    assert v.clause == "XC23 二(三) 专项职业能力证书和培训合格证书总量不超过10%"
    assert v.message == "专项职业能力证书和培训合格证书 11 本，占全部证书 100 本的 11%，超过 10%"
    assert special_completion_share_ok(XC23, {})
    assert special_completion_share_ok(ZZ21, {"completion": 100})


# --- helpers ------------------------------------------------------------------------------------------


def test_helpers_minor_group_add_months_percent() -> None:
    assert minor_group("6-02-06-01") == "6-02-06"
    assert minor_group("6-02-06-01-03") == "6-02-06"
    assert minor_group("6-02") is None
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2022, 6, 1), 12) == dt.date(2023, 6, 1)
    assert add_months(dt.date(2023, 11, 15), 3) == dt.date(2024, 2, 15)
    assert percent(Decimal("0.5")) == "50%"
    assert percent(Decimal(64) / Decimal(99)) == "64.6%"


def test_bad_codes_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="delivery"):
        facts(delivery="tv")
    with pytest.raises(ValueError, match="certificate kind"):
        facts(target_certificate="diploma")
    with pytest.raises(ValueError, match="level"):
        facts(level=6)
    with pytest.raises(ValueError, match="planned_trainees"):
        facts(planned_trainees=-1)
