from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jineng.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = menu_for(user.role)
    sections: dict[str, list[Any]] = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    return {"nav_sections": sections, "current_path": request.path}
