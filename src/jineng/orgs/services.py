from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.core.roles import can
from jineng.orgs.models import (
    AnnualInspection,
    LiabilityIncident,
    Organisation,
    Sanction,
    SanctionLiftSignature,
)
from jineng.orgs.selectors import organisations_visible, sanction_lifted_on
from jineng.policy.identity import InvalidCreditCode, mask_bank_account, parse_credit_code
from jineng.policy.profiles import ParameterNotSet
from jineng.policy.sanctions import CLAUSE_KEYS, I01
from jineng.policy.training import add_months
from jineng.regions.models import Department, Region
from jineng.regions.selectors import NoProfile, profile_for, rule_clause

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
    reference: str = "",
    today: dt.date | None = None,
) -> Organisation:
    """Suspend an institution. For C09 the suspension lasts at least the profile's rectification period.

    I01: the suspension is a sanction from today to ``until`` (the day it no longer holds; None: until
    lifted by two signatures); C09's is a stop-opening. ``reference`` names what it rests on (an audit
    report, a survey); by default the rule's finding."""
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
    sanction = _sanction_add(
        actor,
        org,
        kind=Sanction.Kind.STOP_OPENING if rule == "C09" else Sanction.Kind.SUSPENSION,
        rule=rule,
        decision=reason,
        reference=reference.strip() or f"人社局暂停决定：{SUSPENSION_RULES[rule]}",
        starts_on=today,
        ends_on=until,
    )
    before = _status_set(org, Organisation.Status.SUSPENDED, (f"{rule}：" if rule else "") + reason, until)
    event_record(
        actor=actor,
        action="organisation.suspended",
        obj=org,
        from_state=before,
        to_state=org.status,
        payload={
            "rule": rule,
            "reason": reason,
            "until": until.isoformat() if until else None,
            "sanction": sanction.pk,
        },
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
    held = _in_force(org, today).exclude(kind=Sanction.Kind.CATALOGUE_EXIT).first()
    if held is not None:  # I01: an open-ended sanction ends only by two signatures
        raise Refusal(
            f"{org.name}的处理决定“{held.get_kind_display()}：{held.decision}”（{held.starts_on:%Y-%m-%d} 起，"
            "至解除为止）尚未解除：须由两名人社局工作人员签署解除",
            field="处理决定",
            value=held.get_kind_display(),
            rule=I01,
            clause=_clause(org, held.kind, today),
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
    *, actor: Any, organisation: Organisation, reason: str, reference: str = "", today: dt.date | None = None
) -> Organisation:
    """Exit (退出) is final; the institution's open catalogue entries end the same day (A11)."""
    today = _today(today)
    org = _locked(organisation)
    reason = reason.strip()
    if not reason:
        raise Refusal("须填写退出原因", field="原因")
    if org.status == Organisation.Status.EXITED:
        raise Refusal(f"{org.name} 已退出", field="状态")
    sanction = _sanction_add(
        actor,
        org,
        kind=Sanction.Kind.CATALOGUE_EXIT,
        rule="",
        decision=reason,
        reference=reference.strip() or "人社局退出目录决定",
        starts_on=today,
        ends_on=None,
    )
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
        payload={"reason": reason, "catalogue_entries_ended": ended, "sanction": sanction.pk},
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


# --------------------------------------------------------------------------------------------------
# Sanctions (I01): imposed by a decision, in force until their end day or until two bureau staff lift
# them; and a private school's record (I02): its annual inspections and liability incidents.

# The kinds that bar the institution without exiting it: while one is in force its status reads 暂停.
SUSPENDING_KINDS = frozenset(
    {
        Sanction.Kind.SUSPENSION,
        Sanction.Kind.STOP_OPENING,
        Sanction.Kind.BLACKLIST,
        Sanction.Kind.INSPECTION_FAILED,
    }
)


def _clause(org: Organisation, kind: str, today: dt.date) -> str:
    """The clause the profile of the institution's region words for a sanction of ``kind``."""
    try:
        return rule_clause(org.region, today.year, CLAUSE_KEYS[kind])
    except NoProfile:
        return ""  # the bar stands whatever the profiles; the refusal still names I01


def _in_force(org: Organisation, on: dt.date) -> QuerySet[Sanction]:
    return (
        Sanction.objects.filter(organisation=org, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .annotate(lifted_on=sanction_lifted_on())
        .filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=on))
        .order_by("-starts_on", "-pk")
    )


