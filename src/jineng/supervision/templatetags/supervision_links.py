"""{% class_actions tc as actions %}: the supervision and assessment steps the viewer may take now."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from jineng.supervision import links
from jineng.training.models import TrainingClass

register = template.Library()


@register.simple_tag(takes_context=True)
def class_actions(context: Any, tc: TrainingClass) -> list[links.Action]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return links.class_actions(user, tc, timezone.localdate())
