"""Choice widgets whose options carry data attributes, for app.js to narrow a list to what applies.

Django's widgets give every <option> the same attributes; a form that narrows one list by another
(departments by the class's region, teachers by its occupation) needs each option to say what it
belongs to. ``option_attrs`` reads that from the option's model instance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIteratorValue

OptionAttrs = Callable[[Any], dict[str, str]]


class _OptionAttrsMixin:
    option_attrs: OptionAttrs | None = None

    def create_option(  # type: ignore[no-untyped-def]
        self, name, value, label, selected, index, subindex=None, attrs=None
    ) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(  # type: ignore[misc]
            name, value, label, selected, index, subindex=subindex, attrs=attrs
        )
        if self.option_attrs is not None and isinstance(value, ModelChoiceIteratorValue):
            instance = value.instance  # type: ignore[attr-defined]  # set by ModelChoiceIterator
            option["attrs"] = {**option["attrs"], **self.option_attrs(instance)}
        return option


class DataSelect(_OptionAttrsMixin, forms.Select):
    """A <select> whose options carry ``option_attrs(instance)``."""

    def __init__(self, *args: Any, option_attrs: OptionAttrs | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_attrs = option_attrs


class DataCheckboxes(_OptionAttrsMixin, forms.CheckboxSelectMultiple):
    """Ticked boxes instead of a Ctrl-click list; each box carries ``option_attrs(instance)``."""

    def __init__(self, *args: Any, option_attrs: OptionAttrs | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_attrs = option_attrs
