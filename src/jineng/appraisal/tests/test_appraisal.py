"""I03–I05: the yearly evaluation of institutions from their records, the bureau's decision and its
consequences (catalogue exit published, 项目制 stopped or restored), and the employment follow-up."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from jineng.appraisal.models import FollowUp, Review
from jineng.appraisal.services import FollowUpRow, follow_ups_record, review_decide, reviews_compute
from jineng.catalogue.models import InstitutionOccupation
from jineng.claims.models import ProjectStop
from jineng.claims.tests.factories import assessed_class
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation, Sanction
from jineng.regions.services import profile_assign
from jineng.supervision.models import Summary
from jineng.training.models import TrainingClass

pytestmark = pytest.mark.django_db

SURVEYED = dt.date(2021, 12, 20)
AFTER_YEAR = dt.date(2022, 1, 15)


def year_of_one_class(w: World) -> TrainingClass:
    """An assessed class of 30: inspections found 30 and 28 present (trained 29), two failed the exam,
    28 of 30 satisfied; ten trainees followed up, seven at work."""
    tc = assessed_class(w, present=(30, 28), failing_rows=(2, 3), mode="project")
    # the survey as satisfaction_record leaves it (the shared factory applies for the exam straight away)
    Summary.objects.filter(training_class=tc).update(surveyed=30, satisfied=28)
    rows = [FollowUpRow(row, row <= 8, "郑州某电气公司" if row <= 8 else "") for row in range(2, 12)]
    follow_ups_record(
        actor=w.users["institution"], training_class=tc, rows=rows, surveyed_on=SURVEYED, today=SURVEYED
    )
    return tc


def school_review(w: World) -> Review:
    reviews = reviews_compute(actor=w.users["hr_admin"], region=w.zhengzhou, year=2021)
    return next(r for r in reviews if r.subject == "institution")


def test_i03_the_years_figures_are_computed_from_the_records(world: World) -> None:
    year_of_one_class(world)
    # When the bureau computes 2021 for Zhengzhou
    review = school_review(world)
    # Then the school's figures are those of its records
    figures = (
        review.classes, review.opening, review.trained, review.enrolled, review.passed,
        review.surveyed, review.satisfied, review.followed, review.employed,
    )  # fmt: skip
    assert figures == (1, 30, 29, 30, 28, 30, 28, 10, 7)
    assert (review.attendance, review.completion, review.employment) == (
        Decimal("0.967"),
        Decimal("0.933"),
        Decimal("0.700"),
    )
    assert review.catalogue == "pending"


def test_i04_i05_an_exit_after_the_year_ends_the_listings_records_the_sanction_and_is_published(
    world: World,
) -> None:
    # Given the city kept ZZ21 for 2022, when the evaluation of 2021 is decided
    profile_assign(actor=None, region=world.zhengzhou, year=2022, profile_code="ZZ21")
    year_of_one_class(world)
    review = school_review(world)
    # When the bureau exits the school in January and stops its 项目制 (ZZ21 三(四) provides the stop)
    decided = review_decide(
        actor=world.users["hr_second"],
        review=review,
        catalogue="exited",
        project="withdrawn",
        reason="取证率、就业率偏低，整改不到位",
        today=AFTER_YEAR,
    )
    # Then the school is exited with a sanction naming the evaluation, its listings end that day,
    # its 项目制 is stopped, and anyone sees it on the public list
    school = Organisation.objects.get(pk=world.zz_school.pk)
    assert school.status == Organisation.Status.EXITED
    sanction = Sanction.objects.get(organisation=school, kind="catalogue_exit")
    assert sanction.reference == "2021年度机构绩效评价（I04、I05）"
    assert not InstitutionOccupation.objects.filter(organisation=school, valid_to__isnull=True).exists()
    stop = ProjectStop.objects.get(institution=school)
    assert stop.reason == "2021年度绩效评价：取证率、就业率偏低，整改不到位"
    assert (decided.catalogue, decided.project, decided.decided_by) == (
        "exited",
        "withdrawn",
        world.users["hr_second"],
    )
    public = json.loads(
        world.client(world.users["trainee"]).get("/api/v1/appraisal/exited?year=2021").content
    )
    assert [(p["institution"], p["reason"]) for p in public] == [
        (school.name, "取证率、就业率偏低，整改不到位")
    ]
    with pytest.raises(Refusal, match="该评价已于"):
        review_decide(
            actor=world.users["hr_admin"],
            review=review,
            catalogue="renewed",
            project="unchanged",
            reason="改判",
        )


def test_i04_an_exit_decided_within_the_year_takes_effect_with_the_next_years_catalogue(world: World) -> None:
    year_of_one_class(world)
    review = school_review(world)
    review_decide(
        actor=world.users["hr_admin"],
        review=review,
        catalogue="exited",
        project="unchanged",
        reason="培训效果不明显",
        today=dt.date(2021, 12, 28),
    )
    school = Organisation.objects.get(pk=world.zz_school.pk)
    assert school.status == Organisation.Status.ACTIVE  # still trains this year
    assert set(
        InstitutionOccupation.objects.filter(organisation=school).values_list("valid_to", flat=True)
    ) == {dt.date(2022, 1, 1)}


def test_i03_a_profile_without_the_project_stop_refuses_it_and_nothing_is_decided(world: World) -> None:
    profile_assign(actor=None, region=world.zhengzhou, year=2022, profile_code="XC23")
    year_of_one_class(world)
    review = school_review(world)
    with pytest.raises(Refusal) as refused:
        review_decide(
            actor=world.users["hr_admin"],
            review=review,
            catalogue="renewed",
            project="withdrawn",
            reason="出勤率偏低",
            today=AFTER_YEAR,
        )
    assert refused.value.rule == "F04"
    assert refused.value.message.startswith("本政策口径未规定停止项目制资格")
    review.refresh_from_db()
    assert (review.catalogue, review.decided_at) == ("pending", None)


def test_a_renewal_with_project_granted_lifts_an_open_stop(world: World) -> None:
    from jineng.claims.prepayments import project_stop

    year_of_one_class(world)
    project_stop(
        actor=world.users["hr_admin"],
        institution=world.zz_school,
        reason="出勤率低",
        today=dt.date(2021, 9, 1),
    )
    review = school_review(world)
    review_decide(
        actor=world.users["hr_admin"],
        review=review,
        catalogue="renewed",
        project="granted",
        reason="整改后出勤、取证良好",
        today=AFTER_YEAR,
    )
    stop = ProjectStop.objects.get(institution=world.zz_school)
    assert (stop.lifted_on, stop.lift_reason) == (AFTER_YEAR, "2021年度绩效评价：整改后出勤、取证良好")


def test_follow_ups_need_an_assessed_class_a_date_after_its_end_and_its_own_rows(world: World) -> None:
    tc = year_of_one_class(world)
    clerk = world.users["institution"]
    with pytest.raises(Refusal, match="跟踪日期应在结业"):
        follow_ups_record(
            actor=clerk,
            training_class=tc,
            rows=[FollowUpRow(2, True)],
            surveyed_on=tc.end_date,
            today=SURVEYED,
        )
    with pytest.raises(Refusal, match="花名册中没有这些行：99"):
        follow_ups_record(
            actor=clerk, training_class=tc, rows=[FollowUpRow(99, True)], surveyed_on=SURVEYED, today=SURVEYED
        )
    with pytest.raises(Refusal, match="只能跟踪本机构的学员"):
        follow_ups_record(
            actor=world.outsiders["institution"],
            training_class=tc,
            rows=[FollowUpRow(2, True)],
            surveyed_on=SURVEYED,
            today=SURVEYED,
        )
    # Asked again, a trainee's latest answer stands
    follow_ups_record(
        actor=clerk,
        training_class=tc,
        rows=[FollowUpRow(9, True, "新单位")],
        surveyed_on=dt.date(2022, 3, 1),
        today=dt.date(2022, 3, 1),
    )
    again = FollowUp.objects.get(enrolment__training_class=tc, enrolment__row=9)
    assert (again.employed, again.employer, again.surveyed_on) == (True, "新单位", dt.date(2022, 3, 1))
    assert FollowUp.objects.filter(enrolment__training_class=tc).count() == 10


def test_the_page_lists_the_reviews_and_decides(world: World) -> None:
    year_of_one_class(world)
    client = world.client(world.users["hr_admin"])
    response = client.post("/appraisal/compute/", {"year": 2021, "region": world.zhengzhou.pk})
    assert response.status_code == 302
    page = client.get("/appraisal/?year=2021").content.decode()
    assert world.zz_school.name in page and "待决定" in page and "70%" in page
    review = Review.objects.get(subject="institution")
    client.post(
        f"/appraisal/{review.pk}/decide/", {"catalogue": "renewed", "project": "unchanged", "reason": "良好"}
    )
    assert Review.objects.get(subject="institution").catalogue == "renewed"


def test_i05_the_evaluation_body_is_evaluated_on_the_classes_it_assessed(world: World) -> None:
    from jineng.catalogue.models import EvaluationFiling

    year_of_one_class(world)
    reviews = reviews_compute(actor=world.users["hr_admin"], region=world.zhengzhou, year=2021)
    # Then beside the school, the station that examined its class: 1 class, 30 trainees, 28 certified
    body = next(r for r in reviews if r.subject == "evaluation_body")
    assert (body.institution_id, body.classes, body.enrolled, body.passed, body.opening) == (
        world.zz_station.pk,
        1,
        30,
        28,
        0,
    )
    assert [r.subject for r in reviews].count("institution") == 1
    # A body has no 项目制
    with pytest.raises(Refusal, match="评价机构没有项目制资格"):
        review_decide(
            actor=world.users["hr_admin"],
            review=body,
            catalogue="renewed",
            project="withdrawn",
            reason="考核把关不严",
        )
    # Exited after the year (HC21 三(一) 鉴定考核把关不严): a sanction, and its filings end that day
    review_decide(
        actor=world.users["hr_admin"],
        review=body,
        catalogue="exited",
        project="unchanged",
        reason="考核把关不严，退出评价机构目录",
        today=AFTER_YEAR,
    )
    station = Organisation.objects.get(pk=world.zz_station.pk)
    assert station.status == Organisation.Status.EXITED
    assert (
        not EvaluationFiling.objects.filter(organisation=station).exclude(valid_to__lte=AFTER_YEAR).exists()
    )
    public = json.loads(world.client(world.users["trainee"]).get("/api/v1/appraisal/exited").content)
    assert [(p["subject_label"], p["institution"]) for p in public] == [("评价机构", station.name)]
