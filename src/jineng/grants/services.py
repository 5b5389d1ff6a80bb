"""Writes of F05 equipment grants: record a recognised base or studio, apply, review (two people, F09); the
second signature approves and drafts the claim through the one pipeline (``claims.sourced``).

Each service is one transaction with one audit event of its own (the approval's claim also writes the
pipeline's ``claim.created``, in the same transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.claims.models import ApplicantKind
from jineng.claims.signatures import bureau_signature
from jineng.claims.sourced import SourceClaim, SourceLine, claims_create_for_sources
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.grants.models import (
    ENDED_STATES,
    EquipmentItem,
    GrantApplication,
    GrantState,
    Recognition,
    RecognitionKind,
    RecognitionLevel,
)
from jineng.orgs import guards
from jineng.orgs.models import Organisation
from jineng.policy import equipment as rules
from jineng.policy.profiles import Profile, get_profile
from jineng.policy.subsidy import EntitlementNotSet
from jineng.policy.violations import Violation
from jineng.regions.models import Department, Region
from jineng.regions.selectors import NoProfile, profile_for

PROGRAMME = "equipment"
F05 = "F05"
ENTERPRISE_KINDS = frozenset({Organisation.Kind.ENTERPRISE, Organisation.Kind.ENTERPRISE_CENTRE})


def _in_region(actor: User, path: str, what: str) -> None:
    if actor.region_id is None or not path.startswith(actor.region.path):  # type: ignore[union-attr]
        raise Refusal(f"只能办理本辖区的{what}")


# --- recognitions -----------------------------------------------------------------------------------------


@transaction.atomic
def recognition_record(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    name: str,
    level: str,
    recognised_on: dt.date,
    document_number: str,
    department: Department,
    region: Region | None = None,
) -> Recognition:
    """The bureau records a recognised 高技能人才培训基地 or 技能大师工作室 of an organisation in its region;
    ``region``: where the base or studio is (the organisation's region or below it; default the
    organisation's), whose profile prices its grant."""
    if actor.role != Role.HR_ADMIN:
        raise Refusal("只有人社局管理员可以登记认定的基地/工作室")
    _in_region(actor, organisation.region.path, "机构")
    region = region or organisation.region
    if not region.path.startswith(organisation.region.path):
        raise Refusal("基地/工作室所在区域应为依托单位所在区域或其下级", field="所在区域", value=region.name)
    if kind not in RecognitionKind.values:
        raise Refusal("类别应为高技能人才培训基地或技能大师工作室", field="类别", value=kind)
    if level not in RecognitionLevel.values:
        raise Refusal("认定级别应为国家级、省级、市级或县级", field="认定级别", value=level)
    name, document_number = name.strip(), document_number.strip()
    if not name:
        raise Refusal("请填写基地/工作室名称", field="名称")
    if not document_number:
        raise Refusal("请填写认定文号", field="认定文号")
    if recognised_on > timezone.localdate():
        raise Refusal("认定日期不能晚于今天", field="认定日期", value=recognised_on.isoformat())
    if not region.path.startswith(department.region.path):
        raise Refusal("行业主管部门应为机构所在地或上级的部门", field="行业主管部门", value=department.name)
    try:
        with transaction.atomic():
            r = Recognition.objects.create(
                kind=kind,
                name=name[:128],
                organisation=organisation,
                region=region,
                department=department,
                level=level,
                recognised_on=recognised_on,
                document_number=document_number[:64],
                recorded_by=actor,
            )
    except IntegrityError:
        raise Refusal("该机构已登记同名的基地/工作室", field="名称", value=name) from None
    event_record(
        actor=actor,
        action="grant.recognition_recorded",
        obj=r,
        to_state=r.kind,
        payload={"name": r.name, "level": r.level, "document_number": r.document_number},
    )
    return r


# --- applications -----------------------------------------------------------------------------------------


def _profile(recognition: Recognition, year: int) -> Profile:
    try:
        return profile_for(recognition.region, year)
    except NoProfile as exc:
        raise Refusal(str(exc), field="政策档案") from None


def _not_set(exc: EntitlementNotSet) -> Refusal:
    """F05 where the profile fixes no share or cap: 本政策口径未规定…, never a zero grant."""
    first = exc.violations[0]
    return Refusal(
        first.message, field="实训设备补助", rule=F05, clause=first.clause, violations=list(exc.violations)
    )


def _grant(
    profile: Profile, recognition: Recognition, items: Sequence[rules.Item], fund_used: bool
) -> rules.EquipmentEntitlement:
    try:
        grant = rules.equipment_grant(
            profile, kind=recognition.kind, items=items, staff_education_fund_used=fund_used
        )
    except EntitlementNotSet as exc:
        raise _not_set(exc) from None
    if grant.status != "payable":
        raise Refusal.from_violations("不予实训设备补助", list(grant.violations))
    return grant


def _invoices_used(organisation_id: int) -> set[str]:
    return set(
        EquipmentItem.objects.filter(application__organisation_id=organisation_id)
        .exclude(application__state__in=ENDED_STATES)
        .values_list("invoice_number", flat=True)
    )


@transaction.atomic
def grant_application_create(
    *,
    actor: User,
    recognition: Recognition,
    items: Sequence[rules.Item],
    staff_education_fund_used: bool,
    today: dt.date | None = None,
) -> GrantApplication:
    """The organisation's clerk applies for its base's or studio's one-off equipment grant (F05): the grant
    is computed under the profile in force where it is, in the year of the application, and frozen."""
    today = today or timezone.localdate()
    r = (
        Recognition.objects.select_for_update()
        .select_related("region", "organisation")
        .get(pk=recognition.pk)
    )
    if actor.role != Role.INSTITUTION or actor.organisation_id != r.organisation_id:
        raise Refusal("只有依托单位的经办人可以申请该基地/工作室的设备补助")
    guards.refuse_blacklisted(r.organisation_id)  # F14: a blacklisted organisation applies for nothing
    profile = _profile(r, today.year)
    live = r.applications.exclude(state__in=ENDED_STATES).first()
    if live is not None:
        raise Refusal(
            f"{r.get_kind_display()}“{r.name}”已申请过实训设备补助（{live.ref}），一次性补助不能重复申请",
            field="基地/工作室",
            value=r.name,
            rule=F05,
            clause=_clause(profile),
        )
    # The numbers first: a profile without F05's share and cap refuses whatever the application says.
    _grant(profile, r, [], True)
    problems = rules.items_violations(
        profile, items, applied_on=today, invoices_used=_invoices_used(r.organisation_id)
    )
    if problems:
        raise Refusal.from_violations("设备清单有误，未提交申请", problems)
    grant = _grant(profile, r, items, staff_education_fund_used)
    try:
        with transaction.atomic():
            a = GrantApplication.objects.create(
                ref=f"tmp-{timezone.now().timestamp()}-{r.pk}",
                recognition=r,
                organisation=r.organisation,
                region=r.region,
                department_id=r.department_id,
                year=today.year,
                profile_code=profile.code,
                profile_version=profile.version,
                staff_education_fund_used=staff_education_fund_used,
                equipment_value=grant.equipment_value,
                amount=grant.amount,
                computation=grant.computation,
                applied_by=actor,
                applied_on=today,
            )
    except IntegrityError:  # a concurrent application for the same base or studio
        raise Refusal(
            "该基地/工作室已有设备补助申请，一次性补助不能重复申请",
            field="基地/工作室",
            rule=F05,
            clause=_clause(profile),
        ) from None
    a.ref = f"SB{today.year}{a.pk:06d}"
    a.save(update_fields=["ref"])
    EquipmentItem.objects.bulk_create(
        [
            EquipmentItem(
                application=a,
                row=n,
                name=i.name.strip()[:128],
                model=i.model.strip()[:128],
                quantity=i.quantity,
                unit_price=i.unit_price,
                value=i.value,
                invoice_number=i.invoice_number.strip()[:64],
                purchased_on=i.purchased_on or today,  # never empty here: items_violations refused it
            )
            for n, i in enumerate(items, start=1)
        ]
    )
    event_record(
        actor=actor,
        action="grant.applied",
        obj=a,
        to_state=a.state,
        payload={
            "rule": F05,
            "recognition": r.pk,
            "equipment_value": str(a.equipment_value),
            "amount": str(a.amount),
            "items": len(items),
        },
    )
    return a


def _clause(profile: Profile) -> str:
    param = profile.param("equipment_share")
    return profile.cite("equipment_share") if param.is_set else f"{profile.code} 《{profile.document}》"


@transaction.atomic
def grant_application_withdraw(
    *, actor: User, application: GrantApplication, reason: str, today: dt.date | None = None
) -> GrantApplication:
    """The applicant takes its application back while no one of the bureau has signed it (F09's first
    signature not given); the base or studio may then apply again (F05 counts live applications only)."""
    today = today or timezone.localdate()
    a = GrantApplication.objects.select_for_update().select_related("recognition").get(pk=application.pk)
    if actor.role != Role.INSTITUTION or actor.organisation_id != a.organisation_id:
        raise Refusal("只有依托单位的经办人可以撤回本单位的设备补助申请")
    if a.state != GrantState.SUBMITTED:
        profile = get_profile(a.profile_code, a.profile_version)
        signed = f"已由{a.first_reviewer.label}于{a.first_on:%Y-%m-%d}初审签署，" if a.first_reviewer else ""
        raise Refusal(
            f"申请 {a.ref} 当前状态为“{a.get_state_display()}”，{signed}只能在人社初审签署前撤回",
            field="状态",
            value=a.get_state_display(),
            rule="F09",
            clause=profile.cite("reviewers_per_step"),
        )
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise Refusal("请填写撤回原因（不超过200字）", field="撤回原因")
    a.state, a.comment = GrantState.WITHDRAWN, f"撤回：{reason}"
    a.save(update_fields=["state", "comment"])
    event_record(
        actor=actor,
        action="grant.withdrawn",
        obj=a,
        from_state=GrantState.SUBMITTED,
        to_state=a.state,
        payload={"rule": F05, "reason": reason, "on": today.isoformat()},
    )
    return a


# --- review -----------------------------------------------------------------------------------------------

WAITING: dict[str, str] = {GrantState.SUBMITTED: Role.HR_FIRST, GrantState.FIRST_SIGNED: Role.HR_SECOND}


def _source_claim(a: GrantApplication, profile: Profile) -> SourceClaim:
    r, org = a.recognition, a.organisation
    return SourceClaim(
        source_id=a.pk,
        source_ref=a.ref,
        title=f"{r.get_kind_display()}“{r.name}”实训设备补助"[:128],
        region=a.region,
        department_id=a.department_id,
        applicant_kind=ApplicantKind.ENTERPRISE
        if org.kind in ENTERPRISE_KINDS
        else ApplicantKind.INSTITUTION,
        profile=profile,
        year=a.year,
        period_start=None,
        period_end=None,
        # No person: the organisation is paid for itself; the line holds the application once.
        lines=[
            SourceLine(
                key=f"equipment:{a.pk}",
                label="新购实训设备",
                amount=Decimal(a.amount),
                rule_ids=(F05,),
                computation=a.computation,
            )
        ],
        payee_organisation=org,
        bank_name=org.bank_name,
        bank_account=org.bank_account,
        summary={"rule": F05, "application": a.ref, "equipment_value": str(a.equipment_value)},
    )


@transaction.atomic
def grant_application_review(
    *,
    actor: User,
    application: GrantApplication,
    decision: str,
    comment: str = "",
    today: dt.date | None = None,
) -> GrantApplication:
    """F09: the bureau's 初审, then a different person's 复核; either may refuse. The 复核 approves and drafts
    the claim of the grant, recomputed under the frozen profile (F05)."""
    today = today or timezone.localdate()
    a = (
        GrantApplication.objects.select_for_update()
        .select_related("region", "organisation", "recognition")
        .get(pk=application.pk)
    )
    profile = get_profile(a.profile_code, a.profile_version)
    role = WAITING.get(a.state)
    if role is not None and actor.role == role:
        _in_region(actor, a.region.path, "设备补助申请")
    step = bureau_signature(
        actor_role=actor.role,
        actor_id=actor.pk,
        waiting_role=role,
        state_label=a.get_state_display(),
        what="设备补助申请",
        profile=profile,
        first_reviewer_id=a.first_reviewer_id,
        decision=decision,
        comment=comment,
    )
    before = a.state
    if step == "first":
        a.first_reviewer, a.first_on = actor, today
    else:
        a.second_reviewer, a.second_on = actor, today
    a.comment = comment.strip()
    if decision == "return":
        a.state = GrantState.REJECTED
    elif step == "first":
        a.state = GrantState.FIRST_SIGNED
    else:
        # Recomputed under the frozen profile from the stored items: what is paid is what was reviewed.
        items = [
            rules.Item(
                row=i.row,
                name=i.name,
                model=i.model,
                quantity=i.quantity,
                unit_price=i.unit_price,
                invoice_number=i.invoice_number,
                purchased_on=i.purchased_on,
            )
            for i in a.items.all()
        ]
        grant = _grant(profile, a.recognition, items, a.staff_education_fund_used)
        if (grant.amount, grant.computation) != (a.amount, a.computation):
            raise Refusal(
                "补助金额与申请时的计算不一致，请核对", field="补助金额", rule=F05, clause=_clause(profile)
            )
        (claim,) = claims_create_for_sources(
            actor=actor, programme_code=PROGRAMME, claims=[_source_claim(a, profile)]
        )
        a.claim, a.state = claim, GrantState.APPROVED
    a.save()
    event_record(
        actor=actor,
        action="grant.review.first" if step == "first" else "grant.review.second",
        obj=a,
        from_state=before,
        to_state=a.state,
        payload={
            "rule": "F09",
            "decision": decision,
            "comment": a.comment,
            "claim": a.claim.ref if a.claim else "",
        },
    )
    return a


# --- reading the items: the form's rows or the template's sheet --------------------------------------------

ITEM_HEADERS = ["设备名称", "规格型号", "数量", "单价（元）", "发票号码", "购置日期"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value).replace("/", "-"))


