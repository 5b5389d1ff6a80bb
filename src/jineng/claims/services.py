"""Claim workflow: create from an assessed class, pledge and submit (F06), department review (F07, F09),
public notice with objections (F08), bureau review (F09, F10), finance review where the profile has it
(F10), payment batches (F11/F12) paid from the funds in F13 order, exactly once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.claims import bulk, prepayments
from jineng.claims.models import (
    BatchItem,
    Claim,
    ClaimLine,
    ClaimReview,
    ClaimStage,
    ClaimState,
    ClaimStep,
    Objection,
    PaymentBatch,
)
from jineng.claims.programmes import programme
from jineng.claims.recoveries import recoveries
from jineng.core.errors import Refusal
from jineng.core.roles import ORG_ROLES, Role
from jineng.ledger import services as ledger
from jineng.ledger.models import ZERO
from jineng.orgs import guards
from jineng.policy import claims as rules
from jineng.policy.profiles import ParameterNotSet, Profile, get_profile
from jineng.policy.workdays import CalendarNotCovered
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training.models import ClassState, TrainingClass
from jineng.workcal.selectors import work_calendar

CLAIMABLE_CLASS_STATES = frozenset({ClassState.ASSESSED, ClassState.CLOSED})


def _locked(claim: Claim) -> Claim:
    # of=("self",): a claim of another programme has no class, and PostgreSQL refuses FOR UPDATE on the
    # nullable side of the outer join to it. The claim's row is what serialises its writes.
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("region", "training_class")
        .get(pk=claim.pk)
    )


def claim_profile(claim: Claim) -> Profile:
    """The profile the claim is judged under: a class's claim the class's (frozen at the class's
    submission: the money follows the rules the class ran under), any other the one frozen on the claim
    when its programme made it."""
    if claim.training_class_id is not None:
        return _class_profile(claim.training_class)  # type: ignore[arg-type]
    if not claim.profile_code or not claim.profile_version:
        raise Refusal("申领未记录政策档案")
    return get_profile(claim.profile_code, claim.profile_version)


def _not_set(exc: ParameterNotSet) -> Refusal:
    return Refusal(str(exc), rule=exc.param.rule, clause=f"{exc.profile.code} 《{exc.profile.document}》")


def _calendar_refusal(exc: CalendarNotCovered) -> Refusal:
    return Refusal(f"无法计算期限：{exc}")


# --- create, pledge, submit --------------------------------------------------------------------------------


@transaction.atomic
def claim_create(*, actor: User, training_class: TrainingClass, today: dt.date | None = None) -> Claim:
    """An institution's clerk claims for its assessed class; a trainee claims his own line (个人申请)."""
    guards.refuse_blacklisted(actor.organisation_id)  # F14: a blacklisted institution claims nothing
    # E06 is judged in the batch (claims.bulk, certshare.refuse_over_share_many). A batch of one: the same set-based path as a bureau's batch of thousands (claims.bulk).
    return bulk.claims_create_bulk(actor=actor, classes=[training_class], today=today)[0]


def _class_profile(tc: TrainingClass) -> Profile:
    """The profile frozen on the class at its submission: the money follows the rules the class ran under."""
    if tc.profile_code:
        return get_profile(tc.profile_code, tc.profile_version)
    try:
        return profile_for(tc.region, tc.year)
    except NoProfile as exc:
        raise Refusal(str(exc)) from None


def applicant_orgs(claim: Claim) -> set[int]:
    """The organisations whose clerks act for the claim: the payee, and a class's institution (which
    claims for an enterprise's own training)."""
    orgs = {claim.payee_organisation_id} - {None}
    if claim.training_class_id is not None:
        orgs.add(claim.training_class.institution_id)  # type: ignore[union-attr]
    return orgs  # type: ignore[return-value]


def _applicant(actor: User, claim: Claim) -> None:
    own_org = claim.payee_organisation_id is not None and actor.organisation_id in applicant_orgs(claim)
    own_person = claim.payee_person_id is not None and actor.person_id == claim.payee_person_id
    # An evaluation body's clerk acts for the claims it is paid by (评价补贴, XC23 附件3), as an institution's.
    if not (own_org and actor.role in ORG_ROLES) and not own_person:
        raise Refusal("只有申请人本人（本单位经办人）可以办理")


