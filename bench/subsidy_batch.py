"""Subsidy batch bench (issue 4): compute and approve the claims of 100,000 or 1,000,000 trainees.

    cd /work/main && .venv/bin/python bench/subsidy_batch.py [--lines 100000] [--chunk 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/subsidy_batch.py --lines 1000000

With a PostgreSQL DATABASE_URL the bench creates its own database jineng_bench_<pid> on that server
(the URL's database name is not used) and drops it at the end; otherwise it runs on a temporary SQLite
file (the same settings as the embedded mode, never var/). See bench/README.md.

Data (not timed, written by COPY / executemany): lines / 50 assessed classes of 50 trainees with their
inspections, assessments and results; every trainee is in two of them (an A class, 电工 中级, then a
B class, 焊工 高级, in 2021), one in ten also in two earlier 2021 classes — so B02 (3 a year, XC19's
number in the bench profile) refuses their B line, which it can only know from their year's history.

Timed, through the services the pages and the API use, in batches of ``--chunk`` classes / claims:
  compute  claims_create_bulk (claim_create's path): every line's entitlement with all caps and forfeits
           (F02, B02 against the history, C02 headcount cut, E03, C05, C09), the claims and their lines;
  approve  claims_review_bulk (claim_review's path): the department's two signatures (F09), then after
           the public notice the bureau's two (F09), which approve and book each payable in the ledger.
Between them, not timed: the applicant's pledge and submission (claim_submit) and the close of the
notice (claim_notice_close), one claim at a time through their services — not sign-offs.

Baseline (same run): a raw COPY (executemany on SQLite) of the same claim-line rows, rolled back.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from roster_import import Bulk, Target, _choose_database, _server_version  # noqa: E402

PER_CLASS = 50
YEAR = 2021
A_OCC, A_LEVEL, A_AMOUNT = "6-31-01-03", 4, Decimal("2000")  # 电工 中级工: ZZ21 F02 2000元
B_OCC, B_LEVEL, B_AMOUNT = "6-25-04-08", 3, Decimal("2500")  # 焊工 高级工: ZZ21 F02 2500元
PAST_OCC = "4-10-01-05"  # 养老护理员: the earlier 2021 classes of one person in ten
A_START, B_START = dt.date(2021, 3, 1), dt.date(2021, 5, 10)
CLAIMED = dt.date(2021, 7, 5)  # a Monday
NOTICE_OVER = dt.date(2021, 7, 8)  # after the 3 working days of ZZ21's notice
PAST_EVERY = 10  # person p with p % 10 == 0 has two earlier 2021 enrolments → B02 on the B class
FAIL_A, FAIL_B = 7, 13  # p % 25: failed the A / B exam (F02: no certificate)
CUT_EVERY = 10  # B class b with b % 10 == 9: inspections found 40 and 41 present → C02 pays 40


@dataclass
class World:
    city: Any
    district: Any
    department: Any
    institution: Any
    body: Any
    users: dict[str, Any]
    occupations: dict[str, Any]


def _bench_profile() -> str:
    """ZZ21 with XC19's B02 (3 a year) and B08: no profile in force sets both F02 amounts and B02."""
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
    from jineng.catalogue.models import Occupation, OccupationCertificate
    from jineng.ledger import services as ledger
    from jineng.ledger.models import FundKind
    from jineng.orgs.services import organisation_register
    from jineng.policy.identity import make_credit_code
    from jineng.regions.services import department_create, profile_assign, region_create

    code = _bench_profile()
    with transaction.atomic():
        province = region_create(actor=None, name="河南省", kind="province", parent=None, code="410000")
        city = region_create(actor=None, name="郑州市", kind="city", parent=province, code="410100")
        district = region_create(actor=None, name="金水区", kind="district", parent=city, code="410105")
        department = department_create(actor=None, region=city, name="市工信局", kind="industry")
        orgs = {
            kind: organisation_register(
                actor=None,
                name=name,
                credit_code=make_credit_code("12", "410100", i + 1),
                kind=kind,
                region=city,
                bank_name="中国银行郑州分行",
                bank_account="6222020200112233445",
                contact_name="赵敏",
                contact_phone="13838105678",
            )
            for i, (kind, name) in enumerate(
                [("technician_college", "郑州商业技师学院"), ("appraisal_station", "郑州市职业技能鉴定站")]
            )
        }
        users = {}
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            for role, region, dept, org in (
                ("institution", city, None, orgs["technician_college"]),
                ("dept_first", city, department, None),
                ("dept_second", city, department, None),
                ("hr_first", city, None, None),
                ("hr_second", city, None, None),
            ):
                users[role] = user_create(
                    actor=None,
                    username=f"bench_{role}",
                    password="Bench@pass-2026",
                    display_name=f"基准{role}",
                    role=role,
                    region=region,
                    department=dept,
                    organisation=org,
                )
        profile_assign(actor=None, region=city, year=YEAR, profile_code=code)
        occupations = {}
        for occ_code, name in ((A_OCC, "电工"), (B_OCC, "焊工"), (PAST_OCC, "养老护理员")):
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
            occupations[occ_code] = occ
        for kind in (FundKind.SPECIAL_ACCOUNT, FundKind.EMPLOYMENT_SUBSIDY):
            ledger.fund_open(actor=None, region=city, kind=kind)
    return World(
        city,
        district,
        department,
        orgs["technician_college"],
        orgs["appraisal_station"],
        users,
        occupations,
    )


