"""What a page says after a form posts to a service: the success line, or the refusal with each of its
violations (row, field, value, rule ID, clause) as its own message. One place, so every page reports a
refusal the same way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from jineng.core.errors import Refusal

T = TypeVar("T")

# A roster or a batch can break a rule on thousands of rows; the page shows the first ones, the
# downloadable reports carry all of them.
SHOWN_VIOLATIONS = 50


def refusal_lines(exc: Refusal, limit: int = SHOWN_VIOLATIONS) -> list[str]:
    """The refusal, then each of its first violations, as the lines a page shows."""
    return [exc.render(), *(v.render() for v in exc.violations[:limit])]


def refused(request: HttpRequest, exc: Refusal, *, prefix: str = "") -> None:
    """A refusal on a page without a form to show it on: one message per line."""
    for i, line in enumerate(refusal_lines(exc)):
        messages.error(request, prefix + line if i == 0 else line)


def form_refused(form: forms.Form, exc: Refusal, aliases: Mapping[str, str] | None = None) -> None:
    """A refusal on the form that was sent: each problem next to the field it names (a field's Chinese
    label, or ``aliases``: the service's field name → form field); whatever names no field goes on top."""
    by_label = {str(f.label): name for name, f in form.fields.items()}
    by_label.update(aliases or {})
    if exc.violations:
        form.add_error(None, exc.message)
        for v in exc.violations[:SHOWN_VIOLATIONS]:
            form.add_error(by_label.get(v.field), v.render())
    else:
        form.add_error(by_label.get(exc.field), exc.render())


def act_returning(request: HttpRequest, done: str, call: Callable[[], T]) -> T | None:
    """The service's result, with ``done`` said; or None, with the refusal said."""
    try:
        result = call()
    except Refusal as exc:
        refused(request, exc)
        return None
    messages.success(request, done)
    return result


def act(request: HttpRequest, done: str, call: Callable[[], object]) -> bool:
    """Whether the service accepted; what it said is on the page's messages either way."""
    try:
        call()
    except Refusal as exc:
        refused(request, exc)
        return False
    messages.success(request, done)
    return True
