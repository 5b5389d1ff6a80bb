"""J01–J03: who the trainee is (his group, his place, the prisoner provisions) and the special programmes.

Each profile's programmes and J-parameters come from its own document: HC21 附件1 and 12, XC19 二(一)
and 二(三)1, XC23 二(一), ZZ21 二. A rule a document does not state is not checked under its profile.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jineng.policy.profiles import TRAINEE_GROUPS, Profile
from jineng.policy.tests.test_training_rules import (
    ALL,
    HC21,
    START,
    TODAY,
    XC19,
    XC23,
    ZZ21,
    facts,
    only,
    past,
    pid,
    row,
)
from jineng.policy.training import check_class, check_roster
from jineng.policy.violations import Violation

OCC = "6-31-01-03"


def roster(
    profile: Profile, *rows: object, programme: str = "", level: int | None = 4, history: object = None
) -> list[Violation]:
    cls = facts(programme=programme, level=level)
    return check_roster(profile, cls, list(rows), history or {}, today=TODAY)  # type: ignore[arg-type]


# --- J03: the documents' special programmes ------------------------------------------------------------------


def test_j03_each_profile_carries_its_documents_programmes_and_their_groups() -> None:
    assert {p.code: len(p.programmes) for p in ALL} == {"ZZ21": 5, "HC21": 14, "XC19": 8, "XC23": 10}
    # HC21 附件1: the rows named after a group are for that group only; the industry rows for anyone.
    hc = HC21.programmes
    assert (hc["hc_veteran"].name, hc["hc_veteran"].groups, hc["hc_veteran"].lead) == (
        "退役军人技能培训",
        ("veteran",),
        "退役军人事务局",
    )
    assert hc["hc_prison"].groups == ("prisoner", "correction", "rehab")
    assert hc["hc_building"].groups == ()
    assert (
        XC19.programmes["xc19_poverty"].clause
        == "二(一)3 为贫困劳动力提供免费职业技能培训；其中技能提升培训占比60%以上"
    )
    assert ZZ21.programmes["zz_rural"].groups == ("poverty",)
    assert "prisoner" in XC23.programmes["xc23_key_groups"].groups


# (profile, its programme for one group, a group it takes, a group it does not)
GROUP_PROGRAMMES = [
    (ZZ21, "zz_rural", "poverty", "veteran", "ZZ21 二(六) 面向已脱贫劳动力开展免费技能培训", "脱贫人口"),
    (HC21, "hc_veteran", "veteran", "disabled", "HC21 附件1 第10项；二 2 退役军人 200 人次", "退役军人"),
    (
        XC19,
        "xc19_farmer",
        "farmer",
        "rural_transfer",
        "XC19 二(一)7 培养一批爱农业、懂技术、会经营的新型农民；其中技能提升培训占比40%以上",
        "高素质农民",
    ),
    (XC23, "xc23_key_groups", "unemployed", "employee", None, None),
]


@pytest.mark.parametrize(
    ("profile", "code", "inside", "outside", "clause", "allowed"),
    GROUP_PROGRAMMES,
    ids=lambda v: getattr(v, "code", None),
)
def test_j03_a_trainee_outside_the_programmes_groups_is_refused_on_his_row(
    profile: Profile, code: str, inside: str, outside: str, clause: str | None, allowed: str | None
) -> None:
    # Given a class of the document's group programme, one trainee of its group, one of another, one undeclared
    rows = [row(2, group=inside), row(3, group=outside), row(4)]
    # When the roster is checked
    found = only(roster(profile, *rows, programme=code), "J03")
    # Then the other group's row and the undeclared row are refused, naming the column and the programme's clause
    assert [(v.row, v.field, v.value) for v in found] == [
        (3, "人员类别", TRAINEE_GROUPS[outside]),
        (4, "人员类别", ""),
    ]
    assert {v.clause for v in found} == {f"{profile.code} {profile.programmes[code].clause}"}
    if allowed is not None:
        assert (
            found[0].message
            == f"学员3 人员类别为“{TRAINEE_GROUPS[outside]}”；本班所属专项计划只面向{allowed}"
        )
        assert found[1].message == f"学员4 人员类别未填写；本班所属专项计划只面向{allowed}"
        assert found[0].clause == clause


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.code)
def test_j03_a_programme_for_anyone_and_a_class_of_no_programme_take_every_group(profile: Profile) -> None:
    anyone = next(code for code, p in profile.programmes.items() if not p.groups)
    rows = [row(2, group="employee"), row(3)]
    assert only(roster(profile, *rows, programme=anyone), "J03") == []
    assert only(roster(profile, *rows, programme=""), "J03") == []


def test_j03_a_class_naming_another_documents_programme_is_refused() -> None:
    # Given a 潢川 class that names a 郑州 programme
    found = only(check_class(HC21, facts(programme="zz_rural"), today=TODAY), "J03")
    # Then the refusal lists the programmes of its own document, citing HC21's 附件1
    assert len(found) == 1
    assert (found[0].field, found[0].value, found[0].clause) == (
        "专项培训计划",
        "zz_rural",
        "HC21 HC21 二、附件1 任务分解表（工作任务、牵头单位）",
    )
    assert found[0].message.startswith(
        "“zz_rural”不是本政策口径的专项培训计划；可选：农村劳动力技能培训、创业培训、"
    )
    assert only(check_class(ZZ21, facts(programme="zz_rural"), today=TODAY), "J03") == []


# --- J01: where the worker may be subsidised (XC19 二(三)1) ----------------------------------------------------


def test_j01_xc19_refuses_a_worker_neither_registered_living_nor_seeking_work_in_the_city() -> None:
    zhengzhou = dataclasses.replace(row(2), id_number=pid_in("410105", 2))
    living_here = dataclasses.replace(row(3), id_number=pid_in("410105", 3), place_code="411002")
    registered_here = row(4)  # an ID number of 411002 魏都区
    found = only(roster(XC19, zhengzhou, living_here, registered_here), "J01")
    assert [(v.row, v.field, v.value, v.message) for v in found] == [
        (
            2,
            "常住地或求职就业地",
            "",
            "学员2 户籍地（身份证号前6位 410105）不在本市，且未填写常住地或求职就业地",
        )
    ]
    assert found[0].clause == (
        "XC19 二(三)1 符合条件的劳动者在户籍地、常住地、求职就业地参加培训后取得证书的，按规定给予职业培训补贴"
    )
    elsewhere = dataclasses.replace(zhengzhou, place_code="410105")
    assert only(roster(XC19, elsewhere), "J01")[0].message == (
        "学员2 户籍地（身份证号前6位 410105）不在本市，常住地或求职就业地 410105 亦不在本市"
    )


@pytest.mark.parametrize("profile", [ZZ21, HC21, XC23], ids=lambda p: p.code)
def test_j01_is_not_checked_where_the_document_does_not_say_it(profile: Profile) -> None:
    assert not profile.get("subsidy_place_rule")
    assert only(roster(profile, dataclasses.replace(row(2), id_number=pid_in("410105", 2))), "J01") == []


def pid_in(area: str, seq: int, birth: dt.date = dt.date(1990, 1, 1)) -> str:
    from jineng.policy.identity import make_id_number

    return make_id_number(area, birth, seq)


# --- J02: prisoners, community correction, compulsory rehabilitation ----------------------------------------

HC12 = "HC21 12 对有劳动和就业能力、有培训意愿、年龄在 60 周岁以内的在押服刑人员、就业困难的社区矫正对象、强制隔离戒毒人员开展更有针对性的就业技能培训"
XC6 = "XC23 二(一)6 符合条件的在押服刑人员（服刑期间未参加过职业技能培训、符合晋升上一级职业技能等级、刑期至 2025 年前）"


def test_j02_hc21_prisoners_over_60_or_unwilling_are_refused() -> None:
    # START is 2023-06-01: born 1962-06-01 is 61 that day, born 1963-06-01 is 60.
    old = row(2, group="prisoner", id_number=pid(2, dt.date(1962, 6, 1)))
    sixty = row(3, group="rehab", id_number=pid(3, dt.date(1963, 6, 1)))
    unwilling = row(4, group="correction", wants_training=False)
    found = only(roster(HC21, old, sixty, unwilling), "J02")
    assert [(v.row, v.field, v.message) for v in found] == [
        (2, "身份证号", "学员2（在押服刑人员）开班时 61 周岁，超过 60 周岁"),
        (4, "有培训意愿", "学员4（社区矫正对象）须有培训意愿（问卷为否）"),
    ]
    assert {v.clause for v in found} == {HC12}
    # XC23 names no age, and only prisoners: the same rows pass its J02 but for the prisoner's own conditions
    assert [v.row for v in only(roster(XC23, old, sixty, unwilling), "J02")] == [2, 2, 2]


def test_j02_xc23_prisoner_conditions_untrained_sentence_ending_before_2025_and_the_next_level() -> None:
    fit = row(
        2, group="prisoner", trained_in_sentence=False, sentence_ends_on=dt.date(2024, 12, 31), held_level=5
    )
    trained = dataclasses.replace(fit, row=3, id_number=pid(3), name="学员3", trained_in_sentence=True)
    unanswered = dataclasses.replace(fit, row=4, id_number=pid(4), name="学员4", trained_in_sentence=None)
    late = dataclasses.replace(
        fit, row=5, id_number=pid(5), name="学员5", sentence_ends_on=dt.date(2025, 1, 1)
    )
    no_end = dataclasses.replace(fit, row=6, id_number=pid(6), name="学员6", sentence_ends_on=None)
    # no level held: he must start at 五级
    skips = dataclasses.replace(fit, row=7, id_number=pid(7), name="学员7", held_level=None)
    found = only(roster(XC23, fit, trained, unanswered, late, no_end, skips, level=4), "J02")
    assert [(v.row, v.field, v.message) for v in found] == [
        (
            3,
            "服刑期间参加过职业技能培训",
            "学员3（在押服刑人员）须服刑期间未参加过职业技能培训（“服刑期间参加过职业技能培训”为是）",
        ),
        (
            4,
            "服刑期间参加过职业技能培训",
            "学员4（在押服刑人员）须服刑期间未参加过职业技能培训（“服刑期间参加过职业技能培训”未填写）",
        ),
        (5, "刑期届满日期", "学员5（在押服刑人员）刑期届满 2025-01-01，须早于 2025-01-01"),
        (6, "刑期届满日期", "学员6（在押服刑人员）未填写刑期届满日期"),
        (
            7,
            "本职业现持有等级",
            "学员7（在押服刑人员）未持有本职业等级，须参加晋升上一级（五级/初级工）的培训，本班为四级/中级工",
        ),
    ]
    assert {v.clause for v in found} == {XC6}


def test_j02_xc23_next_level_reads_the_level_the_system_saw_him_assessed_at() -> None:
    # Given a prisoner assessed at 四级 in this occupation in 2022, declaring nothing held
    him = row(2, group="prisoner", trained_in_sentence=False, sentence_ends_on=dt.date(2024, 6, 1))
    history = {pid(2): [past("XC2022-0007", dt.date(2022, 3, 1), occupation_code=OCC, level=4)]}
    # Then a 四级 class is refused and a 三级 class is his next level
    at_four = only(roster(XC23, him, level=4, history=history), "J02")
    assert [v.message for v in at_four] == [
        "学员2（在押服刑人员）现持有本职业四级/中级工，须参加晋升上一级（三级/高级工）的培训，本班为四级/中级工"
    ]
    assert only(roster(XC23, him, level=3, history=history), "J02") == []


@pytest.mark.parametrize("profile", [ZZ21, XC19], ids=lambda p: p.code)
def test_j02_is_not_checked_where_the_document_sets_no_condition(profile: Profile) -> None:
    old = row(2, group="prisoner", id_number=pid(2, dt.date(1950, 1, 1)), wants_training=False)
    assert profile.get("j02_groups") is None
    assert only(roster(profile, old), "J02") == []


def test_j02_group_none_of_the_provisions_names_is_not_checked() -> None:
    assert only(roster(HC21, row(2, group="veteran", id_number=pid(2, dt.date(1950, 1, 1)))), "J02") == []
    assert START.year == 2023