@transaction.atomic
def claim_submit(
    *, actor: User, claim: Claim, pledge_name: str, pledge: bool, today: dt.date | None = None
) -> Claim:
    """F06: the applicant signs the truthfulness pledge; F07: the department's clock starts."""
    today = today or timezone.localdate()
    c = _locked(claim)
    _applicant(actor, c)
    if c.state not in (ClaimState.DRAFT, ClaimState.RETURNED):
        raise Refusal(f"申领当前状态为“{c.get_state_display()}”，不能提交")
    profile = claim_profile(c)
    if profile.get("pledge_required", True) and (not pledge or not pledge_name.strip()):
        raise Refusal(
            "请阅读并签署承诺：我郑重承诺对提供的各项材料和信息真实性负责，自觉接受社会监督",
            field="申请承诺人",
            rule="F06",
            clause=profile.cite("pledge_required"),
        )
    if not c.bank_account.strip():
        raise Refusal("请填写收款银行账号", field="银行账号")
    from_state = c.state
    c.state = ClaimState.SUBMITTED
    c.pledge_signed_by = pledge_name.strip()
    c.pledge_signed_at = timezone.now()
    c.submitted_on = today
    c.review_round += 1
    c.return_comment = ""
    c.profile_code, c.profile_version = profile.code, profile.version
    try:
        c.review_due = rules.review_due(profile, work_calendar(), "dept", today)
    except CalendarNotCovered as exc:
        raise _calendar_refusal(exc) from None
    c.save()
    event_record(
        actor=actor,
        action="claim.submitted",
        obj=c,
        from_state=from_state,
        to_state=c.state,
        payload={"pledge": c.pledge_signed_by, "rule": "F06"},
    )
    return c


@transaction.atomic
def claim_bank_set(*, actor: User, claim: Claim, bank_name: str, bank_account: str) -> Claim:
    c = _locked(claim)
    _applicant(actor, c)
    if c.state not in (ClaimState.DRAFT, ClaimState.RETURNED):
        raise Refusal(f"申领当前状态为“{c.get_state_display()}”，不能修改收款账户")
    account = "".join(bank_account.split())
    if not account.isdigit() or not 8 <= len(account) <= 32:
        raise Refusal("银行账号应为8至32位数字", field="银行账号", value=bank_account)
    c.bank_name, c.bank_account = bank_name.strip(), account
    c.save(update_fields=["bank_name", "bank_account", "updated_at"])
    event_record(
        actor=actor,
        action="claim.bank_set",
        obj=c,
        from_state=c.state,
        to_state=c.state,
        payload={"bank_name": c.bank_name},
    )
    return c


@transaction.atomic
def claim_withdraw(*, actor: User, claim: Claim) -> Claim:
    c = _locked(claim)
    _applicant(actor, c)
    if c.state not in (ClaimState.DRAFT, ClaimState.SUBMITTED, ClaimState.RETURNED):
        raise Refusal(f"申领当前状态为“{c.get_state_display()}”，不能撤回")
    from_state = c.state
    c.state = ClaimState.WITHDRAWN
    c.review_due = None
    c.save()
    # The trainees' lines are free to be claimed again.
    ClaimLine.objects.filter(claim=c).update(live=False)
    event_record(actor=actor, action="claim.withdrawn", obj=c, from_state=from_state, to_state=c.state)
    return c


# --- reviews (F07, F09, F10) ------------------------------------------------------------------------------

STAGE_OF_STATE = {
    ClaimState.SUBMITTED: ClaimStage.DEPT,
    ClaimState.NOTICE_CLOSED: ClaimStage.HR,
    ClaimState.HR_REVIEWED: ClaimStage.FINANCE,
}
ROLES_FOR: dict[tuple[str, str], frozenset[str]] = {
    (ClaimStage.DEPT, ClaimStep.FIRST): frozenset({Role.DEPT_FIRST}),
    (ClaimStage.DEPT, ClaimStep.SECOND): frozenset({Role.DEPT_SECOND}),
    (ClaimStage.HR, ClaimStep.FIRST): frozenset({Role.HR_FIRST}),
    (ClaimStage.HR, ClaimStep.SECOND): frozenset({Role.HR_SECOND}),
    # The finance bureau has one role; F09 still needs two different people.
    (ClaimStage.FINANCE, ClaimStep.FIRST): frozenset({Role.FINANCE}),
    (ClaimStage.FINANCE, ClaimStep.SECOND): frozenset({Role.FINANCE}),
}


