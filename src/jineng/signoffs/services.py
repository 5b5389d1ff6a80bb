"""Writes of the bureau's sign-offs (C01: the application form's 人社部门 fields), each by a named person at a
time, one per class and field, in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.assessment.models import Assessment
from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.core.roles import HR_ROLES, Role, can
from jineng.core.scope import scope_of
from jineng.policy.profiles import Profile, get_profile
from jineng.regions.selectors import NoProfile, profile_for
from jineng.signoffs.models import Kind, SignOff
from jineng.training.models import ClassState, TrainingClass

# When each field can be signed: after process supervision (the class has ended), at or after the exam
# (an assessment applied and its day come), after the results (the class assessed).
SUPERVISED = frozenset(
    {ClassState.ENDED, ClassState.ASSESSMENT_APPLIED, ClassState.ASSESSED, ClassState.CLOSED}
)
EXAMINED = frozenset({ClassState.ASSESSMENT_APPLIED, ClassState.ASSESSED, ClassState.CLOSED})
ASSESSED = frozenset({ClassState.ASSESSED, ClassState.CLOSED})
SIGNERS = {
    Kind.SUPERVISION_OPINION: HR_ROLES,
    Kind.EXAM_PATROL: HR_ROLES | {Role.INSPECTOR},
    Kind.ASSESSMENT_OPINION: HR_ROLES,
}


def class_profile(tc: TrainingClass) -> Profile:
    try:
        return (
            get_profile(tc.profile_code, tc.profile_version)
            if tc.profile_code
            else profile_for(tc.region, tc.year)
        )
    except NoProfile as exc:
        raise Refusal(str(exc)) from None


def kinds_for(profile: Profile) -> list[str]:
    """The sign-off fields the class's form has (C01, the profile's ``bureau_signoffs``); none where the
    document has no such form."""
    param = profile.param("bureau_signoffs")
    return [k for k in param.value if k in Kind.values] if param.is_set else []


@transaction.atomic
def signoff_record(
    *, actor: User, training_class: TrainingClass, kind: str, opinion: str, today: dt.date | None = None
) -> SignOff:
    today = today or timezone.localdate()
    tc = TrainingClass.objects.select_for_update().select_related("region").get(pk=training_class.pk)
    if kind not in Kind.values:
        raise Refusal("请选择签字栏", field="签字栏", value=kind)
    label = Kind(kind).label
    if not can(actor.role, "signoff.record") or actor.role not in SIGNERS[Kind(kind)]:
        raise Refusal(f"您的角色不能在“{label}”栏签字")
    if not tc.region.path.startswith(scope_of(actor).region_path):
        raise Refusal("只能为本辖区的培训班签字")
    profile = class_profile(tc)
    param = profile.param("bureau_signoffs")
    clause = profile.cite("bureau_signoffs") if param.is_set else f"{profile.code} {param.clause}"
    if kind not in kinds_for(profile):
        raise Refusal(
            f"本班适用的政策档案的申请表没有“{label}”栏",
            field="签字栏",
            value=label,
            rule="C01",
            clause=clause,
        )
    assessment = None
    if kind == Kind.SUPERVISION_OPINION and tc.state not in SUPERVISED:
        raise Refusal(
            f"培训班当前状态为“{tc.get_state_display()}”：结业后方可填写过程监管检查意见",
            field="状态",
            rule="C01",
            clause=clause,
        )
    if kind == Kind.EXAM_PATROL:
        assessment = (
            Assessment.objects.filter(training_class=tc).exclude(state=Assessment.State.CANCELLED).first()
            if tc.state in EXAMINED
            else None
        )
        if assessment is None or assessment.assessment_date > today:
            raise Refusal(
                "考核当日或之后方可签字：本班尚无已到考核日期的结业考核",
                field="结业考核",
                rule="C01",
                clause=clause,
            )
    if kind == Kind.ASSESSMENT_OPINION and tc.state not in ASSESSED:
        raise Refusal(
            f"培训班当前状态为“{tc.get_state_display()}”：考核结果录入后方可填写结业考核意见",
            field="状态",
            rule="C01",
            clause=clause,
        )
    opinion = opinion.strip()
    if not opinion or len(opinion) > 1000:
        raise Refusal("请填写意见或巡查情况（不超过1000字）", field="意见")
    if SignOff.objects.filter(training_class=tc, kind=kind).exists():
        raise Refusal(f"本班“{label}”栏已签字", field="签字栏", value=label)
    signoff = SignOff.objects.create(
        training_class=tc,
        assessment=assessment,
        kind=kind,
        opinion=opinion,
        signed_by=actor,
        signer_name=actor.label,
    )
    event_record(
        actor=actor,
        action="class.signed_off",
        obj=tc,
        from_state=tc.state,
        to_state=tc.state,
        payload={"signoff": signoff.pk, "kind": kind, "assessment": assessment.pk if assessment else None},
    )
    return signoff
