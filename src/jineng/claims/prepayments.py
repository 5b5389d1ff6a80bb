"""F04 prepayment (预拨) for project-based (项目制) classes: requested by the institution, reviewed by two
different bureau officials (F09), paid by finance through the ledger exactly once, and settled against
the class's final subsidy when its claim's batch is paid (the batch pays the rest; a prepayment beyond
the final amount becomes a receivable, F14).

The basis (ZZ21 三(四) “享受30%—50%预拨补贴”; XC19 二(三)1 “可先行拨付50%的培训补贴资金”): neither
document says of *what* amount, and at prepayment time nobody has been assessed, so the only subsidy
that exists is the planned one — the class's planned trainees (拟培训人数) × the standard the profile
gives for the class's target certificate and level (F01/F02) or 以工代训 months (F03)
(``policy.subsidy.planned_subsidy``). The share is the institution's choice within the profile's
range; profiles without one (HC21, XC23) refuse with “本政策口径未规定…”.
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
from jineng.claims.models import Claim, Prepayment, PrepaymentState, ProjectStop
from jineng.claims.recoveries import recoveries
from jineng.claims.signatures import bureau_signature
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.core.scope import scope_of
from jineng.core.templatetags.jineng import yuan
from jineng.ledger import services as ledger
from jineng.orgs import guards
from jineng.orgs.models import Organisation
from jineng.policy import claims as rules
from jineng.policy import subsidy
from jineng.policy.profiles import ParameterNotSet, Profile, get_profile
from jineng.policy.training import percent
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training import facts
from jineng.training.models import ClassState, Mode, TrainingClass

F04 = "F04"
# A prepayment is for a class that has been approved and not yet claimed.
PREPAYABLE_CLASS_STATES = frozenset({ClassState.APPROVED, ClassState.IN_TRAINING})
ZERO = Decimal("0.00")


def _profile(tc: TrainingClass) -> Profile:
    if tc.profile_code:
        return get_profile(tc.profile_code, tc.profile_version)
    try:
        return profile_for(tc.region, tc.year)
    except NoProfile as exc:
        raise Refusal(str(exc)) from None


def _f04(tc: TrainingClass) -> str:
    return _profile(tc).rule_clause(F04)


def _f04_of(p: Prepayment) -> str:
    """F04 as the profile the prepayment was computed under words it."""
    return get_profile(p.profile_code, p.profile_version).rule_clause(F04)


def _range(profile: Profile, tc: TrainingClass) -> tuple[subsidy.Estimate, subsidy.PrepaymentRange]:
    try:
        # The share first: a profile without one (HC21, XC23) refuses on F04 whatever its amounts.
        subsidy.prepayment_range(profile, ZERO)
        # The class as applied for (target certificate and level, not yet assessed): the planned subsidy.
        planned = subsidy.SubsidyClass(facts=facts.class_facts(tc), mode=tc.mode, payee="institution")
        estimate = subsidy.planned_subsidy(profile, planned, trainees=tc.planned_trainees)
        return estimate, subsidy.prepayment_range(profile, estimate.amount)
    except subsidy.EntitlementNotSet as exc:
        first = exc.violations[0]
        raise Refusal(
            first.message,
            field="预拨比例",
            rule=first.rule,
            clause=first.clause,
            violations=list(exc.violations),
        ) from None
    except ParameterNotSet as exc:
        raise Refusal(str(exc), field="预拨比例", rule=exc.param.rule, clause=f"{exc.profile.code}") from None


def prepayment_quote(training_class: TrainingClass) -> tuple[subsidy.Estimate, subsidy.PrepaymentRange]:
    """The basis and the range the profile allows (F04), for the request form."""
    return _range(_profile(training_class), training_class)


@transaction.atomic
def prepayment_request(
    *,
    actor: User,
    training_class: TrainingClass,
    share: Decimal | str | None = None,
    today: dt.date | None = None,
) -> Prepayment:
    """F04: the institution asks for ``share`` (default: the most the profile allows) of its class's
    planned subsidy in advance."""
    guards.refuse_blacklisted(actor.organisation_id)
    today = today or timezone.localdate()
    tc = (
        TrainingClass.objects.select_for_update()
        .select_related("region", "institution")
        .get(pk=training_class.pk)
    )
    if actor.role != Role.INSTITUTION or actor.organisation_id != tc.institution_id:
        raise Refusal("只有本班培训机构经办人可以申请预拨")
    profile = _profile(tc)
    # I01: no prepayment to an institution under a sanction in force
    guards.refuse_sanctioned([tc.institution_id], on_date=today, act="申请预拨", profile=profile)
    modes = profile.get("prepay_modes")  # None where the document allows no prepayment: refused below
    if modes is not None and tc.mode not in modes:
        allowed_modes = "、".join(Mode(m).label for m in modes)
        raise Refusal(
            f"培训方式为“{tc.get_mode_display()}”：只有{allowed_modes}可以预拨补贴",
            field="培训方式",
            value=tc.get_mode_display(),
            rule=F04,
            clause=profile.cite("prepay_modes"),
        )
    stopped = project_stop_open(tc.institution_id)
    if stopped is not None:
        raise Refusal(
            f"本机构的项目制资格已于 {stopped.stopped_on:%Y-%m-%d} 停止（{stopped.reason}），不能申请预拨",
            field="培训机构",
            value=tc.institution.name,
            rule=F04,
            clause=get_profile(stopped.profile_code, stopped.profile_version).cite(PROJECT_STOP),
        )
    if tc.state not in PREPAYABLE_CLASS_STATES:
        raise Refusal(
            f"培训班当前状态为“{tc.get_state_display()}”：开班申请批准后、申领补贴前方可申请预拨",
            field="培训班状态",
            value=tc.get_state_display(),
            rule=F04,
            clause=_f04(tc),
        )
    estimate, allowed = _range(profile, tc)
    try:
        chosen = allowed.share_max if share in (None, "") else Decimal(str(share).strip())
    except InvalidOperation:
        raise Refusal(
            "预拨比例应为小数，如 0.30",
            field="预拨比例",
            value=str(share),
            rule=F04,
            clause=profile.rule_clause(F04),
        ) from None
    if not allowed.share_min <= chosen <= allowed.share_max:
        allowed_text = (
            f"须为 {percent(allowed.share_max)}"
            if allowed.share_min == allowed.share_max
            else f"不在政策规定的 {percent(allowed.share_min)}—{percent(allowed.share_max)} 之内"
        )
        raise Refusal(
            f"预拨比例 {percent(chosen)} {allowed_text}",
            field="预拨比例",
            value=str(chosen),
            rule=F04,
            clause=profile.cite("prepay_share_max"),
        )
    amount = (estimate.amount * chosen).quantize(Decimal("0.01"))
    if amount <= 0:
        raise Refusal(
            "预计补贴为零，无可预拨金额", field="预拨金额", rule=F04, clause=profile.rule_clause(F04)
        )
    try:
        with transaction.atomic():
            p = Prepayment.objects.create(
                ref=f"tmp-{timezone.now().timestamp()}",
                training_class=tc,
                region=tc.region,
                institution=tc.institution,
                profile_code=profile.code,
                profile_version=profile.version,
                basis=estimate.amount,
                share=chosen,
                amount=amount,
                computation=(
                    f"预计补贴：{estimate.computation}；F04 预拨 {subsidy.yuan(estimate.amount)} × {percent(chosen)}"
                    f" = {subsidy.yuan(amount)}（允许 {allowed.computation}）"
                ),
                requested_by=actor,
                requested_on=today,
            )
    except IntegrityError:
        raise Refusal(
            "本班已有预拨申请，不能重复申请",
            field="培训班",
            value=tc.ref,
            rule=F04,
            clause=profile.rule_clause(F04),
        ) from None
    p.ref = f"YB{tc.year}{p.pk:06d}"
    p.save(update_fields=["ref"])
    event_record(
        actor=actor,
        action="prepayment.requested",
        obj=p,
        to_state=p.state,
        payload={"rule": F04, "amount": str(amount), "share": str(chosen), "basis": str(estimate.amount)},
    )
    return p


def _locked(p: Prepayment) -> Prepayment:
    return (
        Prepayment.objects.select_for_update()
        .select_related("region", "training_class", "institution")
        .get(pk=p.pk)
    )


def _in_region(actor: User, p: Prepayment) -> None:
    if actor.region_id is None or not p.region.path.startswith(actor.region.path):  # type: ignore[union-attr]
        raise Refusal("只能办理本辖区的预拨申请")


@transaction.atomic
def prepayment_review(
    *, actor: User, prepayment: Prepayment, decision: str, comment: str = "", today: dt.date | None = None
) -> Prepayment:
    """F09: the bureau's first reviewer, then a different second reviewer; either may refuse."""
    today = today or timezone.localdate()
    p = _locked(prepayment)
    profile = get_profile(p.profile_code, p.profile_version)
    waiting = {PrepaymentState.REQUESTED: Role.HR_FIRST, PrepaymentState.FIRST_SIGNED: Role.HR_SECOND}
    role = waiting.get(PrepaymentState(p.state))
    if role is not None and actor.role == role:
        _in_region(actor, p)
    step = bureau_signature(
        actor_role=actor.role,
        actor_id=actor.pk,
        waiting_role=role,
        state_label=p.get_state_display(),
        what="预拨申请",
        profile=profile,
        first_reviewer_id=p.first_reviewer_id,
        decision=decision,
        comment=comment,
    )
    before = p.state
    if step == "first":
        p.first_reviewer, p.first_on = actor, today
    else:
        p.second_reviewer, p.second_on = actor, today
    if decision == "return":
        p.state = PrepaymentState.REJECTED
    else:
        p.state = PrepaymentState.FIRST_SIGNED if step == "first" else PrepaymentState.APPROVED
    p.comment = comment.strip()
    p.save()
    event_record(
        actor=actor,
        action=f"prepayment.review.{step}",
        obj=p,
        from_state=before,
        to_state=p.state,
        payload={"rule": F04, "decision": decision, "comment": p.comment},
    )
    return p


