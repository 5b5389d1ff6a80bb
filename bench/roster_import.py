"""Roster import bench (issue 3): a 10,000-row roster checked against 1,000,000 past enrolments.

    cd /work/main && .venv/bin/python bench/roster_import.py [--history 1000000] [--rows 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/roster_import.py

With a PostgreSQL DATABASE_URL the bench creates its own database jineng_bench_<pid> on that server
(the URL's database name is not used) and drops it at the end; otherwise it runs on a temporary
SQLite file (the same settings as the embedded mode, never var/).

What is timed is the real import path, the one the page and the API use: roster_job_create, whose
commit runs roster_job_run in-process (Celery eager): reading the .xlsx, every B-rule and A14 against
the history, and, when every row passes, the persons, their audit events and the enrolments. Building
the history is not timed. The baseline is a raw bulk insert (COPY on PostgreSQL, executemany on
SQLite) of the same new persons and enrolments, measured in the same run and rolled back.

B02 and B08 are not set in any one profile in force (ZZ21 sets B03–B07 and A14, XC19 sets B02 and
B08), so the bench's class is judged by a bench-only profile "BENCH": ZZ21 with XC19's B02 (3 a year)
and B08 switched on, so that every B-rule runs. It lives only in this process's profile cache.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGET_OCCUPATION = "6-31-01-03"  # 电工, level 4: the timed class
TARGET_LEVEL = 4
START = dt.date(2021, 6, 1)
# Occupations of the past classes: none in the target's 小类 6-31-01, so B04/B05/B06 stay about the
# roster's own columns.
PAST_OCCUPATIONS = [
    ("6-02-06-01", "中式烹调师"),
    ("4-10-01-01", "保育师"),
    ("4-10-01-06", "育婴员"),
    ("4-10-01-05", "养老护理员"),
    ("6-29-01-02", "混凝土工"),
    ("6-25-04-08", "焊工"),
    ("4-07-05-03", "保安员"),
    ("4-03-02-06", "电子商务师"),
    ("6-20-03-05", "汽车维修工"),
    ("4-04-05-01", "网络与信息安全管理员"),
]
PERSONS_PER_KIND = 10  # person p's enrolments are all in classes of kind p % 10 (see _class_kind)
ENROLMENTS_PER_PERSON = 4
ENROLMENTS_PER_CLASS = 50
CLEAN_KINDS = (0, 1, 2, 3, 8)
KNOWN_EVERY = 5  # one roster row in five is a person the history already knows


# --- the database ------------------------------------------------------------------------------------


@dataclass
class Target:
    label: str  # "PostgreSQL 15.x" / "SQLite 3.x"
    cleanup: Any


def _choose_database() -> Target:
    """Point the settings at a fresh database before Django starts."""
    for var in ("JINENG_MODE", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        os.environ.pop(var, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jineng.settings"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    url = os.environ.get("DATABASE_URL", "").strip()
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = urlparse(url)
        name = f"jineng_bench_{os.getpid()}"
        server = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(_libpq(server), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return Target(f"PostgreSQL (database {name})", drop)
    if url:
        sys.exit("DATABASE_URL 应为 postgres://…（或不设置，使用临时 SQLite 文件）")
    os.environ.pop("DATABASE_URL", None)
    tmp = tempfile.mkdtemp(prefix="jineng-bench-")
    os.environ["JINENG_VAR_DIR"] = tmp
    return Target(f"SQLite (temporary file {tmp}/jineng.sqlite3)", lambda: shutil.rmtree(tmp, True))


def _libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


class Bulk:
    """Raw inserts of plain tuples: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        n = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)  # psycopg formats the row in C
                        n += 1
            else:
                marks = ", ".join("?" for _ in columns)
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 50_000:
                        cursor.cursor.executemany(sql, batch)
                        n += len(batch)
                        batch = []
                cursor.cursor.executemany(sql, batch)
                n += len(batch)
        return n

    def value(self, v: Any) -> Any:
        """A date, datetime or bool as the backend stores it (SQLite: Django's text and 0/1)."""
        if self.postgres or v is None:
            return v
        if isinstance(v, dt.datetime):
            return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, bool):
            return int(v)
        return v


# --- the world ---------------------------------------------------------------------------------------


@dataclass
class World:
    city: Any
    district: Any
    department: Any
    institutions: list[Any]
    clerk: Any
    occupations: dict[str, Any]
    teachers: list[Any]