# --- the data ------------------------------------------------------------------------------------------------


@dataclass
class Data:
    a_classes: list[int]
    b_classes: list[int]
    persons: int
    rows: int


def person_id_number(p: int) -> str:
    from jineng.policy.identity import make_id_number

    return make_id_number("410105", dt.date(1960, 1, 1) + dt.timedelta(days=p // 900), p % 900 + 1)


def build_data(world: World, lines: int) -> Data:
    """lines/50 assessed classes (half A, half B) of 50, with every fact the entitlements read."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from jineng.assessment.models import Assessment, Result
    from jineng.people.models import Person
    from jineng.supervision.models import Inspection
    from jineng.training.models import Enrolment, TrainingClass

    bulk = Bulk()
    v = bulk.value
    now = v(timezone.now())
    f, t = v(False), v(True)
    classes = lines // PER_CLASS
    half = classes // 2
    persons = half * PER_CLASS
    past_persons = [p for p in range(persons) if p % PAST_EVERY == 0]
    past_half = -(-len(past_persons) // PER_CLASS)  # the first earlier classes, then the second ones
    past_classes = 2 * past_half
    user = world.users["institution"].pk

    def class_rows() -> Iterator[tuple[Any, ...]]:
        for c in range(classes + past_classes):
            if c < half:
                occ, level, start, state, ref, funding = (
                    A_OCC,
                    A_LEVEL,
                    A_START + dt.timedelta(c % 30),
                    "assessed",
                    f"KA{c:07d}",
                    "on_job",
                )
            elif c < classes:
                b = c - half
                occ, level, start, state, ref, funding = (
                    B_OCC,
                    B_LEVEL,
                    B_START + dt.timedelta(b % 30),
                    "assessed",
                    f"KB{b:07d}",
                    "on_job",
                )
            else:
                k = c - classes
                occ, level, start, state, ref, funding = (
                    PAST_OCC,
                    5,
                    dt.date(2021, 1, 4) + dt.timedelta(k % 20),
                    "closed",
                    f"KP{k:07d}",
                    "employment",
                )
            yield (
                c + 1, ref, world.institution.pk, world.district.pk, world.department.pk, YEAR, "BENCH", 1,
                state, "赵敏", "13838105678", "中国银行郑州分行", "6222020200112233445", f"{YEAR}-{c % 97:02d}",
                v(start), v(start + dt.timedelta(days=20)), world.occupations[occ].pk, level, "skill_level",
                PER_CLASS, 100, 30, 70, 45, 0, 0, "institution", "offline", funding, PER_CLASS, f,
                "郑州市金水区文化路 80 号", 1, "", user, now, now,
            )  # fmt: skip

    def person_rows() -> Iterator[tuple[Any, ...]]:
        for p in range(persons):
            number = person_id_number(p)
            birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            yield (
                p + 1, number, f"学员{p}", "男" if int(number[16]) % 2 else "女", v(birth), f"139{p:08d}",
                world.district.pk, user, world.institution.pk, now,
            )  # fmt: skip

    # Enrolment ids: A class c holds persons 50c…50c+49 (ids 1…persons), B class b the same persons (ids
    # persons+1…2·persons), then the earlier 2021 enrolments of one person in ten.
    def enrolment_rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for offset in (0, half):
            for p in range(persons):
                n += 1
                c = offset + p // PER_CLASS
                yield (n, c + 1, p + 1, p % PER_CLASS + 2, "enrolled", "", "", t, "", f, "", None, f, "", "", f, t, t, t, None)  # fmt: skip
        assessed = v(dt.date(2021, 2, 20))
        for i, p in enumerate(past_persons):
            for k in range(2):
                n += 1
                c = classes + k * past_half + i // PER_CLASS
                yield (n, c + 1, p + 1, i % PER_CLASS + 2, "enrolled", "", "", t, "", f, "", None, f, "", "", f, t, t, t, assessed)  # fmt: skip

    def result_rows() -> Iterator[tuple[Any, ...]]:
        issued = v(dt.date(2021, 6, 20))
        for offset, fail, level in ((0, FAIL_A, A_LEVEL), (half, FAIL_B, B_LEVEL)):
            for p in range(persons):
                e = (persons if offset else 0) + p + 1
                c = offset + p // PER_CLASS
                ok = p % 25 != fail
                yield (
                    e, c + 1, e, ok, "skill_level" if ok else "", level if ok else None,
                    f"Z{e:09d}" if ok else "", issued if ok else None, "郑州市职业技能鉴定站" if ok else "", user, now,
                )  # fmt: skip

    def inspection_rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for c in range(classes):
            cut = c >= half and (c - half) % CUT_EVERY == CUT_EVERY - 1
            for i, present in enumerate((40, 41) if cut else (PER_CLASS, PER_CLASS)):
                n += 1
                at = v(timezone.make_aware(dt.datetime(2021, 3 if c < half else 5, 12 + i, 10)))
                yield (n, c + 1, at, "实训楼", "教师1、教师2", present, f, "", "", user, now)

    with transaction.atomic():
        bulk.insert(
            TrainingClass._meta.db_table,
            ["id", "ref", "institution_id", "region_id", "department_id", "year", "profile_code",
             "profile_version", "state", "contact_name", "contact_phone", "bank_name", "bank_account",
             "batch", "start_date", "end_date", "occupation_id", "level", "target_certificate",
             "planned_trainees", "total_hours", "theory_hours", "practical_hours", "minutes_per_hour",
             "online_hours", "offline_practical_hours", "mode", "delivery", "funding_type",
             "workstations", "cross_city_approved", "venue", "review_round", "return_comment",
             "created_by_id", "created_at", "updated_at"],
            class_rows(),
        )  # fmt: skip
        bulk.insert(
            Person._meta.db_table,
            ["id", "id_number", "name", "sex", "birth_date", "phone", "region_id", "registered_by_id",
             "registered_by_organisation_id", "created_at"],
            person_rows(),
        )  # fmt: skip
        bulk.insert(
            Enrolment._meta.db_table,
            ["id", "training_class_id", "person_id", "row", "status", "phone", "employer", "is_employee",
             "post_occupation", "is_transfer", "previous_post_occupation", "hired_on", "is_student",
             "school", "major_occupation", "is_graduating_year", "wants_training", "wants_work",
             "able_to_work", "assessed_on"],
            enrolment_rows(),
        )  # fmt: skip
        bulk.insert(
            Assessment._meta.db_table,
            ["id", "training_class_id", "body_id", "certificate_kind", "level", "assessment_date", "applied_on",
             "offline", "exam_set_by", "venue", "state", "applied_by_id", "results_completed_at", "created_at"],
            (
                (c + 1, c + 1, world.body.pk, "skill_level", A_LEVEL if c < half else B_LEVEL,
                 v(dt.date(2021, 6, 10)), v(dt.date(2021, 5, 31)), t, "", "实训楼", "results_entered", user, now, now)
                for c in range(classes)
            ),
        )  # fmt: skip
        bulk.insert(
            Result._meta.db_table,
            ["id", "assessment_id", "enrolment_id", "passed", "certificate_kind", "level", "certificate_number",
             "issued_on", "issuer", "entered_by_id", "entered_at"],
            result_rows(),
        )  # fmt: skip
        bulk.insert(
            Inspection._meta.db_table,
            ["id", "training_class_id", "at", "place", "teachers_present", "trainees_present", "remote",
             "media_refs", "note", "inspector_id", "created_at"],
            inspection_rows(),
        )  # fmt: skip
        if bulk.postgres:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [TrainingClass, Person, Enrolment, Assessment, Result, Inspection]
                ):
                    cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Data(
        a_classes=list(range(1, half + 1)),
        b_classes=list(range(half + 1, classes + 1)),
        persons=persons,
        rows=2 * persons,
    )


def expected(data: Data) -> tuple[Counter[str], Decimal]:
    """What the rules must find, worked out from how the data was made (module doc)."""
    half = len(data.a_classes)
    count: Counter[str] = Counter()
    total = Decimal(0)
    for p in range(data.persons):
        # A: only the exam decides (two earlier classes + this one = 3, within B02's 3 a year).
        if p % 25 == FAIL_A:
            count["F02"] += 1
        else:
            count["payable"] += 1
            total += A_AMOUNT
    for b in range(half):
        eligible = 0
        cap = 40 if b % CUT_EVERY == CUT_EVERY - 1 else PER_CLASS
        for p in range(b * PER_CLASS, (b + 1) * PER_CLASS):
            if p % 25 == FAIL_B:
                count["F02"] += 1
            elif p % PAST_EVERY == 0:
                count["B02"] += 1  # two earlier 2021 classes + the A class: the B class is a 4th
            elif eligible < cap:
                eligible += 1
                count["payable"] += 1
                total += B_AMOUNT
            else:
                count["C02"] += 1
    return count, total


# --- the runs -----------------------------------------------------------------------------------------------


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Clock:
    """Wall-clock seconds of the timed calls. ``map`` runs one call per chunk, ``workers`` at a time on
    as many threads (each with its own database connection and transaction, as that many Celery
    workers would), and counts the seconds from the first start to the last end."""

    workers = 1

    def __init__(self, profile: bool) -> None:
        self.seconds = 0.0
        self.profiler = cProfile.Profile() if profile else None

    def map(self, load: Any, fn: Any, parts: Sequence[Any]) -> list[Any]:
        """``fn(load(part))`` for each part. With one worker only ``fn`` is timed, as the bench always
        did; with more, each thread's loading is inside the wall-clock time too."""
        if self.workers == 1:
            return [self.run(fn, rows=load(part)) for part in parts]
        from concurrent.futures import ThreadPoolExecutor

        from django.db import connections

        def call(part: Any) -> Any:
            try:
                return fn(load(part))
            finally:
                connections.close_all()  # this thread's own connection

        t0 = time.perf_counter()
        with ThreadPoolExecutor(self.workers) as pool:
            out = list(pool.map(call, parts))
        self.seconds += time.perf_counter() - t0
        return out

    def run(self, fn: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        if self.profiler:
            self.profiler.enable()
        try:
            return fn(**kwargs)
        finally:
            if self.profiler:
                self.profiler.disable()
            self.seconds += time.perf_counter() - t0

    def report(self, title: str) -> None:
        if self.profiler:
            out = io.StringIO()
            pstats.Stats(self.profiler, stream=out).sort_stats("cumulative").print_stats(40)
            print(f"--- profile: {title}\n{out.getvalue()}")


def compute(world: World, data: Data, chunk: int, profile: bool) -> tuple[float, list[int]]:
    from django.db import transaction

    from jineng.claims.bulk import claims_create_bulk
    from jineng.training.models import TrainingClass

    # Warm-up (rolled back): the first call of a process loads the profiles and the code paths.
    with transaction.atomic():
        warm = list(TrainingClass.objects.filter(pk__in=data.a_classes[:2]))
        claims_create_bulk(actor=world.users["institution"], classes=warm, today=CLAIMED)
        transaction.set_rollback(True)
    clock = Clock(profile)
    ids: list[int] = []

    def load(part: Sequence[int]) -> list[Any]:
        return list(TrainingClass.objects.filter(pk__in=part).order_by("pk"))

    def one(rows: list[Any]) -> list[int]:
        claims = claims_create_bulk(actor=world.users["institution"], classes=rows, today=CLAIMED)
        return [c.pk for c in claims]

    # A classes before B classes: the B lines weigh the A lines written before them (B02's history).
    # With --workers N the chunks of one phase run N at a time, each in its own transaction.
    for phase in (data.a_classes, data.b_classes):
        for found in clock.map(load, one, list(chunks(phase, chunk))):
            ids += found
    clock.report("compute")
    return clock.seconds, ids


def submit_all(world: World, ids: list[int]) -> float:
    from jineng.claims.models import Claim
    from jineng.claims.services import claim_submit

    t0 = time.perf_counter()
    clerk = world.users["institution"]
    for claim in Claim.objects.filter(pk__in=ids).order_by("pk").iterator(chunk_size=2000):
        claim_submit(actor=clerk, claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED)
    return time.perf_counter() - t0


def between_by_sql(ids: list[int], step: str) -> float:
    """``--between sql``: the claims moved by one UPDATE to where claim_submit / claim_notice_close would
    put them (the same fields; no audit event), for runs where 20,000 calls of those per-claim services
    would take longer than everything timed. Never used for the timed steps."""
    from django.db import transaction

    from jineng.claims.models import Claim, ClaimState
    from jineng.policy.claims import review_due
    from jineng.policy.profiles import get_profile
    from jineng.workcal.selectors import work_calendar

    profile = get_profile("BENCH", 1)
    t0 = time.perf_counter()
    with transaction.atomic():
        for part in chunks(ids, 10_000):
            if step == "submit":
                Claim.objects.filter(pk__in=part).update(
                    state=ClaimState.SUBMITTED,
                    pledge_signed_by="赵敏",
                    pledge_signed_at=dt.datetime(2021, 7, 5, 9, tzinfo=dt.UTC),
                    submitted_on=CLAIMED,
                    review_round=1,
                    profile_code=profile.code,
                    profile_version=profile.version,
                    review_due=review_due(profile, work_calendar(), "dept", CLAIMED),
                )
            else:
                Claim.objects.filter(pk__in=part).update(
                    state=ClaimState.NOTICE_CLOSED,
                    review_due=review_due(profile, work_calendar(), "hr", NOTICE_OVER),
                )
    return time.perf_counter() - t0


def notice_close_all(world: World, ids: list[int]) -> float:
    from jineng.claims.models import Claim
    from jineng.claims.services import claim_notice_close

    t0 = time.perf_counter()
    for claim in Claim.objects.filter(pk__in=ids).order_by("pk").iterator(chunk_size=2000):
        claim_notice_close(actor=world.users["hr_first"], claim=claim, today=NOTICE_OVER)
    return time.perf_counter() - t0


def sign(
    world: World, ids: list[int], roles: Sequence[str], today: dt.date, chunk: int, clock: Clock
) -> None:
    from jineng.claims.bulk import claims_review_bulk
    from jineng.claims.models import Claim

    for role in roles:

        def load(part: Sequence[int]) -> list[Any]:
            return list(Claim.objects.filter(pk__in=part).order_by("pk"))

        def one(rows: list[Any], role: str = role) -> None:
            claims_review_bulk(actor=world.users[role], claims=rows, decision="pass", today=today)

        # A role's chunks may run at once (--workers); the next role signs after all of them.
        clock.map(load, one, list(chunks(ids, chunk)))


def start_workers(n: int) -> Any:
    """``--celery N``: the product's Celery worker (bench/celery_worker.py) with N prefork processes on
    the bench's database and the Redis of ``REDIS_URL``, started before anything is timed."""
    import os
    import subprocess

    from jineng.celery import app

    app.control.purge()  # a queue left by an interrupted run would be taken first
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "celery_worker.py"), "--concurrency", str(n),
         "--pool", "prefork", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
         "-n", f"bench{os.getpid()}@%h"],
        env=os.environ.copy(),
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"Celery worker 启动失败（退出码 {proc.returncode}）")
        if app.control.ping(timeout=0.5):
            time.sleep(1.0)  # the pool's children, forked after the worker answers
            return proc
    proc.kill()
    sys.exit("Celery worker 90 秒内未就绪")


