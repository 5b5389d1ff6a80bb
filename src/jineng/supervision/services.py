"""Writes of 过程监管. Each public function is one transaction with its audit event.

The class's state moves approved → in_training (``class_open``) and in_training → ended
(``class_end``) only here, on a row locked with ``select_for_update``. The rules themselves (C02 trained
headcount, C04/C05 video, C09 satisfaction) are jineng.policy.training's; this module gathers the facts
and acts on the verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.online.selectors import trained_from_logs
from jineng.orgs import services as orgs
from jineng.orgs.models import Organisation, Sanction
from jineng.policy import training as rules
from jineng.policy.identity import InvalidIdNumber, parse_id_number
from jineng.policy.profiles import Profile
from jineng.regions.selectors import NoProfile, profile_for
from jineng.supervision.models import (
    CheckIn,
    Inspection,
    Leave,
    LessonKind,
    LessonVideo,
    OpeningCheck,
    Summary,
)
from jineng.training.models import ClassState, Delivery, Enrolment, TrainingClass


def a10_clause(profile: Profile) -> str:
    """A10 as the profile's document words it; the A10 parameters are review deadlines, not this clause."""
    return profile.rule_clause("A10")


def _profile(tc: TrainingClass) -> Profile:
    try:
        return profile_for(tc.region, tc.year)
    except NoProfile as exc:
        raise Refusal(str(exc)) from None


def _locked(tc: TrainingClass) -> TrainingClass:
    return TrainingClass.objects.select_for_update().select_related("region", "institution").get(pk=tc.pk)


def _supervisor(actor: User, tc: TrainingClass) -> None:
    if not can(actor.role, "class.supervise") or not scope_of(actor).contains_path(tc.region.path):
        raise Refusal("只有本辖区的督查员或人社部门经办人可以办理检查")


def _own_institution(actor: User, tc: TrainingClass) -> None:
    if actor.role != Role.INSTITUTION or actor.organisation_id != tc.institution_id:
        raise Refusal("只有本机构经办人可以办理")


def _supervisor_or_own(actor: User, tc: TrainingClass) -> None:
    if actor.role == Role.INSTITUTION:
        _own_institution(actor, tc)
    else:
        _supervisor(actor, tc)


def _enrolled(tc: TrainingClass) -> int:
    return Enrolment.objects.filter(training_class=tc, status=Enrolment.Status.ENROLLED).count()


# --- opening-day check ---------------------------------------------------------------------------------


@transaction.atomic
def class_open(
    *,
    actor: User,
    training_class: TrainingClass,
    present: int,
    signed_in: int,
    materials_kept: bool,
    note: str = "",
    today: dt.date | None = None,
) -> TrainingClass:
    """开班当日检查: records the opening headcount (C02) and moves an approved class into training (A10)."""
    today = today or timezone.localdate()
    tc = _locked(training_class)
    _supervisor(actor, tc)
    profile = _profile(tc)
    if tc.state != ClassState.APPROVED:
        raise Refusal(
            f"开班申请当前状态为“{tc.get_state_display()}”：未经审核批准的培训班不得开班培训",
            field="状态",
            value=tc.get_state_display(),
            rule="A10",
            clause=a10_clause(profile),
        )
    if today < tc.start_date:
        raise Refusal(
            f"开班日期为 {tc.start_date.isoformat()}，开班当日检查不能早于开班日期",
            field="检查日期",
            value=today.isoformat(),
            rule="A10",
            clause=a10_clause(profile),
        )
    if today > tc.end_date:
        raise Refusal(
            f"结业日期 {tc.end_date.isoformat()} 已过，不能再开班",
            field="检查日期",
            rule="A10",
            clause=a10_clause(profile),
        )
    enrolled = _enrolled(tc)
    if present < 1 or present > enrolled:
        raise Refusal(
            f"实到人数须在 1 至花名册在册人数 {enrolled} 之间：开班人数以实到培训人数为准",
            field="实到人数",
            value=str(present),
            rule="C02",
            clause=profile.rule_clause("C02"),
        )
    if signed_in < 0 or signed_in > enrolled:
        raise Refusal(f"签到人数须在 0 至在册人数 {enrolled} 之间", field="签到人数", value=str(signed_in))
    check = OpeningCheck.objects.create(
        training_class=tc,
        checked_at=timezone.now(),
        present=present,
        signed_in=signed_in,
        materials_kept=materials_kept,
        note=note.strip(),
        inspector=actor,
    )
    Summary.objects.create(training_class=tc, opening_headcount=present)
    from_state = tc.state
    tc.state = ClassState.IN_TRAINING
    tc.save(update_fields=["state", "updated_at"])
    event_record(
        actor=actor,
        action="class.opened",
        obj=tc,
        from_state=from_state,
        to_state=tc.state,
        payload={
            "present": present,
            "signed_in": signed_in,
            "materials_kept": materials_kept,
            "check": check.pk,
        },
    )
    return tc


