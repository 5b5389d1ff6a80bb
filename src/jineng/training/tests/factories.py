"""Classes for tests, built through the services the way a clerk builds them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from jineng.accounts.models import User
from jineng.catalogue.models import (
    InstitutionOccupation,
    Occupation,
    OccupationCertificate,
    Teacher,
)
from jineng.catalogue.tests.helpers import body_filed
from jineng.conftest import World
from jineng.core.xlsx import workbook_bytes
from jineng.policy.identity import make_id_number
from jineng.training import services
from jineng.training.models import TrainingClass
from jineng.training.roster import COLUMNS, HEADERS

ELECTRICIAN = "6-31-01-03"
START = dt.date(2021, 6, 1)
APPLIED = dt.date(2021, 5, 10)  # a Monday


def occupation(code: str = ELECTRICIAN, name: str = "电工") -> Occupation:
    occ, _ = Occupation.objects.get_or_create(
        code=code,
        defaults={"name": name, "major_code": code[0], "middle_code": code[:4], "minor_code": code[:7]},
    )
    OccupationCertificate.objects.get_or_create(occupation=occ, kind="skill_level")
    OccupationCertificate.objects.get_or_create(occupation=occ, kind="completion")
    return occ


def prepared_institution(w: World, *, teachers: int = 2) -> list[Teacher]:
    """The Zhengzhou school listed for 电工 and with filed full-time teachers (A11, A15)."""
    occ = occupation()
    InstitutionOccupation.objects.get_or_create(
        organisation=w.zz_school, occupation=occ, defaults={"valid_from": dt.date(2020, 1, 1)}
    )
    out = []
    for i in range(teachers):
        t, _ = Teacher.objects.get_or_create(
            organisation=w.zz_school,
            name=f"教师{i + 1}",
            defaults={
                "id_number": make_id_number("410105", dt.date(1980, 1, 1 + i), 11 + i),
                "occupation": occ,
                "full_time": True,
                "filed_on": dt.date(2020, 3, 1),
            },
        )
        out.append(t)
    return out


def class_input(w: World, teachers: list[Teacher], **overrides: Any) -> services.ClassInput:
    data: dict[str, Any] = {
        "region_id": w.jinshui.pk,
        "department_id": w.zz_industry.pk,
        "contact_name": "赵敏",
        "contact_phone": "13838105678",
        "bank_name": "中国银行郑州分行",
        "bank_account": "6222020200112233445",
        "batch": "2021-电工-01",
        "start_date": START,
        "end_date": START + dt.timedelta(days=20),
        "occupation_code": ELECTRICIAN,
        "level": 4,
        "target_certificate": "skill_level",
        "planned_trainees": 30,
        "total_hours": 100,
        "theory_hours": 30,
        "practical_hours": 70,
        "minutes_per_hour": 45,
        "mode": "institution",
        "funding_type": "employment",
        "workstations": 30,
        "venue": "郑州市金水区文化路 80 号实训楼",
        "teacher_ids": [t.pk for t in teachers],
    }
    data.update(overrides)
    return services.ClassInput(**data)


def unique_id_number(n: int, area: str = "410105") -> str:
    """The n-th distinct valid ID: 900 sequence numbers per birth day, so birth dates stay in the past
    for millions of n (database ids and counters grow without bound on PostgreSQL)."""
    return make_id_number(area, dt.date(1960, 1, 1) + dt.timedelta(days=n // 900), n % 900 + 1)


def roster_row(n: int, **overrides: Any) -> dict[str, Any]:
    row = {c.attr: c.example for c in COLUMNS}
    row.update(
        name=f"学员{n}",
        id_number=unique_id_number(n, "410102"),
        phone=f"138{n:08d}",
        is_employee="否",
        post_occupation="",
        hired_on="",
    )
    row.update(overrides)
    return row


def roster_bytes(rows: list[dict[str, Any]]) -> bytes:
    return workbook_bytes("花名册", HEADERS, ([r.get(c.attr, "") for c in COLUMNS] for r in rows))


def draft_class(w: World, **overrides: Any) -> TrainingClass:
    teachers = prepared_institution(w)
    tc = services.class_create(actor=w.users["institution"], data=class_input(w, teachers, **overrides))
    # I09: the world's evaluation station is filed for what the tests have it assess.
    body_filed(w.zz_station, tc.occupation)
    return tc


# Each roster gets people nobody else has: a person already in an unassessed class is refused (B03).
_people = itertools.count(1000)


def fresh_rows(n: int) -> list[dict[str, Any]]:
    return [roster_row(next(_people)) for _ in range(n)]


def with_roster(w: World, tc: TrainingClass, n: int = 30, *, today: dt.date = APPLIED) -> TrainingClass:
    clerk: User = w.users["institution"]
    job = services.roster_job_create(
        actor=clerk,
        training_class=tc,
        filename="花名册.xlsx",
        content=roster_bytes(fresh_rows(n)),
    )
    job = services.roster_job_run(job_id=job.pk, today=today)
    assert job.status == "accepted", job.report[:5]
    tc.refresh_from_db()
    return tc


def submitted_class(w: World, *, trainees: int = 30, **overrides: Any) -> TrainingClass:
    overrides.setdefault("planned_trainees", max(trainees, 1))
    tc = with_roster(w, draft_class(w, **overrides), trainees)
    return services.class_submit(actor=w.users["institution"], training_class=tc, today=APPLIED)


def approved_class(w: World, **overrides: Any) -> TrainingClass:
    tc = submitted_class(w, **overrides)
    for role in ("dept_first", "dept_second", "hr_first", "hr_second"):
        tc = services.class_review(actor=w.users[role], training_class=tc, decision="pass", today=APPLIED)
    return tc
