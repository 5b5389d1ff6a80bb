"""Reads of the bureau's sign-offs: a class's, once the class itself is in the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from jineng.core.errors import Refusal
from jineng.signoffs.models import Kind, SignOff
from jineng.signoffs.services import class_profile, kinds_for
from jineng.training.models import TrainingClass


@dataclass(frozen=True)
class Field:
    """One sign-off field of the class's form: signed (who, when, what) or still open."""

    kind: str
    label: str
    signoff: SignOff | None


def signoffs_of(tc: TrainingClass) -> list[SignOff]:
    return list(SignOff.objects.filter(training_class=tc).select_related("assessment"))


def fields_of(tc: TrainingClass) -> list[Field]:
    """The fields the class's form has (its profile, C01), each with its sign-off if any; a sign-off of a
    field the form does not have is still shown."""
    done = {s.kind: s for s in signoffs_of(tc)}
    try:
        kinds = kinds_for(class_profile(tc))
    except Refusal:
        kinds = []
    kinds += [k for k in done if k not in kinds]
    return [Field(k, Kind(k).label, done.get(k)) for k in kinds]
