"""Page forms. Every choice offered is in the user's scope, so another city's choice is a form error."""

from __future__ import annotations

from typing import Any

from django import forms

from jineng.accounts.models import User
from jineng.apprenticeship.selectors import departments_offered, enterprise_by_code
from jineng.catalogue.models import CertificateKind, Level, Occupation
from jineng.orgs.models import Organisation
from jineng.regions.models import Department

DATE = forms.DateInput(attrs={"type": "date"})


class CohortForm(forms.Form):
    enterprise_credit_code = forms.CharField(label="企业统一社会信用代码", max_length=18)
    occupation_code = forms.CharField(label="职业编码", max_length=16, help_text="如 6-31-01-03")
    level = forms.TypedChoiceField(
        label="等级",
        choices=[("", "（不分等级）"), *Level.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    certificate_kind = forms.ChoiceField(
        label="拟取得证书", choices=CertificateKind.choices, initial="skill_level"
    )
    agreement_number = forms.CharField(label="校企合作协议编号", max_length=64)
    agreement_date = forms.DateField(label="协议签订日期", widget=DATE)
    start_date = forms.DateField(label="培养开始日期", widget=DATE)
    planned_years = forms.TypedChoiceField(label="培养期（年）", choices=[(1, "1年"), (2, "2年")], coerce=int)
    department = forms.ModelChoiceField(label="行业主管部门", queryset=Department.objects.none())
    file = forms.FileField(label="学徒名单（可稍后导入）", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_offered(user)  # type: ignore[attr-defined]

    def clean_enterprise_credit_code(self) -> Organisation:
        found = enterprise_by_code(self.cleaned_data["enterprise_credit_code"])
        if found is None:
            raise forms.ValidationError("没有该统一社会信用代码的企业，请先由人社局登记企业")
        return found

    def clean_occupation_code(self) -> Occupation:
        found = Occupation.objects.filter(code=self.cleaned_data["occupation_code"].strip()).first()
        if found is None:
            raise forms.ValidationError("职业分类大典中没有该职业编码")
        return found


class ImportForm(forms.Form):
    file = forms.FileField(label="学徒名单")


class LeaveForm(forms.Form):
    left_on = forms.DateField(label="退出日期", widget=DATE)
    reason = forms.CharField(label="退出原因", max_length=64)


class CertifyForm(forms.Form):
    certificate_kind = forms.ChoiceField(label="证书类型", choices=CertificateKind.choices)
    level = forms.TypedChoiceField(
        label="等级",
        choices=[("", "（不分等级）"), *Level.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    certificate_number = forms.CharField(label="证书编号", max_length=64)
    issued_on = forms.DateField(label="发证日期", widget=DATE)
    issuer = forms.CharField(label="发证机构", max_length=128, required=False)