def _sanction_add(
    actor: Any,
    org: Organisation,
    *,
    kind: str,
    rule: str,
    decision: str,
    reference: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
) -> Sanction:
    return Sanction.objects.create(
        organisation=org,
        kind=kind,
        rule=rule,
        decision=decision[:200],
        reference=reference[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )


def _bureau(actor: Any, org: Organisation, what: str) -> None:
    """Only the bureau's staff of the institution's region decide on its standing."""
    if not can(getattr(actor, "role", None), "sanction.manage"):
        raise Refusal(f"只有人社局工作人员可以{what}")
    if not organisations_visible(actor).filter(pk=org.pk).exists():
        raise Refusal(f"{org.name}不在您的管辖范围内", field="机构", value=org.name)


@transaction.atomic
def sanction_impose(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    decision: str,
    reference: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    rule: str = "",
    by_rule: bool = False,
    today: dt.date | None = None,
) -> Sanction:
    """I01: record a sanction decided on the institution (a blacklist, a failed annual inspection or
    liability incident, a stop-opening after low satisfaction (C09), a suspension). A suspension and an
    exit from the catalogue go through organisation_suspend / organisation_exit, which record theirs.
    ``ends_on`` is the first day it no longer holds; None: until lifted. ``by_rule``: the consequence a
    rule draws by itself (C09's stop-opening after a survey), recorded for whoever recorded the finding."""
    today = _today(today)
    starts_on = starts_on or today
    org = _locked(organisation)
    if actor is not None and not by_rule:
        _bureau(actor, org, "作出处理决定")
    if kind not in Sanction.Kind.values:
        raise Refusal(f"未知的处理类别 {kind!r}", field="处理类别", value=kind)
    if kind == Sanction.Kind.CATALOGUE_EXIT:
        raise Refusal("退出目录请通过“机构退出”办理（同时终止其目录清单）", field="处理类别", rule=I01)
    decision, reference = decision.strip(), reference.strip()
    if not decision:
        raise Refusal("须填写处理决定", field="处理决定", rule=I01)
    if not reference:
        raise Refusal("须写明决定依据（审计、督查、满意度调查记录或文号）", field="决定依据", rule=I01)
    if ends_on is not None and ends_on <= starts_on:
        raise Refusal(
            f"截止日期 {ends_on.isoformat()} 须晚于起始日期 {starts_on.isoformat()}",
            field="截止日期",
            value=ends_on.isoformat(),
            rule=I01,
        )
    if org.status == Organisation.Status.EXITED:
        raise Refusal(f"{org.name} 已退出目录", field="机构", value=org.name)
    sanction = _sanction_add(
        actor,
        org,
        kind=kind,
        rule=rule,
        decision=decision,
        reference=reference,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    sanction.organisation = org
    before = org.status
    if starts_on <= today:
        _standing_sync(org, today)
    event_record(
        actor=actor,
        action="organisation.sanctioned",
        obj=sanction,
        from_state=before,
        to_state=org.status,
        payload={
            "rule": rule or I01,
            "kind": kind,
            "decision": decision,
            "reference": reference,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return sanction


def _standing_sync(org: Organisation, today: dt.date) -> None:
    """Organisation.status, for the pages that show it, from the sanctions in force today: 暂停 (with the
    latest end, or none when one is open-ended) while a barring one holds, else 正常. An exited
    institution stays exited."""
    if org.status == Organisation.Status.EXITED:
        return
    held = list(_in_force(org, today).filter(kind__in=SUSPENDING_KINDS))
    if not held:
        if org.status == Organisation.Status.SUSPENDED:
            _status_set(org, Organisation.Status.ACTIVE, "", None)
        return
    ends = [s.ends_on for s in held]
    until = None if None in ends else max(e for e in ends if e is not None)
    latest = held[0]
    reason = (f"{latest.rule}：" if latest.rule else "") + latest.decision
    _status_set(org, Organisation.Status.SUSPENDED, reason[:200], until)


@transaction.atomic
def sanction_lift_sign(
    *, actor: Any, sanction: Sanction, reason: str = "", today: dt.date | None = None
) -> Sanction:
    """I01: one of the two signatures that lift a sanction. The first names the reason; a different
    bureau member's second lifts it that day (as F09's two reviewers). A catalogue exit is final, and a
    sanction already ended or lifted needs none."""
    today = _today(today)
    s = Sanction.objects.select_for_update().select_related("organisation__region").get(pk=sanction.pk)
    org = _locked(s.organisation)
    s.organisation = org
    _bureau(actor, org, "签署解除处理决定")
    clause = _clause(org, s.kind, today)
    what = f"{org.name}的处理决定“{s.get_kind_display()}：{s.decision}”"
    if s.kind == Sanction.Kind.CATALOGUE_EXIT:
        raise Refusal(f"{what}为最终决定，不能解除", field="处理类别", rule=I01, clause=clause)
    signatures = list(SanctionLiftSignature.objects.filter(sanction=s).order_by("pk"))
    if any(sig.step == SanctionLiftSignature.Step.SECOND for sig in signatures):
        raise Refusal(f"{what}已解除", field="处理决定", rule=I01, clause=clause)
    if s.ends_on is not None and s.ends_on <= today:
        raise Refusal(
            f"{what}已于 {s.ends_on.isoformat()} 期满，无需解除", field="处理决定", rule=I01, clause=clause
        )
    reason = reason.strip()
    if not signatures:
        if len(reason) < 4:
            raise Refusal("解除处理决定须写明理由（不少于4个字）", field="理由", rule=I01, clause=clause)
        step = SanctionLiftSignature.Step.FIRST
    else:
        first = signatures[0]
        if first.signer_id == actor.pk:
            raise Refusal(
                "解除处理决定须由两名不同的人社局工作人员签署：复核人不能是提出解除的人",
                field="复核人",
                rule=I01,
                clause=clause,
            )
        step = SanctionLiftSignature.Step.SECOND
        reason = reason or "同意解除"
    SanctionLiftSignature.objects.create(
        sanction=s, step=step, signer=actor, reason=reason[:200], signed_on=today
    )
    before = org.status
    payload = {"rule": I01, "kind": s.kind, "step": step, "reason": reason}
    if step == SanctionLiftSignature.Step.SECOND:
        _standing_sync(org, today)
        event_record(
            actor=actor,
            action="organisation.sanction_lifted",
            obj=s,
            from_state=before,
            to_state=org.status,
            payload=payload,
        )
    else:
        event_record(actor=actor, action="organisation.sanction_lift_signed", obj=s, payload=payload)
    return s


@transaction.atomic
def annual_inspection_record(
    *,
    actor: Any,
    organisation: Organisation,
    year: int,
    passed: bool,
    note: str = "",
    today: dt.date | None = None,
) -> AnnualInspection:
    """I02: the result of the institution's annual inspection (年检) of ``year``; a second record of the
    same year corrects the first (the trail keeps both)."""
    today = _today(today)
    org = _locked(organisation)
    if actor is not None:
        _bureau(actor, org, "登记年检结果")
    if not 2000 <= year <= today.year:
        raise Refusal(f"年度应在 2000 至 {today.year} 之间", field="年度", value=str(year), rule="I02")
    found = AnnualInspection.objects.filter(organisation=org, year=year).first()
    before = "" if found is None else ("passed" if found.passed else "failed")
    if found is None:
        found = AnnualInspection(organisation=org, year=year)
    found.passed, found.note = passed, note.strip()[:200]
    found.recorded_by = actor if getattr(actor, "pk", None) else None
    found.save()
    event_record(
        actor=actor,
        action="organisation.inspection_recorded",
        obj=org,
        from_state=before,
        to_state="passed" if passed else "failed",
        payload={"rule": "I02", "year": year, "passed": passed, "note": found.note},
    )
    return found


@transaction.atomic
def liability_incident_record(
    *,
    actor: Any,
    organisation: Organisation,
    occurred_on: dt.date,
    description: str,
    today: dt.date | None = None,
) -> LiabilityIncident:
    """I02: a liability incident of the institution's schooling (办学责任事故) on ``occurred_on``."""
    today = _today(today)
    org = _locked(organisation)
    if actor is not None:
        _bureau(actor, org, "登记办学责任事故")
    description = description.strip()
    if not description:
        raise Refusal("须填写事故情况", field="事故情况", rule="I02")
    if occurred_on > today:
        raise Refusal("发生日期不得晚于今天", field="发生日期", value=occurred_on.isoformat(), rule="I02")
    incident = LiabilityIncident.objects.create(
        organisation=org,
        occurred_on=occurred_on,
        description=description[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    event_record(
        actor=actor,
        action="organisation.incident_recorded",
        obj=org,
        payload={"rule": "I02", "occurred_on": occurred_on.isoformat(), "description": incident.description},
    )
    return incident


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
