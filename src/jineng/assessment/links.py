"""The pages of a class's later life (its supervision record, its assessments) that a viewer can open,
for the class page. Here rather than in supervision because assessment builds on supervision."""

from __future__ import annotations

from django.urls import reverse

from jineng.accounts.models import User
from jineng.assessment.selectors import assessments_visible
from jineng.core.roles import Role, can
from jineng.supervision.links import Action
from jineng.supervision.selectors import SUPERVISED_STATES
from jineng.training.models import TrainingClass


def class_pages(user: User, tc: TrainingClass) -> list[Action]:
    """The class's supervision record and its assessments, where the viewer may open them."""
    out = []
    if user.role != Role.EVALUATOR and can(user.role, "class.view") and tc.state in SUPERVISED_STATES:
        out.append(Action("过程监管记录", reverse("supervision:detail", args=[tc.pk]), "C01–C09"))
    for a in assessments_visible(user).filter(training_class=tc).order_by("id"):
        label = f"结业考核（{a.get_certificate_kind_display()}，{a.get_state_display()}）"
        out.append(Action(label, reverse("assessment:detail", args=[a.pk]), "E01–E05"))
    return out