# --- in-training inspections ---------------------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    training_class: TrainingClass,
    at: dt.datetime,
    place: str,
    teachers_present: str,
    trainees_present: int,
    remote: bool = False,
    media_refs: str = "",
    note: str = "",
) -> Inspection:
    """培训期间检查 (C01): time, place, teachers, attendance, inspector; remote only where C03 allows."""
    tc = _locked(training_class)
    _supervisor(actor, tc)
    profile = _profile(tc)
    if tc.state != ClassState.IN_TRAINING:
        raise Refusal(
            f"培训班当前状态为“{tc.get_state_display()}”，只有培训中的班级可以记录培训期间检查", field="状态"
        )
    if remote and not profile.get("remote_supervision_replaces_onsite", False):
        param = profile.param("remote_supervision_replaces_onsite")
        raise Refusal(
            "本政策口径未规定远程视频检查可替代实地检查，请实地检查（" + (param.clause or "未规定") + "）",
            field="检查方式",
            value="远程",
            rule="C03",
            clause=profile.cite("remote_supervision_replaces_onsite")
            if param.is_set
            else profile.rule_clause("C03"),
        )
    for label, value in (("地点", place), ("师资情况", teachers_present)):
        if not value.strip():
            raise Refusal(
                f"请填写{label}：检查须如实记录时间、地点、师资、出勤与检查人员",
                field=label,
                rule="C01",
                clause=profile.rule_clause("C01"),
            )
    enrolled = _enrolled(tc)
    if trainees_present < 0 or trainees_present > enrolled:
        raise Refusal(
            f"在位学员数须在 0 至在册人数 {enrolled} 之间",
            field="学员出勤情况",
            value=str(trainees_present),
            rule="C01",
            clause=profile.rule_clause("C01"),
        )
    if timezone.localtime(at).date() < tc.start_date:
        raise Refusal("检查时间早于开班日期", field="检查时间", value=at.isoformat())
    inspection = Inspection.objects.create(
        training_class=tc,
        at=at,
        place=place.strip(),
        teachers_present=teachers_present.strip(),
        trainees_present=trainees_present,
        remote=remote,
        media_refs=media_refs.strip(),
        note=note.strip(),
        inspector=actor,
    )
    event_record(
        actor=actor,
        action="class.inspected",
        obj=inspection,
        scope=tc,
        payload={"class": tc.ref, "present": trainees_present, "remote": remote},
    )
    return inspection


# --- face-recognition check-ins --------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInRow:
    id_number: str
    at: dt.datetime
    matched: bool
    device: str


@dataclass
class CheckInReport:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)


CHECKIN_STATES = (ClassState.IN_TRAINING, ClassState.ENDED)