def _bench_profile() -> str:
    from jineng.policy.profiles import all_profiles, get_profile

    zz, xc = get_profile("ZZ21"), get_profile("XC19")
    params = dict(zz.params)
    for name in ("max_subsidised_trainings_per_year", "yigong_and_new_hire_exclusive"):
        params[name] = xc.params[name]
    profile = replace(zz, code="BENCH", short="ZZ21+XC19 B02/B08（仅用于基准测试）", params=params)
    all_profiles()[("BENCH", 1)] = profile
    return profile.code


def build_world() -> World:
    from django.db import transaction
    from django.test import override_settings

    from jineng.accounts.services import user_create
    from jineng.catalogue.models import InstitutionOccupation, Occupation, OccupationCertificate, Teacher
    from jineng.orgs.services import organisation_register
    from jineng.policy.identity import make_credit_code, make_id_number
    from jineng.regions.services import department_create, profile_assign, region_create

    code = _bench_profile()
    with transaction.atomic():
        province = region_create(actor=None, name="河南省", kind="province", parent=None, code="410000")
        city = region_create(actor=None, name="郑州市", kind="city", parent=province, code="410100")
        district = region_create(actor=None, name="金水区", kind="district", parent=city, code="410105")
        department = department_create(actor=None, region=city, name="市工信局", kind="industry")
        institutions = [
            organisation_register(
                actor=None,
                name=name,
                credit_code=make_credit_code("12", "410100", i + 1),
                kind="technician_college",
                region=city,
                bank_name="中国银行郑州分行",
                bank_account="6222020200112233445",
                contact_name="赵敏",
                contact_phone="13838105678",
            )
            for i, name in enumerate(
                [
                    "郑州商业技师学院",
                    "郑州技师学院",
                    "河南工业技师学院",
                    "郑州交通技师学院",
                    "河南建筑技师学院",
                ]
            )
        ]
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            clerk = user_create(
                actor=None,
                username="bench_clerk",
                password="Bench@pass-2026",
                display_name="基准经办",
                role="institution",
                region=city,
                organisation=institutions[0],
            )
        profile_assign(actor=None, region=city, year=START.year, profile_code=code)
        occupations = {}
        for occ_code, name in [(TARGET_OCCUPATION, "电工"), *PAST_OCCUPATIONS]:
            occ, _ = Occupation.objects.get_or_create(
                code=occ_code,
                defaults={
                    "name": name,
                    "major_code": occ_code[0],
                    "middle_code": occ_code[:4],
                    "minor_code": occ_code[:7],
                },
            )
            for kind in ("skill_level", "completion"):
                OccupationCertificate.objects.get_or_create(occupation=occ, kind=kind)
            for org in institutions:
                InstitutionOccupation.objects.get_or_create(
                    organisation=org, occupation=occ, defaults={"valid_from": dt.date(2015, 1, 1)}
                )
            occupations[occ_code] = occ
        teachers = [
            Teacher.objects.create(
                organisation=institutions[0],
                name=f"教师{i + 1}",
                id_number=make_id_number("410105", dt.date(1980, 1, 1 + i), 11 + i),
                occupation=occupations[TARGET_OCCUPATION],
                full_time=True,
                filed_on=dt.date(2020, 3, 1),
            )
            for i in range(2)
        ]
    return World(city, district, department, institutions, clerk, occupations, teachers)


# --- the history ---------------------------------------------------------------------------------------