def next_step(claim: Claim) -> tuple[str, str] | None:
    stage = STAGE_OF_STATE.get(ClaimState(claim.state))
    if stage is None:
        return None
    signed = set(
        ClaimReview.objects.filter(claim=claim, round=claim.review_round, stage=stage).values_list(
            "step", flat=True
        )
    )
    return stage, (ClaimStep.SECOND if ClaimStep.FIRST in signed else ClaimStep.FIRST)


def _in_scope_reviewer(actor: User, claim: Claim, stage: str) -> None:
    if actor.region_id is None or not claim.region.path.startswith(actor.region.path):  # type: ignore[union-attr]
        raise Refusal("只能审核本辖区的补贴申领")
    if stage == ClaimStage.DEPT and actor.department_id != claim.department_id:
        raise Refusal("只能审核本部门主管的补贴申领")


@transaction.atomic
def claim_review(
    *, actor: User, claim: Claim, decision: str, comment: str = "", today: dt.date | None = None
) -> Claim:
    """One signature. The department's second signature puts the list on public notice (F08); the bureau's
    second goes to finance where the profile has that step (F10), else approves; approval books the payable."""
    # A batch of one: the same checks and writes as a reviewer's batch sign-off (claims.bulk), which
    # reads only what signing needs; the claim is returned whole.
    bulk.claims_review_bulk(actor=actor, claims=[claim], decision=decision, comment=comment, today=today)
    return Claim.objects.select_related("training_class", "region").get(pk=claim.pk)


# --- public notice and objections (F08) ----------------------------------------------------------------------


def _notice(c: Claim) -> rules.Notice:
    profile = claim_profile(c)
    assert c.notice_start and c.notice_end
    return rules.Notice(
        c.notice_start,
        c.notice_end,
        int(profile.get("public_notice_working_days", 0)),
        profile.cite("public_notice_working_days"),
    )


@transaction.atomic
def objection_submit(
    *,
    claim: Claim,
    name: str,
    contact: str,
    text: str,
    line_row: int | None = None,
    today: dt.date | None = None,
) -> Objection:
    """Anyone may object during the notice, without an account; the objection is recorded, not published."""
    today = today or timezone.localdate()
    c = _locked(claim)
    if c.state != ClaimState.IN_NOTICE:
        raise Refusal("该补贴名单不在公示期，不能提出异议", field="公示")
    problems = rules.objection_window_violations(_notice(c), today)
    if problems:
        raise Refusal.from_violations("不能提出异议", problems)
    name, contact, text = name.strip(), contact.strip(), text.strip()
    if not name or not contact or len(text) < 5:
        raise Refusal("请填写姓名、联系方式和异议内容（不少于5个字）", field="异议内容")
    if len(name) > 32 or len(contact) > 64 or len(text) > 2000:
        raise Refusal("填写内容过长", field="异议内容")
    line = None
    if line_row is not None:
        line = ClaimLine.objects.filter(claim=c, row=line_row).first()
        if line is None:
            raise Refusal("公示名单中没有该序号", field="序号", value=str(line_row))
    objection = Objection.objects.create(
        claim=c, line=line, name=name, contact=contact, text=text, received_on=today
    )
    event_record(
        actor=None,
        action="claim.objection.received",
        obj=c,
        from_state=c.state,
        to_state=c.state,
        payload={"objection": objection.pk, "row": line_row, "rule": "F08"},
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: User, objection: Objection, outcome: str, resolution: str, today: dt.date | None = None
) -> Objection:
    """A bureau official records how the objection was handled; an upheld objection about a trainee takes
    that trainee off the list, and the claim's total follows."""
    today = today or timezone.localdate()
    c = _locked(objection.claim)
    o = Objection.objects.select_for_update().get(pk=objection.pk)
    if actor.role not in (Role.HR_FIRST, Role.HR_SECOND, Role.HR_ADMIN):
        raise Refusal("只有人社部门工作人员可以处理公示异议")
    _in_scope_reviewer(actor, c, ClaimStage.HR)
    if o.outcome != Objection.Outcome.OPEN:
        raise Refusal("该异议已处理", field="处理结果")
    if outcome not in (Objection.Outcome.DISMISSED, Objection.Outcome.UPHELD):
        raise Refusal("处理结果应为“异议不成立”或“异议成立”", field="处理结果", value=outcome)
    if not resolution.strip():
        raise Refusal("请填写处理情况", field="处理情况")
    if outcome == Objection.Outcome.UPHELD:
        if o.line_id is None:
            raise Refusal(
                "异议成立须指明涉及的学员（公示序号）；针对整个申领的异议请退回申请人", field="序号"
            )
        clause = claim_profile(c).cite("public_notice_working_days")
        ClaimLine.objects.filter(pk=o.line_id).update(
            status=ClaimLine.Status.EXCLUDED,
            amount=Decimal("0.00"),
            live=False,
            reasons=[{"rule": "F08", "clause": clause, "message": f"公示异议成立：{resolution.strip()}"}],
        )
        totals = ClaimLine.objects.filter(claim=c, status=ClaimLine.Status.PAYABLE).aggregate(s=Sum("amount"))
        c.amount = totals["s"] or Decimal("0.00")
        c.headcount = ClaimLine.objects.filter(claim=c, status=ClaimLine.Status.PAYABLE).count()
        c.save(update_fields=["amount", "headcount", "updated_at"])
    o.outcome, o.resolution, o.resolved_by, o.resolved_on = outcome, resolution.strip(), actor, today
    o.save()
    event_record(
        actor=actor,
        action="claim.objection.resolved",
        obj=c,
        from_state=c.state,
        to_state=c.state,
        payload={"objection": o.pk, "outcome": outcome, "amount": str(c.amount), "rule": "F08"},
    )
    return o


