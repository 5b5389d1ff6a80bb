"""Page forms. Every choice offered is in the user's scope, so another city's department is a form error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from jineng.accounts.models import User
from jineng.regions.models import Department
from jineng.wagetraining.selectors import departments_for


class DeclarationForm(forms.Form):
    department = forms.ModelChoiceField(label="行业主管部门", queryset=Department.objects.none())
    year = forms.IntegerField(label="申报年度", min_value=2000, max_value=2100)
    insured = forms.BooleanField(label="企业已参加社会保险", required=False)
    insurance_number = forms.CharField(label="单位社保登记号", max_length=32, required=False)
    insured_since = forms.DateField(
        label="参保起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user)  # type: ignore[attr-defined]
        self.initial.setdefault("year", timezone.localdate().year)


class EmployeesForm(forms.Form):
    file = forms.FileField(label="以工代训人员名单（.xlsx）")


class MonthForm(forms.Form):
    month = forms.CharField(label="申领月份", max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    activity = forms.CharField(label="以工代训开展情况", max_length=200)