def prepayment_pay(*, actor: User, prepayment: Prepayment, today: dt.date | None = None) -> Prepayment:
    """Finance pays the approved prepayment, once: the row is locked, a paid one answers with itself, and
    the ledger entry's key is the prepayment's own."""
    today = today or timezone.localdate()
    with transaction.atomic():
        p = _locked(prepayment)
        if actor.role != Role.FINANCE:
            raise Refusal("只有财政部门工作人员可以拨付预拨款")
        _in_region(actor, p)
        if p.state in (PrepaymentState.PAID, PrepaymentState.SETTLED):
            return p
        if p.state != PrepaymentState.APPROVED:
            raise Refusal(
                f"预拨申请当前状态为“{p.get_state_display()}”：人社部门复核通过后方可拨付",
                rule=F04,
                clause=_f04_of(p),
            )
        claimed = (
            Claim.objects.filter(training_class_id=p.training_class_id).exclude(state="withdrawn").exists()
        )
        if claimed:
            raise Refusal(
                "本班已申领补贴，不再预拨：按核定金额直接拨付", field="培训班", rule=F04, clause=_f04_of(p)
            )
        entry = ledger.prepayment_make(
            actor=actor,
            region=ledger.books_region(p.region),
            payee=p.institution,
            amount=p.amount,
            key=f"prepayment:{p.pk}:pay",
            fund_order=rules.fund_order(get_profile(p.profile_code, p.profile_version)),
            date=today,
            memo=f"项目制预拨 {p.ref}（{p.training_class.ref}）",
            source=p,
        )
        p.journal_entry_id = entry.pk
        p.funds = ledger.entry_funds(entry)
        before = p.state
        p.state, p.paid_on, p.paid_by = PrepaymentState.PAID, today, actor
        p.save()
        event_record(
            actor=actor,
            action="prepayment.paid",
            obj=p,
            from_state=before,
            to_state=p.state,
            payload={"rule": F04, "entry": entry.pk, "funds": p.funds},
        )
    return p


