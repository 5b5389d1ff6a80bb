"""F05 over an application's items (policy/equipment.py): the total, the half-up fen, the cap by kind, the
refusal of a profile that sets no grant, and the items' own checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.policy.equipment import Item, equipment_grant, items_total, items_violations
from jineng.policy.profiles import get_profile
from jineng.policy.subsidy import EntitlementNotSet

XC19, HC21 = get_profile("XC19"), get_profile("HC21")
DAY = dt.date(2021, 6, 28)


def item(row: int, quantity: int, price: str, invoice: str = "", on: dt.date = dt.date(2021, 3, 1)) -> Item:
    return Item(
        row=row,
        name="实训设备",
        model="",
        quantity=quantity,
        unit_price=D(price),
        invoice_number=invoice or f"INV{row}",
        purchased_on=on,
    )


def test_f05_the_share_applies_to_the_total_of_the_items_rounded_half_up_to_the_fen() -> None:
    # 3 × 0.05 + 1 × 12.03 = 12.18; 20% = 2.436 → 2.44 (half up)
    items = [item(1, 3, "0.05"), item(2, 1, "12.03")]
    assert items_total(items) == D("12.18")
    grant = equipment_grant(XC19, kind="studio", items=items, staff_education_fund_used=True)
    assert (grant.amount, grant.status) == (D("2.44"), "payable")
    assert (
        grant.computation
        == "F05 技能大师工作室 新购置实训设备总值 12.18元 × 20% = 2.44元（许政办〔2019〕20号 二(二)1）"
    )


def test_f05_caps_are_per_kind_exactly_at_the_cap() -> None:
    at_cap = [item(1, 1, "2500000")]
    assert equipment_grant(XC19, kind="base", items=at_cap, staff_education_fund_used=True).amount == D(
        "500000"
    )
    assert equipment_grant(XC19, kind="studio", items=at_cap, staff_education_fund_used=True).amount == D(
        "100000"
    )


def test_f05_hc21_refuses_never_zero() -> None:
    with pytest.raises(EntitlementNotSet) as refused:
        equipment_grant(HC21, kind="studio", items=[item(1, 1, "1")], staff_education_fund_used=True)
    assert [v.message for v in refused.value.violations] == [
        "本政策口径未规定“实训设备补助比例”：本文件14条只写企业可通过职工教育经费支持建设高技能人才培训基地、技能大师工作室，“政府按规定加大补助力度”，未规定实训设备补助的比例和上限",
        "本政策口径未规定“技能大师工作室设备补助上限（元）”：本文件14条只写企业可通过职工教育经费支持建设高技能人才培训基地、技能大师工作室，“政府按规定加大补助力度”，未规定实训设备补助的比例和上限",
    ]


def test_f05_item_checks_name_row_field_and_rule() -> None:
    items = [item(1, 1, "10", "A"), item(2, 1, "10", "A"), item(3, 1, "10", "B", on=dt.date(2021, 7, 1))]
    found = items_violations(XC19, items, applied_on=DAY, invoices_used={"B"})
    assert [(v.row, v.field, v.rule) for v in found] == [
        (2, "发票号码", "F05"),
        (3, "发票号码", "F05"),
        (3, "购置日期", "F05"),
    ]
    assert items_violations(XC19, [], applied_on=DAY)[0].message == "请至少填写一项新购置的实训设备"
    assert (
        items_violations(XC19, [item(1, 1, "10.001")], applied_on=DAY)[0].message
        == "单价最多保留两位小数（分）"
    )