def stop_workers(proc: Any) -> None:
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_to_end(actor: Any, kind: str, ids: Sequence[int], today: dt.date, chunk: int) -> float:
    """Seconds from ``claim_run_start`` (the page's or the API's call) until no chunk of the run is
    pending — the workers' wall-clock time, polled every 50 ms. A refused chunk stops the bench."""
    from jineng.claims.models import ClaimRunChunk
    from jineng.claims.runs import claim_run_start

    t0 = time.perf_counter()
    run = claim_run_start(
        actor=actor, kind=kind, ids=ids, decision="pass" if kind == "review" else "", today=today,
        chunk_size=chunk,
    )  # fmt: skip
    pending = ClaimRunChunk.objects.filter(run=run, state=ClaimRunChunk.State.PENDING)
    while pending.exists():
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    refused = ClaimRunChunk.objects.filter(run=run, state=ClaimRunChunk.State.REFUSED).first()
    if refused is not None:
        print(f"UNEXPECTED: run {run.pk} chunk {refused.position} refused: {refused.message}")
        sys.exit(1)
    return seconds


def compute_by_runs(world: World, data: Data, chunk: int) -> tuple[float, list[int]]:
    from jineng.claims.models import Claim

    # A classes, then B classes, in two runs: the B lines weigh the A lines written before them (B02).
    seconds = sum(
        run_to_end(world.users["institution"], "create", phase, CLAIMED, chunk)
        for phase in (data.a_classes, data.b_classes)
    )
    return seconds, list(Claim.objects.order_by("pk").values_list("pk", flat=True))


