"""The class lifecycle: apply → roster → submit (A/D rules) → two department and two bureau signatures (F09)."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.training import services
from jineng.training.models import ClassReview, ClassState, Enrolment, TrainingClass
from jineng.training.selectors import classes_visible, review_queue
from jineng.training.tests.factories import (
    APPLIED,
    approved_class,
    class_input,
    draft_class,
    prepared_institution,
    submitted_class,
    with_roster,
)

pytestmark = pytest.mark.django_db


def test_create_writes_a_draft_with_its_event(world: World) -> None:
    tc = draft_class(world)
    assert tc.state == ClassState.DRAFT
    assert tc.ref == f"KB2021410105{tc.pk:06d}"
    assert tc.teachers.count() == 2
    event = Event.objects.get(action="class.created", object_id=str(tc.pk))
    assert event.to_state == "draft" and event.organisation_id == world.zz_school.pk


def test_only_an_institution_clerk_applies(world: World) -> None:
    teachers = prepared_institution(world)
    with pytest.raises(Refusal, match="培训机构经办人"):
        services.class_create(actor=world.users["hr_admin"], data=class_input(world, teachers))
    assert not TrainingClass.objects.exists()


def test_hours_must_add_up(world: World) -> None:
    teachers = prepared_institution(world)
    with pytest.raises(Refusal, match="之和不等于总课时"):
        services.class_create(
            actor=world.users["institution"], data=class_input(world, teachers, theory_hours=40)
        )


def test_a05_submit_refused_below_the_practical_share_and_nothing_changes(world: World) -> None:
    # ZZ21 requires 65% practical: 60 of 100 fails (it would pass XC23's 60%).
    tc = with_roster(world, draft_class(world, theory_hours=40, practical_hours=60))
    with pytest.raises(Refusal) as caught:
        services.class_submit(actor=world.users["institution"], training_class=tc, today=APPLIED)
    rules = [v.rule for v in caught.value.violations]
    assert rules == ["A05"]
    assert "65%" in caught.value.violations[0].message
    assert "ZZ21" in caught.value.violations[0].clause
    tc.refresh_from_db()
    assert tc.state == ClassState.DRAFT and tc.submitted_at is None
    assert not Event.objects.filter(action="class.submitted").exists()


def test_a01_a02_ratios_judged_on_the_roster(world: World) -> None:
    # 2 teachers and 2 workstations, 30 planned but 41 on the roster: both 1:20 ratios break, on 41.
    tc = with_roster(world, draft_class(world, planned_trainees=30, workstations=2), n=41)
    with pytest.raises(Refusal) as caught:
        services.class_submit(actor=world.users["institution"], training_class=tc, today=APPLIED)
    assert [v.rule for v in caught.value.violations] == ["A01", "A02"]
    assert all("41" in v.message for v in caught.value.violations)


def test_submit_without_roster_refused(world: World) -> None:
    tc = draft_class(world)
    with pytest.raises(Refusal, match="花名册"):
        services.class_submit(actor=world.users["institution"], training_class=tc, today=APPLIED)


def test_a10_submit_freezes_profile_and_sets_the_department_deadline(world: World) -> None:
    tc = submitted_class(world)
    assert tc.state == ClassState.SUBMITTED
    assert (tc.profile_code, tc.profile_version, tc.review_round) == ("ZZ21", 1, 1)
    # 2021-05-10 (Mon) + 5 working days = 2021-05-17 (Mon).
    assert tc.review_due == dt.date(2021, 5, 17)


def test_f09_four_signatures_in_order_approve(world: World) -> None:
    tc = submitted_class(world)
    assert list(review_queue(world.users["dept_first"])) == [tc]
    assert list(review_queue(world.users["dept_second"])) == []
    tc = services.class_review(
        actor=world.users["dept_first"], training_class=tc, decision="pass", today=APPLIED
    )
    assert tc.state == ClassState.SUBMITTED
    assert list(review_queue(world.users["dept_second"])) == [tc]
    tc = services.class_review(
        actor=world.users["dept_second"], training_class=tc, decision="pass", today=APPLIED
    )
    assert tc.state == ClassState.DEPT_REVIEWED
    assert tc.review_due == dt.date(2021, 5, 17)
    tc = services.class_review(
        actor=world.users["hr_first"], training_class=tc, decision="pass", today=APPLIED
    )
    tc = services.class_review(
        actor=world.users["hr_second"], training_class=tc, decision="pass", today=APPLIED
    )
    assert tc.state == ClassState.APPROVED and tc.review_due is None and tc.approved_at is not None
    signatures = list(
        ClassReview.objects.filter(training_class=tc).values_list("stage", "step", "reviewer__username")
    )
    assert signatures == [
        ("dept", "first", "zz_dept_first"),
        ("dept", "second", "zz_dept_second"),
        ("hr", "first", "zz_hr_first"),
        ("hr", "second", "zz_hr_second"),
    ]
    actions = list(
        Event.objects.filter(object_id=str(tc.pk), object_type="training.TrainingClass")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "class.review.dept.first",
        "class.review.dept.second",
        "class.review.hr.first",
        "class.review.hr.second",
    ]


def test_f09_second_reviewer_cannot_sign_first(world: World) -> None:
    tc = submitted_class(world)
    with pytest.raises(Refusal, match="F09"):
        services.class_review(actor=world.users["dept_second"], training_class=tc, decision="pass")
    assert not ClassReview.objects.exists()


def test_f09_bureau_cannot_sign_before_the_department(world: World) -> None:
    tc = submitted_class(world)
    with pytest.raises(Refusal, match="F09"):
        services.class_review(actor=world.users["hr_first"], training_class=tc, decision="pass")


def test_department_of_another_city_cannot_review(world: World) -> None:
    tc = submitted_class(world)
    with pytest.raises(Refusal):
        services.class_review(actor=world.outsiders["dept_first"], training_class=tc, decision="pass")
    assert not ClassReview.objects.exists()


def test_return_needs_a_comment_and_starts_a_new_round(world: World) -> None:
    tc = submitted_class(world)
    with pytest.raises(Refusal, match="意见"):
        services.class_review(actor=world.users["dept_first"], training_class=tc, decision="return")
    tc = services.class_review(
        actor=world.users["dept_first"], training_class=tc, decision="return", comment="实训场地照片不清晰"
    )
    assert tc.state == ClassState.RETURNED and tc.return_comment == "实训场地照片不清晰"
    tc = services.class_submit(actor=world.users["institution"], training_class=tc, today=APPLIED)
    assert tc.review_round == 2 and tc.return_comment == ""
    # The first reviewer signs again in the new round.
    assert list(review_queue(world.users["dept_first"])) == [tc]


def test_withdraw_and_cancel(world: World) -> None:
    tc = submitted_class(world)
    with pytest.raises(Refusal):
        services.class_cancel(actor=world.users["hr_first"], training_class=tc, reason="")
    tc = services.class_withdraw(actor=world.users["institution"], training_class=tc, reason="调整计划")
    assert tc.state == ClassState.WITHDRAWN
    with pytest.raises(Refusal, match="不能撤回"):
        services.class_withdraw(actor=world.users["institution"], training_class=tc)
    other = approved_class(world, batch="2021-电工-02")
    other = services.class_cancel(
        actor=world.users["hr_first"], training_class=other, reason="场地不符合要求"
    )
    assert other.state == ClassState.CANCELLED


def test_visibility(world: World) -> None:
    tc = submitted_class(world)
    draft = draft_class(world, batch="草稿")
    assert set(classes_visible(world.users["institution"])) == {tc, draft}
    assert list(classes_visible(world.users["hr_first"])) == [tc]  # drafts are the clerk's own
    assert list(classes_visible(world.users["dept_first"])) == [tc]
    assert list(classes_visible(world.outsiders["hr_first"])) == []
    assert list(classes_visible(world.outsiders["institution"])) == []
    assert list(classes_visible(world.users["trainee"])) == []
    assert list(classes_visible(world.users["evaluator"])) == []


def test_roster_replaced_whole(world: World) -> None:
    tc = with_roster(world, draft_class(world), n=10)
    assert Enrolment.objects.filter(training_class=tc).count() == 10
    tc = with_roster(world, tc, n=5)
    assert Enrolment.objects.filter(training_class=tc).count() == 5