def items_read(rows: Sequence[tuple[int, Sequence[Any]]]) -> list[rules.Item]:
    """Items from rows of six cells (ITEM_HEADERS), blank rows skipped; every cell that is not a number or a
    date where one belongs is reported with its row, all at once."""
    out: list[rules.Item] = []
    problems: list[Violation] = []
    for row, raw in rows:
        cells = [*raw, None, None, None, None, None, None][:6]
        if all(_text(c) == "" for c in cells):
            continue
        name, model, quantity, price, invoice, purchased = cells
        try:
            q = int(Decimal(_text(quantity)))
            if Decimal(_text(quantity)) != q:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.append(
                Violation(F05, "设备清单", "数量应为整数", field="数量", row=row, value=_text(quantity))
            )
            q = 0
        try:
            p = Decimal(_text(price))
            if not p.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                Violation(F05, "设备清单", "单价应为金额（元）", field="单价", row=row, value=_text(price))
            )
            p = Decimal("0")
        try:
            on = _date(purchased) if _text(purchased) else None
        except ValueError:
            problems.append(
                Violation(
                    F05,
                    "设备清单",
                    "购置日期应为日期，如 2021-03-15",
                    field="购置日期",
                    row=row,
                    value=_text(purchased),
                )
            )
            on = None
        out.append(
            rules.Item(
                row=row,
                name=_text(name),
                model=_text(model),
                quantity=q,
                unit_price=p,
                invoice_number=_text(invoice),
                purchased_on=on,
            )
        )
    if problems:
        raise Refusal.from_violations("设备清单有误，未提交申请", problems)
    return out


def items_workbook_read(content: bytes) -> list[rules.Item]:
    """The template's sheet, through the one bounded reader (core.uploads)."""
    rows = uploads.xlsx_rows(
        content, unreadable="无法读取文件：请上传由本页下载的 .xlsx 模板", what="设备清单"
    )
    if not rows or [_text(c) for c in rows[0][: len(ITEM_HEADERS)]] != ITEM_HEADERS:
        raise Refusal("表头与模板不一致：" + "、".join(ITEM_HEADERS), field="设备清单")
    return items_read([(n, values) for n, values in enumerate(rows[1:], start=2)])
