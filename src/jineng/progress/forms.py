"""Page forms for H08 publicity items and H02 competitions. Every choice offered is in the user's scope,
so another city's region or department is a form error, never a write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from jineng.accounts.models import User
from jineng.progress.ledgerbook import MAX_PERSONS
from jineng.progress.models import CompetitionLevel, LedgerKind, MediaLevel
from jineng.progress.selectors import (
    competition_regions,
    ledger_departments,
    ledger_regions,
    record_departments,
    record_regions,
)
from jineng.progress.services import rule_clause
from jineng.regions.models import Department, Region

DATE = forms.DateInput(attrs={"type": "date"})


class _ScopedForm(forms.Form):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        departments = self.fields["department"]
        departments.queryset = record_departments(user)  # type: ignore[attr-defined]
        departments.label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.region.display_name} · {d.name}"
        )


class MediaItemForm(_ScopedForm):
    region = forms.ModelChoiceField(
        label="县（市、区）",
        queryset=Region.objects.none(),
        required=False,
        help_text="县（市、区）发布的填地区；市直部门发布的选部门",
    )
    department = forms.ModelChoiceField(label="部门", queryset=Department.objects.none(), required=False)
    title = forms.CharField(label="标题", max_length=200)
    media_name = forms.CharField(label="媒体名称", max_length=100)
    media_level = forms.TypedChoiceField(label="媒体级别", choices=MediaLevel.choices, coerce=int)
    published_on = forms.DateField(label="发布日期", widget=DATE)
    link = forms.CharField(label="链接或出处", max_length=500, help_text="网址，或报刊名称、日期与版次")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = record_regions(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("region") and not data.get("department") and not self.errors:
            region = self.user.region
            clause = rule_clause(region, "H08", timezone.localdate().year) if region is not None else ""
            raise forms.ValidationError(f"请选择发布宣传信息的县（市、区）或部门（规则 H08，依据 {clause}）")
        return data


class CompetitionForm(_ScopedForm):
    region = forms.ModelChoiceField(label="举办地区", queryset=Region.objects.none())
    department = forms.ModelChoiceField(
        label="主办部门", queryset=Department.objects.none(), required=False, empty_label="（人社部门主办）"
    )
    name = forms.CharField(label="竞赛名称", max_length=200)
    level = forms.TypedChoiceField(label="竞赛级别", choices=CompetitionLevel.choices, coerce=int)
    held_on = forms.DateField(label="举办日期", widget=DATE)
    participants = forms.IntegerField(label="参赛人数", min_value=1)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = competition_regions(user)  # type: ignore[attr-defined]


class LedgerEntryForm(forms.Form):
    """E09 技能培训台账: one finished training, in the user's scope."""

    region = forms.ModelChoiceField(label="培训地区", queryset=Region.objects.none())
    department = forms.ModelChoiceField(
        label="行业主管部门",
        queryset=Department.objects.none(),
        required=False,
        empty_label="（不属于行业系统）",
    )
    title = forms.CharField(
        label="培训项目", max_length=200, help_text="如“2023年电工岗位技能提升培训（企业自主）”"
    )
    kind = forms.ChoiceField(label="培训类别", choices=LedgerKind.choices)
    occupation_code = forms.CharField(
        label="培训职业编码", max_length=16, required=False, help_text="2022 年版职业分类大典编码，可不填"
    )
    start_date = forms.DateField(label="开始日期", widget=DATE)
    end_date = forms.DateField(
        label="结束日期", widget=DATE, help_text="培训结束后录入；E09：结束后规定日数内录入"
    )
    persons = forms.IntegerField(label="培训人次", min_value=1, max_value=MAX_PERSONS)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = ledger_regions(user)  # type: ignore[attr-defined]
        departments = self.fields["department"]
        departments.queryset = ledger_departments(user)  # type: ignore[attr-defined]
        departments.label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.region.display_name} · {d.name}"
        )


class LedgerImportForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx）")
