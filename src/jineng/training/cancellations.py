"""What else must happen, in the same transaction, when the bureau cancels a class.

Training sits below the apps that hang money on a class (claims: F04 prepayments), so it cannot call
them. They say here what follows a cancellation, when the app registry is ready (ClaimsConfig.ready);
class_cancel runs each inside the cancellation's transaction, so that a refusal in one undoes it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from jineng.training.models import TrainingClass


class CancelFollowUp(Protocol):
    def __call__(self, *, actor: Any, training_class: TrainingClass, day: dt.date) -> None: ...


_followups: list[CancelFollowUp] = []


def cancel_followup_provide(followup: CancelFollowUp) -> None:
    if followup not in _followups:
        _followups.append(followup)


def cancel_followups() -> tuple[CancelFollowUp, ...]:
    return tuple(_followups)
