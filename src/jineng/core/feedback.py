"""What a page says after a form posts to a service: the success line, or the refusal with each of its
violations (row, field, value, rule ID, clause) as its own message. One place, so every page reports a
refusal the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest

from jineng.core.errors import Refusal

T = TypeVar("T")

# A roster or a batch can break a rule on thousands of rows; the page shows the first ones, the
# downloadable reports carry all of them.
SHOWN_VIOLATIONS = 50


def refused(request: HttpRequest, exc: Refusal) -> None:
    messages.error(request, exc.render())
    for v in exc.violations[:SHOWN_VIOLATIONS]:
        messages.error(request, v.render())


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
