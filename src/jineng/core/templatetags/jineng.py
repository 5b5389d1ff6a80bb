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