def history_id(n: int) -> str:
    """The n-th person of the history (area 410105; 900 numbers per birth day, birth dates from 1960)."""
    from jineng.policy.identity import make_id_number

    return make_id_number("410105", dt.date(1960, 1, 1) + dt.timedelta(days=n // 900), n % 900 + 1)


def new_id(n: int, area: str = "410102") -> str:
    from jineng.policy.identity import make_id_number

    return make_id_number(area, dt.date(1970, 1, 1) + dt.timedelta(days=n // 900), n % 900 + 1)


@dataclass(frozen=True)
class ClassKind:
    year: int
    start: dt.date
    end: dt.date
    state: str
    funding: str
    assessed_on: dt.date | None
    same_as_target: bool = False


def _class_kind(kind: int, c: int) -> ClassKind:
    """Past classes by kind (c % 10); a person's enrolments are all of one kind, so a person is either
    clean for the timed class or breaks exactly one rule:
    0–3 assessed 2016–2019 (clean); 4 same occupation and level as the timed class, 2020 (B02);
    5 four classes in 2021 (B02: 3 a year); 6 以工代训 (B08 against a new-hire class);
    7 not yet assessed (B03); 8 cancelled (ignored, clean); 9 assessed two weeks before the start (B03).
    """
    shift = dt.timedelta(days=(c // 10) % 60)
    if kind <= 3:
        start = dt.date(2016 + kind, 3, 1) + shift
        return ClassKind(
            start.year,
            start,
            start + dt.timedelta(days=30),
            "closed",
            "employment",
            start + dt.timedelta(days=45),
        )
    if kind == 4:
        start = dt.date(2020, 3, 1) + shift
        return ClassKind(
            2020,
            start,
            start + dt.timedelta(days=30),
            "closed",
            "on_job",
            start + dt.timedelta(days=45),
            True,
        )
    if kind == 5:
        start = dt.date(2021, 1, 4) + shift
        return ClassKind(
            2021, start, start + dt.timedelta(days=20), "closed", "employment", dt.date(2021, 4, 20)
        )
    if kind == 6:
        start = dt.date(2019, 9, 2) + shift
        return ClassKind(
            2019, start, start + dt.timedelta(days=30), "closed", "yigong", start + dt.timedelta(days=45)
        )
    if kind == 7:
        start = dt.date(2020, 10, 1) + shift
        return ClassKind(2020, start, start + dt.timedelta(days=30), "ended", "employment", None)
    if kind == 8:
        start = dt.date(2020, 4, 1) + shift
        return ClassKind(2020, start, start + dt.timedelta(days=30), "cancelled", "employment", None)
    start = dt.date(2020, 10, 8) + shift
    return ClassKind(2020, start, start + dt.timedelta(days=30), "closed", "employment", dt.date(2021, 5, 18))


@dataclass
class History:
    persons: int
    enrolments: int
    classes: int
    person_ids: dict[int, int]  # history person number → pk, only for persons the rosters use
    names: dict[int, str]


def person_name(p: int) -> str:
    return f"历史学员{p}"


def build_history(world: World, size: int, wanted: Iterable[int]) -> History:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from jineng.people.models import Person
    from jineng.training.models import Enrolment, TrainingClass

    bulk = Bulk()
    persons = max(size // ENROLMENTS_PER_PERSON, 1)
    classes = max(size // ENROLMENTS_PER_CLASS, PERSONS_PER_KIND * ENROLMENTS_PER_PERSON)
    classes -= classes % (PERSONS_PER_KIND * ENROLMENTS_PER_PERSON)  # keeps c_k(p) % 10 == p % 10
    quarter = classes // ENROLMENTS_PER_PERSON
    now = bulk.value(timezone.now())
    occ_ids = [world.occupations[c].pk for c, _ in PAST_OCCUPATIONS]
    target_occ = world.occupations[TARGET_OCCUPATION].pk
    base_class = (TrainingClass.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    base_person = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    kinds = [_class_kind(c % 10, c) for c in range(classes)]

    def class_rows() -> Iterator[tuple[Any, ...]]:
        for c, k in enumerate(kinds):
            yield (
                base_class + c,
                f"HIS{k.year}{c:07d}",
                world.institutions[c % len(world.institutions)].pk,
                world.district.pk,
                world.department.pk,
                k.year,
                "ZZ21",
                1,
                k.state,
                "赵敏",
                "13838105678",
                "中国银行郑州分行",
                "6222020200112233445",
                f"{k.year}-{c % 97:02d}",
                bulk.value(k.start),
                bulk.value(k.end),
                target_occ if k.same_as_target else occ_ids[(c // 10) % len(occ_ids)],
                TARGET_LEVEL if k.same_as_target else 1 + (c // 10) % 5,
                "skill_level",
                50,
                100,
                30,
                70,
                45,
                0,
                0,
                "institution",
                "offline",
                k.funding,
                50,
                bulk.value(False),
                "郑州市金水区文化路 80 号",
                1,
                "",
                world.clerk.pk,
                now,
                now,
            )

    class_columns = [
        "id", "ref", "institution_id", "region_id", "department_id", "year", "profile_code",
        "profile_version", "state", "contact_name", "contact_phone", "bank_name", "bank_account",
        "batch", "start_date", "end_date", "occupation_id", "level", "target_certificate",
        "planned_trainees", "total_hours", "theory_hours", "practical_hours", "minutes_per_hour",
        "online_hours", "offline_practical_hours", "mode", "delivery", "funding_type",
        "workstations", "cross_city_approved", "venue", "review_round", "return_comment",
        "created_by_id", "created_at", "updated_at",
    ]  # fmt: skip

    def person_rows() -> Iterator[tuple[Any, ...]]:
        for p in range(persons):
            number = history_id(p)
            birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            yield (
                base_person + p,
                number,
                person_name(p),
                "男" if int(number[16]) % 2 else "女",
                bulk.value(birth),
                f"139{p:08d}",
                world.district.pk,
                world.clerk.pk,
                world.institutions[p % len(world.institutions)].pk,
                now,
            )

    person_columns = [
        "id", "id_number", "name", "sex", "birth_date", "phone", "region_id", "registered_by_id",
        "registered_by_organisation_id", "created_at",
    ]  # fmt: skip

    f, t = bulk.value(False), bulk.value(True)
    assessed = [bulk.value(k.assessed_on) for k in kinds]

    def enrolment_rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for p in range(persons):
            for k in range(ENROLMENTS_PER_PERSON):
                if n == size:
                    return
                c = (p + k * quarter) % classes
                n += 1
                yield (
                    base_class + c,
                    base_person + p,
                    k + 2,
                    "enrolled",
                    "", "", t, TARGET_OCCUPATION, f, "", None, f, "", "", f, t, t, t,
                    assessed[c],
                )  # fmt: skip

    enrolment_columns = [
        "training_class_id", "person_id", "row", "status", "phone", "employer", "is_employee",
        "post_occupation", "is_transfer", "previous_post_occupation", "hired_on", "is_student",
        "school", "major_occupation", "is_graduating_year", "wants_training", "wants_work",
        "able_to_work", "assessed_on",
    ]  # fmt: skip

    with transaction.atomic():
        bulk.insert(TrainingClass._meta.db_table, class_columns, class_rows())
        bulk.insert(Person._meta.db_table, person_columns, person_rows())
        enrolments = bulk.insert(Enrolment._meta.db_table, enrolment_columns, enrolment_rows())
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [TrainingClass, Person]):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        # A settled database, as autovacuum and the checkpointer leave it soon after a load this size:
        # statistics for the planner, hint bits and visibility set, dirty pages written. Otherwise the
        # timed import pays for the load (first reads of new rows write them again).
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wanted = sorted(set(wanted))
    return History(
        persons=persons,
        enrolments=enrolments,
        classes=classes,
        person_ids={p: base_person + p for p in wanted},
        names={p: person_name(p) for p in wanted},
    )


# --- the rosters ------------------------------------------------------------------------------------------


def good_row(i: int, number: str, name: str) -> dict[str, Any]:
    """A row that passes every rule for a new-hire 电工 class starting 2021-06-01 (ZZ21 + B02/B08)."""
    row: dict[str, Any] = {
        "name": name,
        "id_number": number,
        "phone": f"138{i:08d}",
        "employer": "郑州宇通客车股份有限公司",
        "is_employee": "是",
        "post_occupation": "6-31-01-05" if i % 3 else TARGET_OCCUPATION,  # B04: same 小类 6-31-01
        "is_transfer": "否",
        "previous_post_occupation": "",
        "hired_on": dt.date(2021, 1, 4) + dt.timedelta(days=i % 120),  # B07: within 12 months
        "is_student": "否",
        "school": "",
        "major_occupation": "",
        "is_graduating_year": "否",
        "wants_training": "是",
        "wants_work": "是",
        "able_to_work": "是",
    }
    if i % 10 == 7:  # B05: a transfer from another 小类
        row.update(is_transfer="是", previous_post_occupation="6-02-06-01")
    if i % 10 == 8:  # B06: a student whose major is in another 小类
        row.update(is_employee="否", post_occupation="", is_student="是", school="郑州职业技术学院",
                   major_occupation="4-03-02-06")  # fmt: skip
    return row


def known_persons(rows: int, history_persons: int) -> list[int]:
    """History persons put on the roster (one row in KNOWN_EVERY), spread over the clean kinds."""
    out: list[int] = []
    p = 0
    while len(out) < rows // KNOWN_EVERY and p < history_persons:
        if p % PERSONS_PER_KIND in CLEAN_KINDS:
            out.append(p)
        p += 37  # a stride through the whole history, not just its first persons
    return out


def bad_persons(history_persons: int) -> dict[int, list[int]]:
    """For each bad kind, a few history persons of that kind."""
    tens = max(history_persons // PERSONS_PER_KIND, 1)
    return {
        kind: sorted({kind + PERSONS_PER_KIND * (j * 7919 % tens) for j in range(1, 5)})
        for kind in (4, 5, 6, 7, 9)
    }


def rosters(
    n: int, history: History, known: list[int], bad: dict[int, list[int]], area: str = "410102"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Counter[str]]:
    """(accepted roster, refused roster, rule → number of bad rows the refused one must report).
    The persons new to the system get ID numbers of ``area``: one area per repeat of the bench."""
    good: list[dict[str, Any]] = []
    known_at = {i * KNOWN_EVERY + 1: p for i, p in enumerate(known)}
    fresh = 0
    for i in range(n):
        if i in known_at:
            p = known_at[i]
            good.append(good_row(i, history_id(p), history.names[p]))
        else:
            good.append(good_row(i, new_id(fresh, area), f"新学员{fresh}"))
            fresh += 1
    bad_rows = [dict(r) for r in good]
    expected: Counter[str] = Counter()
    # Bad rows go on plain employee rows (i % 10 == 3: no transfer, no student, no known person).
    slots = iter(range(3, n, 10 * max((n - 3) // 400, 1)))

    def put(rule: str, row: dict[str, Any]) -> None:
        bad_rows[next(slots)] = row
        expected[rule] += 1

    def mutate(rule: str, **changes: Any) -> None:
        i = next(slots)
        bad_rows[i] = {**bad_rows[i], **changes}
        expected[rule] += 1

    for j in range(4):  # B01: wrong check digit
        number = new_id(900_000 + j)
        mutate("B01", id_number=number[:-1] + ("0" if number[-1] != "0" else "1"))
    for j in range(3):  # B01: the same number as an earlier row
        mutate("B01", id_number=good[j * 11]["id_number"], name=good[j * 11]["name"])
    for kind, rule, count in ((4, "B02", 4), (5, "B02", 4), (7, "B03", 4), (9, "B03", 3), (6, "B08", 3)):
        for p in bad[kind][:count]:
            put(rule, good_row(900_000 + p % 1000, history_id(p), history.names[p]))
    for _ in range(3):
        mutate("B04", post_occupation="6-02-06-01")
    for _ in range(2):
        mutate("B05", is_transfer="是", previous_post_occupation="6-31-01-05")
    for _ in range(2):
        mutate("B06", is_student="是", major_occupation="6-31-01-09")
    for _ in range(3):
        mutate("B07", hired_on=dt.date(2019, 3, 1))
    for _ in range(2):
        mutate("A14", wants_work="否")
    return good, bad_rows, expected


def roster_bytes(rows: list[dict[str, Any]]) -> bytes:
    from jineng.core.xlsx import workbook_bytes
    from jineng.training.roster import COLUMNS, HEADERS

    return workbook_bytes("花名册", HEADERS, ([r.get(c.attr, "") for c in COLUMNS] for r in rows))


# --- the runs ---------------------------------------------------------------------------------------------


def new_class(world: World, batch: str) -> Any:
    from jineng.training import services

    data = services.ClassInput(
        region_id=world.district.pk,
        department_id=world.department.pk,
        contact_name="赵敏",
        contact_phone="13838105678",
        bank_name="中国银行郑州分行",
        bank_account="6222020200112233445",
        batch=batch,
        start_date=START,
        end_date=START + dt.timedelta(days=20),
        occupation_code=TARGET_OCCUPATION,
        level=TARGET_LEVEL,
        target_certificate="skill_level",
        planned_trainees=50,
        total_hours=100,
        theory_hours=30,
        practical_hours=70,
        minutes_per_hour=45,
        mode="institution",
        funding_type="new_hire",  # B07 and B08 apply to new-hire classes
        workstations=50,
        venue="郑州市金水区文化路 80 号实训楼",
        teacher_ids=[t.pk for t in world.teachers],
    )
    return services.class_create(actor=world.clerk, data=data)


def timed_import(world: World, tc: Any, content: bytes, profile: bool) -> tuple[float, Any]:
    from jineng.training import services
    from jineng.training.models import RosterJob

    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    job = services.roster_job_create(
        actor=world.clerk, training_class=tc, filename="花名册.xlsx", content=content
    )
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - t0
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        print(out.getvalue())
    return seconds, RosterJob.objects.get(pk=job.pk)


def raw_insert(world: World, tc: Any, rows: list[dict[str, Any]], history: History) -> tuple[float, int]:
    """The same new persons and enrolments, inserted raw with no check and no audit; rolled back."""
    from django.db import connection, transaction

    from jineng.people.models import Person
    from jineng.policy.identity import parse_id_number
    from jineng.training.models import Enrolment

    bulk = Bulk()
    known = {history_id(p): pk for p, pk in history.person_ids.items()}
    now = bulk.value(dt.datetime.now(dt.UTC))
    f, t = bulk.value(False), bulk.value(True)
    t0 = time.perf_counter()
    with transaction.atomic():
        new = [r for r in rows if r["id_number"] not in known]
        person_rows = []
        for r in new:
            parsed = parse_id_number(r["id_number"])
            person_rows.append(
                (r["id_number"], r["name"], parsed.sex, bulk.value(parsed.birth_date), r["phone"],
                 world.district.pk, world.clerk.pk, world.institutions[0].pk, now)
            )  # fmt: skip
        bulk.insert(
            Person._meta.db_table,
            ["id_number", "name", "sex", "birth_date", "phone", "region_id", "registered_by_id",
             "registered_by_organisation_id", "created_at"],
            person_rows,
        )  # fmt: skip
        ids = dict(known)
        with connection.cursor() as cursor:
            numbers = [r["id_number"] for r in new]
            if bulk.postgres:
                # One string parameter, split by the server (psycopg binds a list item by item in Python).
                cursor.execute(
                    f"SELECT id_number, id FROM {Person._meta.db_table} "
                    "WHERE id_number IN (SELECT unnest(string_to_array(%s, ',')))",
                    [",".join(numbers)],
                )
                ids.update(cursor.fetchall())
            else:
                for i in range(0, len(numbers), 10_000):
                    chunk = numbers[i : i + 10_000]
                    marks = ", ".join("%s" for _ in chunk)
                    cursor.execute(
                        f"SELECT id_number, id FROM {Person._meta.db_table} WHERE id_number IN ({marks})",
                        chunk,
                    )
                    ids.update(cursor.fetchall())

        def b(v: str) -> Any:
            return t if v == "是" else f

        enrolments = bulk.insert(
            Enrolment._meta.db_table,
            ["training_class_id", "person_id", "row", "status", "phone", "employer", "is_employee",
             "post_occupation", "is_transfer", "previous_post_occupation", "hired_on", "is_student",
             "school", "major_occupation", "is_graduating_year", "wants_training", "wants_work",
             "able_to_work", "assessed_on"],
            (
                (tc.pk, ids[r["id_number"]], i + 2, "enrolled", r["phone"], r["employer"], b(r["is_employee"]),
                 r["post_occupation"], b(r["is_transfer"]), r["previous_post_occupation"],
                 bulk.value(r["hired_on"]), b(r["is_student"]), r["school"], r["major_occupation"],
                 b(r["is_graduating_year"]), b(r["wants_training"]), b(r["wants_work"]),
                 b(r["able_to_work"]), None)
                for i, r in enumerate(rows)
            ),
        )  # fmt: skip
        if bulk.postgres:
            # The foreign keys are checked at commit (deferred): make them run before the clock stops,
            # as the import's own commit does. (SQLite checks each row as it goes in.)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - t0
        transaction.set_rollback(True)
    return seconds, len(new) + enrolments


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--history", type=int, default=1_000_000, help="past enrolments (default 1,000,000)")
    parser.add_argument("--rows", type=int, default=10_000, help="roster rows (default 10,000)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="timed runs of each variant, each on a new class"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each timed import")
    parser.add_argument(
        "--report", metavar="FILE", help="write the refused variant's problem list (JSON) here"
    )
    args = parser.parse_args()
    if args.rows < 500:
        sys.exit("--rows 至少 500（坏行与历史学员需要位置）")
    if args.history < 40_000:
        sys.exit("--history 至少 40000（每类历史学员都要有）")

    target = _choose_database()
    try:
        run(args, target)
    finally:
        target.cleanup()


@dataclass
class Result:
    label: str
    seconds: float
    status: str
    message: str
    ok: bool


def run(args: argparse.Namespace, target: Target) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jineng.training.models import RosterJob

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = build_world()
    print(f"database: {target.label}, {connection.vendor} {_server_version(connection)}")
    print(f"setup: migrate + world {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    history_persons = max(args.history // ENROLMENTS_PER_PERSON, 1)
    known = known_persons(args.rows, history_persons)
    bad = bad_persons(history_persons)
    history = build_history(world, args.history, known + [p for ps in bad.values() for p in ps])
    print(
        f"history: {history.enrolments:,} past enrolments of {history.persons:,} persons in {history.classes:,} "
        f"classes (2016–2021), built in {time.perf_counter() - t0:.1f} s (not timed)"
    )

    # Warm-up: the first import of a process loads the profiles and the code paths.
    warm = new_class(world, "warm-up")
    warm_rows = [good_row(i, new_id(i, "410103"), f"预热{i}") for i in range(20)]
    _, job = timed_import(world, warm, roster_bytes(warm_rows), False)
    assert job.status == RosterJob.Status.ACCEPTED, (job.status, job.message, job.report[:3])

    rows = args.rows
    results: list[Result] = []
    raws: list[float] = []
    expected: Counter[str] = Counter()
    report: Counter[str] = Counter()
    reported_rows = 0
    for k in range(args.repeat):
        good, refused, expected = rosters(rows, history, known, bad, area=f"41{13 + k:02d}00")
        good_bytes, refused_bytes = roster_bytes(good), roster_bytes(refused)
        if k == 0:
            print(
                f"roster: {rows:,} rows, {len(known):,} of them persons with past enrolments; "
                f"xlsx {len(good_bytes) / 1e6:.1f} MB; refused variant: {sum(expected.values())} bad rows"
            )
        tc = new_class(world, f"bench-{k}")
        raw_seconds, raw_rows = raw_insert(world, tc, good, history)
        raws.append(raw_seconds)
        seconds, job = timed_import(world, tc, refused_bytes, args.profile)
        report = Counter(p["rule"] for p in job.report)
        reported_rows = len({p["row"] for p in job.report})
        if args.report and k == 0:
            Path(args.report).write_text(
                json.dumps(job.report, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        ok = (
            job.status == RosterJob.Status.REFUSED and job.bad_rows == sum(expected.values()) == reported_rows
        )
        results.append(Result("refused", seconds, job.status, job.message, ok and report == expected))
        seconds, job = timed_import(world, tc, good_bytes, args.profile)
        ok = job.status == RosterJob.Status.ACCEPTED and job.message == f"已导入 {rows} 名学员"
        results.append(Result("accepted", seconds, job.status, job.message, ok))

    print()
    print(f"{'variant':<9} {'history':>9} {'rows':>6} {'seconds':>8} {'rows/s':>7} {'ours/raw':>8}  result")
    for k, raw in enumerate(raws):
        print(
            f"{'raw':<9} {history.enrolments:>9,} {rows:>6,} {raw:>8.3f} {rows / raw:>7,.0f} {1:>7.1f}×  "
            f"{raw_rows:,} rows (new persons + enrolments) by "
            f"{'COPY' if connection.vendor == 'postgresql' else 'executemany'}, rolled back"
        )
        for r in results[2 * k : 2 * k + 2]:
            print(
                f"{r.label:<9} {history.enrolments:>9,} {rows:>6,} {r.seconds:>8.3f} {rows / r.seconds:>7,.0f} "
                f"{r.seconds / raw:>7.1f}×  {r.status}: {r.message}"
            )
    if args.repeat > 1:
        for label in ("accepted", "refused"):
            best = min(r.seconds for r in results if r.label == label)
            print(
                f"best {label}: {best:.3f} s, {rows / best:,.0f} rows/s, {best / min(raws):.1f}× the best raw insert"
            )
    print(
        f"refused report: {sum(report.values())} problems on {reported_rows} rows, by rule {dict(sorted(report.items()))}"
    )
    print("ours/raw: seconds of the import ÷ seconds of the raw insert of the same rows, same run")
    if not all(r.ok for r in results):
        print(
            f"UNEXPECTED: wanted the refused report to be {dict(sorted(expected.items()))}, the accepted one empty"
        )
        sys.exit(1)


def _server_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        return str(cursor.fetchone()[0]).split(" on ")[0]


if __name__ == "__main__":
    main()
