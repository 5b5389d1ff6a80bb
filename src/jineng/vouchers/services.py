"""Writes of 电子职业培训券: issue (one or a workbook, all or nothing), bind, redeem, revoke, expire.

State: issued → bound → redeemed, and issued → expired, issued | bound → revoked. Each change happens
here only, on a row locked with select_for_update, with its audit event in the same transaction.
Expiry concerns unbound vouchers: once bound within its validity a voucher waits for the class's
certificate (the assessment may come well after the expiry date); a bound voucher that will never
be used (trainee withdrawn, class cancelled) is revoked by the bureau.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from jineng.accounts.models import User
from jineng.assessment.models import Result
from jineng.audit.services import event_record, events_record
from jineng.catalogue.models import Occupation
from jineng.claims.sourced import SourceClaim, claims_create_for_sources, class_lines
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.roles import HR_ROLES, Role
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.people.selectors import persons_visible
from jineng.policy.identity import InvalidIdNumber, parse_id_number
from jineng.policy.violations import Violation
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile
from jineng.regions.selectors import rule_clause as region_rule_clause
from jineng.training.models import Enrolment
from jineng.vouchers import rules
from jineng.vouchers.models import LIVE_STATES, Voucher, VoucherState
from jineng.vouchers.rules import G01
from jineng.vouchers.selectors import BINDABLE_CLASS_STATES

# A safety cap on one upload, not a policy number: G02's yearly target (50,000) is issued over many
# batches, and one all-or-nothing report longer than this is unreadable anyway.
BULK_MAX_ROWS = 5000
TEMPLATE_HEADERS = ["身份证号", "姓名"]


def rule_clause(region: Region, rule: str, today: dt.date | None = None) -> str:
    """The clause of ``rule`` as the region's profile words it (the profile of the year, else the latest
    before it); a region with no profile at all is refused."""
    try:
        return region_rule_clause(region, (today or timezone.localdate()).year, rule)
    except NoProfile as exc:
        raise Refusal(str(exc), field="地区") from None


def _require_issuer(actor: User, region: Region) -> None:
    if actor.role not in HR_ROLES or not scope_of(actor).contains_path(region.path):
        raise Refusal("只有本辖区人社部门工作人员可以发放或作废培训券")


def _live_refusal(existing: Voucher, *, row: int | None = None) -> Violation:
    return Violation(
        G01,
        rule_clause(existing.region, G01),
        f"实名制：该人员已持有未使用的培训券 {existing.serial}（{existing.get_state_display()}），"
        "每人同时只能持有一张",
        field="身份证号",
        row=row,
        value=existing.serial,
    )


def _check_terms(
    *, region: Region, today: dt.date, expires_on: dt.date, institution: Organisation | None
) -> list[Violation]:
    out = []
    if expires_on < today:
        out.append(
            Violation(
                G01,
                rule_clause(region, G01, today),
                "有效期不能早于发放日期",
                field="有效期至",
                value=expires_on.isoformat(),
            )
        )
    if institution is not None and not institution.is_training_provider:
        out.append(
            Violation(
                G01,
                rule_clause(region, G01, today),
                f"“{institution.name}”不是培训机构，不能作为限定使用机构",
                field="限定培训机构",
                value=institution.name,
            )
        )
    return out


def occupation_for_code(code: str) -> Occupation | None:
    """The occupation a voucher is restricted to; an empty code means any occupation."""
    code = code.strip()
    if not code:
        return None
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise Refusal("职业编码不在 2022 年版国家职业分类大典中", field="限定职业", value=code)
    return occupation


def _prefix(region: Region) -> str:
    # A functional zone has no GB/T 2260 code of its own; its id keeps the prefix unique.
    return region.code or f"Z{region.pk:05d}"


def _next_sequence(region: Region, year: int) -> int:
    """The region's next serial number for the year; the region row is locked so that two issuers in
    one region are served one after the other rather than colliding on a serial."""
    Region.objects.select_for_update().only("pk").get(pk=region.pk)
    top = Voucher.objects.filter(region=region, issued_on__year=year).aggregate(m=Max("sequence"))["m"]
    return (top or 0) + 1


def _serial(region: Region, year: int, sequence: int) -> str:
    return f"{_prefix(region)}-{year}-{sequence:06d}"


def _expire(vouchers: Any, *, today: dt.date, actor: Any = None) -> int:
    """Expire the unbound vouchers of ``vouchers`` whose last valid day is before ``today``: one UPDATE,
    and one bulk insert of their events per issuing region (the trail is filtered by region)."""
    due = vouchers.filter(state=VoucherState.ISSUED, expires_on__lt=today)
    rows = list(due.select_for_update(of=("self",)).values_list("pk", "serial", "region__path"))
    if not rows:
        return 0
    updated = due.update(state=VoucherState.EXPIRED, closed_on=today)
    by_region: dict[str, list[Voucher]] = defaultdict(list)
    for pk, serial, path in rows:
        by_region[path].append(Voucher(pk=pk, serial=serial))
    for path, objs in by_region.items():
        events_record(
            actor=actor,
            action="voucher.expired",
            objs=objs,
            to_state=VoucherState.EXPIRED,
            payload={"expired_on": today.isoformat()},
            region_path=path,
        )
    return updated


@transaction.atomic
def voucher_issue(
    *,
    actor: User,
    person: Person,
    region: Region,
    expires_on: dt.date,
    occupation: Occupation | None = None,
    institution: Organisation | None = None,
    today: dt.date | None = None,
) -> Voucher:
    """发放 one voucher to a registered person (G01 实名制): refused while he holds a live one."""
    today = today or timezone.localdate()
    _require_issuer(actor, region)
    problems = _check_terms(region=region, today=today, expires_on=expires_on, institution=institution)
    if problems:
        raise Refusal.from_violations("培训券未发放", problems)
    person = Person.objects.select_for_update().get(pk=person.pk)
    # A voucher past its date that the nightly run has not reached yet is not live any more.
    _expire(Voucher.objects.filter(person=person), today=today, actor=actor)
    existing = Voucher.objects.filter(person=person, state__in=LIVE_STATES).first()
    if existing is not None:
        raise Refusal.from_violations("培训券未发放", [_live_refusal(existing)])
    sequence = _next_sequence(region, today.year)
    try:
        with transaction.atomic():
            voucher = Voucher.objects.create(
                serial=_serial(region, today.year, sequence),
                sequence=sequence,
                person=person,
                region=region,
                issued_by=actor,
                occupation=occupation,
                institution=institution,
                issued_on=today,
                expires_on=expires_on,
            )
    except IntegrityError:
        # The partial unique index (one live voucher per person) caught a concurrent issue.
        raise Refusal(
            "实名制：该人员已持有未使用的培训券，每人同时只能持有一张",
            field="身份证号",
            rule=G01,
            clause=rule_clause(region, G01, today),
        ) from None
    # A voucher's events name it by its serial; no ID number in the payload: auditors read the trail
    # and need not see one.
    event_record(
        actor=actor,
        action="voucher.issued",
        obj=voucher,
        to_state=voucher.state,
        payload={
            "serial": voucher.serial,
            "expires_on": expires_on.isoformat(),
            "occupation": occupation.code if occupation else None,
            "institution": institution.pk if institution else None,
        },
    )
    return voucher


@dataclass(frozen=True)
class BulkRow:
    id_number: str
    name: str
    row: int


def bulk_workbook_read(content: bytes) -> list[BulkRow]:
    """The template's two columns (身份证号, 姓名); blank rows are skipped."""
    rows = uploads.xlsx_rows(
        content, unreadable="无法读取文件：请上传由本页下载的 .xlsx 模板", what="发放名单"
    )
    if not rows or [str(c or "").strip() for c in rows[0][: len(TEMPLATE_HEADERS)]] != TEMPLATE_HEADERS:
        raise Refusal("表头与模板不一致：" + "、".join(TEMPLATE_HEADERS), field="发放名单")
    out = []
    for n, values in enumerate(rows[1:], start=2):
        cells = [*values, None, None][:2]
        if all(c in (None, "") for c in cells):
            continue
        out.append(BulkRow(id_number=str(cells[0] or "").strip(), name=str(cells[1] or "").strip(), row=n))
    return out


