"""Page forms. Every choice offered is in the user's scope, so another city's choice is a form error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from jineng.accounts.models import User
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.policy.identity import RULE_B01_CLAUSE, InvalidIdNumber, parse_id_number
from jineng.regions.models import Region
from jineng.training.models import TrainingClass
from jineng.vouchers.rules import G01
from jineng.vouchers.selectors import classes_for_binding, issue_institutions, issue_person, issue_regions
from jineng.vouchers.services import rule_clause


def _year_end() -> dt.date:
    return dt.date(timezone.localdate().year, 12, 31)


class TermsForm(forms.Form):
    """What the issuer sets on a voucher (G01): where it is issued, its expiry, and optional limits."""

    region = forms.ModelChoiceField(label="发放区域", queryset=Region.objects.none())
    expires_on = forms.DateField(
        label="有效期至", widget=forms.DateInput(attrs={"type": "date"}), initial=_year_end
    )
    occupation_code = forms.CharField(
        label="限定职业编码", max_length=16, required=False, help_text="如 6-31-01-03；不填则不限职业"
    )
    institution = forms.ModelChoiceField(
        label="限定培训机构", queryset=Organisation.objects.none(), required=False, empty_label="（不限机构）"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = issue_regions(user)  # type: ignore[attr-defined]
        self.fields["institution"].queryset = issue_institutions(user)  # type: ignore[attr-defined]
        if user.region_id and "region" not in self.initial:
            self.initial["region"] = user.region_id


class IssueForm(TermsForm):
    id_number = forms.CharField(label="居民身份证号", max_length=32)
    field_order = ["id_number", "region", "expires_on", "occupation_code", "institution"]

    def clean_id_number(self) -> Person:
        raw = self.cleaned_data["id_number"]
        try:
            parse_id_number(raw)
        except InvalidIdNumber as exc:
            raise forms.ValidationError(f"{exc.message}（规则 B01，依据 {RULE_B01_CLAUSE}）") from None
        person = issue_person(self.user, raw)
        if person is None:
            clause = rule_clause(self.user.region, G01) if self.user.region is not None else ""
            raise forms.ValidationError(
                f"实名制：该身份证号未在本辖区实名登记，请先登记（规则 {G01}，依据 {clause}）"
            )
        return person


class BulkForm(TermsForm):
    file = forms.FileField(label="发放名单（.xlsx：身份证号、姓名）")
    field_order = ["file", "region", "expires_on", "occupation_code", "institution"]


class BindForm(forms.Form):
    serial = forms.CharField(label="券号", max_length=32)
    id_number = forms.CharField(label="学员身份证号", max_length=32)
    training_class = forms.ModelChoiceField(label="培训班", queryset=TrainingClass.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["training_class"].queryset = classes_for_binding(user)  # type: ignore[attr-defined]

    def clean_id_number(self) -> str:
        raw = self.cleaned_data["id_number"]
        try:
            return parse_id_number(raw).number
        except InvalidIdNumber as exc:
            raise forms.ValidationError(f"{exc.message}（规则 B01，依据 {RULE_B01_CLAUSE}）") from None


class RevokeForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200)