def sign_by_runs(world: World, ids: list[int], roles: Sequence[str], today: dt.date, chunk: int) -> float:
    return sum(run_to_end(world.users[role], "review", ids, today, chunk) for role in roles)


# --- the mixed batch: every programme and every profile through the one pipeline ------------------------------

MIXED_PER_CLAIM = 50
# (programme, profile, rule, amount per line, label): a line of each programme as its app prices it — the
# programme's own judging (a 以工代训 month, an apprentice's year, a certificate's evaluation item…) is its
# app's and is tested there; what is timed here is the pipeline they all share.
MIXED = [
    ("yigong", "XC19", "F03", Decimal("200.00"), "2021年3月"),
    ("equipment", "XC19", "F05", Decimal("84000.00"), "新购实训设备"),
    ("evaluation", "XC23", "F02", Decimal("300.00"), "职业技能等级证书"),
    ("apprenticeship", "HC21", "F02", Decimal("4000.00"), "第1学年"),
    ("voucher", "ZZ21", "F02", Decimal("2000.00"), "培训券"),
]


def mixed_claims(world: World, persons: int, lines: int) -> list[Any]:
    """``lines`` line facts as the programmes hand them over: claims of 50 lines (an equipment grant's
    claim has one line and no person), cycling through the programmes and their profiles."""
    from jineng.claims.sourced import SourceClaim, SourceLine
    from jineng.policy.profiles import get_profile

    out = []
    n = 0
    k = 0
    while n < lines:
        programme, code, rule, amount, label = MIXED[k % len(MIXED)]
        size = 1 if programme == "equipment" else min(MIXED_PER_CLAIM, lines - n)
        out.append(
            SourceClaim(
                source_id=k + 1,
                source_ref=f"MX{k:07d}",
                title=f"{programme} {k}",
                region=world.district,
                department_id=world.department.pk,
                applicant_kind="institution",
                profile=get_profile(code),
                year=YEAR,
                period_start=dt.date(2021, 3, 1),
                period_end=dt.date(2021, 3, 31),
                lines=[
                    SourceLine(
                        key=f"{programme}:{k}:{i}",
                        label=label,
                        amount=amount,
                        rule_ids=(rule,),
                        computation=f"{rule} {label} {amount}元（{get_profile(code).document}）",
                        person_id=None if programme == "equipment" else (n + i) % persons + 1,
                    )
                    for i in range(size)
                ],
                payee_organisation=world.institution,
                bank_name="中国银行郑州分行",
                bank_account="6222020200112233445",
            )
        )
        n += size
        k += 1
    return out