@transaction.atomic
def vouchers_issue_bulk(
    *,
    actor: User,
    rows: list[BulkRow],
    region: Region,
    expires_on: dt.date,
    occupation: Occupation | None = None,
    institution: Organisation | None = None,
    today: dt.date | None = None,
) -> list[Voucher]:
    """发放 a batch from a list of ID numbers, all or nothing: any bad row refuses the whole batch with
    a report naming each row, field, rule and clause."""
    today = today or timezone.localdate()
    _require_issuer(actor, region)
    if not rows:
        raise Refusal("名单中没有人员", field="发放名单")
    if len(rows) > BULK_MAX_ROWS:
        raise Refusal(f"一次最多发放 {BULK_MAX_ROWS} 张，请分批上传", field="发放名单", value=str(len(rows)))
    problems = _check_terms(region=region, today=today, expires_on=expires_on, institution=institution)
    if problems:
        raise Refusal.from_violations("培训券未发放", problems)

    numbers: dict[int, str] = {}
    for r in rows:
        try:
            numbers[r.row] = parse_id_number(r.id_number).number
        except InvalidIdNumber as exc:
            problems.append(exc.violation(row=r.row, value=r.id_number))
    # Only people registered where the issuer may see them (实名制: the registry is the source).
    persons = {
        p.id_number: p
        for p in persons_visible(actor)
        .select_for_update(of=("self",))
        .filter(id_number__in=set(numbers.values()))
    }
    ids = [p.pk for p in persons.values()]
    _expire(Voucher.objects.filter(person_id__in=ids), today=today, actor=actor)
    live = {v.person_id: v for v in Voucher.objects.filter(person_id__in=ids, state__in=LIVE_STATES)}
    seen: dict[str, int] = {}
    chosen: list[tuple[BulkRow, Person]] = []
    for r in rows:
        number = numbers.get(r.row)
        if number is None:
            continue
        person = persons.get(number)
        if person is None:
            problems.append(
                Violation(
                    G01,
                    rule_clause(region, G01, today),
                    "实名制：该身份证号未在本辖区实名登记，请先登记",
                    field="身份证号",
                    row=r.row,
                    value=number[:4] + "…",
                )
            )
            continue
        if r.name and r.name != person.name:
            problems.append(
                Violation(
                    G01,
                    rule_clause(region, G01, today),
                    "实名制：姓名与实名登记不一致，请核对",
                    field="姓名",
                    row=r.row,
                    value=r.name,
                )
            )
        if number in seen:
            problems.append(
                Violation(
                    G01,
                    rule_clause(region, G01, today),
                    f"实名制：与第{seen[number]}行为同一人，每人只能发放一张",
                    field="身份证号",
                    row=r.row,
                    value=person.name,
                )
            )
            continue
        seen[number] = r.row
        if person.pk in live:
            problems.append(_live_refusal(live[person.pk], row=r.row))
        chosen.append((r, person))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.field))
        bad = len({p.row for p in problems})
        raise Refusal.from_violations(f"共 {len(rows)} 行，其中 {bad} 行有问题，未发放任何培训券", problems)

    first = _next_sequence(region, today.year)
    vouchers = [
        Voucher(
            serial=_serial(region, today.year, first + i),
            sequence=first + i,
            person=person,
            region=region,
            issued_by=actor,
            occupation=occupation,
            institution=institution,
            issued_on=today,
            expires_on=expires_on,
        )
        for i, (_, person) in enumerate(chosen)
    ]
    try:
        with transaction.atomic():
            Voucher.objects.bulk_create(vouchers, batch_size=1000)
    except IntegrityError:
        raise Refusal(
            "实名制：名单中有人员刚刚已被发放培训券，请重新上传",
            field="发放名单",
            rule=G01,
            clause=rule_clause(region, G01, today),
        ) from None
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35, both of which Jineng requires.
    events_record(
        actor=actor,
        action="voucher.issued",
        objs=vouchers,
        to_state=VoucherState.ISSUED,
        payload={
            "batch": len(vouchers),
            "expires_on": expires_on.isoformat(),
            "occupation": occupation.code if occupation else None,
            "institution": institution.pk if institution else None,
        },
        region_path=region.path,
    )
    return vouchers


