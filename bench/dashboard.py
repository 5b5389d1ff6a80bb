"""Dashboard bench (issue 5): a province-sized year, the dashboard's own queries timed on PostgreSQL, and
the same aggregation by DuckDB over the same rows in the same run.

    cd /work/main
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/dashboard.py
    DATABASE_URL=… .venv/bin/python bench/dashboard.py --classes 2000 --repeat 10    # small, quick

The bench creates its own database jineng_dash_<pid> on the URL's server (the URL's database name is
not used) and drops it at the end (--keep leaves it). PostgreSQL only: the data is written by COPY.

Generated (not timed): 河南省 with 18 cities × 10 counties, 15 departments per city, 2,000 training
institutions and 20 evaluation bodies; 20,000 classes of 2021 (100 trainees each: 2,000,000 enrolments
of 1,700,000 persons, 300,000 of whom trained twice); 504,000 class results (five levels, special-ability
and completion ones; 75,000 persons hold two, so E08's earlier-certificate test has work to do), each a
row of the certificate register the indicators count, which also holds 40,000 certificates of the other
routes (enterprise recognition, social evaluation, competition, appraisal, special ability);
6,000 approved or paid claims with 600,000 lines; 100,000 vouchers, 20,000 of them exchanged for a
certificate; a target plan with every region × indicator.

Timed, --repeat times each (the live variant --live-repeat times), p50 and p95: jineng.progress.board.build — everything the dashboard page
reads — for the province (18 cities), a city (10 counties + its departments) and a county (its units),
both from the records ("live") and from the monthly roll-up (what the page reads once the roll-up has
been refreshed). Then DuckDB: the same tables copied in, the same province aggregation in SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

YEAR = 2021
CITIES = 18
COUNTIES = 10
DEPARTMENTS = 15
INSTITUTIONS = 2000
BODIES = 20
PER_CLASS = 100
# Issue 16: register certificates of the routes other than a class's assessment.
OTHER_ROUTE = 40_000
ROUTES = ("enterprise", "social_evaluation", "competition", "appraisal")
OCCUPATIONS = [
    ("6-31-01-03", "电工"),
    ("6-25-04-08", "焊工"),
    ("6-20-03-05", "汽车维修工"),
    ("6-02-06-01", "中式烹调师"),
    ("4-10-01-05", "养老护理员"),
    ("4-10-01-06", "育婴员"),
    ("4-03-02-06", "电子商务师"),
    ("4-07-05-03", "保安员"),
]
# result kind/level by enrolment hash: (kind, level, share in 100)
CERTS = [
    ("skill_level", 5, 25),
    ("skill_level", 4, 35),
    ("skill_level", 3, 25),
    ("skill_level", 2, 8),
    ("qualification", 1, 2),
    ("special_ability", None, 3),
    ("completion", None, 2),
]


def _libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _choose_database(keep: bool) -> Callable[[], None]:
    for var in ("JINENG_MODE", "REDIS_URL"):
        os.environ.pop(var, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jineng.settings"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/dashboard.py 需要 PostgreSQL：DATABASE_URL=postgres://…")
    import psycopg

    parsed = urlparse(url)
    name = f"jineng_dash_{os.getpid()}"
    server = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))
    print(f"database: {name}")

    def drop() -> None:
        if keep:
            print(f"kept database {name}")
            return
        from django.db import connections

        connections.close_all()
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop


# --- COPY with every column of a model: the generator names only what varies ------------------------


class Copier:
    def __init__(self, model: Any, varying: Sequence[str], constants: dict[str, Any]) -> None:
        from django.utils import timezone

        fields = [f for f in model._meta.concrete_fields]
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        base: list[Any] = []
        now = timezone.now()
        for f in fields:
            if f.column in constants:
                value = constants[f.column]
            elif f.column in varying:
                value = None
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.get_internal_type() in ("CharField", "TextField"):
                value = ""
            else:
                raise ValueError(f"{self.table}.{f.column}: no value")
            if isinstance(value, (dict, list)):
                import json

                value = json.dumps(value)
            base.append(value)
        self.base = base
        self.positions = [self.columns.index(c) for c in varying]

    def rows(self, values: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
        for v in values:
            row = self.base.copy()
            for pos, x in zip(self.positions, v, strict=True):
                row[pos] = x
            yield row

    def copy(self, values: Iterable[tuple[Any, ...]]) -> int:
        from django.db import connection

        n = 0
        # Columns quoted: the enrolment has a column named "group" (J03), a reserved word.
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        sql = f"COPY {self.table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in self.rows(values):
                copy.write_row(row)
                n += 1
        return n


def _reset_sequences(*models: Any) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


# --- the province ------------------------------------------------------------------------------------


def generate(classes: int, seed: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test import override_settings

    from jineng.accounts.services import user_create
    from jineng.assessment.models import Assessment, Result
    from jineng.catalogue.models import Occupation
    from jineng.certificates.models import Certificate
    from jineng.claims.models import Claim, ClaimLine
    from jineng.orgs.models import Organisation
    from jineng.people.models import Person
    from jineng.policy.identity import make_credit_code
    from jineng.regions.models import Department
    from jineng.regions.services import profile_assign, region_create
    from jineng.targets.models import Plan, Target
    from jineng.training.models import Enrolment, TrainingClass
    from jineng.vouchers.models import Voucher

    t0 = time.perf_counter()
    with transaction.atomic():
        province = region_create(actor=None, name="河南省", kind="province", parent=None, code="410000")
        cities, counties = [], []
        for c in range(CITIES):
            city = region_create(
                actor=None, name=f"第{c + 1:02d}市", kind="city", parent=province, position=c
            )
            cities.append(city)
            for k in range(COUNTIES):
                counties.append(
                    region_create(
                        actor=None,
                        name=f"第{c + 1:02d}市{k + 1:02d}县",
                        kind="county",
                        parent=city,
                        position=k,
                    )
                )
        profile_assign(actor=None, region=province, year=YEAR, profile_code="XC23")
        depts = Department.objects.bulk_create(
            [
                Department(region=city, name=f"部门{d + 1:02d}", position=d)
                for city in cities
                for d in range(DEPARTMENTS)
            ]
        )
        city_depts = {city.pk: [d for d in depts if d.region_id == city.pk] for city in cities}
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"培训机构{i:05d}",
                    credit_code=make_credit_code("12", "410100", 10_000 + i),
                    kind="technician_college" if i % 20 == 0 else "private_school",
                    region=counties[i % len(counties)],
                )
                for i in range(INSTITUTIONS)
            ]
            + [
                Organisation(
                    name=f"评价机构{i:03d}",
                    credit_code=make_credit_code("12", "410100", 90_000 + i),
                    kind="appraisal_station",
                    region=cities[i % CITIES],
                )
                for i in range(BODIES)
            ]
        )
        institutions, bodies = orgs[:INSTITUTIONS], orgs[INSTITUTIONS:]
        occupations = [
            Occupation.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "major_code": code[0],
                    "middle_code": code[:4],
                    "minor_code": code[:7],
                },
            )[0]
            for code, name in OCCUPATIONS
        ]
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            admin = user_create(
                actor=None,
                username="bench_admin",
                password="Bench@pass-2026",
                display_name="省厅管理员",
                role="hr_admin",
                region=province,
            )
        plan = Plan.objects.create(year=YEAR, region=province, source="基准", title="基准目标")
        targets = []
        for i, region in enumerate(counties):
            for j, indicator in enumerate(
                ("training", "subsidised", "skilled", "high_skilled", "technicians", "apprentices")
            ):
                targets.append(
                    Target(
                        plan=plan,
                        indicator=indicator,
                        region=region,
                        persons=10_000 // (j + 1),
                        position=i * 10 + j,
                    )
                )
        Target.objects.bulk_create(targets)

    n_classes = classes
    n_enrol = n_classes * PER_CLASS
    twice = n_enrol * 3 // 20  # 15% of enrolments are a second training of an earlier person
    n_persons = n_enrol - twice
    start = dt.date(YEAR, 1, 1)

    def class_of(c: int) -> tuple[int, int, int, int, dt.date, int, str, str]:
        # region, department, institution, occupation, start date, state, funding — deterministic per class
        r = random.Random(seed * 1_000_003 + c)
        k = c % len(counties)
        county = counties[k] if c % 20 else cities[c % CITIES]
        city_id = county.parent_id if county.kind == "county" else county.pk
        assert city_id is not None  # a county's parent is its city
        dept = city_depts[city_id][r.randrange(DEPARTMENTS)]
        # An institution trains in its own county (institution i lies in county i mod 180).
        inst = institutions[(k + len(counties) * r.randrange(INSTITUTIONS // len(counties))) % INSTITUTIONS]
        state = "in_training" if c % 10 == 9 else "assessed"
        funding = "apprenticeship" if c % 20 == 7 else "employment"
        return (
            county.pk,
            dept.pk,
            inst.pk,
            occupations[r.randrange(len(occupations))].pk,
            start + dt.timedelta(days=r.randrange(330)),
            c,
            state,
            funding,
        )

    plan_rows = [class_of(c) for c in range(n_classes)]
    with transaction.atomic():
        Copier(
            Person,
            ["id", "id_number", "name", "sex", "birth_date", "region_id"],
            {"phone": "", "created_at": dt.datetime(2021, 1, 1, tzinfo=dt.UTC)},
        ).copy(
            (
                p + 1,
                f"41{p:016d}",
                f"学员{p}",
                "男" if p % 2 else "女",
                dt.date(1990, 1, 1),
                counties[p % len(counties)].pk,
            )
            for p in range(n_persons)
        )
        Copier(
            TrainingClass,
            [
                "id",
                "ref",
                "institution_id",
                "region_id",
                "department_id",
                "occupation_id",
                "start_date",
                "end_date",
                "state",
                "funding_type",
            ],
            {
                "year": YEAR,
                "contact_name": "经办",
                "contact_phone": "13800000000",
                "bank_name": "中国银行",
                "bank_account": "6222020200112233445",
                "batch": "第1期",
                "level": 4,
                "target_certificate": "skill_level",
                "planned_trainees": PER_CLASS,
                "total_hours": 80,
                "theory_hours": 24,
                "practical_hours": 56,
                "minutes_per_hour": 45,
                "mode": "institution",
                "workstations": 50,
                "venue": "基准",
                "created_by_id": admin.pk,
            },
        ).copy(
            (c + 1, f"KB{c + 1:08d}", inst, reg, dept, occ, sd, sd + dt.timedelta(days=20), state, funding)
            for (reg, dept, inst, occ, sd, c, state, funding) in plan_rows
        )

        def person_of(e: int) -> int:
            return e + 1 if e < n_persons else e - n_persons + 1

        Copier(Enrolment, ["id", "training_class_id", "person_id", "row"], {"status": "enrolled"}).copy(
            (e + 1, e // PER_CLASS + 1, person_of(e), e % PER_CLASS + 2) for e in range(n_enrol)
        )

        assessed = [c for c in range(n_classes) if plan_rows[c][6] == "assessed"]
        Copier(
            Assessment,
            ["id", "training_class_id", "body_id", "assessment_date", "applied_on"],
            {
                "certificate_kind": "skill_level",
                "level": 4,
                "state": "results_entered",
                "applied_by_id": admin.pk,
            },
        ).copy(
            (c + 1, c + 1, bodies[c % BODIES].pk, plan_rows[c][4] + dt.timedelta(days=25), plan_rows[c][4])
            for c in assessed
        )
        buckets = [(kind, level) for kind, level, share in CERTS for _ in range(share)]

        def results() -> Iterator[tuple[Any, ...]]:
            for c in assessed:
                issued = min(plan_rows[c][4] + dt.timedelta(days=30), dt.date(YEAR, 12, 31))
                for i in range(28):
                    e = c * PER_CLASS + i
                    kind, level = buckets[(e * 7919) % 100]
                    yield (e + 1, c + 1, e + 1, kind, level, f"C{e:09d}", issued)

        n_results = Copier(
            Result,
            [
                "id",
                "assessment_id",
                "enrolment_id",
                "certificate_kind",
                "level",
                "certificate_number",
                "issued_on",
            ],
            {"passed": True, "issuer": "评价机构", "entered_by_id": admin.pk},
        ).copy(results())

        # Issue 16: the certificate register the indicators count — each class result once (as
        # results_enter registers it), and OTHER_ROUTE certificates of the other routes (enterprise
        # recognition, social evaluation, competition, appraisal, special ability), each counted for the
        # unit it names (an institution here) in that unit's county and department.
        def register() -> Iterator[tuple[Any, ...]]:
            for c in assessed:
                reg, dept, inst, occ = plan_rows[c][:4]
                issued = min(plan_rows[c][4] + dt.timedelta(days=30), dt.date(YEAR, 12, 31))
                for i in range(28):
                    e = c * PER_CLASS + i
                    kind, level = buckets[(e * 7919) % 100]
                    yield (
                        person_of(e),
                        kind,
                        f"C{e:09d}",
                        occ,
                        level,
                        bodies[c % BODIES].pk,
                        issued,
                        "class_result",
                        c + 1,
                        e + 1,
                        reg,
                        dept,
                        inst,
                    )
            for k in range(OTHER_ROUTE):
                c = (k * 7) % n_classes
                reg, dept, inst, occ = plan_rows[c][:4]
                kind, level = buckets[(k * 104729) % 100]
                route = "special_ability" if kind == "special_ability" else ROUTES[k % len(ROUTES)]
                yield (
                    (k * 37) % n_persons + 1,
                    kind,
                    f"R{k:09d}",
                    occ,
                    level,
                    bodies[k % BODIES].pk,
                    dt.date(YEAR, 1 + k % 12, 1 + k % 28),
                    route,
                    None,
                    None,
                    reg,
                    dept,
                    inst,
                )

        n_register = Copier(
            Certificate,
            [
                "id",
                "holder_id",
                "kind",
                "number",
                "occupation_id",
                "level",
                "body_id",
                "issued_on",
                "route",
                "training_class_id",
                "enrolment_id",
                "region_id",
                "department_id",
                "unit_id",
            ],
            {"recorded_by_id": admin.pk, "issuer_name": "评价机构"},
        ).copy((n, *row) for n, row in enumerate(register(), start=1))

        claimed = [c for c in assessed if c % 3 == 0]
        Copier(
            Claim,
            [
                "id",
                "ref",
                "training_class_id",
                "region_id",
                "department_id",
                "payee_organisation_id",
                "state",
                "approved_at",
            ],
            {
                "applicant_kind": "institution",
                "bank_name": "中国银行",
                "bank_account": "6222020200112233445",
                "headcount": PER_CLASS,
                "amount": "200000.00",
                "created_by_id": admin.pk,
            },
        ).copy(
            (
                i + 1,
                f"BT{c + 1:010d}",
                c + 1,
                plan_rows[c][0],
                plan_rows[c][1],
                plan_rows[c][2],
                "paid" if c % 2 else "approved",
                dt.datetime(YEAR, 12, 1, tzinfo=dt.UTC),
            )
            for i, c in enumerate(claimed)
        )
        n_lines = Copier(
            ClaimLine,
            ["id", "claim_id", "person_id", "training_class_id", "row", "status", "amount"],
            {"rule_ids": "F02", "computation": "F02", "live": True},
        ).copy(
            (
                i * PER_CLASS + r + 1,
                i + 1,
                person_of(c * PER_CLASS + r),
                c + 1,
                r + 2,
                "payable" if r < 95 else "excluded",
                "2000.00" if r < 95 else "0.00",
            )
            for i, c in enumerate(claimed)
            for r in range(PER_CLASS)
        )
        n_vouchers = 100_000 if n_classes >= 20_000 else n_classes * 5
        redeemed = n_vouchers // 5
        voucher_rows: list[tuple[Any, ...]] = []
        for v in range(n_vouchers):
            c = assessed[v % len(assessed)]
            if v < redeemed:
                e = c * PER_CLASS + (v // len(assessed)) % 28
                voucher_rows.append(
                    (
                        v + 1,
                        f"V{v:010d}",
                        v + 1,
                        person_of(e),
                        plan_rows[c][0],
                        "redeemed",
                        e + 1,
                        e + 1,
                        plan_rows[c][4] - dt.timedelta(days=10),
                        plan_rows[c][4] + dt.timedelta(days=31),
                    )
                )
            else:
                voucher_rows.append(
                    (
                        v + 1,
                        f"V{v:010d}",
                        v + 1,
                        (v * 13) % n_persons + 1,
                        plan_rows[c][0],
                        "issued",
                        None,
                        None,
                        dt.date(YEAR, 1, 1) + dt.timedelta(days=v % 330),
                        None,
                    )
                )
        # a person holds one live voucher: the issued ones go to distinct persons
        Copier(
            Voucher,
            [
                "id",
                "serial",
                "sequence",
                "person_id",
                "region_id",
                "state",
                "enrolment_id",
                "certificate_id",
                "issued_on",
                "redeemed_on",
            ],
            {"issued_by_id": admin.pk, "expires_on": dt.date(YEAR + 1, 12, 31)},
        ).copy(voucher_rows)
        _reset_sequences(
            Person, TrainingClass, Enrolment, Assessment, Result, Certificate, Claim, ClaimLine, Voucher
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"generated in {time.perf_counter() - t0:.0f} s: {n_classes:,} classes, {n_enrol:,} enrolments of "
        f"{n_persons:,} persons, {n_results:,} class results, {n_register:,} register certificates "
        f"({OTHER_ROUTE:,} of other routes), {len(claimed):,} claims with {n_lines:,} lines, "
        f"{n_vouchers:,} vouchers ({redeemed:,} used)"
    )
    return {"province": province, "city": cities[0], "county": counties[0], "admin": admin}


# --- timing ------------------------------------------------------------------------------------------


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def time_it(label: str, call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    call()  # warm: plans cached, pages in memory — as a dashboard that is in use
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
    p50, p95 = _percentiles(samples)
    print(f"  {label:<46} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    return p50, p95


def time_board(world: dict[str, Any], repeat: int, *, live: bool) -> dict[str, tuple[float, float]]:
    from jineng.progress import board

    today = dt.date(YEAR, 9, 30)
    out = {}
    for name in ("province", "city", "county"):
        region = world[name]

        def build(region: Any = region) -> Any:
            return board.build(
                user=world["admin"],
                year=YEAR,
                region=region,
                indicator="training",
                department_id=None,
                today=today,
                live=live,
            )

        out[name] = time_it(f"{'live' if live else 'roll-up'} · {name} ({region.name})", build, repeat)
    if not live:
        from jineng.targets.selectors import target_rows

        time_it(
            "  of which targets (targets.selectors.target_rows)",
            lambda: target_rows(user=world["admin"], year=YEAR, region=world["province"]),
            repeat,
        )
    return out


# --- DuckDB ------------------------------------------------------------------------------------------

DUCK_TABLES = {
    "regions_region": "id, path",
    "training_trainingclass": "id, region_id, department_id, institution_id, occupation_id, start_date, state, funding_type",
    "training_enrolment": "id, training_class_id, person_id, status",
    "claims_claim": "id, region_id, department_id, state",
    "claims_claimline": "id, claim_id, training_class_id, status",
    "catalogue_occupation": "id, major_code",
    "certificates_certificate": "id, holder_id, kind, level, issued_on, region_id",
    "vouchers_voucher": "id, region_id, institution_id, state, issued_on, redeemed_on",
}

# The province view's aggregation, by the province's child (city) and month, as board.build asks for it.
DUCK_QUERIES = {
    "training": """
        SELECT m.child, month(c.start_date) AS month, c.funding_type, count(*) AS n
        FROM training_enrolment e JOIN training_trainingclass c ON c.id = e.training_class_id
        JOIN child_map m ON m.region_id = c.region_id
        WHERE e.status = 'enrolled' AND year(c.start_date) = 2021
          AND c.state IN ('in_training','ended','assessment_applied','assessed','closed')
        GROUP BY ALL""",
    "subsidised": """
        SELECT m.child, month(c.start_date) AS month, o.major_code = '6' AS manufacturing, count(*) AS n
        FROM claims_claimline l JOIN claims_claim k ON k.id = l.claim_id
        JOIN training_trainingclass c ON c.id = l.training_class_id
        JOIN catalogue_occupation o ON o.id = c.occupation_id
        JOIN child_map m ON m.region_id = k.region_id
        WHERE l.status = 'payable' AND k.state IN ('approved','in_batch','paid') AND year(c.start_date) = 2021
        GROUP BY ALL""",
    "certificates": """
        SELECT m.child, month(r.issued_on) AS month, r.kind, r.level,
               coalesce(r.level <= 3 AND EXISTS (
                 SELECT 1 FROM certificates_certificate p
                 WHERE p.holder_id = r.holder_id AND p.kind IN ('qualification','skill_level')
                   AND p.issued_on < r.issued_on), false) AS earlier,
               count(*) AS n
        FROM certificates_certificate r JOIN child_map m ON m.region_id = r.region_id
        WHERE year(r.issued_on) = 2021
        GROUP BY ALL""",
    "vouchers": """
        SELECT m.child, month(issued_on) AS month, count(*) AS issued,
               count(*) FILTER (WHERE state = 'redeemed' AND year(redeemed_on) = 2021) AS used
        FROM vouchers_voucher v JOIN child_map m ON m.region_id = v.region_id
        WHERE year(issued_on) = 2021 GROUP BY ALL""",
}


def duck(world: dict[str, Any], repeat: int, workdir: str) -> tuple[tuple[float, float], Any]:
    import duckdb
    from django.db import connection

    from jineng.progress.selectors import children_of

    con = duckdb.connect()
    t0 = time.perf_counter()
    for table, cols in DUCK_TABLES.items():
        path = os.path.join(workdir, f"{table}.csv")
        with (
            connection.cursor() as cursor,
            open(path, "wb") as out,
            cursor.cursor.copy(
                f"COPY (SELECT {cols} FROM {table}) TO STDOUT WITH (FORMAT csv, HEADER)"
            ) as copy,
        ):
            for chunk in copy:
                out.write(chunk)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header = true)")
    _, subtree = children_of(world["province"])
    con.execute("CREATE TABLE child_map (region_id BIGINT, child BIGINT)")
    con.executemany(
        "INSERT INTO child_map VALUES (?, ?)", [(rid, kid) for kid, ids in subtree.items() for rid in ids]
    )
    print(f"  DuckDB {duckdb.__version__}: tables copied in {time.perf_counter() - t0:.0f} s (not timed)")

    def run() -> dict[str, Any]:
        return {name: con.execute(sql).fetchall() for name, sql in DUCK_QUERIES.items()}

    got = time_it("DuckDB · province, same aggregation", run, repeat)
    return got, run()


def check_same(world: dict[str, Any], duck_rows: dict[str, Any]) -> None:
    """The two engines must agree: training person-times per city."""
    from jineng.progress.selectors import Filter, actual_rows, children_of

    _, subtree = children_of(world["province"])
    rows = actual_rows(
        Filter(year=YEAR, region=world["province"]), by=("child",), indicators=("training",), children=subtree
    )
    ours: dict[int, int] = {}
    for r in rows:
        ours[r.child_id] = ours.get(r.child_id, 0) + r.persons  # type: ignore[index,arg-type]
    theirs: dict[int, int] = {}
    for child, _month, _funding, n in duck_rows["training"]:
        theirs[child] = theirs.get(child, 0) + n
    assert ours == theirs, (ours, theirs)
    print(f"  check: PostgreSQL and DuckDB agree on training per city (total {sum(ours.values()):,})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--classes", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--live-repeat",
        type=int,
        default=5,
        help="repeats of the live (from the records) timings, which take seconds",
    )
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--keep", action="store_true", help="leave the database for a look afterwards")
    args = parser.parse_args()
    drop = _choose_database(args.keep)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate {time.perf_counter() - t0:.0f} s")
        world = generate(args.classes, args.seed)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            print(f"PostgreSQL {cursor.fetchone()[0]}, repeat {args.repeat}")

        from jineng.progress.services import actuals_refresh

        t0 = time.perf_counter()
        n = actuals_refresh(actor=None, year=YEAR)
        print(
            f"roll-up refresh (progress.services.actuals_refresh): {n:,} rows in {time.perf_counter() - t0:.1f} s"
        )
        live = time_board(world, args.live_repeat, live=True)
        rolled = time_board(world, args.repeat, live=False)
        with tempfile.TemporaryDirectory(prefix="jineng-duck-") as workdir:
            duck_time, duck_rows = duck(world, args.repeat, workdir)
        check_same(world, duck_rows)
        print()
        print("ratio to DuckDB (p50 / p50, p95 / p95), province view:")
        for label, got in (("live", live["province"]), ("roll-up", rolled["province"])):
            print(f"  {label:<8} {got[0] / duck_time[0]:6.2f}× p50   {got[1] / duck_time[1]:6.2f}× p95")
        worst = max(p95 for _, p95 in rolled.values())
        print(
            f"target p95 ≤ 200 ms (dashboard, roll-up): {'met' if worst <= 200 else 'NOT met'} — worst p95 {worst:.1f} ms"
        )
    finally:
        drop()


if __name__ == "__main__":
    main()
