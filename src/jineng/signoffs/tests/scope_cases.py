"""Scope-matrix rows for the bureau's sign-offs (collected by core's test_scope_matrix)."""

from __future__ import annotations

from typing import Any

from jineng.accounts.models import User
from jineng.assessment.tests.scope_cases import applied
from jineng.conftest import World
from jineng.core.tests.matrix import API, Case, roles
from jineng.training.models import TrainingClass

S = f"{API}/signoffs"


def own(w: World, u: User) -> TrainingClass:
    """A 金水区 class whose exam (by the Zhengzhou station) was held: its patrol may sign."""
    return applied(w).training_class


def foreign(w: World, u: User) -> list[TrainingClass]:
    return [applied(w, body=w.outsiders["evaluator"].organisation, foreign=True).training_class]


def patrol(w: World, u: User) -> dict[str, Any]:
    return {"kind": "exam_patrol", "opinion": "考场秩序良好，考生身份与名册一致"}


SIGNED = {"signoffs.SignOff": 1, "audit.Event": 1}

CASES: tuple[Case, ...] = (
    Case(
        "GET",
        "signoffs/classes/<int:class_id>/",
        roles("class.view"),
        lambda w, u: f"/signoffs/classes/{own(w, u).pk}/",
        foreign=lambda w, u: [f"/signoffs/classes/{tc.pk}/" for tc in foreign(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        "signoffs/classes/<int:class_id>/",
        roles("signoff.record"),
        lambda w, u: f"/signoffs/classes/{own(w, u).pk}/",
        foreign=lambda w, u: [f"/signoffs/classes/{tc.pk}/" for tc in foreign(w, u)],
        data=patrol,
        ok=302,
        delta=SIGNED,
        scoped=True,
    ),
    Case(
        "GET",
        f"{S}/classes/{{class_id}}",
        roles("class.view"),
        lambda w, u: f"{S}/classes/{own(w, u).pk}",
        foreign=lambda w, u: [f"{S}/classes/{tc.pk}" for tc in foreign(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/classes/{{class_id}}",
        roles("signoff.record"),
        lambda w, u: f"{S}/classes/{own(w, u).pk}",
        foreign=lambda w, u: [f"{S}/classes/{tc.pk}" for tc in foreign(w, u)],
        data=patrol,
        ok=201,
        delta=SIGNED,
        scoped=True,
    ),
)
