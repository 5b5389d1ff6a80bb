"""F13 fund order and F11 weekdays as profile parameters: read from the profile, checked when loaded."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from jineng.policy import claims as c
from jineng.policy.profiles import ParameterNotSet, Profile, ProfileError, get_profile, parse_profile
from jineng.policy.tests.test_profiles import raw_profile
from jineng.policy.workdays import WorkCalendar


def with_values(code: str, **values: Any) -> Profile:
    base = get_profile(code)
    params = dict(base.params)
    for name, value in values.items():
        params[name] = dataclasses.replace(params[name], value=value, clause="测试口径")
    return dataclasses.replace(base, params=params)


def test_f13_fund_order_is_the_profiles_where_its_document_sets_one() -> None:
    # HC21 三(二): 优先使用专账资金，专账资金无结余的从就业补助资金中支出
    assert c.fund_order(get_profile("HC21")) == ("special_account", "employment_subsidy")
    # A document that put the employment subsidy fund first, and the unemployment insurance fund after
    reversed_order = with_values(
        "HC21", fund_source_priority=["就业补助资金", "职业技能提升行动资金", "失业保险基金"]
    )
    assert c.fund_order(reversed_order) == ("employment_subsidy", "special_account", "unemployment_insurance")


def test_f13_a_document_silent_on_the_order_gets_the_rules_order() -> None:
    assert not get_profile("ZZ21").param("fund_source_priority").is_set
    assert c.fund_order(get_profile("ZZ21")) == c.F13_FUND_ORDER == ("special_account", "employment_subsidy")


def test_f11_weekdays_come_from_the_profile() -> None:
    cal = WorkCalendar()
    monday_to_wednesday = with_values("ZZ21", weekly_cycle_weekdays=[1, 2, 3])
    cycle = c.disbursement_cycle(monday_to_wednesday, cal, dt.date(2021, 6, 24))
    assert (cycle.collect_on, cycle.send_on, cycle.pay_on) == (
        dt.date(2021, 6, 21),
        dt.date(2021, 6, 22),
        dt.date(2021, 6, 23),
    )
    # A weekly cycle whose document names no days is refused, not given Wednesday–Friday
    unnamed = with_values("ZZ21", weekly_cycle_weekdays=None)
    with pytest.raises(ParameterNotSet, match="每周收交、汇总送财政、财政审核的星期"):
        c.disbursement_cycle(unnamed, cal, dt.date(2021, 6, 17))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("weekly_cycle_weekdays", [3, 4], "weekly_cycle_weekdays（F11）应为收交、送财政、财政审核三个星期"),
        ("weekly_cycle_weekdays", [3, 8, 9], "weekly_cycle_weekdays（F11）"),
        ("weekly_cycle_weekdays", [5, 4, 3], "依次不早于前一个"),
        ("fund_source_priority", ["彩票公益金"], "fund_source_priority（F13）应为不重复的资金名称"),
        ("fund_source_priority", ["就业补助资金", "就业补助资金"], "fund_source_priority（F13）"),
    ],
)
def test_f11_f13_values_the_money_path_cannot_read_are_refused_on_load(
    name: str, value: Any, message: str
) -> None:
    data = raw_profile("ZZ21")
    data["params"][name] = {
        "rule": "F11" if name.startswith("weekly") else "F13",
        "value": value,
        "clause": "七(二)",
    }
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(data, "test.toml")
    [problem] = excinfo.value.problems
    assert message in problem
