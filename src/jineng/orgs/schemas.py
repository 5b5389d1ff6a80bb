from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.core.roles import HR_ROLES
from jineng.orgs.models import Organisation
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
