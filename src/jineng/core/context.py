from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jineng.core.navigation import NavItem, menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = menu_for(user.role)
    sections: dict[str, list[Any]] = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    return {
        "nav_sections": sections,
        "current_path": request.path,
        "nav_active": active_url(items, request.path),
    }


def active_url(items: list[NavItem], path: str) -> str | None:
    """The one menu entry to light: the longest entry address the page's address starts with. A plain
    "starts with" lit two entries at once where one page lies under another (/claims/ and /claims/queue/)."""
    best: str | None = None
    for item in items:
        url = item.url
        if path.startswith(url) and (best is None or len(url) > len(best)):
            best = url
    return best
