"""Forms of the supervision pages, and how a service's refusal lands next to the field it names.

Fields a service checks under a policy rule (the written leave request, the reason, the make-up
video) are optional here on purpose: leaving them empty must reach the service, whose refusal names
the rule and the clause, instead of a bare "required".
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from jineng.accounts.models import User
from jineng.people.selectors import id_number_for
from jineng.supervision.models import LessonKind
from jineng.training.models import Enrolment, TrainingClass

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
DATE_HELP = "日期格式为 年-月-日，如 2021-06-01"


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"“{label}”不是有效日期：{DATE_HELP}",
        },
    )


def int_field(
    label: str, *, unit: str, min_value: int = 0, required: bool = True, initial: int | None = None
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        initial=initial,
        widget=forms.NumberInput(attrs={"min": min_value, "step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"“{label}”须为整数{unit}，如 45",
            "min_value": f"“{label}”不能小于 {min_value}",
        },
    )


# --- C04–C06 lesson video ---------------------------------------------------------------------------------


class VideoForm(forms.Form):
    lesson_date = date_field("授课日期")
    kind = forms.ChoiceField(label="课程类型", choices=LessonKind.choices, initial=LessonKind.PRACTICAL)
    hours = int_field("课时数", unit="课时", min_value=1, initial=1)
    filmed_minutes = int_field("录像分钟数", unit="分钟")
    continuous_minutes_per_hour = forms.CharField(
        label="每学时连续录像分钟数",
        required=False,
        max_length=200,
        help_text="实操课逐学时填写最长一段连续录像的分钟数，用逗号或顿号分隔，如 20,18",
        widget=forms.TextInput(attrs={"placeholder": "20,18", "size": 16}),
    )
    not_all_visible = int_field("未能显示全体学员次数", unit="次", initial=0)
    video_ref = forms.CharField(
        label="录像编号", max_length=128, error_messages={"required": "请填写录像编号（留存的录像文件编号）"}
    )

    def clean_continuous_minutes_per_hour(self) -> list[int]:
        text = self.cleaned_data["continuous_minutes_per_hour"].strip()
        if self.data.get("kind") != LessonKind.PRACTICAL or not text:
            return []  # theory lessons are filmed in full; there is no per-hour figure
        parts = [p for p in re.split(r"[,，、;；\s]+", text) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(
                f"“每学时连续录像分钟数”须为整数分钟，逐学时用逗号分隔，如 20,18（填写的是“{text}”）"
            )
        return [int(p) for p in parts]

    def aliases(self) -> dict[str, str]:
        # C04 names the recording's length: per hour for practical lessons, in total for theory.
        practical = self.cleaned_data.get("kind") == LessonKind.PRACTICAL
        return {"录像时长": "continuous_minutes_per_hour" if practical else "filmed_minutes"}


# --- C08 leave and make-up lessons ---------------------------------------------------------------------------


class TraineeChoice(forms.ModelChoiceField):
    """A trainee of the class by roster row and name, with the ID number as this viewer may see it."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        e: Enrolment = obj
        return f"第{e.row}行 {e.person.name} {id_number_for(self.user, e.person)}"


class LeaveForm(forms.Form):
    enrolment = TraineeChoice(
        label="学员",
        queryset=Enrolment.objects.none(),
        user=None,  # type: ignore[arg-type]  # replaced in __init__
        empty_label="（选择学员）",
        error_messages={
            "required": "请选择学员",
            "invalid_choice": "所选学员不在本班花名册中",
        },
    )
    lesson_date = date_field("请假课程日期")
    reason = forms.CharField(label="请假事由", max_length=200, required=False)
    written = forms.BooleanField(
        label="书面请假", required=False, help_text="已履行书面请假手续（请假条已留存）：请核对后勾选"
    )

    def __init__(self, *args: Any, user: User, training_class: TrainingClass, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: TraineeChoice = self.fields["enrolment"]  # type: ignore[assignment]
        field.user = user
        field.queryset = (
            Enrolment.objects.filter(training_class=training_class, status=Enrolment.Status.ENROLLED)
            .select_related("person", "training_class")
            .order_by("row")
        )


class MakeUpForm(forms.Form):
    made_up_on = date_field("补课日期")
    video_ref = forms.CharField(
        label="补课录像编号",
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "补课录像编号", "size": 12}),
    )


# --- C09 satisfaction ------------------------------------------------------------------------------------------


class SatisfactionForm(forms.Form):
    surveyed = int_field("调查人数", unit="人数", min_value=0)
    satisfied = int_field("满意人数", unit="人数", min_value=0)
