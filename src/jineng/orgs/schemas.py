from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from jineng.core.roles import HR_ROLES
from jineng.orgs.models import Organisation, Sanction, SanctionLiftSignature
from jineng.orgs.selectors import SANCTION_STATES, sanction_state
from jineng.policy.identity import mask_bank_account, mask_phone


def _sees_full(org: Organisation, context: Any) -> bool:
    # Bank and phone are for the bureau that pays and for the institution itself.
    viewer = context["request"].user
    return getattr(viewer, "role", "") in HR_ROLES or getattr(viewer, "organisation_id", None) == org.pk


class OrganisationOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    region_id: int
    region: str
    department: str | None
    recognition_filed: bool
    contact_name: str
    contact_phone: str
    bank_name: str
    bank_account: str

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Organisation) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_region(obj: Organisation) -> str:
        return obj.region.name

    @staticmethod
    def resolve_department(obj: Organisation) -> str | None:
        return obj.department.name if obj.department else None

    @staticmethod
    def resolve_contact_phone(obj: Organisation, context: Any) -> str:
        return obj.contact_phone if _sees_full(obj, context) else mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_bank_account(obj: Organisation, context: Any) -> str:
        return obj.bank_account if _sees_full(obj, context) else mask_bank_account(obj.bank_account)


class OrganisationIn(Schema):
    name: str = Field(min_length=2, max_length=128)
    credit_code: str = Field(min_length=1, max_length=32)
    kind: str
    region_id: int
    department_id: int | None = None
    recognition_filed: bool = False
    degree_education: bool = False
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    bank_name: str = ""
    bank_account: str = ""


# ---- sanctions (I01) and a private school's record (I02)


class LiftSignatureOut(Schema):
    step: str
    step_label: str
    signer: str
    reason: str
    signed_on: dt.date

    @staticmethod
    def resolve_step_label(obj: SanctionLiftSignature) -> str:
        return obj.get_step_display()

    @staticmethod
    def resolve_signer(obj: SanctionLiftSignature) -> str:
        return obj.signer.display_name or obj.signer.username


class SanctionOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    kind: str
    kind_label: str
    rule: str
    decision: str
    reference: str
    starts_on: dt.date
    ends_on: dt.date | None = Field(description="自此日起不再执行；空：至解除为止")
    lifted_on: dt.date | None = Field(description="第二人签署解除之日")
    state: str
    state_label: str
    lift_signatures: list[LiftSignatureOut]

    @staticmethod
    def resolve_organisation(obj: Sanction) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_kind_label(obj: Sanction) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_lifted_on(obj: Sanction) -> dt.date | None:
        return getattr(obj, "lifted_on", None)

    @staticmethod
    def resolve_state(obj: Sanction) -> str:
        return sanction_state(obj, timezone.localdate())

    @staticmethod
    def resolve_state_label(obj: Sanction) -> str:
        return SANCTION_STATES[sanction_state(obj, timezone.localdate())]

    @staticmethod
    def resolve_lift_signatures(obj: Sanction) -> list[SanctionLiftSignature]:
        return list(obj.lift_signatures.all())


class SanctionIn(Schema):
    organisation_id: int
    kind: str = Field(
        description="suspension / stop_opening / blacklist / inspection_failed（退出目录经机构退出办理）"
    )
    decision: str = Field(min_length=1, max_length=200)
    reference: str = Field(
        min_length=1, max_length=200, description="决定依据：审计、督查、满意度调查记录或文号"
    )
    starts_on: dt.date | None = None
    ends_on: dt.date | None = Field(None, description="自此日起不再执行；空：至解除为止")


class SanctionLiftIn(Schema):
    reason: str = Field("", max_length=200, description="第一人签署须写明理由；第二人可空（同意解除）")


class AnnualInspectionIn(Schema):
    year: int = Field(ge=2000, le=2100)
    passed: bool
    note: str = Field("", max_length=200)


class AnnualInspectionOut(Schema):
    organisation_id: int
    year: int
    passed: bool
    note: str


class LiabilityIncidentIn(Schema):
    occurred_on: dt.date
    description: str = Field(min_length=1, max_length=200)


class LiabilityIncidentOut(Schema):
    organisation_id: int
    occurred_on: dt.date
    description: str
