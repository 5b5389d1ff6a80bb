"""A class built straight through the ORM (the lifecycle up to approval is another app's): approved,
with a few enrolled trainees. Shared by the supervision and assessment tests and scope cases."""

from __future__ import annotations

import datetime as dt

from jineng.catalogue.models import Occupation, OccupationCertificate
from jineng.catalogue.tests.helpers import body_filed
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Department, Region
from jineng.training.models import ClassState, Enrolment, TrainingClass
from jineng.training.tests.factories import unique_id_number

START = dt.date(2021, 6, 1)
END = dt.date(2021, 6, 30)


def occupation() -> Occupation:
    occ, created = Occupation.objects.get_or_create(
        code="6-31-01-03",
        defaults={"name": "电工", "major_code": "6", "middle_code": "6-31", "minor_code": "6-31-01"},
    )
    if created:
        OccupationCertificate.objects.create(occupation=occ, kind="skill_level")
        OccupationCertificate.objects.create(occupation=occ, kind="completion")
    return occ


def make_class(
    w: World,
    *,
    trainees: int = 3,
    state: str = ClassState.APPROVED,
    region: Region | None = None,
    institution: Organisation | None = None,
    department: Department | None = None,
    start: dt.date = START,
    end: dt.date = END,
    year: int | None = None,
    target: str = "skill_level",
    seq: int = 0,
) -> TrainingClass:
    region = region or w.jinshui
    institution = institution or w.zz_school
    department = department or w.zz_industry
    n = TrainingClass.objects.count() + 1 + seq
    tc = TrainingClass.objects.create(
        ref=f"KBTEST{n:06d}",
        institution=institution,
        region=region,
        department=department,
        year=year or start.year,
        state=state,
        contact_name="赵敏",
        contact_phone="13838105678",
        bank_name="中国银行",
        bank_account="6222020200112233445",
        batch="第1期",
        start_date=start,
        end_date=end,
        occupation=occupation(),
        level=4,
        target_certificate=target,
        planned_trainees=trainees,
        total_hours=80,
        theory_hours=24,
        practical_hours=56,
        minutes_per_hour=45,
        mode="institution",
        funding_type="employment",
        workstations=20,
        venue="郑州市金水区文化路 1 号",
        created_by=w.users[Role.INSTITUTION],
    )
    body_filed(w.zz_station, tc.occupation)  # I09: the world's station is filed for what it assesses
    for i in range(trainees):
        number = unique_id_number(tc.pk * 100 + i, region.code or "410105")
        person, _ = Person.objects.get_or_create(
            id_number=number,
            defaults={
                "name": f"学员{tc.pk}-{i + 1}",
                "sex": "男",
                "birth_date": dt.date(1990, 1, 1),
                "region": region,
            },
        )
        Enrolment.objects.create(training_class=tc, person=person, row=i + 2)
    return tc


def xuchang_class(w: World, **kw: object) -> TrainingClass:
    return make_class(
        w,
        region=w.weidu,
        institution=w.xc_school,
        department=w.xc_industry,
        start=dt.date(2023, 6, 1),
        end=dt.date(2023, 6, 30),
        **kw,  # type: ignore[arg-type]
    )