# --------------------------------------------------------------------------------------------------
# Settlement, inside claims.services.batch_collect / batch_pay.


def _standing(claim: Claim) -> Prepayment | None:
    if claim.training_class_id is None:
        return None  # F04 prepays classes only
    if claim.payee_organisation_id is None:
        return None  # an individual's claim: the prepayment went to the institution
    return (
        Prepayment.objects.filter(
            training_class_id=claim.training_class_id,
            institution_id=claim.payee_organisation_id,
            state=PrepaymentState.PAID,
        )
        .select_related("region")
        .first()
    )


def prepaid_previews(claims: Sequence[Claim]) -> dict[int, Decimal]:
    """What a batch will deduct from each claim for its class's paid prepayment (``_standing``'s, for
    all the claims in one query). An individual's claim has none: the prepayment went to the institution."""
    institutions = [c for c in claims if c.payee_organisation_id is not None]
    paid: dict[tuple[int, int], Decimal] = {}
    if institutions:
        for class_id, institution_id, amount in (
            Prepayment.objects.filter(
                training_class_id__in={c.training_class_id for c in institutions}, state=PrepaymentState.PAID
            )
            .order_by("pk")  # _standing takes the first
            .values_list("training_class_id", "institution_id", "amount")
        ):
            paid.setdefault((class_id, institution_id), Decimal(amount))
    out = {}
    for c in claims:
        p = (
            paid.get((c.training_class_id, c.payee_organisation_id))
            if c.payee_organisation_id and c.training_class_id
            else None
        )
        out[c.pk] = min(p, Decimal(c.amount)) if p is not None else ZERO
    return out