@transaction.atomic
def checkins_ingest(*, actor: User, training_class: TrainingClass, rows: list[CheckInRow]) -> CheckInReport:
    """C07: a batch of face-recognition check-ins from the institution's devices.

    Set-based: one query maps the batch's ID numbers to the class's enrolments, one finds the records
    already stored, one inserts the rest. Idempotent: a record (trainee, instant) already stored, or
    twice in the batch, is stored once. Rows that cannot be taken are reported one by one and the
    others are written in this one transaction, so a failure leaves nothing half-written.
    """
    tc = _locked(training_class)
    _own_institution(actor, tc)
    if tc.state not in CHECKIN_STATES:
        raise Refusal(f"培训班当前状态为“{tc.get_state_display()}”，不接收签到记录", field="状态")
    report = CheckInReport(received=len(rows))
    numbers: dict[int, str] = {}
    for i, r in enumerate(rows, start=1):
        try:
            numbers[i] = parse_id_number(r.id_number).number
        except InvalidIdNumber as exc:
            report.refused.append(
                {"row": i, "field": "id_number", "value": r.id_number, "message": exc.message}
            )
    enrolments = dict(
        Enrolment.objects.filter(training_class=tc, person__id_number__in=set(numbers.values())).values_list(
            "person__id_number", "pk"
        )
    )
    wanted: dict[tuple[int, dt.datetime], CheckIn] = {}
    for i, r in enumerate(rows, start=1):
        if i not in numbers:
            continue
        enrolment_id = enrolments.get(numbers[i])
        if enrolment_id is None:
            report.refused.append(
                {
                    "row": i,
                    "field": "id_number",
                    "value": r.id_number[:4] + "…",
                    "message": "该身份证号不在本班花名册中",
                }
            )
            continue
        if timezone.is_naive(r.at):
            report.refused.append(
                {"row": i, "field": "at", "value": str(r.at), "message": "签到时间须带时区"}
            )
            continue
        if not r.device.strip():
            report.refused.append({"row": i, "field": "device", "value": "", "message": "请填写设备编号"})
            continue
        key = (enrolment_id, r.at)
        if key in wanted:
            report.duplicates += 1
            continue
        wanted[key] = CheckIn(
            training_class=tc,
            enrolment_id=enrolment_id,
            at=r.at,
            matched=r.matched,
            device=r.device.strip()[:64],
        )
    existing = set(
        CheckIn.objects.filter(
            training_class=tc, enrolment_id__in={k[0] for k in wanted}, at__in={k[1] for k in wanted}
        ).values_list("enrolment_id", "at")
    )
    new = [c for key, c in wanted.items() if key not in existing]
    report.duplicates += len(wanted) - len(new)
    # ignore_conflicts: a concurrent batch with the same records still stores each once.
    CheckIn.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    report.stored = len(new)
    event_record(
        actor=actor,
        action="class.checkins_received",
        obj=tc,
        from_state=tc.state,
        to_state=tc.state,
        payload={
            "received": report.received,
            "stored": report.stored,
            "duplicates": report.duplicates,
            "refused": len(report.refused),
        },
    )
    return report


# --- leave and make-up lessons --------------------------------------------------------------------------


@transaction.atomic
def leave_record(
    *, actor: User, enrolment: Enrolment, lesson_date: dt.date, reason: str, written: bool = True
) -> Leave:
    """书面请假 for one lesson day (C08)."""
    tc = _locked(enrolment.training_class)
    _own_institution(actor, tc)
    profile = _profile(tc)
    clause = (
        profile.cite("make_up_lessons_allowed")
        if profile.param("make_up_lessons_allowed").is_set
        else profile.rule_clause("C08")
    )
    if tc.state not in (ClassState.IN_TRAINING, ClassState.ENDED):
        raise Refusal(f"培训班当前状态为“{tc.get_state_display()}”，不能登记请假", field="状态")
    if not written:
        raise Refusal("须履行书面请假手续，口头请假不予登记", field="书面请假", rule="C08", clause=clause)
    if not reason.strip():
        raise Refusal("请填写请假事由", field="请假事由", rule="C08", clause=clause)
    if not tc.start_date <= lesson_date <= tc.end_date:
        raise Refusal("请假日期须在培训期间内", field="请假课程日期", value=lesson_date.isoformat())
    if Leave.objects.filter(enrolment=enrolment, lesson_date=lesson_date).exists():
        raise Refusal("该学员当日已登记请假", field="请假课程日期", value=lesson_date.isoformat())
    leave = Leave.objects.create(
        enrolment=enrolment, lesson_date=lesson_date, reason=reason.strip(), written=True, recorded_by=actor
    )
    event_record(
        actor=actor,
        action="leave.recorded",
        obj=leave,
        scope=tc,
        payload={"class": tc.ref, "lesson_date": lesson_date.isoformat()},
    )
    return leave


