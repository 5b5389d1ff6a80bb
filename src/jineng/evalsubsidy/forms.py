"""The forms of 评价补贴's pages."""

from __future__ import annotations

from typing import Any

from django import forms

from jineng.accounts.models import User
from jineng.assessment.models import Result
from jineng.core.roles import Role
from jineng.evalsubsidy.selectors import certificates_claimable


class ClaimForm(forms.Form):
    """Certificates ticked on the page, or an uploaded list of certificate numbers; only certificates in
    the applicant's scope are offered (another one is a form error)."""

    certificate: forms.ModelMultipleChoiceField[Result] = forms.ModelMultipleChoiceField(
        label="证书", queryset=Result.objects.none(), required=False
    )
    file = forms.FileField(label="证书清单", required=False, help_text="xlsx，第1行含“证书编号”列")

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = certificates_claimable(user)
        if user.role == Role.TRAINEE:
            # A trainee ticks his own few certificates; the uploaded list is the organisations' tool.
            del self.fields["file"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("certificate") and not data.get("file"):
            raise forms.ValidationError(
                "请勾选证书，或上传证书清单" if "file" in self.fields else "请勾选证书"
            )
        return data


class SubmitForm(forms.Form):
    bank_name = forms.CharField(label="开户银行", max_length=64, required=False)
    bank_account = forms.CharField(label="银行账号", max_length=32, required=False)
    pledge_name = forms.CharField(label="申请承诺人", max_length=32)
    pledge = forms.BooleanField(
        label="我郑重承诺对提供的各项材料和信息真实性负责，自觉接受社会监督", required=False
    )