def _voucher_facts(v: Voucher) -> rules.VoucherFacts:
    return rules.VoucherFacts(
        serial=v.serial,
        person_id=v.person_id,
        state=v.state,
        state_label=v.get_state_display(),
        occupation_id=v.occupation_id,
        occupation_name=v.occupation.name if v.occupation else "",
        institution_id=v.institution_id,
        institution_name=v.institution.name if v.institution else "",
        expires_on=v.expires_on,
    )


def _locked(voucher: Voucher) -> Voucher:
    return (
        Voucher.objects.select_for_update(of=("self",))
        .select_related("region", "occupation", "institution", "enrolment__training_class")
        .get(pk=voucher.pk)
    )


@transaction.atomic
def voucher_bind(
    *, actor: User, voucher: Voucher, enrolment: Enrolment, today: dt.date | None = None
) -> Voucher:
    """绑定 a voucher to its holder's enrolment in a class (G01 不得转让; the issuer's occupation,
    institution and expiry; A10: an approved class not yet ended)."""
    today = today or timezone.localdate()
    v = _locked(voucher)
    e = (
        Enrolment.objects.select_related(
            "training_class__occupation", "training_class__institution", "training_class__region"
        )
        .filter(pk=enrolment.pk)
        .get()
    )
    tc = e.training_class
    if actor.role == Role.INSTITUTION:
        if actor.organisation_id != tc.institution_id:
            raise Refusal("只有本班培训机构经办人可以绑定培训券")
    elif actor.role not in HR_ROLES or not scope_of(actor).contains_path(tc.region.path):
        raise Refusal("只有培训机构经办人或本辖区人社部门工作人员可以绑定培训券")
    other = (
        Voucher.objects.filter(enrolment=e, state__in=(VoucherState.BOUND, VoucherState.REDEEMED))
        .exclude(pk=v.pk)
        .values_list("serial", flat=True)
        .first()
    )
    facts = rules.EnrolmentFacts(
        person_id=e.person_id,
        enrolled=e.status == Enrolment.Status.ENROLLED,
        class_ref=tc.ref,
        class_open=tc.state in BINDABLE_CLASS_STATES,
        class_state_label=tc.get_state_display(),
        occupation_id=tc.occupation_id,
        occupation_name=tc.occupation.name,
        institution_id=tc.institution_id,
        institution_name=tc.institution.name,
        other_voucher=other or "",
    )
    problems = rules.check_bind(
        _voucher_facts(v), facts, today=today, clause_of=lambda rule: rule_clause(v.region, rule, today)
    )
    if problems:
        raise Refusal.from_violations(f"培训券 {v.serial} 未绑定", problems)
    from_state = v.state
    v.state = VoucherState.BOUND
    v.enrolment = e
    v.bound_on = today
    v.save(update_fields=["state", "enrolment", "bound_on"])
    event_record(
        actor=actor,
        action="voucher.bound",
        obj=v,
        from_state=from_state,
        to_state=v.state,
        payload={"serial": v.serial, "class_ref": tc.ref, "enrolment": e.pk},
    )
    return v


