from __future__ import annotations

from typing import Any

from django import forms

from jineng.catalogue.importing import MAX_BYTES
from jineng.catalogue.models import CertificateKind, EvaluationFiling, Level, Occupation
from jineng.orgs.models import Organisation
from jineng.orgs.services import SUSPENSION_RULES
from jineng.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"})


class OccupationCodeField(forms.CharField):
    """An occupation by its 大典 code: a text box (1,600 occupations do not fit a drop-down)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "职业编码")
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "如 6-31-01-03", "size": 12}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Occupation:
        code = super().clean(value).strip()
        occupation = Occupation.objects.filter(code=code).first()
        if occupation is None:
            raise forms.ValidationError(f"2022年版职业分类大典中没有职业编码 {code}")
        return occupation


class OrgForm(forms.Form):
    """A form naming an organisation: only organisations in the user's scope are offered."""

    organisation = forms.ModelChoiceField(label="机构", queryset=Organisation.objects.none())

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class InstitutionOccupationForm(OrgForm):
    occupation = OccupationCodeField()
    valid_from = forms.DateField(label="生效日期（留空为今天）", required=False, widget=DATE)


class FilingForm(OrgForm):
    """I09: a body's filing; its scope is the occupations given × one certificate kind × the levels ticked."""

    kind = forms.ChoiceField(label="备案类别", choices=EvaluationFiling.Kind.choices)
    ref = forms.CharField(label="备案编号", max_length=64)
    region = forms.ModelChoiceField(label="可开展评价的区域", queryset=Region.objects.none())
    filed_on = forms.DateField(label="备案日期", widget=DATE)
    valid_from = forms.DateField(label="生效日期（留空同备案日期）", required=False, widget=DATE)
    valid_to = forms.DateField(label="失效日期（当日起不再有效，可留空）", required=False, widget=DATE)
    occupations = forms.CharField(
        label="职业编码",
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "如 4-03-02-01 4-03-02-02", "size": 28}),
        help_text="一个或多个大典职业编码，以空格或逗号分隔",
    )
    certificate_kind = forms.ChoiceField(label="证书类型", choices=CertificateKind.choices)
    levels = forms.TypedMultipleChoiceField(
        label="等级",
        choices=Level.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="职业资格、职业技能等级证书须勾选；其他证书不分等级",
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["organisation"].label = "评价机构"

    def clean_occupations(self) -> list[Occupation]:
        codes = [
            c for c in self.cleaned_data["occupations"].replace("，", ",").replace(",", " ").split() if c
        ]
        found = {o.code: o for o in Occupation.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(f"2022年版职业分类大典中没有职业编码 {'、'.join(missing)}")
        return [found[c] for c in dict.fromkeys(codes)]


class EndForm(forms.Form):
    valid_to = forms.DateField(label="失效日期（留空为今天）", required=False, widget=DATE)


class TeacherForm(OrgForm):
    name = forms.CharField(label="姓名", max_length=32)
    id_number = forms.CharField(label="身份证号", max_length=32)
    occupation = OccupationCodeField()
    full_time = forms.BooleanField(label="专职", required=False, initial=True)


class WorkstationForm(OrgForm):
    occupation = OccupationCodeField()
    count = forms.IntegerField(label="工位数", min_value=0, max_value=10000)


class PlatformForm(OrgForm):
    platform_listed = forms.BooleanField(label="已列入线上平台目录", required=False)
    platform_filed_on = forms.DateField(label="备案日期", required=False, widget=DATE)
    platform_approved_on = forms.DateField(label="审核通过日期", required=False, widget=DATE)


class ImportForm(forms.Form):
    region = forms.ModelChoiceField(label="区域", queryset=Region.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    file = forms.FileField(label="目录文件（.xlsx，按模板填写）")

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"文件过大，上限 {MAX_BYTES // 1024 // 1024} MB")
        return upload


class FilingImportForm(forms.Form):
    file = forms.FileField(label="备案文件（.xlsx，按模板填写）")


class StatusForm(forms.Form):
    ACTIONS = [
        ("suspend", "暂停"),
        ("reinstate", "恢复"),
        ("exit", "退出"),
        ("finding", "登记审计/督查发现问题（A12）"),
    ]
    action = forms.ChoiceField(label="操作", choices=ACTIONS)
    rule = forms.ChoiceField(label="依据", choices=list(SUSPENSION_RULES.items()), required=False)
    reason = forms.CharField(label="原因 / 问题", max_length=180, required=False)
    until = forms.DateField(label="暂停至", required=False, widget=DATE)
    found_on = forms.DateField(label="发现日期", required=False, widget=DATE)
