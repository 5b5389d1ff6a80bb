"""A Violation renders a refusal that names row, field, rule and clause."""

from __future__ import annotations

import dataclasses

import pytest

from jineng.policy.violations import Violation


def test_a03_render_with_row_and_field() -> None:
    v = Violation(
        "A03", "ZZ21 六(二)1", "每班人数不得超过80人，实际为81人", field="学员人数", row=3, value="81"
    )
    assert v.render() == "第3行“学员人数”：每班人数不得超过80人，实际为81人（规则 A03，依据 ZZ21 六(二)1）"


def test_render_without_row_or_field() -> None:
    v = Violation("B02", "XC19 二(三)1", "本年度已享受3次补贴性培训")
    assert v.render() == "本年度已享受3次补贴性培训（规则 B02，依据 XC19 二(三)1）"


def test_render_with_field_only() -> None:
    v = Violation("B01", "实名制", "校验码错误", field="身份证号")
    assert v.render() == "“身份证号”：校验码错误（规则 B01，依据 实名制）"


def test_violation_is_immutable() -> None:
    v = Violation("B01", "实名制", "校验码错误")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.rule = "B02"  # type: ignore[misc]
