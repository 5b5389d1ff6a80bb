from __future__ import annotations

from typing import Any

from django.db import transaction

from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation
from jineng.policy.identity import InvalidCreditCode, parse_credit_code
from jineng.regions.models import Department, Region


@transaction.atomic
def organisation_register(
    *,
    actor: Any,
    name: str,
    credit_code: str,
    kind: str,
    region: Region,
    department: Department | None = None,
    recognition_filed: bool = False,
    degree_education: bool = False,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    bank_name: str = "",
    bank_account: str = "",
) -> Organisation:
    try:
        code = parse_credit_code(credit_code)
    except InvalidCreditCode as exc:
        raise Refusal(exc.message, field="统一社会信用代码", value=credit_code) from None
    name = name.strip()
    if not name:
        raise Refusal("机构名称不能为空", field="名称", value=name)
    if kind not in Organisation.Kind.values:
        raise Refusal(f"未知的机构类别 {kind!r}", field="类别", value=kind)
    if Organisation.objects.filter(credit_code=code).exists():
        raise Refusal(f"统一社会信用代码 {code} 已登记", field="统一社会信用代码", value=code)
    if Organisation.objects.filter(name=name).exists():
        raise Refusal(f"机构名称“{name}”已登记", field="名称", value=name)
    if department is not None and not region.path.startswith(department.region.path):
        raise Refusal("主管部门须为机构所在区域或其上级区域的部门", field="主管部门", value=department.name)
    org = Organisation.objects.create(
        name=name,
        credit_code=code,
        kind=kind,
        region=region,
        department=department,
        recognition_filed=recognition_filed,
        degree_education=degree_education,
        address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
        bank_name=bank_name,
        bank_account=bank_account,
    )
    event_record(
        actor=actor,
        action="organisation.registered",
        obj=org,
        to_state=org.status,
        payload={"credit_code": code, "kind": kind, "region": region.pk},
    )
    return org