def prepayment_settle(*, actor: Any, claim: Claim, day: dt.date) -> Decimal:
    """F04: settle the class's prepayment against the claim's final amount; returns what it covers.

    Approval already booked the whole claim as payable (the bureau's second signature, claims.bulk
    ``claims_review_bulk`` → ``ledger.payable_entry`` under the key ``claim:<id>:payable``); the
    settlement recognises the final subsidy itself (ledger.prepayment_settle), so that payable entry is
    reversed first, in the same transaction — the expense is booked once, and the payable left is the
    remainder the batch pays."""
    p = _standing(claim)
    if p is None:
        return ZERO
    p = _locked(p)
    if p.state != PrepaymentState.PAID:
        return ZERO
    region = ledger.books_region(claim.region)
    payable = ledger.entry_find(f"claim:{claim.pk}:payable")
    if payable is not None:
        ledger.entry_reverse(
            actor=actor,
            entry=payable,
            key=f"claim:{claim.pk}:payable:reverse",
            date=day,
            memo=f"补贴申领 {claim.ref} 改由预拨清算确认（F04）",
        )
    entry = ledger.prepayment_settle(
        actor=actor,
        region=region,
        payee=claim.payee,
        subsidy=Decimal(claim.amount),
        key=f"prepayment:{p.pk}:settle",
        source=p,
        date=day,
        memo=f"预拨清算 {p.ref}：核定 {yuan(claim.amount)} 元（申领 {claim.ref}），已预拨 {yuan(p.amount)} 元",
    )
    result = subsidy.settle_prepayment(Decimal(claim.amount), Decimal(p.amount))
    before = p.state
    p.state, p.settled_claim, p.settled_on = PrepaymentState.SETTLED, claim, day
    p.settled_final, p.settled_excess, p.settle_entry_id = claim.amount, result.to_recover, entry.pk
    p.save()
    event_record(
        actor=actor,
        action="prepayment.settled",
        obj=p,
        from_state=before,
        to_state=p.state,
        payload={
            "rule": F04,
            "claim": claim.ref,
            "computation": result.computation,
            "entry": entry.pk,
            "rules": list(result.rule_ids),
        },
    )
    if result.to_recover > 0:
        recoveries().prepayment_excess_record(
            actor=actor,
            claim=claim,
            amount=result.to_recover,
            entry_id=entry.pk,
            prepayment_ref=p.ref,
            day=day,
        )
    return min(Decimal(p.amount), Decimal(claim.amount))


# --------------------------------------------------------------------------------------------------
# A cancelled class (inside training.services.class_cancel's transaction, through training.cancellations).


def prepayments_close_for_cancelled_class(*, actor: Any, training_class: TrainingClass, day: dt.date) -> None:
    """F04: a cancelled class is never claimed, so nothing will settle its prepayment. One not yet paid is
    closed; a paid one is cleared against a final subsidy of nothing (ledger.prepayment_settle), which
    makes the whole of it a receivable of the institution, recorded as a wrong payment (F14) to be
    refunded or offset against the institution's next claim."""
    for p in (
        Prepayment.objects.select_for_update()
        .select_related("region", "training_class", "institution")
        .filter(training_class=training_class, state__in=LIVE_UNSETTLED)
        .order_by("pk")
    ):
        before = p.state
        reason = f"培训班 {training_class.ref} 已取消，项目制预拨 {p.ref} 不再清算（F04）"
        if p.state != PrepaymentState.PAID:
            p.state = PrepaymentState.CLOSED
            p.save(update_fields=["state"])
            event_record(
                actor=actor,
                action="prepayment.closed",
                obj=p,
                from_state=before,
                to_state=p.state,
                payload={"rule": F04, "class": training_class.ref},
            )
            continue
        entry = ledger.prepayment_settle(
            actor=actor,
            region=ledger.books_region(p.region),
            payee=p.institution,
            subsidy=ZERO,
            key=f"prepayment:{p.pk}:settle",
            source=p,
            date=day,
            memo=reason,
        )
        result = subsidy.settle_prepayment(ZERO, Decimal(p.amount))
        p.state, p.settled_on = PrepaymentState.RECALLED, day
        p.settled_final, p.settled_excess, p.settle_entry_id = ZERO, result.to_recover, entry.pk
        p.save()
        event_record(
            actor=actor,
            action="prepayment.recalled",
            obj=p,
            from_state=before,
            to_state=p.state,
            payload={
                "rule": F04,
                "class": training_class.ref,
                "entry": entry.pk,
                "owed": str(result.to_recover),
            },
        )
        recoveries().prepayment_cancelled_record(
            actor=actor, prepayment=p, amount=result.to_recover, entry_id=entry.pk, reason=reason, day=day
        )


