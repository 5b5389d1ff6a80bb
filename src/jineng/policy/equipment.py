"""F05: the one-off equipment grant (实训设备补助) of a high-skilled talent training base or a skill master's
studio, as pure policy over plain dataclasses.

The grant is ``equipment_share`` of the total value of the *newly purchased* training equipment, at most
the cap of the kind (``equipment_cap_base`` / ``equipment_cap_studio``), once per base or studio
(``policy.subsidy.equipment_subsidy`` computes it and words the computation). Here: the items an
application lists, judged all at once (every problem of every row reported, never the first only), and
their total.

Interpretations the document leaves open, decided once here:

* "新购置实训设备" — each item is one purchase with its invoice (发票号码) and purchase date; a purchase
  dated after the application is refused, and an invoice listed twice (in the application, or already in
  another application of the same organisation) is refused: one invoice is one new purchase, counted once.
* An item's value is quantity × unit price, rounded to the fen half-up; the total is the sum of the items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jineng.policy.profiles import Profile
from jineng.policy.subsidy import EquipmentEntitlement, equipment_subsidy
from jineng.policy.violations import Violation

CENT = Decimal("0.01")
F05 = "F05"
MAX_ITEMS = 500
# A unit price beyond this is a typing error, not a piece of training equipment.
MAX_UNIT_PRICE = Decimal("100000000")
MAX_QUANTITY = 100000


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One newly purchased piece of equipment as the application lists it (``row``: its place in the list,
    or the spreadsheet's row)."""

    row: int
    name: str
    model: str
    quantity: int
    unit_price: Decimal
    invoice_number: str
    purchased_on: dt.date | None

    @property
    def value(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def items_total(items: Sequence[Item]) -> Decimal:
    return sum((i.value for i in items), Decimal("0.00"))


def items_violations(
    profile: Profile, items: Sequence[Item], *, applied_on: dt.date, invoices_used: Collection[str] = ()
) -> list[Violation]:
    """F05: every problem of every item, in row order. ``invoices_used``: invoice numbers the organisation
    already listed in another application (a purchase is granted once)."""
    clause = profile.cite("equipment_share") if profile.param("equipment_share").is_set else profile.code
    out: list[Violation] = []

    def bad(item: Item, field: str, value: str, message: str) -> None:
        out.append(Violation(F05, clause, message, row=item.row, field=field, value=value))

    if not items:
        return [Violation(F05, clause, "请至少填写一项新购置的实训设备", field="设备清单")]
    if len(items) > MAX_ITEMS:
        return [
            Violation(
                F05,
                clause,
                f"设备清单最多 {MAX_ITEMS} 项，请合并同型号设备",
                field="设备清单",
                value=str(len(items)),
            )
        ]
    seen: dict[str, int] = {}
    for item in items:
        if not item.name.strip():
            bad(item, "设备名称", "", "请填写设备名称")
        if not 1 <= item.quantity <= MAX_QUANTITY:
            bad(item, "数量", str(item.quantity), f"数量应为 1 至 {MAX_QUANTITY} 的整数")
        if not Decimal("0") < item.unit_price <= MAX_UNIT_PRICE:
            bad(item, "单价", f"{item.unit_price}", "单价应大于 0 元且不超过 1 亿元")
        elif item.unit_price != item.unit_price.quantize(CENT):
            bad(item, "单价", f"{item.unit_price}", "单价最多保留两位小数（分）")
        invoice = item.invoice_number.strip()
        if not invoice:
            bad(item, "发票号码", "", "新购置设备须填写购置发票号码")
        elif invoice in seen:
            bad(item, "发票号码", invoice, f"发票号码与第 {seen[invoice]} 行重复：同一张发票只计一次")
        elif invoice in invoices_used:
            bad(item, "发票号码", invoice, "该发票已在本单位另一份设备补助申请中申报，不能重复申报")
        if invoice and invoice not in seen:
            seen[invoice] = item.row
        if item.purchased_on is None:
            bad(item, "购置日期", "", "请填写购置日期")
        elif item.purchased_on > applied_on:
            bad(item, "购置日期", item.purchased_on.isoformat(), "购置日期晚于申请日期：只补助已购置的设备")
    return out


def equipment_grant(
    profile: Profile,
    *,
    kind: str,
    items: Sequence[Item],
    staff_education_fund_used: bool,
    already_granted: bool = False,
) -> EquipmentEntitlement:
    """F05 over the items' total: min(round_half_up(total × share), cap of the kind), with its computation.
    Raises ``policy.subsidy.EntitlementNotSet`` ("本政策口径未规定…") where the profile fixes no share or cap."""
    return equipment_subsidy(
        profile,
        kind=kind,
        equipment_value=items_total(items),
        staff_education_fund_used=staff_education_fund_used,
        already_granted=already_granted,
    )