@transaction.atomic
def claim_notice_close(*, actor: User, claim: Claim, today: dt.date | None = None) -> Claim:
    today = today or timezone.localdate()
    c = _locked(claim)
    if actor.role not in (Role.HR_FIRST, Role.HR_SECOND, Role.HR_ADMIN):
        raise Refusal("只有人社部门工作人员可以结束公示")
    _in_scope_reviewer(actor, c, ClaimStage.HR)
    if c.state != ClaimState.IN_NOTICE:
        raise Refusal(f"申领当前状态为“{c.get_state_display()}”，不在公示期")
    profile = claim_profile(c)
    open_count = Objection.objects.filter(claim=c, outcome=Objection.Outcome.OPEN).count()
    problems = rules.notice_close_violations(profile, _notice(c), today, open_count)
    if problems:
        raise Refusal.from_violations("公示不能结束", problems)
    from_state = c.state
    c.state = ClaimState.NOTICE_CLOSED
    try:
        c.review_due = rules.review_due(profile, work_calendar(), "hr", today)
    except CalendarNotCovered as exc:
        raise _calendar_refusal(exc) from None
    if not ClaimLine.objects.filter(claim=c, status=ClaimLine.Status.PAYABLE).exists():
        # Every line was taken off by objections: nothing left to pay. (Not the headcount: a line that
        # pays an organisation for itself, an equipment grant, has no person.)
        c.state = ClaimState.WITHDRAWN
    c.save()
    event_record(
        actor=actor,
        action="claim.notice_closed",
        obj=c,
        from_state=from_state,
        to_state=c.state,
        payload={"objections": Objection.objects.filter(claim=c).count()},
    )
    return c


# --- disbursement (F11/F12, F13) ---------------------------------------------------------------------------------


HR_STAFF = frozenset({Role.HR_FIRST, Role.HR_SECOND, Role.HR_ADMIN})


def _staff_of(actor: User, region: Region, roles: frozenset[str], who: str) -> None:
    if actor.role not in roles or actor.region_id is None:
        raise Refusal(who)
    if not region.path.startswith(actor.region.path):  # type: ignore[union-attr]
        raise Refusal("只能办理本辖区的拨付批次")


