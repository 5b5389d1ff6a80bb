"""GB/T 2260 division codes in force (used for region codes and the area part of B01 numbers)."""

from __future__ import annotations

import pytest

from jineng.policy.gb2260 import code_for, current_divisions, name_for


def test_code_for_a_district_of_zhengzhou() -> None:
    assert code_for("金水区", within="4101") == "410105"
    assert code_for("二七区", within="4101") == "410103"


def test_code_for_a_district_created_in_2016() -> None:
    assert code_for("建安区", within="4110") == "411003"
    assert code_for("魏都区", within="4110") == "411002"


def test_abolished_county_is_not_a_current_division() -> None:
    # 许昌县 (411023) became 建安区 in 2016
    with pytest.raises(LookupError) as excinfo:
        code_for("许昌县", within="4110")
    assert str(excinfo.value) == "GB/T 2260 中 4110… 下名为 许昌县 的区划有 0 个"
    assert name_for("411023") is None
    assert "411023" not in current_divisions()


def test_a_name_outside_the_prefix_is_not_found() -> None:
    with pytest.raises(LookupError):
        code_for("金水区", within="4110")


def test_an_ambiguous_name_is_refused() -> None:
    # Many cities have a 鼓楼区; without a narrow prefix the answer would be a guess
    with pytest.raises(LookupError, match="鼓楼区 的区划有"):
        code_for("鼓楼区", within="")


def test_name_for() -> None:
    assert name_for("410105") == "金水区"
    assert name_for("411526") == "潢川县"
    assert name_for("999999") is None
