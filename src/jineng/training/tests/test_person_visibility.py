"""An institution sees the trainees on its own rosters, whoever registered them first (people.selectors)."""

from __future__ import annotations

from jineng.conftest import World
from jineng.people.models import Person
from jineng.people.selectors import persons_visible
from jineng.training.models import Enrolment
from jineng.training.tests.factories import draft_class, with_roster


def test_institution_sees_a_trainee_on_its_roster_registered_by_another_organisation(world: World) -> None:
    # Given a class of the Zhengzhou school with 3 trainees, one of whom is re-labelled as registered by the Xuchang school
    tc = with_roster(world, draft_class(world), n=3)
    people = list(Person.objects.filter(enrolments__training_class=tc).order_by("pk"))
    Person.objects.filter(pk=people[0].pk).update(registered_by_organisation=world.xc_school)
    # When the school's clerk and the Xuchang school's clerk list persons
    mine = set(persons_visible(world.users["institution"]).values_list("pk", flat=True))
    theirs = set(persons_visible(world.outsiders["institution"]).values_list("pk", flat=True))
    # Then the clerk sees all three (one through the roster only); Xuchang sees the one it registered and no roster row
    assert {p.pk for p in people} <= mine
    assert theirs & {p.pk for p in people} == {people[0].pk}


def test_institution_does_not_see_trainees_of_another_institutions_class(world: World) -> None:
    # Given a class of the Zhengzhou school whose 2 trainees are registered by nobody
    tc = with_roster(world, draft_class(world), n=2)
    ids = list(Enrolment.objects.filter(training_class=tc).values_list("person_id", flat=True))
    Person.objects.filter(pk__in=ids).update(registered_by_organisation=None)
    # When the Zhengzhou evaluation station (another organisation, same city) lists persons
    visible = persons_visible(world.users["evaluator"])
    # Then none of them is listed, and each appears once for the school (no duplicate rows from the join)
    assert not visible.filter(pk__in=ids).exists()
    assert persons_visible(world.users["institution"]).filter(pk__in=ids).count() == 2


def test_department_reviewer_sees_and_exports_only_trainees_of_his_departments_classes(world: World) -> None:
    # Given a class of the city's 工信局 with 2 trainees and a class of the 教育局 with 2 others, and 李明
    # registered in the city but on no roster (least privilege for personal data, issue 12)
    from jineng.supervision.tests.factory import make_class

    mine = make_class(world, trainees=2, department=world.zz_industry)
    theirs = make_class(world, trainees=2, department=world.zz_education, seq=1)
    mine_ids = set(Enrolment.objects.filter(training_class=mine).values_list("person_id", flat=True))
    their_ids = set(Enrolment.objects.filter(training_class=theirs).values_list("person_id", flat=True))
    reviewer = world.users["dept_first"]  # 市工信局
    # When he lists persons, and exports the list
    visible = set(persons_visible(reviewer).values_list("pk", flat=True))
    response = world.client(reviewer).get("/people/", {"format": "xlsx"})
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    # Then he sees exactly his department's trainees, in the list and in the export
    assert visible == mine_ids
    assert exported == set(Person.objects.filter(pk__in=mine_ids).values_list("name", flat=True))
    assert not visible & their_ids and world.zz_person.pk not in visible
    # And a detail page of somebody else's trainee is not found
    other = next(iter(their_ids))
    assert world.client(reviewer).get(f"/people/{other}/").status_code == 404
    # While the bureau's reviewer still sees all of them
    assert mine_ids | their_ids | {world.zz_person.pk} <= set(
        persons_visible(world.users["hr_first"]).values_list("pk", flat=True)
    )