@transaction.atomic
def batch_open(*, actor: User, region: Region, today: dt.date | None = None) -> PaymentBatch:
    """The region's batch for the cycle holding today (F11 weekly / F12 monthly), made once."""
    today = today or timezone.localdate()
    _staff_of(actor, region, HR_STAFF, "只有人社部门工作人员可以汇总拨付批次")
    try:
        profile = profile_for(region, today.year)
        cycle = rules.disbursement_cycle(profile, work_calendar(), today)
    except NoProfile as exc:
        raise Refusal(str(exc)) from None
    except ParameterNotSet as exc:
        raise _not_set(exc) from None
    except CalendarNotCovered as exc:
        raise _calendar_refusal(exc) from None
    batch, created = PaymentBatch.objects.get_or_create(
        region=region,
        cycle=cycle.kind,
        period_start=cycle.period_start,
        defaults={
            "ref": f"tmp-{timezone.now().timestamp()}",
            "collect_on": cycle.collect_on,
            "send_on": cycle.send_on,
            "pay_on": cycle.pay_on,
            "created_by": actor,
        },
    )
    if created:
        batch.ref = f"PB{cycle.period_start:%Y%m%d}{region.area_code()[:6]}{batch.pk:04d}"
        batch.save(update_fields=["ref"])
        event_record(
            actor=actor,
            action="batch.opened",
            obj=batch,
            from_state="",
            to_state=batch.state,
            payload={"cycle": cycle.kind, "pay_on": cycle.pay_on.isoformat(), "clause": cycle.clause},
            region_path=region.path,
        )
    return batch


@transaction.atomic
def batch_collect(*, actor: User, batch: PaymentBatch) -> int:
    """Every approved claim of the batch's region joins it (set-based); returns how many joined."""
    b = PaymentBatch.objects.select_for_update().select_related("region").get(pk=batch.pk)
    _staff_of(actor, b.region, HR_STAFF, "只有人社部门工作人员可以汇总拨付批次")
    if b.state != PaymentBatch.State.OPEN:
        raise Refusal(f"批次当前状态为“{b.get_state_display()}”，不能再加入申领")
    claims = list(
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the batch_item outer join.
        Claim.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(region__path__startswith=b.region.path, state=ClaimState.APPROVED, batch_item__isnull=True)
        .order_by("approved_at", "id")
    )
    # Each item as finance will see it: the claim less the class's F04 prepayment and less what its payee
    # owes back (F14); batch_pay books the same deductions (recomputed then, as refunds may have come in).
    prepaid = prepayments.prepaid_previews(claims)
    offset = recoveries().offset_previews(claims, {c.pk: Decimal(c.amount) - prepaid[c.pk] for c in claims})
    BatchItem.objects.bulk_create(
        [
            BatchItem(
                batch=b,
                claim=c,
                amount=Decimal(c.amount) - prepaid[c.pk] - offset[c.pk],
                prepaid=prepaid[c.pk],
                offset=offset[c.pk],
            )
            for c in claims
        ]
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
        state=ClaimState.IN_BATCH, updated_at=timezone.now()
    )
    event_record(
        actor=actor,
        action="batch.collected",
        obj=b,
        from_state=b.state,
        to_state=b.state,
        payload={"claims": [c.ref for c in claims]},
        region_path=b.region.path,
    )
    return len(claims)


@transaction.atomic
def batch_send(*, actor: User, batch: PaymentBatch) -> PaymentBatch:
    """周四汇总、盖章、行文送交财政 (F11): the list is fixed from here."""
    b = PaymentBatch.objects.select_for_update().select_related("region").get(pk=batch.pk)
    _staff_of(actor, b.region, HR_STAFF, "只有人社部门工作人员可以将批次送交财政")
    if b.state != PaymentBatch.State.OPEN:
        raise Refusal(f"批次当前状态为“{b.get_state_display()}”，不能送交财政")
    if not b.items.exists():
        raise Refusal("批次中没有申领，不能送交财政", field="批次")
    b.state = PaymentBatch.State.SENT
    b.save(update_fields=["state"])
    event_record(
        actor=actor,
        action="batch.sent",
        obj=b,
        from_state="open",
        to_state=b.state,
        payload={"items": b.items.count()},
        region_path=b.region.path,
    )
    return b


