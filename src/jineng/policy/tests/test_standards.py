"""F02 with the 补贴标准目录: the resolution order, versions in force, new occupations, and the
submission match of a class with its item (policy.standards)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from jineng.policy import standards as std
from jineng.policy.profiles import get_profile
from jineng.policy.standards import StandardItem
from jineng.policy.subsidy import EntitlementNotSet, SubsidyClass, class_entitlement
from jineng.policy.tests.test_subsidy import END, START, facts, trainee
from jineng.policy.training import check_class

ZZ21, HC21, XC19, XC23 = (get_profile(c) for c in ("ZZ21", "HC21", "XC19", "XC23"))


def item(**changes: object) -> StandardItem:
    base = StandardItem(
        item_id=1,
        region="河南省",
        year=2021,
        occupation_code="6-31-01-03",
        occupation_name="电工",
        trade="",
        level=4,
        certificate_kind="skill_level",
        subsidy_type="skill_upgrade",
        min_hours=80,
        amount=Decimal("1800.00"),
        version=1,
        valid_from=dt.date(2021, 1, 1),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def klass(*items: StandardItem, **fact_changes: object) -> SubsidyClass:
    return SubsidyClass(
        facts=facts(**fact_changes),
        mode="institution",
        payee="institution",
        inspection_counts=(50, 50),
        standards=items,
        standards_region="河南省",
    )


def test_f02_the_version_in_force_on_the_start_date_prices_the_line() -> None:
    # Given version 1 (1800 until 1 June) and version 2 (2100 from 1 June); the class starts 1 June
    v1 = item(valid_to=dt.date(2021, 6, 1))
    v2 = item(item_id=2, version=2, amount=Decimal("2100.00"), valid_from=dt.date(2021, 6, 1))
    assert dt.date(2021, 6, 1) == START
    result = class_entitlement(XC19, klass(v1, v2), [trainee(1)], {})
    # Then version 2 pays, and the line cites it
    (line,) = result.lines
    assert line.amount == Decimal("2100.00")
    assert line.computation == (
        "F02 电工·四级/中级工·职业技能等级证书（岗位技能提升培训） 2100元/人 × 1 = 2100元"
        "（河南省2021年补贴标准目录 6-31-01-03 电工·四级/中级工·职业技能等级证书（岗位技能提升培训） 2100元，"
        "第2版 2021-06-01起；许政办〔2019〕20号 三(二)）"
    )
    # And a class that started the day before is paid version 1
    earlier = class_entitlement(XC19, klass(v1, v2, start_date=dt.date(2021, 5, 31)), [trainee(1)], {})
    assert earlier.lines[0].amount == Decimal("1800.00")


def test_f02_a_new_national_occupation_is_priced_only_from_its_publication_date() -> None:
    published = item(occupation_published_on=dt.date(2021, 7, 1))
    assert not published.in_force(START) and published.in_force(dt.date(2021, 7, 1))
    with pytest.raises(EntitlementNotSet) as refused:
        class_entitlement(XC19, klass(published), [trainee(1)], {})
    assert "2021-06-01（开班日期）有效的“6-31-01-03 电工·四级/中级工" in str(refused.value)


def test_f02_the_class_trade_line_comes_before_the_occupation_line_and_the_local_list_first() -> None:
    occupation_line = item(item_id=1, amount=Decimal("1000.00"))
    trade_line = item(item_id=2, trade="维修电工", amount=Decimal("1200.00"))
    city_line = item(item_id=3, region="许昌市", supplementary=True, amount=Decimal("1300.00"))
    facts_with_trade = {"trade_name": "维修电工"}
    assert (
        std.find((trade_line, occupation_line), facts(**facts_with_trade), "skill_level", 4, trade="维修电工")
        == trade_line
    )
    assert (
        std.find((occupation_line,), facts(**facts_with_trade), "skill_level", 4, trade="维修电工")
        == occupation_line
    )
    # the caller lists the most local region first: the city's supplementary line wins
    assert std.find((city_line, occupation_line), facts(), "skill_level", 4, trade="") == city_line
    assert "许昌市2021年市级补充目录" in city_line.cite()


def test_f02_zz21_document_amount_comes_before_the_item() -> None:
    result = class_entitlement(ZZ21, klass(item()), [trainee(1)], {})
    assert result.lines[0].amount == Decimal("2000.00")
    assert result.lines[0].computation == "F02 中级工 2000元/人 × 1 = 2000元（郑技领办〔2021〕6号 三(一)）"


def test_f02_sample_items_say_so_on_the_line() -> None:
    result = class_entitlement(HC21, klass(item(sample=True)), [trainee(1)], {})
    assert "（示例标准（演示用，非官方） 河南省2021年补贴标准目录" in result.lines[0].computation


def test_f02_check_item_at_submission_names_every_field_that_differs() -> None:
    # Given a 中级 class of 100 hours, on-job, naming a 技师 line of another occupation needing 120 hours
    named = item(
        occupation_code="6-18-02-04",
        occupation_name="焊工",
        level=2,
        min_hours=120,
        subsidy_type="employment",
    )
    violations = [
        v for v in check_class(XC23, facts(standard=named), today=dt.date(2021, 5, 1)) if v.rule == "F02"
    ]
    # Then F02 names the occupation, level, subsidy type and hours, each with the profile's clause
    assert [(v.field, v.value) for v in violations] == [
        ("培训职业", "6-31-01-03"),
        ("等级", "四级/中级工"),
        ("补贴类别", "在岗职工技能提升培训"),
        ("总课时", "100"),
    ]
    assert all(v.clause == XC23.cite("subsidy_by_province_standard") for v in violations)
    # And a matching line in force raises nothing
    assert [
        v for v in check_class(XC23, facts(standard=item()), today=dt.date(2021, 5, 1)) if v.rule == "F02"
    ] == []


def test_f02_check_item_refuses_a_version_not_in_force_on_the_start_date() -> None:
    ended = item(valid_to=dt.date(2021, 5, 1))
    (v,) = [v for v in check_class(XC19, facts(standard=ended), today=dt.date(2021, 4, 1)) if v.rule == "F02"]
    assert (v.field, v.value) == ("开班日期", "2021-06-01")
    assert "该版本（第1版）自 2021-01-01 起至 2021-05-01 止有效" in v.message
    assert END > START
