"""Page forms. Every choice offered is in the user's scope, so another city's choice is a form error."""

from __future__ import annotations

from typing import Any

from django import forms

from jineng.accounts.models import User
from jineng.grants.models import RecognitionKind, RecognitionLevel
from jineng.grants.selectors import departments_to_choose, organisations_to_recognise
from jineng.orgs.models import Organisation
from jineng.regions.models import Department, Region
from jineng.regions.selectors import regions_visible

FORM_ROWS = 12  # item rows on the page; more at once through the spreadsheet


class RecognitionForm(forms.Form):
    organisation = forms.ModelChoiceField(label="依托单位", queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label="类别", choices=RecognitionKind.choices)
    name = forms.CharField(label="名称", max_length=128)
    level = forms.ChoiceField(label="认定级别", choices=RecognitionLevel.choices)
    recognised_on = forms.DateField(label="认定日期", widget=forms.DateInput(attrs={"type": "date"}))
    document_number = forms.CharField(label="认定文号", max_length=64)
    department = forms.ModelChoiceField(label="行业主管部门", queryset=Department.objects.none())
    region = forms.ModelChoiceField(
        label="所在区域", queryset=Region.objects.none(), required=False, empty_label="（同依托单位）"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_to_recognise(user)  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments_to_choose(user)  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions_visible(user)  # type: ignore[attr-defined]


class ApplicationForm(forms.Form):
    staff_education_fund_used = forms.BooleanField(
        label="本单位依法提取职工教育经费，并按规定用于该基地/工作室建设", required=False
    )
    file = forms.FileField(
        label="或上传设备清单（.xlsx，按本页模板）",
        required=False,
        help_text="上传文件时以文件为准，忽略下表",
    )


def item_rows(data: Any) -> list[tuple[int, list[str]]]:
    """The page's item rows (row numbers 1…FORM_ROWS) as six cells each."""
    fields = ("name", "model", "quantity", "unit_price", "invoice_number", "purchased_on")
    return [(n, [str(data.get(f"item-{n}-{f}", "")) for f in fields]) for n in range(1, FORM_ROWS + 1)]