def _certificate(v: Voucher) -> Result | None:
    """The passed result with a certificate number recorded for the voucher's enrolment, if any."""
    if v.enrolment_id is None:
        return None
    return (
        Result.objects.filter(enrolment_id=v.enrolment_id, passed=True, enrolment__person_id=v.person_id)
        .exclude(certificate_number="")
        .first()
    )


@transaction.atomic
def voucher_redeem(*, actor: User, voucher: Voucher, today: dt.date | None = None) -> Voucher:
    """以证换券: a bound voucher is exchanged for the certificate its holder obtained in that class;
    without one it is worth nothing and is refused (G01 无证无价)."""
    today = today or timezone.localdate()
    v = _locked(voucher)
    tc = v.enrolment.training_class if v.enrolment is not None else None
    if actor.role == Role.INSTITUTION:
        if tc is None or actor.organisation_id != tc.institution_id:
            raise Refusal("只有所绑定培训班的培训机构经办人可以办理以证换券")
    elif actor.role not in HR_ROLES or not scope_of(actor).contains_path(v.region.path):
        raise Refusal("只有培训机构经办人或本辖区人社部门工作人员可以办理以证换券")
    cert = _certificate(v) if v.state == VoucherState.BOUND else None
    problems = rules.check_redeem(
        _voucher_facts(v),
        certificate_number=cert.certificate_number if cert else None,
        clause_of=lambda rule: rule_clause(v.region, rule, today),
    )
    if problems or cert is None:
        raise Refusal.from_violations(f"培训券 {v.serial} 未兑换", problems)
    from_state = v.state
    v.state = VoucherState.REDEEMED
    v.certificate = cert
    v.redeemed_on = today
    v.save(update_fields=["state", "certificate", "redeemed_on"])
    event_record(
        actor=actor,
        action="voucher.redeemed",
        obj=v,
        from_state=from_state,
        to_state=v.state,
        payload={
            "serial": v.serial,
            "certificate_kind": cert.certificate_kind,
            "certificate_number": cert.certificate_number,
        },
    )
    return v


