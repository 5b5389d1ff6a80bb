"""Supervision services: opening (A10, C02), inspections (C01, C03), check-ins (C07), leave (C08),
videos (C04, C05, C06), end of training (C02 trained headcount) and satisfaction (C09)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.supervision import services as s
from jineng.supervision.models import CheckIn, Inspection, LessonVideo, Summary
from jineng.supervision.tests.factory import END, START, make_class, xuchang_class
from jineng.training.models import ClassState, TrainingClass

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def opened(w: World, *, trainees: int = 20, xc: bool = False) -> TrainingClass:
    tc = xuchang_class(w, trainees=trainees) if xc else make_class(w, trainees=trainees)
    users = w.outsiders if xc else w.users
    return s.class_open(
        actor=users[Role.INSPECTOR],
        training_class=tc,
        present=trainees,
        signed_in=trainees,
        materials_kept=True,
        today=tc.start_date,
    )


def test_a10_opening_before_approval_refused(world: World) -> None:
    tc = make_class(world, state=ClassState.DEPT_REVIEWED)
    with pytest.raises(Refusal) as exc:
        s.class_open(
            actor=world.users[Role.INSPECTOR],
            training_class=tc,
            present=3,
            signed_in=3,
            materials_kept=True,
            today=START,
        )
    assert exc.value.rule == "A10" and "ZZ21 六(一)" in exc.value.clause
    assert "A10" in exc.value.render() and "未经审核批准" in exc.value.render()
    tc.refresh_from_db()
    assert tc.state == ClassState.DEPT_REVIEWED and not Summary.objects.exists()


def test_a10_opening_before_start_date_refused(world: World) -> None:
    tc = make_class(world)
    with pytest.raises(Refusal) as exc:
        s.class_open(
            actor=world.users[Role.INSPECTOR],
            training_class=tc,
            present=3,
            signed_in=3,
            materials_kept=True,
            today=START - dt.timedelta(days=1),
        )
    assert exc.value.rule == "A10"
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.APPROVED


def test_c02_opening_records_actual_headcount_and_starts_training(world: World) -> None:
    tc = make_class(world, trainees=3)
    s.class_open(
        actor=world.users[Role.HR_FIRST],
        training_class=tc,
        present=2,
        signed_in=2,
        materials_kept=True,
        today=START,
    )
    tc.refresh_from_db()
    assert tc.state == ClassState.IN_TRAINING
    assert Summary.objects.get(training_class=tc).opening_headcount == 2
    event = Event.objects.get(action="class.opened")
    assert (event.from_state, event.to_state) == ("approved", "in_training")


def test_c02_opening_headcount_above_roster_refused(world: World) -> None:
    tc = make_class(world, trainees=3)
    with pytest.raises(Refusal) as exc:
        s.class_open(
            actor=world.users[Role.INSPECTOR],
            training_class=tc,
            present=4,
            signed_in=3,
            materials_kept=True,
            today=START,
        )
    assert exc.value.rule == "C02"


def test_opening_by_institution_refused(world: World) -> None:
    tc = make_class(world)
    with pytest.raises(Refusal):
        s.class_open(
            actor=world.users[Role.INSTITUTION],
            training_class=tc,
            present=3,
            signed_in=3,
            materials_kept=True,
            today=START,
        )


def test_c02_trained_headcount_is_average_of_inspections_18_17_16(world: World) -> None:
    tc = opened(world, trainees=20)
    for day, present in ((5, 18), (12, 17), (19, 16)):
        s.inspection_record(
            actor=world.users[Role.INSPECTOR],
            training_class=tc,
            at=at(START + dt.timedelta(days=day)),
            place="实训楼 201",
            teachers_present="王老师、李老师",
            trainees_present=present,
        )
    s.class_end(actor=world.users[Role.INSTITUTION], training_class=tc, today=END)
    summary = Summary.objects.get(training_class=tc)
    assert summary.trained_headcount == 17 and summary.inspections_counted == 3
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.ENDED
    assert Event.objects.get(action="class.ended").payload["trained_headcount"] == 17


def test_c01_end_without_any_inspection_refused(world: World) -> None:
    tc = opened(world, trainees=5)
    with pytest.raises(Refusal) as exc:
        s.class_end(actor=world.users[Role.INSTITUTION], training_class=tc, today=END)
    assert exc.value.rule == "C01" and "C01" in exc.value.render()
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.IN_TRAINING


def test_class_end_before_end_date_refused(world: World) -> None:
    tc = opened(world, trainees=5)
    with pytest.raises(Refusal):
        s.class_end(actor=world.users[Role.INSTITUTION], training_class=tc, today=END - dt.timedelta(days=1))


def test_c01_inspection_needs_place_and_teachers(world: World) -> None:
    tc = opened(world, trainees=5)
    with pytest.raises(Refusal) as exc:
        s.inspection_record(
            actor=world.users[Role.INSPECTOR],
            training_class=tc,
            at=at(START),
            place="",
            teachers_present="王",
            trainees_present=5,
        )
    assert exc.value.rule == "C01"
    assert not Inspection.objects.exists()


def test_c03_remote_inspection_refused_where_profile_does_not_allow(world: World) -> None:
    tc = opened(world, trainees=5)  # ZZ21: remote_supervision_replaces_onsite not set
    with pytest.raises(Refusal) as exc:
        s.inspection_record(
            actor=world.users[Role.INSPECTOR],
            training_class=tc,
            at=at(START),
            place="远程",
            teachers_present="王",
            trainees_present=5,
            remote=True,
        )
    assert exc.value.rule == "C03"


def test_c03_remote_inspection_accepted_under_xc23(world: World) -> None:
    tc = opened(world, trainees=5, xc=True)
    inspection = s.inspection_record(
        actor=world.outsiders[Role.INSPECTOR],
        training_class=tc,
        at=at(tc.start_date),
        place="远程视频巡查",
        teachers_present="王",
        trainees_present=5,
        remote=True,
    )
    assert inspection.remote


def test_c07_checkin_ingestion_is_idempotent_and_reports_bad_rows(world: World) -> None:
    tc = opened(world, trainees=3)
    numbers = list(tc.enrolments.values_list("person__id_number", flat=True))
    rows = [s.CheckInRow(n, at(START, 8), True, "FACE-01") for n in numbers]
    rows.append(s.CheckInRow(numbers[0], at(START, 8), True, "FACE-01"))  # twice in the batch
    rows.append(s.CheckInRow("410105198001011238", at(START, 8), True, "FACE-01"))  # bad checksum
    rows.append(s.CheckInRow(world.zz_person.id_number, at(START, 8), True, "FACE-01"))  # not on the roster
    report = s.checkins_ingest(actor=world.users[Role.INSTITUTION], training_class=tc, rows=rows)
    assert (report.received, report.stored, report.duplicates) == (6, 3, 1)
    assert [r["row"] for r in report.refused] == [5, 6]
    again = s.checkins_ingest(actor=world.users[Role.INSTITUTION], training_class=tc, rows=rows)
    assert (again.stored, again.duplicates) == (0, 4)
    assert CheckIn.objects.filter(training_class=tc).count() == 3


def test_c08_leave_needs_written_request(world: World) -> None:
    tc = opened(world, trainees=3, xc=True)
    enrolment = tc.enrolments.first()
    assert enrolment is not None
    with pytest.raises(Refusal) as exc:
        s.leave_record(
            actor=world.outsiders[Role.INSTITUTION],
            enrolment=enrolment,
            lesson_date=tc.start_date,
            reason="病假",
            written=False,
        )
    assert exc.value.rule == "C08"


def test_c08_make_up_counts_toward_attendance(world: World) -> None:
    from jineng.supervision.selectors import attendance

    tc = opened(world, trainees=2, xc=True)
    clerk = world.outsiders[Role.INSTITUTION]
    first = tc.enrolments.order_by("row").first()
    assert first is not None
    s.checkins_ingest(
        actor=clerk,
        training_class=tc,
        rows=[s.CheckInRow(first.person.id_number, at(tc.start_date), True, "D1")],
    )
    leave = s.leave_record(
        actor=clerk, enrolment=first, lesson_date=tc.start_date + dt.timedelta(days=1), reason="病假"
    )
    with pytest.raises(Refusal) as exc:
        s.leave_make_up(
            actor=clerk, leave=leave, made_up_on=tc.start_date + dt.timedelta(days=3), video_ref=""
        )
    assert exc.value.rule == "C08"
    s.leave_make_up(
        actor=clerk, leave=leave, made_up_on=tc.start_date + dt.timedelta(days=3), video_ref="VID-9"
    )
    row = attendance(tc)[0]
    assert (row.days_checked_in, row.leaves, row.made_up, row.attended) == (1, 1, 1, 2)


def test_c08_make_up_refused_where_profile_does_not_provide_it(world: World) -> None:
    tc = opened(world, trainees=2)
    clerk = world.users[Role.INSTITUTION]
    enrolment = tc.enrolments.first()
    assert enrolment is not None
    leave = s.leave_record(actor=clerk, enrolment=enrolment, lesson_date=START, reason="病假")
    with pytest.raises(Refusal) as exc:
        s.leave_make_up(actor=clerk, leave=leave, made_up_on=START + dt.timedelta(days=2), video_ref="V")
    assert exc.value.rule == "C08"


def video(w: World, tc: TrainingClass, day: int, **kw: object) -> LessonVideo:
    args: dict[str, object] = {
        "lesson_date": tc.start_date + dt.timedelta(days=day),
        "kind": "practical",
        "hours": 2,
        "filmed_minutes": 60,
        "continuous_minutes_per_hour": [20, 16],
        "not_all_visible": 0,
        "video_ref": f"VID-{day}",
    }
    args.update(kw)
    actor = (
        w.outsiders[Role.INSTITUTION] if tc.institution_id == w.xc_school.pk else w.users[Role.INSTITUTION]
    )
    return s.video_record(actor=actor, training_class=tc, **args)  # type: ignore[arg-type]


def test_c04_practical_hour_with_short_continuous_video_refused(world: World) -> None:
    tc = opened(world, trainees=2)
    with pytest.raises(Refusal) as exc:
        video(world, tc, 1, continuous_minutes_per_hour=[20, 14])
    assert exc.value.violations[0].rule == "C04" and "C04" in exc.value.violations[0].render()
    assert not LessonVideo.objects.exists()


def test_c04_theory_must_be_filmed_in_full(world: World) -> None:
    tc = opened(world, trainees=2)
    with pytest.raises(Refusal) as exc:
        video(world, tc, 1, kind="theory", hours=2, filmed_minutes=89, continuous_minutes_per_hour=[])
    assert exc.value.violations[0].rule == "C04"
    assert video(world, tc, 1, kind="theory", hours=2, filmed_minutes=90).pk


def test_c05_forfeit_at_three_not_all_visible_and_c06_retention(world: World) -> None:
    tc = opened(world, trainees=2, xc=True)
    v = video(world, tc, 1, not_all_visible=2)
    assert v.retain_until == dt.date(2026, 6, 2)  # C06: XC23 keeps video 3 years
    assert not Summary.objects.get(training_class=tc).subsidy_forfeited
    video(world, tc, 2, not_all_visible=1)
    summary = Summary.objects.get(training_class=tc)
    assert summary.subsidy_forfeited and summary.not_all_visible_total == 3
    assert "C05" in summary.forfeit_reason
    assert Event.objects.filter(action="class.subsidy_forfeited").count() == 1


def ended(w: World, *, xc: bool = False) -> TrainingClass:
    tc = opened(w, trainees=3, xc=xc)
    users = w.outsiders if xc else w.users
    s.inspection_record(
        actor=users[Role.INSPECTOR],
        training_class=tc,
        at=at(tc.start_date),
        place="教室",
        teachers_present="王",
        trainees_present=3,
    )
    return s.class_end(actor=users[Role.INSPECTOR], training_class=tc, today=tc.end_date)


def test_c09_xc23_low_satisfaction_suspends_assessment(world: World) -> None:
    tc = ended(world, xc=True)
    summary = s.satisfaction_record(
        actor=world.outsiders[Role.INSPECTOR], training_class=tc, surveyed=20, satisfied=16, today=tc.end_date
    )
    assert summary.satisfaction_share == Decimal("0.8000")
    assert summary.satisfaction_effect == "suspend_assessment" and summary.assessment_suspended
    assert "C09" in Event.objects.get(action="class.satisfaction_recorded").payload["message"]


def test_c09_zz21_low_satisfaction_records_stop_opening(world: World) -> None:
    tc = ended(world)
    summary = s.satisfaction_record(
        actor=world.users[Role.HR_FIRST], training_class=tc, surveyed=20, satisfied=16, today=END
    )
    assert summary.satisfaction_effect == "stop_opening" and not summary.assessment_suspended
    assert summary.rectify_until == dt.date(2021, 7, 30)


def test_c09_exactly_at_minimum_has_no_effect(world: World) -> None:
    tc = ended(world)
    summary = s.satisfaction_record(
        actor=world.users[Role.HR_FIRST], training_class=tc, surveyed=20, satisfied=17, today=END
    )
    assert summary.satisfaction_effect == "" and not summary.assessment_suspended
