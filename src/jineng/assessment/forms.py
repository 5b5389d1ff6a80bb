"""Forms of the assessment pages: the institution's application (E01, E03–E05) and the evaluation
body's per-trainee results. Refusals land next to the field they name (core.feedback.form_refused)."""

from __future__ import annotations

from typing import Any

from django import forms

from jineng.assessment import services
from jineng.assessment.models import Assessment, CrossRegionArrangement, ExamSetBy
from jineng.catalogue.models import LEVELLED_KINDS, CertificateKind, Level
from jineng.orgs.models import Organisation
from jineng.supervision.forms import date_field
from jineng.training.models import Enrolment

LEVEL_CHOICES = [("", "（无等级）"), *[(str(v), label) for v, label in Level.choices]]


def _level(value: str) -> int:
    return int(value)


class BodyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        org: Organisation = obj
        return f"{org.name}（{org.region.name}）"


class ApplyForm(forms.Form):
    body = BodyChoice(
        label="考核机构",
        queryset=Organisation.objects.none(),
        empty_label="（选择考核机构）",
        help_text="只列出备案范围含本班职业、备案区域含本班所在地区（或经人社局跨区域安排）的评价机构（I09、I08）",
        error_messages={
            "required": "请选择考核机构",
            "invalid_choice": "所选机构未备案本班职业，或备案区域不含本班所在地区（规则 I09）",
        },
    )
    certificate_kind = forms.ChoiceField(
        label="考核证书类别",
        choices=CertificateKind.choices,
        help_text="能取得职业资格、职业技能等级或专项职业能力证书的，不得直接组织培训合格证书考核（E03）",
    )
    level = forms.TypedChoiceField(
        label="等级",
        choices=LEVEL_CHOICES,
        coerce=_level,
        empty_value=None,
        required=False,
        help_text="职业资格证书、职业技能等级证书须填写",
    )
    assessment_date = date_field("考核日期")
    offline = forms.TypedChoiceField(
        label="考核方式",
        choices=[("1", "线下考核"), ("0", "线上考核")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    exam_set_by = forms.ChoiceField(
        label="出题组织单位",
        choices=[("", "（不适用）"), *ExamSetBy.choices],
        required=False,
        help_text="培训合格证书考核须填写出题并组织考核的单位（E05）",
    )
    venue = forms.CharField(label="考核地点", max_length=200, required=False)

    def __init__(self, *args: Any, bodies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # I09: the bodies filed for the class's occupation, here or arranged by the bureau (I08); the
        # service then checks the kind, the level and the assessment day.
        if bodies is not None:
            self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class ArrangeForm(forms.Form):
    """I08: the bureau's cross-region (centralised) arrangement of a body for a class."""

    body = BodyChoice(
        label="考核机构",
        queryset=Organisation.objects.none(),
        empty_label="（选择已备案本班职业的评价机构）",
        error_messages={"required": "请选择考核机构", "invalid_choice": "所选机构未备案本班职业（规则 I09）"},
    )
    basis = forms.ChoiceField(
        label="依据", choices=CrossRegionArrangement.Basis.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2, "cols": 50})
    )

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


# --- results ------------------------------------------------------------------------------------------------

OUTCOMES = [("", "（本次不录入）"), ("pass", "合格"), ("fail", "不合格")]


class ResultRowForm(forms.Form):
    """One trainee's line. Left at "本次不录入" it is not sent; the lines sent go in all or none."""

    outcome = forms.ChoiceField(label="是否合格", choices=OUTCOMES, required=False)
    certificate_kind = forms.ChoiceField(label="证书类型", choices=CertificateKind.choices, required=False)
    level = forms.TypedChoiceField(
        label="等级",
        choices=[("", "—"), *[(str(v), str(v)) for v in range(1, 6)]],
        coerce=_level,
        empty_value=None,
        required=False,
    )
    certificate_number = forms.CharField(
        label="证书编号", max_length=64, required=False, widget=forms.TextInput(attrs={"size": 18})
    )
    issued_on = date_field("发证日期", required=False)
    issuer = forms.CharField(
        label="发证机构", max_length=128, required=False, widget=forms.TextInput(attrs={"size": 16})
    )

    def result_row(self, enrolment: Enrolment, common: CommonForm) -> services.ResultRow:
        """The service's row: the trainee's full ID number stays on the server (the page shows it masked);
        the roster row number is the row each problem is reported on."""
        d = self.cleaned_data
        passed = d["outcome"] == "pass"
        kind = d["certificate_kind"] if passed else ""
        return services.ResultRow(
            id_number=enrolment.person.id_number,
            passed=passed,
            certificate_kind=kind,
            level=d["level"] if passed and kind in LEVELLED_KINDS else None,
            certificate_number=d["certificate_number"] if passed else "",
            issued_on=(d["issued_on"] or common.cleaned_data["issued_on"]) if passed else None,
            issuer=(d["issuer"] or common.cleaned_data["issuer"]) if passed else "",
            row=enrolment.row,
        )


class CommonForm(forms.Form):
    """Values for every passed trainee whose own line leaves them empty."""

    issued_on = date_field("统一发证日期", required=False)
    issuer = forms.CharField(label="统一发证机构", max_length=128, required=False)


def row_initial(a: Assessment) -> dict[str, Any]:
    return {"certificate_kind": a.certificate_kind, "level": a.level}
