from __future__ import annotations

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


@register.inclusion_tag("core/_pager.html")
def pager(page: object, query: str) -> dict[str, object]:
    return {"page": page, "query": query}
