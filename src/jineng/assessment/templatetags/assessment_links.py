"""{% class_pages tc as later %}: the class's supervision and assessment pages the viewer can open."""

from __future__ import annotations

from typing import Any

from django import template

from jineng.assessment import links
from jineng.supervision.links import Action
from jineng.training.models import TrainingClass

register = template.Library()


@register.simple_tag(takes_context=True)
def class_pages(context: Any, tc: TrainingClass) -> list[Action]:
    """Read-only pages of the class's later life that the viewer can open: supervision, assessment."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return links.class_pages(user, tc)