# Requested, signed once, approved or paid: what a cancellation still has to close.
LIVE_UNSETTLED = (
    PrepaymentState.REQUESTED,
    PrepaymentState.FIRST_SIGNED,
    PrepaymentState.APPROVED,
    PrepaymentState.PAID,
)


# --------------------------------------------------------------------------------------------------
# Stopping an institution's 项目制 (F04, where the profile allows it): no more prepayments.

PROJECT_STOP = "project_stop_on_poor_results"
STOPPERS = frozenset({Role.HR_ADMIN, Role.HR_SECOND})


def project_stop_open(institution_id: int) -> ProjectStop | None:
    return ProjectStop.objects.filter(institution_id=institution_id, lifted_on=None).first()


@transaction.atomic
def project_stop(
    *, actor: User, institution: Organisation, reason: str, today: dt.date | None = None
) -> ProjectStop:
    """The bureau stops the institution's 项目制 training for its results (F04): the figures of its
    project-based classes are kept with the decision; its next prepayment request is refused."""
    from jineng.claims.prepayment_selectors import project_performance_of

    today = today or timezone.localdate()
    if actor.role not in STOPPERS or not scope_of(actor).contains_path(institution.region.path):
        raise Refusal("只有本辖区人社部门复核人或管理员可以停止机构的项目制资格")
    try:
        profile = profile_for(institution.region, today.year)
    except NoProfile as exc:
        raise Refusal(str(exc)) from None
    param = profile.param(PROJECT_STOP)
    if not param.is_set or not param.value:
        raise Refusal(
            f"本政策口径未规定停止项目制资格：{param.note}",
            field="项目制资格",
            rule=F04,
            clause=f"{profile.code} 《{profile.document}》",
        )
    text = reason.strip()
    if not text:
        raise Refusal("请写明停止原因（培训效果、出勤率、结业人数比例）", field="停止原因", rule=F04)
    figures = project_performance_of(actor, institution.pk)
    if figures is None:
        raise Refusal(
            "该机构没有已开班的项目制培训班，无项目制培训效果可据以停止", field="培训机构", rule=F04
        )
    stop = ProjectStop(
        institution=institution,
        region=actor.region,
        profile_code=profile.code,
        profile_version=profile.version,
        reason=text,
        figures={
            "classes": figures.classes,
            "opening": figures.opening,
            "trained": figures.trained,
            "enrolled": figures.enrolled,
            "passed": figures.passed,
            "attendance": str(figures.attendance) if figures.attendance is not None else None,
            "completion": str(figures.completion) if figures.completion is not None else None,
        },
        stopped_on=today,
        stopped_by=actor,
    )
    try:
        with transaction.atomic():
            stop.save()
    except IntegrityError:
        raise Refusal("该机构的项目制资格已停止", field="培训机构", rule=F04) from None
    event_record(
        actor=actor,
        action="project.stopped",
        obj=stop,
        to_state="stopped",
        payload={"reason": text, "rule": F04, "clause": profile.cite(PROJECT_STOP), **stop.figures},
    )
    return stop


@transaction.atomic
def project_stop_lift(
    *, actor: User, stop: ProjectStop, reason: str, today: dt.date | None = None
) -> ProjectStop:
    """The bureau restores the institution's 项目制 (after rectification): prepayments may be asked again."""
    today = today or timezone.localdate()
    s = (
        ProjectStop.objects.select_for_update()
        .select_related("region", "institution__region")
        .get(pk=stop.pk)
    )
    if actor.role not in STOPPERS or not scope_of(actor).contains_path(s.institution.region.path):
        raise Refusal("只有本辖区人社部门复核人或管理员可以恢复机构的项目制资格")
    if s.lifted_on is not None:
        raise Refusal("该停止决定已于此前恢复", field="项目制资格")
    text = reason.strip()
    if not text:
        raise Refusal("请写明恢复原因（如整改情况）", field="恢复原因")
    s.lifted_on, s.lifted_by, s.lift_reason = today, actor, text
    s.save(update_fields=["lifted_on", "lifted_by", "lift_reason"])
    event_record(
        actor=actor,
        action="project.restored",
        obj=s,
        from_state="stopped",
        to_state="restored",
        payload={"reason": text},
    )
    return s
