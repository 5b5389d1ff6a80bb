from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from jineng.policy.targets import LABELS

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)


@register.filter
def indicator_label(value: str) -> str:
    return LABELS.get(value, value)