@transaction.atomic
def leave_make_up(*, actor: User, leave: Leave, made_up_on: dt.date, video_ref: str) -> Leave:
    """C08: the filmed make-up lesson, before the assessment; it counts toward attendance."""
    tc = _locked(leave.enrolment.training_class)
    _own_institution(actor, tc)
    profile = _profile(tc)
    param = profile.param("make_up_lessons_allowed")
    clause = profile.cite("make_up_lessons_allowed") if param.is_set else profile.rule_clause("C08")
    if not profile.get("make_up_lessons_allowed", False):
        raise Refusal(
            f"本政策口径未规定请假补课计入到课率（{param.clause or '未规定'}）",
            field="补课",
            rule="C08",
            clause=clause,
        )
    if tc.state not in (ClassState.IN_TRAINING, ClassState.ENDED):
        raise Refusal("补课须在结业考核前完成", field="补课日期", rule="C08", clause=clause)
    if made_up_on < leave.lesson_date:
        raise Refusal("补课日期早于请假日期", field="补课日期", value=made_up_on.isoformat())
    if not video_ref.strip():
        raise Refusal("补课须全程录像，请填写录像编号", field="补课录像编号", rule="C08", clause=clause)
    if leave.made_up_on is not None:
        raise Refusal("该次请假已登记补课", field="补课")
    leave.made_up_on = made_up_on
    leave.make_up_video_ref = video_ref.strip()[:128]
    leave.save(update_fields=["made_up_on", "make_up_video_ref"])
    event_record(
        actor=actor,
        action="leave.made_up",
        obj=leave,
        scope=tc,
        payload={"class": tc.ref, "made_up_on": made_up_on.isoformat()},
    )
    return leave


# --- lesson videos --------------------------------------------------------------------------------------


