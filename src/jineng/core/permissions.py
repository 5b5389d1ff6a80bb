from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jineng.core.roles import CAPABILITIES, can


def require(user: Any, capability: str) -> None:
    """403 unless the user's role has the capability; scope narrowing is the selectors' job."""
    if not getattr(user, "is_authenticated", False) or not can(getattr(user, "role", None), capability):
        roles = "、".join(r.label for r in CAPABILITIES[capability])
        raise PermissionDenied(f"此操作限以下角色：{roles}")


def require_any(user: Any, *capabilities: str) -> None:
    """403 unless the user's role has at least one of the capabilities (the message names every role
    that would do)."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or not any(can(role, c) for c in capabilities):
        allowed = {r: None for c in capabilities for r in CAPABILITIES[c]}  # ordered, without repeats
        raise PermissionDenied(f"此操作限以下角色：{'、'.join(r.label for r in allowed)}")
