from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def pct(value: Decimal | None) -> str:
    """A share as a percentage with two decimals (0.3150 → "31.50%"); empty for no value."""
    if value is None or value == "":
        return ""
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


@register.filter
def get_item(mapping: dict[str, object] | None, key: str) -> object:
    return (mapping or {}).get(key)
