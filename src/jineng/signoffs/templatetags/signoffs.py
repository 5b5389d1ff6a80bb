"""{% signoffs_panel training_class %}: the class's sign-off fields, for the assessment's page."""

from __future__ import annotations

from typing import Any

from django import template

from jineng.signoffs.selectors import fields_of
from jineng.signoffs.services import SUPERVISED
from jineng.training.models import TrainingClass

register = template.Library()


@register.inclusion_tag("signoffs/_panel.html")
def signoffs_panel(tc: TrainingClass) -> dict[str, Any]:
    """Shown once the class has ended (the first field can be signed then), or once anything is signed."""
    fields = fields_of(tc)
    if tc.state not in SUPERVISED and not any(f.signoff for f in fields):
        fields = []
    return {"tc": tc, "fields": fields}
