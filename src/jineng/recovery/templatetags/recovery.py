from __future__ import annotations

from django import template

from jineng.core.roles import can as role_can

register = template.Library()


@register.filter
def can(role: str | None, capability: str) -> bool:
    """``{% if user.role|can:"recovery.manage" %}``: the same table as the views."""
    return role_can(role, capability)
