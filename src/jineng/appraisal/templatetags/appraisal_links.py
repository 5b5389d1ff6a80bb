"""{% follow_up_url tc as url %}: the class's employment follow-up page, for those who record it, once
the class is assessed."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from jineng.appraisal.services import FOLLOWED_STATES
from jineng.core.roles import can
from jineng.training.models import TrainingClass

register = template.Library()


@register.simple_tag(takes_context=True)
def follow_up_url(context: Any, tc: TrainingClass) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can(user.role, "followup.record"):
        return ""
    return reverse("appraisal:follow_ups", args=[tc.pk]) if tc.state in FOLLOWED_STATES else ""
