"""Pure rules of issue 5: 万 conversion (H02), sums against the parent (H01), higher-of (H05), H07."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jineng.policy import targets as t
from jineng.policy.profiles import get_profile


def test_h02_wan_to_persons_is_exact():
    assert t.wan_to_persons("0.0315") == 315
    assert t.wan_to_persons("12") == 120000
    assert t.wan_to_persons(Decimal("0.0068")) == 68
    assert t.wan_to_persons("5.2") == 52000
    assert t.wan_to_persons(" 0.14 ") == 1400


def test_h02_wan_to_persons_refuses_a_fraction_of_a_person():
    with pytest.raises(t.FigureError) as exc:
        t.wan_to_persons("0.00001")
    assert str(exc.value) == "“0.00001”万 = 0.1 人，不是整数人数，请核对小数位"


def test_h02_wan_to_persons_refuses_text_and_negatives():
    with pytest.raises(t.FigureError, match="不是数字"):
        t.wan_to_persons("约1.5")
    with pytest.raises(t.FigureError, match="不能为负"):
        t.wan_to_persons("-1")


def test_h02_count_and_back_to_wan():
    assert t.count_to_persons("25000") == 25000
    assert t.count_to_persons("35 ") == 35
    with pytest.raises(t.FigureError, match="不是整数"):
        t.count_to_persons("12.5")
    assert t.persons_to_wan(120000) == "12万"
    assert t.persons_to_wan(315) == "0.0315万"


def test_h01_children_short_of_parent_give_the_signed_difference():
    # Given departments adding up to 112995 against the city's 12万
    found = t.check_sum(
        indicator=t.Indicator.TRAINING,
        parent_label="全市目标",
        parent=120000,
        children_label="各部门合计",
        children=[100000, 12995],
    )
    assert found is not None
    assert (found.rule, found.field) == ("H01", "职业技能培训（人次）")
    assert found.message == "各部门合计 112995 人次，比全市目标 12万（120000人次）少 7005 人次"


def test_h01_children_over_parent_and_exact_sum():
    over = t.check_sum(
        indicator=t.Indicator.HIGH_SKILLED,
        parent_label="合计",
        parent=900,
        children_label="各单位合计",
        children=[950],
    )
    assert over is not None and over.message.endswith("多 50 人")
    assert (
        t.check_sum(
            indicator="subsidised", parent_label="合计", parent=8000, children_label="x", children=[8000]
        )
        is None
    )


def test_h05_the_higher_of_province_and_city_stands():
    assert t.effective_target(city_guidance=20000, province=None) == t.Effective(20000, "city")
    assert t.effective_target(city_guidance=20000, province=25000) == t.Effective(25000, "province")
    assert t.effective_target(city_guidance=20000, province=15000) == t.Effective(20000, "city")


def test_h07_zz21_school_minimums_warn_below_and_not_at_the_minimum():
    zz21 = get_profile("ZZ21")
    found = t.check_school_minimums(
        zz21,
        [
            t.SchoolTarget("甲技师学院", "technician_college", 1999, 500),
            t.SchoolTarget("乙高级技工学校", "senior_technical_school", 1000, 299),
            t.SchoolTarget("丙技工学校", "technical_school", 500, 100),
            t.SchoolTarget("丁职业学校", "vocational_school", 10, 1),  # ZZ21 sets no vocational minimum
            t.SchoolTarget("戊企业", "enterprise", 1, 1),
        ],
    )
    assert [(v.rule, v.field, v.value, v.clause) for v in found] == [
        ("H07", "甲技师学院", "1999", "ZZ21 四(二) 技师学院…年完成补贴性培训不少于2000人"),
        ("H07", "乙高级技工学校", "299", "ZZ21 四(二) 其中企业新型学徒制…300人"),
    ]
    assert found[0].message == "甲技师学院（技师学院）年补贴性培训目标 1999 人，低于不少于 2000 人的要求"


def test_h07_hc21_vocational_school_minimums_200_and_50():
    found = t.check_school_minimums(
        get_profile("HC21"), [t.SchoolTarget("信阳工业学校", "vocational_school", 199, 49)]
    )
    assert [(v.value, v.clause) for v in found] == [
        ("199", "HC21 15 职业学校年完成补贴性培训分别不得少于200人"),
        ("49", "HC21 15 其中企业新型学徒制不少于50人"),
    ]


def test_h07_unset_figure_is_not_checked():
    assert (
        t.check_school_minimums(get_profile("ZZ21"), [t.SchoolTarget("甲", "technician_college", None, None)])
        == []
    )