def mixed(world: World, persons: int, lines: int, chunk: int) -> None:
    """Create, submit (not timed), sign by the department, close the notice (not timed), sign by the
    bureau and, where the profile has it, finance — the mixed batch, timed like the class batch — and the
    raw COPY of the same line rows as its baseline."""
    from django.db import transaction
    from django.test import override_settings

    from jineng.accounts.services import user_create
    from jineng.claims.bulk import claims_review_bulk
    from jineng.claims.models import Claim, ClaimLine, ClaimState
    from jineng.claims.sourced import claims_create_for_sources

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for i in (1, 2):
            world.users[f"finance{i}"] = user_create(
                actor=None,
                username=f"bench_finance{i}",
                password="Bench@pass-2026",
                display_name=f"基准财政{i}",
                role="finance",
                region=world.city,
            )
    asked = mixed_claims(world, persons, lines)
    by_programme: dict[str, list[Any]] = {}
    for sc in asked:
        by_programme.setdefault(sc.lines[0].key.split(":")[0], []).append(sc)
    per_call = max(1, chunk * PER_CLASS // MIXED_PER_CLAIM)  # as many lines per call as the class batch
    t0 = time.perf_counter()
    ids: list[int] = []
    for programme, claims in by_programme.items():
        for part in chunks(claims, per_call):
            with transaction.atomic():
                made = claims_create_for_sources(
                    actor=world.users["institution"], programme_code=programme, claims=part
                )
            ids += [c.pk for c in made]
    create_s = time.perf_counter() - t0
    Claim.objects.filter(pk__in=ids).update(
        state=ClaimState.SUBMITTED, submitted_on=CLAIMED, review_round=1, pledge_signed_by="赵敏"
    )

    def signs(roles: Sequence[str], today: dt.date, only: list[int]) -> float:
        t = time.perf_counter()
        for role in roles:
            for part in chunks(only, per_call):
                rows = list(Claim.objects.filter(pk__in=part).order_by("pk"))
                claims_review_bulk(actor=world.users[role], claims=rows, decision="pass", today=today)
        return time.perf_counter() - t

    sign_s = signs(("dept_first", "dept_second"), CLAIMED, ids)
    Claim.objects.filter(pk__in=ids).update(state=ClaimState.NOTICE_CLOSED)
    sign_s += signs(("hr_first", "hr_second"), dt.date(2021, 7, 13), ids)
    finance = list(
        Claim.objects.filter(pk__in=ids, state=ClaimState.HR_REVIEWED).values_list("pk", flat=True)
    )
    sign_s += signs(("finance1", "finance2"), dt.date(2021, 7, 13), finance)
    states = Counter(Claim.objects.filter(pk__in=ids).values_list("state", flat=True))
    n_lines = ClaimLine.objects.filter(claim_id__in=ids).count()
    raw_s, raw_n = raw_copy(ids, only=True)
    total_s = create_s + sign_s
    print()
    print(f"mixed batch: {len(ids):,} claims of {', '.join(by_programme)} under ZZ21, HC21, XC19, XC23")
    print(f"{'step':<10} {'lines':>10} {'seconds':>9} {'lines/s':>9} {'ours/raw':>9}")
    for label, seconds in (("create", create_s), ("approve", sign_s), ("total", total_s), ("raw", raw_s)):
        print(
            f"{label:<10} {n_lines:>10,} {seconds:>9.2f} {n_lines / seconds:>9,.0f} {seconds / raw_s:>8.1f}×"
        )
    print(f"claims by state: {dict(states)}; raw rows {raw_n:,}")
    if set(states) != {ClaimState.APPROVED} or n_lines != lines:
        print("UNEXPECTED: every mixed claim approved with all its lines")
        sys.exit(1)


def raw_copy(ids: list[int], only: bool = False) -> tuple[float, int]:
    """The same claim-line rows, written raw (no rule, no claim, no audit), rolled back. ``live`` is false
    so that the copies stand beside the real lines (the one-live-line-per-trainee index)."""
    from django.db import connection, transaction

    from jineng.claims.models import ClaimLine

    columns = ["claim_id", "person_id", "training_class_id", "row", "status", "amount", "rule_ids",
               "computation", "reasons", "live"]  # fmt: skip
    where = f" WHERE claim_id IN ({', '.join(str(i) for i in ids)})" if only else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns[:-1])} FROM {ClaimLine._meta.db_table}{where} ORDER BY id")
        rows = [(*r, False) for r in cursor.fetchall()]
    bulk = Bulk()
    t0 = time.perf_counter()
    with transaction.atomic():
        n = bulk.insert(ClaimLine._meta.db_table, columns, rows)
        if bulk.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - t0
        transaction.set_rollback(True)
    return seconds, n