@transaction.atomic
def voucher_revoke(*, actor: User, voucher: Voucher, reason: str, today: dt.date | None = None) -> Voucher:
    """作废 a live voucher (issued by mistake, trainee withdrawn, class cancelled): the holder may then be
    issued a new one. A redeemed voucher stays: the certificate was exchanged."""
    today = today or timezone.localdate()
    v = _locked(voucher)
    _require_issuer(actor, v.region)
    reason = reason.strip()
    if not reason:
        raise Refusal("请填写作废原因", field="作废原因")
    if len(reason) > 200:
        raise Refusal("作废原因不超过200字", field="作废原因")
    if v.state not in LIVE_STATES:
        raise Refusal(
            f"培训券当前状态为“{v.get_state_display()}”，只有已发放或已绑定的券可以作废", field="状态"
        )
    from_state = v.state
    v.state = VoucherState.REVOKED
    v.closed_on = today
    v.revoke_reason = reason
    v.save(update_fields=["state", "closed_on", "revoke_reason"])
    event_record(
        actor=actor,
        action="voucher.revoked",
        obj=v,
        from_state=from_state,
        to_state=v.state,
        payload={"serial": v.serial, "reason": reason},
    )
    return v


@transaction.atomic
def vouchers_expire(*, today: dt.date) -> int:
    """到期失效, set-based: every unbound voucher whose last valid day (``expires_on``) is before ``today``
    becomes expired in one UPDATE. Running it again the same day, or late, changes nothing more."""
    return _expire(Voucher.objects.all(), today=today)


# --- 以证换券 moves money: redeemed vouchers become their holders' claim lines ----------------------------

VOUCHER_PROGRAMME = "voucher"


def voucher_key(serial: str) -> str:
    """The claim line key of a voucher: a voucher pays once, whichever claim takes it."""
    return f"voucher:{serial}"


@transaction.atomic
def voucher_claims_create(*, actor: User, vouchers: Sequence[Voucher]) -> list[Any]:
    """The institution claims the subsidy of its redeemed vouchers (G01 以证换券): one draft claim per
    class, a line per voucher holder, judged exactly as the class's own claim judges that trainee (the
    certificate obtained, C02, B02/B07/B08, the pricing order). A trainee the class's claim already
    holds is not paid again (F02); from here the claim goes the common way (pledge, reviews, notice,
    batch, ledger)."""
    if actor.role != Role.INSTITUTION or actor.organisation_id is None:
        raise Refusal("以证换券申领补贴限培训机构经办人办理", rule=G01)
    ids = sorted({v.pk for v in vouchers})
    if not ids:
        raise Refusal("请选择已兑换的培训券", field="培训券")
    # Only the vouchers' rows are locked: PostgreSQL refuses FOR UPDATE on the nullable side of the outer
    # join to the enrolment.
    locked = list(
        Voucher.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("enrolment__training_class__occupation", "enrolment__training_class__region")
        .order_by("pk")
    )
    by_class: dict[int, list[Voucher]] = defaultdict(list)
    for v in locked:
        if v.state != VoucherState.REDEEMED or v.enrolment is None:
            raise Refusal(
                f"培训券 {v.serial} 当前状态为“{v.get_state_display()}”：以证换券后方可申领补贴（无证无价）",
                field="培训券",
                value=v.serial,
                rule=G01,
                clause=rule_clause(v.region, G01),
            )
        tc = v.enrolment.training_class
        if tc.institution_id != actor.organisation_id:
            raise Refusal(f"培训券 {v.serial} 不是本机构培训班学员的培训券", field="培训券", value=v.serial)
        by_class[tc.pk].append(v)
    asked: list[SourceClaim] = []
    for group in by_class.values():
        tc = group[0].enrolment.training_class  # type: ignore[union-attr]
        judged = class_lines(
            training_class=tc,
            person_ids=[v.person_id for v in group],
            key_of={v.person_id: voucher_key(v.serial) for v in group},
        )
        serials = {v.person_id: v.serial for v in group}
        asked.append(
            SourceClaim(
                source_id=tc.pk,
                source_ref=tc.ref,
                title=f"{tc.occupation.name}（以证换券 {len(group)} 张）",
                region=tc.region,
                department_id=tc.department_id,
                applicant_kind="institution",
                profile=judged.profile,
                year=tc.year,
                period_start=tc.start_date,
                period_end=tc.end_date,
                lines=[
                    dataclasses.replace(ln, label=f"培训券 {serials[ln.person_id]}")  # type: ignore[index]
                    for ln in judged.lines
                ],
                payee_organisation=tc.institution,
                bank_name=tc.bank_name,
                bank_account=tc.bank_account,
                summary=judged.summary,
            )
        )
    claims = claims_create_for_sources(actor=actor, programme_code=VOUCHER_PROGRAMME, claims=asked)
    return claims