def batch_pay(
    *, actor: User, batch: PaymentBatch, bank_reference: str, today: dt.date | None = None
) -> PaymentBatch:
    """Finance pays the batch and records the bank's reference. Exactly once: the batch row is locked, a
    paid batch answers with itself, and each claim's payment entry carries an idempotency key the books
    hold unique — clicks, retries and concurrent requests cannot pay a claim twice."""
    today = today or timezone.localdate()
    with transaction.atomic():
        b = PaymentBatch.objects.select_for_update().select_related("region").get(pk=batch.pk)
        _staff_of(actor, b.region, frozenset({Role.FINANCE}), "只有财政部门工作人员可以确认拨付")
        if b.state == PaymentBatch.State.PAID:
            return b
        if b.state != PaymentBatch.State.SENT:
            raise Refusal(f"批次当前状态为“{b.get_state_display()}”：人社部门送交财政后方可拨付")
        reference = bank_reference.strip()
        if not reference:
            raise Refusal("请填写银行回单号", field="银行回单号")
        items = list(b.items.select_related("claim", "claim__region").order_by("id"))
        profiles: dict[tuple[Any, ...], Profile] = {}
        for item in items:
            # F04 first (the class's prepayment covers part of the claim), then F14 (what the payee owes
            # back is deducted from the rest); the bank pays what is left, possibly nothing.
            claim_amount = Decimal(item.claim.amount)
            item.prepaid = prepayments.prepayment_settle(actor=actor, claim=item.claim, day=today)
            item.offset = recoveries().offset_apply(
                actor=actor, claim=item.claim, limit=claim_amount - item.prepaid, day=today
            )
            item.amount = claim_amount - item.prepaid - item.offset
            item.funds = []
            if item.amount > ZERO:
                entry = _payment_make(actor, item.claim, item.amount, today, profiles)
                item.journal_entry_id = entry.pk
                item.funds = ledger.entry_funds(entry)
        BatchItem.objects.bulk_update(items, ["journal_entry_id", "funds", "amount", "prepaid", "offset"])
        Claim.objects.filter(pk__in=[i.claim_id for i in items]).update(
            state=ClaimState.PAID, paid_on=today, updated_at=timezone.now()
        )
        b.state, b.bank_reference, b.paid_on = PaymentBatch.State.PAID, reference, today
        b.save(update_fields=["state", "bank_reference", "paid_on"])
        event_record(
            actor=actor,
            action="batch.paid",
            obj=b,
            from_state="sent",
            to_state=b.state,
            payload={"bank_reference": reference, "total": str(sum((i.amount for i in items), Decimal(0)))},
            region_path=b.region.path,
        )
        for item in items:
            item.claim.state = ClaimState.PAID
            event_record(
                actor=actor,
                action="claim.paid",
                obj=item.claim,
                from_state=ClaimState.IN_BATCH,
                to_state=item.claim.state,
                payload={"batch": b.ref, "funds": item.funds},
            )
    return b


def _payment_make(
    actor: User, claim: Claim, amount: Decimal, day: dt.date, profiles: dict[tuple[Any, ...], Profile]
) -> Any:
    """Pay the claim from the books region's funds in the order of the claim's profile (F13), under a key
    derived from the claim, so that a retry finds the payment it already made."""
    frozen = (claim.profile_code, claim.profile_version)
    if frozen not in profiles:
        profiles[frozen] = get_profile(*frozen) if claim.profile_code else claim_profile(claim)
    return ledger.payment_make(
        actor=actor,
        region=ledger.books_region(claim.region),
        payee=claim.payee,
        amount=amount,
        key=f"claim:{claim.pk}:payment",
        fund_order=rules.fund_order(profiles[frozen]),
        date=day,
        memo=f"补贴申领 {claim.ref} 拨付",
        source=payment_source(claim),
    )


def payment_source(claim: Claim) -> tuple[str, str]:
    """The source a claim's payment is booked under. A programme paying evaluation subsidies books them
    under their own source type, so that the year's fund use sums training and evaluation apart (F15)
    per source type, without a row per claim."""
    purpose = programme(claim.programme).purpose
    return ("claims.Claim" if purpose == "training" else f"claims.Claim.{purpose}", str(claim.pk))
