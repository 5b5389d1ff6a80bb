"""The 附件2 (ZZ21/HC21) / 附件3 (XC23) 开班申请 form, defined once.

``ClassInput`` is the definition: its fields, in the order the page shows them, are the form's. The
page form (views.ClassForm), the API body (schemas.ClassIn) and the services' input (class_create,
class_update) are all made from it, so a field added here is on the page, in the API and in the
services at once. They used to be four hand-kept copies that drifted: the page never set the
enterprise or the online platform, so a blended class could not pass D01 from the page.

A field's ``metadata["page"]`` (a ``Page``) says how the page shows it; by default the page field is
the form field of the TrainingClass field of the same name, so its label, length and choices are the
model's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import Field, create_model

from jineng.accounts.models import User
from jineng.catalogue.models import Level
from jineng.core.widgets import DataCheckboxes, DataSelect
from jineng.policy.profiles import latest_profiles
from jineng.training import selectors
from jineng.training.models import Delivery, TrainingClass


@dataclass(frozen=True)
class Page:
    """How one field of the form is shown and read on the page."""

    # The page's name for a field that names a row: region_id is chosen as "region" from a list. It
    # is also the TrainingClass field the page field is made from (unless ``build`` is given).
    name: str = ""
    # Overrides of the model field's form field (a tighter minimum, another widget, help text).
    options: Mapping[str, Any] = field(default_factory=dict)
    # A choice field offering only the model's choices: one of them must be picked, none is preset blank.
    no_blank: bool = False
    # The page field of a form field with no model field behind it (the occupation is typed as its code).
    build: Callable[[], forms.Field] | None = None
    # The rows this user may pick (the services accept no others).
    choices: Callable[[User], QuerySet[Any]] | None = None
    # A saved class's value of the field, to edit it; by default the class's attribute of the same name.
    read: Callable[[TrainingClass], Any] | None = None
    # The API's description of the field.
    description: str = ""


def _page(**kwargs: Any) -> dict[str, Page]:
    return {"page": Page(**kwargs)}


# The browser's date input takes and sends ISO dates whatever the locale's format.
_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


@dataclass(kw_only=True)
class ClassInput:
    """The 附件2 / 附件3 form, as typed by the clerk (pages and API fill the same structure)."""

    region_id: int = field(metadata=_page(name="region", choices=selectors.class_regions))
    department_id: int = field(metadata=_page(name="department", choices=selectors.class_departments))
    venue: str
    contact_name: str
    contact_phone: str
    bank_name: str
    bank_account: str
    batch: str
    start_date: dt.date = field(metadata=_page(options=_DATE))
    end_date: dt.date = field(metadata=_page(options=_DATE))
    occupation_code: str = field(
        metadata=_page(
            build=lambda: forms.CharField(label="培训职业编码", max_length=16, help_text="如 6-31-01-03"),
            read=lambda tc: tc.occupation.code,
            description="2022 年版职业分类大典编码，如 6-31-01-03",
        )
    )
    trade_name: str = field(
        default="",
        metadata=_page(
            build=lambda: forms.CharField(label="工种", max_length=64, required=False),
            read=lambda tc: tc.trade.name if tc.trade else "",
        ),
    )
    level: int | None = field(
        default=None,
        metadata=_page(
            options={"choices": [("", "（无等级）"), *Level.choices]},
            description="5=五级/初级工 … 1=一级/高级技师",
        ),
    )
    target_certificate: str = field(metadata=_page(no_blank=True))
    catalogue_item_id: int | None = field(
        default=None,
        metadata=_page(
            name="catalogue_item",
            choices=selectors.class_catalogue_items,
            options={
                "empty_label": "（不选：按政策文件定额）",
                "help_text": "培训地点所在区域（或上级区域）本年度目录中本职业的项目；须与职业、工种、等级、证书类型、补贴类别一致，总课时不低于其最低课时（F02）",
            },
            description="补贴标准目录项目 id（/api/v1/catalogue/items）；文件未定额时按其计算补贴",
        ),
    )
    planned_trainees: int = field(metadata=_page(options={"min_value": 1}))
    total_hours: int = field(metadata=_page(options={"min_value": 1}))
    theory_hours: int
    practical_hours: int
    minutes_per_hour: int = field(metadata=_page(options={"min_value": 1}))
    mode: str = field(metadata=_page(no_blank=True))
    enterprise_id: int | None = field(
        default=None,
        metadata=_page(
            name="enterprise",
            choices=selectors.class_enterprises,
            options={"empty_label": "（不适用）", "help_text": "企业自主培训、委托培训、企业新型学徒制填写"},
        ),
    )
    delivery: str = Delivery.OFFLINE.value
    online_platform_id: int | None = field(
        default=None,
        metadata=_page(
            name="online_platform",
            choices=selectors.class_platforms,
            options={
                "empty_label": "（不适用）",
                "help_text": "线上+线下、纯线上授课填写；须已纳入目录并经报备审核（D01）",
            },
        ),
    )
    online_hours: int = 0
    offline_practical_hours: int = 0
    funding_type: str = field(metadata=_page(no_blank=True))
    programme: str = field(
        default="",
        metadata=_page(
            build=lambda: forms.ChoiceField(
                label="专项培训计划",
                required=False,
                choices=_programme_choices,
                help_text="所属专项计划（J03）：须为培训地点与开班年度所适用政策口径中的计划；面向特定人员类别的计划，学员须属于这些类别",
            ),
            description="专项培训计划代码（/api/v1/classes/programmes）；空 = 不属于专项计划",
        ),
    )
    workstations: int
    teacher_ids: list[int] = field(
        metadata=_page(
            name="teachers",
            choices=selectors.class_teachers,
            read=lambda tc: list(tc.teachers.values_list("pk", flat=True)),
        )
    )
    cross_city_approved: bool = False


def _programme_choices() -> list[tuple[str, Any]]:
    """Every profile's special programmes (J03), grouped by document; the services check the class's own."""
    groups: list[tuple[str, Any]] = [("", "（不属于专项计划）")]
    for profile in latest_profiles():
        if profile.programmes:
            groups.append(
                (
                    f"{profile.jurisdiction} {profile.short}",
                    [
                        (p.code, f"{p.name}（限定人员类别）" if p.groups else p.name)
                        for p in profile.programmes.values()
                    ],
                )
            )
    return groups


FIELDS: tuple[dataclasses.Field[Any], ...] = dataclasses.fields(ClassInput)
NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
_TYPES = typing.get_type_hints(ClassInput)


def page_of(f: dataclasses.Field[Any]) -> Page:
    page: Page = f.metadata.get("page", Page())
    return page


def page_name(f: dataclasses.Field[Any]) -> str:
    return page_of(f).name or f.name


# --- the page -------------------------------------------------------------------------------------------


def _page_field(f: dataclasses.Field[Any]) -> forms.Field:
    page = page_of(f)
    if page.build is not None:
        return page.build()
    model_field = typing.cast("models.Field[Any, Any]", TrainingClass._meta.get_field(page_name(f)))
    options = dict(page.options)
    if page.no_blank:
        options["choices"] = model_field.choices
    if page_name(f) in _WIDGETS:
        options["widget"] = _WIDGETS[page_name(f)]()
    made = model_field.formfield(**options)
    assert made is not None, f.name
    if page.choices is not None:
        made.queryset = made.queryset.none()  # type: ignore[attr-defined]  # until page_choices: none
    return made


# 18.8: lists narrowed on the page to what applies (app.js, data-narrow): departments to those of the
# class's region or above it (the services refuse any other), teachers to those filed for the typed
# occupation (others one click away: a theory teacher may be filed for a neighbouring one). The teachers
# are ticked, not Ctrl-clicked.
_WIDGETS: dict[str, Callable[[], forms.Widget]] = {
    "region": lambda: DataSelect(option_attrs=lambda r: {"data-path": r.path}),
    "department": lambda: DataSelect(
        attrs={"data-narrow": "within", "data-by": "region"},
        option_attrs=lambda d: {"data-within": d.region.path},
    ),
    "teachers": lambda: DataCheckboxes(
        attrs={
            "data-narrow": "equal",
            "data-by": "occupation_code",
            "data-hidden-text": "只列出本职业备案的教师；另有 {n} 名其他职业的教师",
            "class": "checklist",
        },
        option_attrs=lambda t: {"data-equal": t.occupation.code},
    ),
}


def page_fields() -> dict[str, forms.Field]:
    return {page_name(f): _page_field(f) for f in FIELDS}


# The page form's fields; views.ClassForm adds the user's choices and the reading of the answers.
PageFields: Any = forms.forms.DeclarativeFieldsMetaclass("PageFields", (forms.Form,), page_fields())


# 18.8: rows whose names repeat across cities or say nothing of what they are filed for are offered with it.
_LABELS: dict[str, Callable[[Any], str]] = {
    "department": lambda d: f"{d.name}（{d.region.name}）",
    "teachers": lambda t: f"{t.name}（{t.occupation.name}·{'专职' if t.full_time else '兼职'}）",
}


def page_choices(form: forms.Form, user: User) -> None:
    """Offer on ``form`` only the rows this user may name."""
    for f in FIELDS:
        choose = page_of(f).choices
        if choose is not None:
            field_ = form.fields[page_name(f)]
            field_.queryset = choose(user)  # type: ignore[attr-defined]
            if page_name(f) in _LABELS:
                field_.label_from_instance = _LABELS[page_name(f)]  # type: ignore[attr-defined]


def page_initial(tc: TrainingClass) -> dict[str, Any]:
    """The page form's values of a saved class, to edit it."""
    out = {}
    for f in FIELDS:
        read = page_of(f).read
        out[page_name(f)] = read(tc) if read is not None else getattr(tc, f.name)
    return out


def input_from_page(cleaned: Mapping[str, Any]) -> ClassInput:
    """The page's cleaned answers as the services' input: a picked row by its id."""
    values: dict[str, Any] = {}
    for f in FIELDS:
        value = cleaned[page_name(f)]
        if isinstance(value, Model):
            value = value.pk
        elif isinstance(value, QuerySet):
            value = [row.pk for row in value]
        values[f.name] = value
    return ClassInput(**values)


# --- the API --------------------------------------------------------------------------------------------


def _api_field(f: dataclasses.Field[Any]) -> tuple[Any, Any]:
    description = page_of(f).description or None
    if f.default is not dataclasses.MISSING:
        return _TYPES[f.name], Field(f.default, description=description)
    return _TYPES[f.name], Field(description=description)


_api_fields: dict[str, Any] = {f.name: _api_field(f) for f in FIELDS}
# The API body's fields (schemas.ClassIn): the same names, types and defaults as ClassInput.
ApiFields: Any = create_model("ClassInFields", __base__=Schema, __module__=__name__, **_api_fields)
