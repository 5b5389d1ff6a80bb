"""Roster import: the whole batch is judged, a bad row refuses all of it with a full report."""

from __future__ import annotations

import pytest

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.xlsx import workbook_bytes
from jineng.people.models import Person
from jineng.training import services
from jineng.training.models import Enrolment, RosterJob
from jineng.training.roster import read_roster
from jineng.training.tests.factories import APPLIED, draft_class, fresh_rows, roster_bytes

pytestmark = pytest.mark.django_db


def _run(world: World, content: bytes) -> RosterJob:
    tc = draft_class(world)
    job = services.roster_job_create(
        actor=world.users["institution"], training_class=tc, filename="花名册.xlsx", content=content
    )
    return services.roster_job_run(job_id=job.pk, today=APPLIED)


def test_b01_bad_rows_refuse_the_whole_roster_and_nothing_is_written(world: World) -> None:
    # Given 50 rows of which row 5 has a wrong check digit, row 9 repeats row 2's number and
    # row 12 has an impossible date.
    rows = fresh_rows(50)
    good = rows[3]["id_number"]
    rows[3]["id_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows[7]["id_number"] = rows[0]["id_number"]
    rows[10]["hired_on"] = "2021-13-40"
    persons_before = Person.objects.count()
    # When the roster is checked,
    job = _run(world, roster_bytes(rows))
    # then it is refused whole, each problem named by row, column, rule.
    assert job.status == RosterJob.Status.REFUSED
    assert job.bad_rows == 3
    assert [(p["row"], p["field"], p["rule"]) for p in job.report] == [
        (5, "身份证号", "B01"),
        (9, "身份证号", "B01"),
        (12, "入职日期", "格式"),
    ]
    assert "50 行" in job.message and "3 行" in job.message
    assert Enrolment.objects.count() == 0
    assert Person.objects.count() == persons_before


def test_b03_person_in_an_unassessed_class_is_refused(world: World) -> None:
    rows = fresh_rows(3)
    first = _run(world, roster_bytes(rows))
    assert first.status == RosterJob.Status.ACCEPTED
    services.class_submit(
        actor=world.users["institution"], training_class=first.training_class, today=APPLIED
    )
    second = _run(world, roster_bytes(rows))
    assert second.status == RosterJob.Status.REFUSED
    assert {p["rule"] for p in second.report} == {"B03"}
    assert [p["row"] for p in second.report] == [2, 3, 4]


def test_accepted_roster_registers_new_persons_with_one_event_each(world: World) -> None:
    job = _run(world, roster_bytes(fresh_rows(4)))
    assert job.status == RosterJob.Status.ACCEPTED and job.message == "已导入 4 名学员"
    tc = job.training_class
    assert Enrolment.objects.filter(training_class=tc).count() == 4
    assert Event.objects.filter(action="person.registered", payload__roster_job=job.pk).count() == 4


def test_run_twice_does_nothing_the_second_time(world: World) -> None:
    job = _run(world, roster_bytes(fresh_rows(2)))
    again = services.roster_job_run(job_id=job.pk, today=APPLIED)
    assert again.status == RosterJob.Status.ACCEPTED
    assert Enrolment.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a spreadsheet", "无法读取文件"), (roster_bytes([]), "花名册中没有学员")],
)
def test_unreadable_file_fails_with_a_clear_message(world: World, content: bytes, message: str) -> None:
    job = _run(world, content)
    assert job.status == RosterJob.Status.FAILED
    assert message in job.message
    assert Enrolment.objects.count() == 0


def test_wrong_headers_name_the_missing_columns() -> None:
    result = read_roster(workbook_bytes("x", ["姓名", "身份证"], [["张三", "1"]]), max_rows=10)
    assert result.fatal.startswith("表头与花名册模板不一致，缺少列：身份证号、")