def run(args: argparse.Namespace, target: Target) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Sum

    from jineng.claims.models import Claim, ClaimLine, ClaimState
    from jineng.ledger.models import JournalEntry
    from jineng.ledger.tests.books import assert_books_balance

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = build_world()
    print(f"database: {target.label}, {connection.vendor} {_server_version(connection)}")
    print(f"setup: migrate + world {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    data = build_data(world, args.lines)
    build = time.perf_counter() - t0
    print(
        f"data: {len(data.a_classes) + len(data.b_classes):,} assessed classes, {data.persons:,} persons, "
        f"{data.rows:,} trainees with results and inspections, built in {build:.1f} s (not timed)"
    )

    lines = data.rows
    Clock.workers = args.workers
    by_sql = args.between == "sql"
    if args.celery:
        print(f"mode: 申领批处理 (claims.runs) on {args.celery} Celery worker processes, Redis {args.redis}")
        workers = start_workers(args.celery)
        try:
            compute_s, ids = compute_by_runs(world, data, args.chunk)
            submit_s = between_by_sql(ids, "submit") if by_sql else submit_all(world, ids)
            approve_s = sign_by_runs(world, ids, ("dept_first", "dept_second"), CLAIMED, args.chunk)
            close_s = between_by_sql(ids, "close") if by_sql else notice_close_all(world, ids)
            approve_s += sign_by_runs(world, ids, ("hr_first", "hr_second"), NOTICE_OVER, args.chunk)
        finally:
            stop_workers(workers)
    else:
        print("mode: claims.bulk called in this process, one chunk after the other" if args.workers == 1
              else f"mode: claims.bulk on {args.workers} threads of this process")  # fmt: skip
        compute_s, ids = compute(world, data, args.chunk, args.profile)
        submit_s = between_by_sql(ids, "submit") if by_sql else submit_all(world, ids)
        clock = Clock(args.profile)
        sign(world, ids, ("dept_first", "dept_second"), CLAIMED, args.chunk, clock)
        close_s = between_by_sql(ids, "close") if by_sql else notice_close_all(world, ids)
        sign(world, ids, ("hr_first", "hr_second"), NOTICE_OVER, args.chunk, clock)
        clock.report("approve")
        approve_s = clock.seconds
    raw_s, raw_n = raw_copy(ids)

    got: Counter[str] = Counter()
    for status, rules, n in ClaimLine.objects.values_list("status", "rule_ids").annotate(n=Count("pk")):
        if status == "payable":
            got["payable"] += n
        else:
            for rule in ("C02", "B02", "F02"):  # the reason each excluded line carries first
                if rule in rules.split(",")[1:] or (rule == "F02" and rules == "F02"):
                    got[rule] += n
                    break
    total = ClaimLine.objects.filter(status="payable").aggregate(s=Sum("amount"))["s"]
    want, want_total = expected(data)
    states = Counter(Claim.objects.values_list("state", flat=True))
    payables = JournalEntry.objects.filter(kind="payable").count()
    assert_books_balance()

    total_s = compute_s + approve_s
    print()
    print(f"{'step':<10} {'lines':>10} {'seconds':>9} {'lines/s':>9} {'ours/raw':>9}")
    for label, seconds in (("compute", compute_s), ("approve", approve_s), ("total", total_s), ("raw COPY" if
                           connection.vendor == "postgresql" else "raw insert", raw_s)):  # fmt: skip
        print(f"{label:<10} {lines:>10,} {seconds:>9.2f} {lines / seconds:>9,.0f} {seconds / raw_s:>8.1f}×")
    print(
        f"not timed: data {build:.1f} s; submit ×{len(ids):,} {submit_s:.1f} s and notice close "
        f"×{len(ids):,} {close_s:.1f} s ({'one UPDATE each, --between sql' if by_sql else 'claim_submit / claim_notice_close per claim'}); "
        f"raw rows {raw_n:,}"
    )
    print(
        f"claims: {len(ids):,} ({dict(states)}), payable entries in the ledger: {payables:,}; "
        f"lines {dict(sorted(got.items()))}, payable total {total} 元"
    )
    print("ours/raw: seconds of the step ÷ seconds of the raw COPY of the same claim-line rows, same run")
    ok = (
        got == want
        and total == want_total
        and states == Counter({ClaimState.APPROVED: len(ids)})
        and payables == len(ids)
    )
    if not ok:
        print(
            f"UNEXPECTED: wanted lines {dict(sorted(want.items()))}, total {want_total} 元, every claim approved"
        )
        sys.exit(1)
    if args.mixed:
        mixed(world, data.persons, args.mixed, args.chunk)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=100_000, help="claim lines (trainees), default 100,000")
    parser.add_argument(
        "--chunk", type=int, default=1000, help="classes / claims per service call (default 1000)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="chunks run at once, each on its own thread, connection and transaction (default 1)",
    )
    parser.add_argument(
        "--celery",
        type=int,
        default=0,
        metavar="N",
        help="through 申领批处理 (claims.runs) on a Celery worker with N processes (PostgreSQL and Redis)",
    )
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/14",
        help="broker for --celery (default redis://127.0.0.1:6379/14, emptied at the start; CI uses /15)",
    )
    parser.add_argument(
        "--mixed",
        type=int,
        default=0,
        metavar="LINES",
        help="then a batch of LINES lines mixing every programme and profile (以工代训, 设备补助, 评价补贴, 学徒制, 培训券)",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the timed steps")
    parser.add_argument(
        "--between",
        choices=("service", "sql"),
        default="service",
        help="submit and notice close (not timed): per claim through the services (default), or by SQL",
    )
    args = parser.parse_args()
    if args.workers < 1 or (args.workers > 1 and args.profile):
        sys.exit("--workers 至少为 1；--profile 只能与 --workers 1 一起使用")
    if args.lines < 1000 or args.lines % (2 * PER_CLASS * CUT_EVERY):
        sys.exit(f"--lines 应为 {2 * PER_CLASS * CUT_EVERY} 的倍数且不少于 1000")
    if args.celery < 0 or (args.celery and (args.workers > 1 or args.profile)):
        sys.exit("--celery N 不能与 --workers、--profile 同用")
    target = _choose_database()
    if args.celery:
        import os

        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            target.cleanup()
            sys.exit("--celery 需要 PostgreSQL 的 DATABASE_URL（各 worker 进程各有连接）")
        # After _choose_database, which makes the bench's own process eager: tasks go to the broker.
        os.environ["REDIS_URL"] = args.redis
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    try:
        run(args, target)
    finally:
        target.cleanup()


if __name__ == "__main__":
    main()
