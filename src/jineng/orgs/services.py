from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation
from jineng.policy.identity import InvalidCreditCode, mask_bank_account, parse_credit_code
from jineng.policy.profiles import ParameterNotSet
from jineng.policy.training import add_months
from jineng.regions.models import Department, Region
from jineng.regions.selectors import NoProfile, profile_for

SUSPENSION_RULES = {"": "其他原因", "A12": "审计、督查发现问题（A12）", "C09": "满意度不达标整改（C09）"}


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


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


# --------------------------------------------------------------------------------------------------
# Institution status (A12, C09).


def _locked(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().select_related("region").get(pk=organisation.pk)


def _status_set(org: Organisation, status: str, reason: str, until: dt.date | None) -> str:
    """The locked organisation's new standing; returns the one it had."""
    before = org.status
    org.status, org.status_reason, org.suspended_until = status, reason, until
    org.save(update_fields=["status", "status_reason", "suspended_until"])
    return before


@transaction.atomic
def organisation_suspend(
    *,
    actor: Any,
    organisation: Organisation,
    reason: str,
    until: dt.date | None,
    rule: str = "",
    today: dt.date | None = None,
) -> Organisation:
    """Suspend an institution. For C09 the suspension lasts at least the profile's rectification period."""
    today = _today(today)
    org = _locked(organisation)
    reason = reason.strip()
    if rule not in SUSPENSION_RULES:
        raise Refusal(f"未知的暂停依据 {rule!r}", field="依据", value=rule)
    if not reason:
        raise Refusal("须填写暂停原因", field="原因")
    if org.status == Organisation.Status.EXITED:
        raise Refusal(f"{org.name} 已退出，不能暂停", field="状态", value=org.get_status_display())
    if until is not None and until <= today:
        raise Refusal("暂停截止日期须晚于今天", field="暂停至", value=until.isoformat())
    if rule == "C09":
        try:
            profile = profile_for(org.region, today.year)
            months = int(profile.value("satisfaction_rectification_months"))
        except (NoProfile, ParameterNotSet) as exc:
            raise Refusal(str(exc), field="暂停至", rule="C09") from None
        earliest = add_months(today, months)
        if until is None or until < earliest:
            raise Refusal(
                f"满意度不达标的整改期至少 {months} 个月，暂停须至少至 {earliest.isoformat()}",
                field="暂停至",
                value=until.isoformat() if until else "",
                rule="C09",
                clause=profile.cite("satisfaction_rectification_months"),
            )
    before = _status_set(org, Organisation.Status.SUSPENDED, (f"{rule}：" if rule else "") + reason, until)
    event_record(
        actor=actor,
        action="organisation.suspended",
        obj=org,
        from_state=before,
        to_state=org.status,
        payload={"rule": rule, "reason": reason, "until": until.isoformat() if until else None},
    )
    return org


@transaction.atomic
def organisation_reinstate(
    *, actor: Any, organisation: Organisation, reason: str = "", today: dt.date | None = None
) -> Organisation:
    today = _today(today)
    org = _locked(organisation)
    if org.status != Organisation.Status.SUSPENDED:
        raise Refusal(
            f"{org.name} 当前状态为“{org.get_status_display()}”，只有暂停的机构可以恢复", field="状态"
        )
    if org.suspended_until is not None and today < org.suspended_until:
        rule = "C09" if org.status_reason.startswith("C09") else ""
        raise Refusal(
            f"暂停期至 {org.suspended_until.isoformat()}，期满前不得恢复",
            field="暂停至",
            value=org.suspended_until.isoformat(),
            rule=rule,
        )
    before = _status_set(org, Organisation.Status.ACTIVE, reason.strip(), None)
    event_record(
        actor=actor,
        action="organisation.reinstated",
        obj=org,
        from_state=before,
        to_state=org.status,
        payload={"reason": reason.strip()},
    )
    return org


@transaction.atomic
def organisation_exit(
    *, actor: Any, organisation: Organisation, reason: str, today: dt.date | None = None
) -> Organisation:
    """Exit (退出) is final; the institution's open catalogue entries end the same day (A11)."""
    today = _today(today)
    org = _locked(organisation)
    reason = reason.strip()
    if not reason:
        raise Refusal("须填写退出原因", field="原因")
    if org.status == Organisation.Status.EXITED:
        raise Refusal(f"{org.name} 已退出", field="状态")
    before = _status_set(org, Organisation.Status.EXITED, reason, None)
    # A11: through the relation the catalogue declares on Organisation (orgs sits below the catalogue and
    # imports none of it), in this same transaction.
    ended = org.catalogue_occupations.exclude(valid_to__isnull=False, valid_to__lte=today).update(
        valid_to=today
    )
    event_record(
        actor=actor,
        action="organisation.exited",
        obj=org,
        from_state=before,
        to_state=org.status,
        payload={"reason": reason, "catalogue_entries_ended": ended},
    )
    return org


@transaction.atomic
def organisation_audit_finding_record(
    *, actor: Any, organisation: Organisation, found_on: dt.date, note: str, today: dt.date | None = None
) -> Organisation:
    """A12: record the date of an audit or inspection finding of clear problems."""
    today = _today(today)
    org = _locked(organisation)
    note = note.strip()
    if not note:
        raise Refusal("须填写发现的问题", field="问题")
    if found_on > today:
        raise Refusal("发现日期不得晚于今天", field="发现日期", value=found_on.isoformat(), rule="A12")
    before = org.audit_finding_on
    if before is None or found_on > before:
        org.audit_finding_on = found_on
        org.save(update_fields=["audit_finding_on"])
    event_record(
        actor=actor,
        action="organisation.audit_finding_recorded",
        obj=org,
        from_state=before.isoformat() if before else "",
        to_state=(org.audit_finding_on or found_on).isoformat(),
        payload={"found_on": found_on.isoformat(), "note": note, "rule": "A12"},
    )
    return org


DETAIL_FIELDS = {
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "address": "地址",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
}


@transaction.atomic
def organisation_details_update(*, actor: Any, organisation: Organisation, **details: str) -> Organisation:
    """An organisation's contacts and bank details, kept by its own clerk (or the bureau's admin). The
    event names what changed; a bank account appears in it masked."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise Refusal(f"不能在此修改：{'、'.join(sorted(unknown))}", field="字段")
    org = _locked(organisation)
    clean = {name: (value or "").strip() for name, value in details.items()}
    phone = clean.get("contact_phone", org.contact_phone)
    if phone and not all(ch.isdigit() or ch in "-+ " for ch in phone):
        raise Refusal("联系电话只能包含数字和“-”", field="联系电话", value=phone)
    account = clean.get("bank_account", org.bank_account).replace(" ", "")
    if "bank_account" in clean:
        clean["bank_account"] = account
        if account and not (account.isdigit() and 8 <= len(account) <= 32):
            raise Refusal("银行账号应为 8–32 位数字", field="银行账号", value=mask_bank_account(account))
    changed = {name: value for name, value in clean.items() if getattr(org, name) != value}
    if not changed:
        return org
    for name, value in changed.items():
        setattr(org, name, value)
    org.save(update_fields=list(changed))
    event_record(
        actor=actor,
        action="organisation.details_updated",
        obj=org,
        payload={
            "changed": [DETAIL_FIELDS[name] for name in changed],
            **(
                {"bank_account": mask_bank_account(changed["bank_account"])}
                if "bank_account" in changed
                else {}
            ),
        },
    )
    return org


@transaction.atomic
def organisation_recognition_filed_set(
    *, actor: Any, organisation: Organisation, filed: bool, why: str
) -> bool:
    """``recognition_filed`` follows the organisation's 职业技能等级认定备案 in force: the catalogue's filing
    services call this when a filing is recorded or ended (I09). Whether the flag changed; an event when so."""
    org = _locked(organisation)
    if org.recognition_filed == filed:
        return False
    org.recognition_filed = filed
    org.save(update_fields=["recognition_filed"])
    event_record(
        actor=actor,
        action="organisation.recognition_filed_changed",
        obj=org,
        from_state="已备案" if not filed else "未备案",
        to_state="已备案" if filed else "未备案",
        payload={"why": why},
    )
    return True
