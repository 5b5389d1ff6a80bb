from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from jineng.policy import identity

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    return identity.mask_id_number(value or "")


@register.filter
def mask_phone(value: str) -> str:
    return identity.mask_phone(value or "")


@register.filter
def mask_account(value: str) -> str:
    return identity.mask_bank_account(value or "")


@register.filter
def yuan(value: object) -> str:
    """An amount as officials write it: 79,000.00 (thousands separated, two decimals, exact)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{amount:,.2f}"


@register.inclusion_tag("core/_pager.html")
def pager(page: object, query: str) -> dict[str, object]:
    return {"page": page, "query": query}


# --- 18.10: numbers as the documents write them.


def _exact(value: object) -> Decimal | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def count(value: object) -> str:
    """A count with thousands separated: 200000 → 200,000 (decimals kept as given)."""
    number = _exact(value)
    if number is None:
        return "" if value in (None, "") else str(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    whole, _, fraction = f"{number:f}".partition(".")
    return f"{int(whole):,}.{fraction}"


@register.filter
def wan(value: object) -> str:
    """A target as the documents write it: from 10,000 up in 万, exactly (200000 → 20万, 7005 → 7,005,
    123450 → 12.345万); never rounded, so the figure is the one filed."""
    number = _exact(value)
    if number is None:
        return "" if value in (None, "") else str(value)
    if abs(number) < 10000:
        return count(number)
    in_wan = (number / 10000).normalize()
    text = f"{in_wan:f}"
    return f"{count(text)}万"
