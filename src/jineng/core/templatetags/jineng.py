from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

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


# --- 18: dates as the documents write them (2021年9月6日), a range without repeating its year.


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


@register.filter
def date_range(start: object, end: object) -> str:
    """A period as the documents write it: 2021年9月6日—9月24日 (the end's year only where it differs:
    2021年12月20日—2022年1月8日); one day alone where they are the same day; "" without a start."""
    first, last = _day(start), _day(end)
    if first is None:
        return ""
    text = f"{first.year}年{first.month}月{first.day}日"
    if last is None or last == first:
        return text
    if last.year != first.year:
        return f"{text}—{last.year}年{last.month}月{last.day}日"
    return f"{text}—{last.month}月{last.day}日"