def _lesson(tc: TrainingClass, v: LessonVideo, number: int) -> rules.LessonVideo:
    return rules.LessonVideo(
        lesson=number,
        day=v.lesson_date,
        kind=v.kind,  # type: ignore[arg-type]
        scheduled_minutes=v.hours * tc.minutes_per_hour,
        recorded_minutes=v.filmed_minutes,
        continuous_minutes_per_hour=tuple(int(m) for m in v.continuous_minutes_per_hour),
        not_all_visible=v.not_all_visible,
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def video_record(
    *,
    actor: User,
    training_class: TrainingClass,
    lesson_date: dt.date,
    kind: str,
    hours: int,
    filmed_minutes: int,
    continuous_minutes_per_hour: list[int],
    not_all_visible: int,
    video_ref: str,
) -> LessonVideo:
    """A lesson's video (C04 refused when short; C05 forfeits the class's subsidy at the profile's count;
    C06 kept until lesson date + the profile's retention years)."""
    tc = _locked(training_class)
    _own_institution(actor, tc)
    profile = _profile(tc)
    if tc.state not in (ClassState.IN_TRAINING, ClassState.ENDED):
        raise Refusal(f"培训班当前状态为“{tc.get_state_display()}”，不能登记授课录像", field="状态")
    if kind not in LessonKind.values:
        raise Refusal("课程类型应为理论或实操", field="课程类型", value=kind)
    if hours < 1:
        raise Refusal("课时数至少为 1", field="课时数", value=str(hours))
    if not tc.start_date <= lesson_date <= tc.end_date:
        raise Refusal("授课日期须在培训期间内", field="授课日期", value=lesson_date.isoformat())
    if kind == LessonKind.PRACTICAL and len(continuous_minutes_per_hour) != hours:
        raise Refusal(
            f"实操课须逐学时填写最长连续录像分钟数（{hours} 个学时，填写了 {len(continuous_minutes_per_hour)} 个）",
            field="每学时连续录像分钟数",
            rule="C04",
            clause=profile.cite("min_practical_video_minutes_per_hour")
            if profile.param("min_practical_video_minutes_per_hour").is_set
            else profile.rule_clause("C04"),
        )
    if not video_ref.strip():
        raise Refusal("请填写录像编号", field="录像编号")
    if LessonVideo.objects.filter(training_class=tc, lesson_date=lesson_date, kind=kind).exists():
        raise Refusal("该日该类型课程的录像已登记", field="授课日期", value=lesson_date.isoformat())
    years = profile.get("video_retention_years")
    video = LessonVideo(
        training_class=tc,
        lesson_date=lesson_date,
        kind=kind,
        hours=hours,
        filmed_minutes=filmed_minutes,
        continuous_minutes_per_hour=[int(m) for m in continuous_minutes_per_hour]
        if kind == LessonKind.PRACTICAL
        else [],
        not_all_visible=not_all_visible,
        video_ref=video_ref.strip()[:128],
        retain_until=_add_years(lesson_date, int(years)) if years is not None else None,
        recorded_by=actor,
    )
    earlier = list(LessonVideo.objects.filter(training_class=tc).order_by("lesson_date", "id"))
    c04 = [v for v in rules.check_video(profile, [_lesson(tc, video, len(earlier) + 1)]) if v.rule == "C04"]
    if c04:
        raise Refusal.from_violations("授课录像不符合要求，未登记", c04)
    video.save()
    lessons = [_lesson(tc, v, i) for i, v in enumerate([*earlier, video], start=1)]
    summary = Summary.objects.select_for_update().get(training_class=tc)
    summary.not_all_visible_total = sum(v.not_all_visible for v in lessons)
    c05 = [v for v in rules.check_video(profile, lessons) if v.rule == "C05"]
    newly_forfeited = bool(c05) and not summary.subsidy_forfeited
    if c05:
        summary.subsidy_forfeited = True
        summary.forfeit_reason = c05[0].render()[:200]
    summary.save()
    event_record(
        actor=actor,
        action="lesson.video_recorded",
        obj=video,
        scope=tc,
        payload={"class": tc.ref, "not_all_visible_total": summary.not_all_visible_total},
    )
    if newly_forfeited:
        event_record(
            actor=actor,
            action="class.subsidy_forfeited",
            obj=tc,
            from_state=tc.state,
            to_state=tc.state,
            payload={"rule": "C05", "reason": summary.forfeit_reason},
        )
    return video


# --- end of training, satisfaction --------------------------------------------------------------------


@transaction.atomic
def class_end(*, actor: User, training_class: TrainingClass, today: dt.date | None = None) -> TrainingClass:
    """in_training → ended, on or after the end date; the trained headcount is the average present at
    the inspections (C02), never more than the opening headcount."""
    today = today or timezone.localdate()
    tc = _locked(training_class)
    _supervisor_or_own(actor, tc)
    if tc.state != ClassState.IN_TRAINING:
        raise Refusal(f"培训班当前状态为“{tc.get_state_display()}”，不能结业", field="状态")
    if today < tc.end_date:
        raise Refusal(
            f"结业日期为 {tc.end_date.isoformat()}，不能提前结业", field="结业日期", value=today.isoformat()
        )
    counts = list(Inspection.objects.filter(training_class=tc).values_list("trainees_present", flat=True))
    # C02 for a purely online class, which no inspector visits: the trainees whose valid online hours
    # (D04, judged from the platform's logs) cover the class's online hours.
    from_logs = not counts and tc.delivery == Delivery.ONLINE
    if not counts and not from_logs:
        raise Refusal(
            "本班尚无培训期间检查记录：培训期间至少进行一次实地检查或随机抽查，培训人数以检查在位平均人数为准",
            field="培训期间检查",
            rule="C01",
            clause=_profile(tc).rule_clause("C01"),
        )
    summary = Summary.objects.select_for_update().get(training_class=tc)
    if from_logs:
        trained = trained_from_logs(tc)
        if summary.opening_headcount is not None:
            trained = min(trained, summary.opening_headcount)
    else:
        trained = rules.trained_headcount(counts, opening_headcount=summary.opening_headcount)
    summary.trained_headcount = trained
    summary.inspections_counted = len(counts)
    summary.ended_on = today
    summary.save()
    from_state = tc.state
    tc.state = ClassState.ENDED
    tc.save(update_fields=["state", "updated_at"])
    event_record(
        actor=actor,
        action="class.ended",
        obj=tc,
        from_state=from_state,
        to_state=tc.state,
        payload={
            "trained_headcount": trained,
            "inspections": len(counts),
            "from_logs": from_logs,
            "rule": "C02",
        },
    )
    return tc


@transaction.atomic
def satisfaction_record(
    *, actor: User, training_class: TrainingClass, surveyed: int, satisfied: int, today: dt.date | None = None
) -> Summary:
    """C09: the survey after training; below the profile's minimum its effect is recorded (XC23: the
    class's assessment is suspended; ZZ21/HC21: the institution stops opening classes for a period)."""
    today = today or timezone.localdate()
    tc = _locked(training_class)
    _supervisor(actor, tc)
    profile = _profile(tc)
    if tc.state != ClassState.ENDED:
        raise Refusal(
            f"培训班当前状态为“{tc.get_state_display()}”：满意度调查在培训结束后、申请考核前进行",
            field="状态",
        )
    if surveyed < 1 or satisfied < 0 or satisfied > surveyed:
        raise Refusal(
            "调查人数至少 1 人，满意人数不能超过调查人数", field="满意人数", value=f"{satisfied}/{surveyed}"
        )
    share = (Decimal(satisfied) / Decimal(surveyed)).quantize(Decimal("0.0001"))
    outcome = rules.satisfaction_effect(profile, Decimal(satisfied) / Decimal(surveyed))
    summary = Summary.objects.select_for_update().get(training_class=tc)
    summary.surveyed, summary.satisfied, summary.satisfaction_share = surveyed, satisfied, share
    summary.satisfaction_effect = outcome.effect if outcome else ""
    summary.assessment_suspended = outcome is not None and outcome.effect == "suspend_assessment"
    months = outcome.rectification_months if outcome else None
    summary.rectify_until = rules.add_months(today, months) if months else None
    summary.save()
    event_record(
        actor=actor,
        action="class.satisfaction_recorded",
        obj=tc,
        from_state=tc.state,
        to_state=tc.state,
        payload={
            "share": str(share),
            "effect": summary.satisfaction_effect,
            "message": outcome.violation.render() if outcome else "",
        },
    )
    if summary.satisfaction_effect == "stop_opening" and tc.institution.status != Organisation.Status.EXITED:
        # C09 → I01: the institution opens no class (nor is prepaid or claims) until the rectification
        # period ends, or two bureau staff lift the stop.
        orgs.sanction_impose(
            actor=actor,
            organisation=tc.institution,
            kind=Sanction.Kind.STOP_OPENING,
            rule="C09",
            decision=f"培训满意率 {share * 100:.2f}% 低于规定，停止培训开班，整改至 {summary.rectify_until}",
            reference=f"培训班 {tc.ref} 满意度调查（{surveyed} 人，满意 {satisfied} 人，{today.isoformat()}）",
            starts_on=today,
            ends_on=summary.rectify_until,
            by_rule=True,
            today=today,
        )
    return summary
