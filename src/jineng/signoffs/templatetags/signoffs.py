"""{% signoffs_panel training_class %}: the class's sign-off fields, for the assessment's page."""

from __future__ import annotations

from typing import Any

from django import template

from jineng.signoffs.selectors import fields_of
from jineng.training.models import TrainingClass

register = template.Library()


@register.inclusion_tag("signoffs/_panel.html")
def signoffs_panel(tc: TrainingClass) -> dict[str, Any]:
    return {"tc": tc, "fields": fields_of(tc)}
