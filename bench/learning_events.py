"""Learning-event bench (issue 15): ingest platforms' and devices' events, and judge D04 over a million.

    cd /work/main
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/learning_events.py
    DATABASE_URL=… .venv/bin/python bench/learning_events.py --trainees 2000 --http-events 40000  # quick

PostgreSQL only (the event table is partitioned by month there): the bench creates its own database
jineng_bench_<pid> on the server of DATABASE_URL and drops it at the end. See bench/README.md.

Data (not timed; COPY, then ANALYZE): the classes, persons and enrolments of bench/subsidy_batch.py
(``--trainees`` enrolments in classes of 50, half "A" classes of March 2021, half "B" classes of May),
turned into blended classes taught on a bench online platform. Each trainee learns ``--lessons``
45-minute lessons, two a day: a session start, a passed liveness match, a pop-up answered and a
playback position every 4 minutes, a random photo and the session end — 26 events a lesson. One
trainee in four breaks D04 in one lesson (fast-forward, a blurred window, no photo, a failed liveness
match, or no pop-up for the whole lesson), so every reason path is judged.

Timed:
  a. service   the A classes' events through ``online.services.events_ingest`` as the platform sends
               them, in batches of 10,000 (each its own transaction: classes and trainees mapped, the
               events already stored looked up, COPY, one audit event);
     raw COPY  the same rows (``services.COLUMNS``) copied into the same table in batches of 10,000,
               each committed — measured first, then the table emptied (append-only trigger switched
               off for the TRUNCATE; the bench's own database) and VACUUMed before the service runs;
  b. HTTP      face check-ins and check-outs of the B classes' trainees (every day of the class) posted
               to ``POST /api/v1/online/events`` with a device token, in batches of 10,000 from
               ``--clients`` threads, to gunicorn started with deploy/gunicorn.conf.py in production
               mode (JINENG_MODE=production, its worker count and class; only the port is the bench's);
  c. judge     D04 for every class (``online.selectors.records``: the query and the policy's
               ``judge_many``) once the B classes' lesson events are in too (raw COPY, not timed).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import http.client
import io
import json
import os
import pstats
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from roster_import import Target, _choose_database, _server_version  # noqa: E402
from subsidy_batch import PER_CLASS, build_data, build_world, person_id_number  # noqa: E402

TZ = dt.timezone(dt.timedelta(hours=8))
BATCH = 10_000
MINUTES = 45  # a lesson, one class hour (the classes' 每课时分钟数)
POPUP_EVERY = 4  # minutes
ONLINE_HOURS = 4
# Trainee (enrolment) e with e % 20 == key breaks D04 in one lesson: key → (lesson, pattern, reason).
FRAUD = {
    3: (2, "fast", "有快进播放"),
    7: (3, "blur", "有多窗口学习"),
    11: (1, "no_photo", "无随机保留影像照片"),
    15: (4, "liveness", "无法进行人脸活体比对"),
    19: (2, "no_popup", "无弹窗管控"),
}


# --- events ----------------------------------------------------------------------------------------------


def lesson_events(e: int, start: dt.date, lessons: int) -> Iterator[tuple[Any, ...]]:
    """Trainee ``e``'s lesson events: (event_id, kind, at, lesson, position, speed, passed, score, ref)."""
    fraud = FRAUD.get(e % 20)
    n = 0

    def ev(kind: str, at: dt.datetime, lesson: int, **kw: Any) -> tuple[Any, ...]:
        nonlocal n
        n += 1
        return (
            f"p{e:07d}-{n:04d}", kind, at, lesson, kw.get("position"), kw.get("speed"), kw.get("passed"),
            kw.get("score"), kw.get("ref", ""),
        )  # fmt: skip

    one, two = Decimal("1.00"), Decimal("2.00")
    for lesson in range(1, lessons + 1):
        pattern = fraud[1] if fraud and fraud[0] == lesson else ""
        day = start + dt.timedelta(days=(lesson - 1) // 2)
        begin = dt.datetime.combine(day, dt.time(9 if lesson % 2 else 14, 0), TZ)
        speed = two if pattern == "fast" else one
        yield ev("session_start", begin, lesson, position=0, speed=speed)
        yield ev(
            "liveness",
            begin + dt.timedelta(seconds=30),
            lesson,
            passed=pattern != "liveness",
            score=Decimal("91.50") if pattern != "liveness" else Decimal("42.00"),
        )
        for m in range(POPUP_EVERY, MINUTES, POPUP_EVERY):
            at = begin + dt.timedelta(minutes=m)
            if pattern != "no_popup":
                yield ev("popup_answered", at, lesson, passed=True)
            yield ev("progress", at, lesson, position=m * 60, speed=speed)
        if pattern == "blur":
            yield ev("blur", begin + dt.timedelta(minutes=20), lesson)
        if pattern != "no_photo":
            yield ev("photo", begin + dt.timedelta(minutes=15), lesson, ref=f"img/{e}/{lesson}.jpg")
        yield ev("session_end", begin + dt.timedelta(minutes=MINUTES), lesson, position=MINUTES * 60)


def checkin_events(e: int, start: dt.date, days: int) -> Iterator[tuple[Any, ...]]:
    for d in range(days):
        day = start + dt.timedelta(days=d)
        come = dt.datetime.combine(day, dt.time(8, 30), TZ)
        yield (f"d{e:07d}-{2 * d:03d}", "face_in", come, None, None, None, True, Decimal("90.00"), "")
        yield (
            f"d{e:07d}-{2 * d + 1:03d}", "face_out", come + dt.timedelta(hours=8), None, None, None, True,
            Decimal("90.00"), "",
        )  # fmt: skip


class Trainees:
    """Where each enrolment is: subsidy_batch's A class c holds persons 50c…50c+49 (enrolment ids
    1…persons), B class b the same persons (ids persons+1…2·persons)."""

    def __init__(self, persons: int) -> None:
        from jineng.training.models import TrainingClass

        self.persons = persons
        self.classes = {
            pk: (ref, start)
            for pk, ref, start in TrainingClass.objects.filter(pk__lte=2 * persons // PER_CLASS).values_list(
                "pk", "ref", "start_date"
            )
        }

    def of(self, e: int) -> tuple[int, str, dt.date, str]:
        """(class id, class ref, class start, trainee's ID number) of enrolment ``e`` (1-based)."""
        p = (e - 1) % self.persons
        cid = p // PER_CLASS + 1 + (self.persons // PER_CLASS if e > self.persons else 0)
        ref, start = self.classes[cid]
        return cid, ref, start, person_id_number(p)


def rows_for(
    trainees: Trainees, enrolments: range, sender: int, device: int | None, kind: str, lessons: int
) -> tuple[list[Any], list[tuple[Any, ...]]]:
    """The events as the service takes them (EventIn) and as the table stores them (COLUMNS order)."""
    from django.utils import timezone

    from jineng.online.services import EventIn

    now = timezone.now()
    ins: list[Any] = []
    raw: list[tuple[Any, ...]] = []
    for e in enrolments:
        cid, ref, start, number = trainees.of(e)
        events = lesson_events(e, start, lessons) if kind == "lesson" else checkin_events(e, start, 21)
        for event_id, k, at, lesson, position, speed, passed, score, ref_ in events:
            ins.append(EventIn(event_id, ref, number, k, at, lesson, position, speed, passed, score, ref_))
            raw.append(
                (sender, device, event_id, cid, e, k, at, lesson, position, speed, passed, score, ref_, now)
            )
    return ins, raw


def batches(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- the world -------------------------------------------------------------------------------------------


def platform_and_device(world: Any) -> tuple[Any, Any, Any, str]:
    """The bench's online platform (the classes are taught on it) and a face check-in device of the
    institution, registered through the service (its token for the HTTP part)."""
    from django.db import connection

    from jineng.online.services import device_register
    from jineng.orgs.services import organisation_register
    from jineng.policy.identity import make_credit_code
    from jineng.training.models import TrainingClass

    platform = organisation_register(
        actor=None,
        name="河南职业技能在线学习平台（基准）",
        credit_code=make_credit_code("91", "410100", 901),
        kind="online_platform",
        region=world.city,
    )
    device, token = device_register(actor=world.users["institution"], code="BENCH-01", site="实训楼一层")
    TrainingClass.objects.filter(state="assessed").update(
        delivery="blended", online_hours=ONLINE_HOURS, online_platform=platform
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return platform, device, world.users["institution"], token


def table_empty() -> None:
    """Empty the event table between the raw COPY and the service (the bench's own database: the
    append-only trigger is switched off for the TRUNCATE only), then VACUUM so both start alike."""
    from django.db import connection

    from jineng.online.models import LearningEvent

    table = LearningEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_truncate")
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")


def copy_committed(raw: Sequence[tuple[Any, ...]]) -> float:
    from django.db import transaction

    from jineng.online.services import copy_rows

    t0 = time.perf_counter()
    for part in batches(raw):
        with transaction.atomic():
            copy_rows(part)
    return time.perf_counter() - t0


class Profiler:
    def __init__(self, on: bool) -> None:
        self.profile = cProfile.Profile() if on else None

    def __enter__(self) -> Profiler:
        if self.profile:
            self.profile.enable()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.profile:
            self.profile.disable()

    def report(self, title: str) -> None:
        if self.profile:
            out = io.StringIO()
            pstats.Stats(self.profile, stream=out).sort_stats("cumulative").print_stats(45)
            print(f"\n--- cProfile: {title} ---\n{out.getvalue()}")


# --- proposed fixes, measured beside the code as it is (patched in the bench process only) ---------------


@contextlib.contextmanager
def proposed_fixes(on: bool) -> Iterator[None]:
    """events_ingest with two changes proposed to online/services.py, same behaviour:

    * the events already stored looked up by one statement with the ids as one array parameter
      (``event_id = ANY(%s)``) read from the cursor, instead of ``event_id__in`` lists of 5,000
      placeholders (psycopg rewrites each long query in Python) iterated through the ORM;
    * each event's local day from the zone read once (``at.astimezone(zone)``), instead of
      ``timezone.localtime``, which looks the current zone up for every event.
    """
    if not on:
        yield
        return
    from django.db import connection
    from django.utils import timezone as dj_timezone

    from jineng.online import services
    from jineng.online.models import LearningEvent

    table = LearningEvent._meta.db_table

    def existing(sender_id: int, keys: Sequence[tuple[str, dt.datetime]]) -> set[tuple[str, dt.datetime]]:
        if not keys:
            return set()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT event_id, at FROM {table} WHERE sender_id = %s AND event_id = ANY(%s) "
                "AND at BETWEEN %s AND %s",
                [sender_id, [k[0] for k in keys], min(k[1] for k in keys), max(k[1] for k in keys)],
            )
            return set(cursor.fetchall())

    class Zone:
        zone = dj_timezone.get_current_timezone()

        def __getattr__(self, name: str) -> Any:
            return getattr(dj_timezone, name)

        def localtime(self, value: dt.datetime) -> dt.datetime:
            return value.astimezone(self.zone)

    saved = services._existing, services.timezone
    services._existing, services.timezone = existing, Zone()  # type: ignore[assignment]
    try:
        yield
    finally:
        services._existing, services.timezone = saved


def drop_sender_keys() -> list[str]:
    """Drop the event table's foreign keys on sender_id and device_id (the bench's own database)."""
    from django.db import connection

    from jineng.online.models import LearningEvent

    table = LearningEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(c.conkey) "
            "WHERE t.relname = %s AND c.contype = 'f' AND a.attname IN ('sender_id', 'device_id')",
            [table],
        )
        names = [r[0] for r in cursor.fetchall()]
        for name in names:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return names


def judge_binary(classes: Sequence[Any]) -> list[dict[int, Any]]:
    """What ``selectors.records`` returns, with the same query read from a binary psycopg cursor (the
    timestamps, numbers and booleans decoded in C) instead of the ORM's text rows and converters."""
    import psycopg
    from django.db import connection

    from jineng.online import selectors
    from jineng.online.models import LearningEvent
    from jineng.policy import online as rules

    out = []
    kinds = sorted(selectors.PLATFORM_KINDS)
    sql = (
        f"SELECT enrolment_id, lesson, at, kind, position, speed, passed, ref FROM {LearningEvent._meta.db_table} "
        "WHERE training_class_id = %s AND at >= %s AND at < %s AND kind = ANY(%s) "
        "ORDER BY enrolment_id, lesson, at, id"
    )
    connection.ensure_connection()
    for tc in classes:
        profile = selectors.profile_of(tc)
        order, approved, course = selectors.course_of(tc)
        bounds: dict[str, Any] = dict(selectors._window(tc).children)  # type: ignore[arg-type]
        lo, hi = bounds["at__gte"], bounds["at__lt"]
        with psycopg.Cursor(connection.connection) as cursor:  # server-side binding, binary rows
            cursor.execute(sql, [tc.pk, lo, hi, kinds], binary=True)
            stream = ((r[0], r[1:]) for r in cursor)
            out.append(
                dict(
                    rules.judge_many(
                        selectors._lesson_rules(tc, profile),
                        stream,
                        order=order,
                        course_approved=approved or course is None,
                    )
                )
            )
    return out


def _verdicts(record: Any) -> tuple[Any, ...]:
    return tuple(
        (
            lesson.lesson,
            lesson.minutes,
            tuple(v.render() for v in lesson.reasons),
            lesson.started,
            lesson.finished,
        )
        for lesson in record.lessons
    )


# --- HTTP ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gunicorn_start(port: int, var_dir: str, proposed: bool = False) -> subprocess.Popen[bytes]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JINENG_", "CELERY_", "DJANGO_")) and k not in ("REDIS_URL", "SECRET_KEY")
    }
    env.update(
        JINENG_MODE="production",
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS="https://127.0.0.1",
        JINENG_VAR_DIR=var_dir,
        PYTHONDONTWRITEBYTECODE="1",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
         *(["--pythonpath", str(ROOT / "bench"), "learning_events_wsgi:application"] if proposed else [])],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(Path(var_dir) / "gunicorn.log", "wb"),  # noqa: SIM115 (open while gunicorn runs)
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status < 500:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    sys.exit("gunicorn 未能启动：" + (Path(var_dir) / "gunicorn.log").read_text()[-2000:])


def gunicorn_workers(proc: subprocess.Popen[bytes]) -> int:
    out = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout
    return len(out.split())


def post_all(port: int, token: str, bodies: list[bytes], clients: int) -> tuple[float, Counter[str]]:
    """Post the bodies from ``clients`` threads; returns the seconds and the summed answers."""
    lock = threading.Lock()
    queue = list(reversed(bodies))
    totals: Counter[str] = Counter()

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request(
                "POST",
                "/api/v1/online/events",
                body=body,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "X-Forwarded-Proto": "https",
                },
            )
            answer = conn.getresponse()
            data = answer.read()
            conn.close()
            with lock:
                if answer.status != 200:
                    totals[f"HTTP {answer.status}"] += 1
                    totals["error:" + data[:300].decode(errors="replace")] += 1
                    continue
                got = json.loads(data)
                totals["stored"] += got["stored"]
                totals["duplicates"] += got["duplicates"]
                totals["refused"] += len(got["refused"])

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, totals


def body_of(events: Sequence[Any]) -> bytes:
    def one(e: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event_id": e.event_id,
            "class_ref": e.class_ref,
            "id_number": e.id_number,
            "kind": e.kind,
            "at": e.at.isoformat(),
        }
        for name in ("lesson", "position", "passed"):
            if getattr(e, name) is not None:
                out[name] = getattr(e, name)
        for name in ("speed", "score"):
            if getattr(e, name) is not None:
                out[name] = str(getattr(e, name))
        if e.ref:
            out["ref"] = e.ref
        return out

    return json.dumps(
        {"events": [one(e) for e in events]}, ensure_ascii=False, separators=(",", ":")
    ).encode()


# --- the run ---------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, target: Target) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from jineng.online import selectors
    from jineng.online.models import LearningEvent
    from jineng.online.services import copy_rows, events_ingest
    from jineng.training.models import TrainingClass

    if connection.vendor != "postgresql":
        sys.exit("本基准测试只用于 PostgreSQL（事件表按月分区）：请设置 DATABASE_URL=postgres://…")
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = build_world()
    data = build_data(world, args.trainees)
    platform, device, clerk, token = platform_and_device(world)
    trainees = Trainees(data.persons)
    persons = data.persons
    a_ins, a_raw = rows_for(trainees, range(1, persons + 1), platform.pk, None, "lesson", args.lessons)
    print(f"database: {target.label}, {connection.vendor} {_server_version(connection)}")
    print(
        f"data: {len(data.a_classes) + len(data.b_classes)} blended classes of {PER_CLASS}, "
        f"{2 * persons:,} trainees, {args.lessons} lessons each ({len(a_raw) / persons:.1f} events a trainee); "
        f"built in {time.perf_counter() - t0:.1f} s (not timed)"
    )
    print(
        f"load average at start: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    )

    # a. raw COPY, then the service, of the same rows (each into the emptied table)
    raw_s = copy_committed(a_raw)
    stored_raw = LearningEvent.objects.count()
    n = len(a_raw)
    print()
    print(f"{'a. ingestion':<40} {'events':>10} {'seconds':>8} {'events/s':>10}")
    print(f"{'raw COPY, 10,000 a commit':<40} {n:>10,} {raw_s:>8.2f} {n / raw_s:>10,.0f}")
    ok = stored_raw == n
    variants = [("events_ingest, batches of 10,000", False)]
    if args.proposed:
        variants.insert(0, ("events_ingest with the proposed fixes", True))
    for label, proposed in variants:
        table_empty()
        profiler = Profiler(args.profile)
        received = stored = duplicates = refused = 0
        with proposed_fixes(proposed):
            t0 = time.perf_counter()
            with profiler:
                for part in batches(a_ins):
                    report = events_ingest(actor=clerk, sender=platform, device=None, events=part)
                    received += report.received
                    stored += report.stored
                    duplicates += report.duplicates
                    refused += len(report.refused)
            service_s = time.perf_counter() - t0
            again = events_ingest(actor=clerk, sender=platform, device=None, events=a_ins[:BATCH])
        profiler.report(label)
        print(
            f"{label:<40} {n:>10,} {service_s:>8.2f} {n / service_s:>10,.0f}"
            f"   = {raw_s / service_s:.0%} of raw COPY's speed"
        )
        print(
            f"  received {received:,}, stored {stored:,}, duplicates {duplicates}, refused {refused}; "
            f"the first batch sent again: stored {again.stored}, duplicates {again.duplicates}"
        )
        ok = ok and stored == n and not refused and again.stored == 0 and again.duplicates == BATCH

    # c. judge D04 over every class, once the B classes' lessons are in too (COPY, not timed)
    _, b_raw = rows_for(
        trainees, range(persons + 1, 2 * persons + 1), platform.pk, None, "lesson", args.lessons
    )
    with transaction.atomic():
        copy_rows(b_raw)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {LearningEvent._meta.db_table}")
    classes = list(TrainingClass.objects.filter(state="assessed").order_by("pk"))
    events = LearningEvent.objects.count()
    profiler = Profiler(args.profile)
    judged: Counter[str] = Counter()
    t0 = time.perf_counter()
    with profiler:
        found = [selectors.records(tc) for tc in classes]
    judge_s = time.perf_counter() - t0
    profiler.report("records (D04)")
    t0 = time.perf_counter()
    binary = judge_binary(classes)
    binary_s = time.perf_counter() - t0
    same = [{k: _verdicts(r) for k, r in got.items()} for got in found] == [
        {k: _verdicts(r) for k, r in got.items()} for got in binary
    ]
    for records in found:
        for record in records.values():
            judged["trainees"] += 1
            judged["valid hours"] += record.valid_hours
            for lesson in record.invalid:
                judged["invalid lessons"] += 1
                for v in lesson.reasons:
                    key = next((reason for _, _, reason in FRAUD.values() if reason in v.message), v.message)
                    judged[key] += 1
    want: Counter[str] = Counter({"trainees": 2 * persons})
    for e in range(1, 2 * persons + 1):
        fraud = FRAUD.get(e % 20)
        want["valid hours"] += args.lessons - (1 if fraud and fraud[0] <= args.lessons else 0)
        if fraud and fraud[0] <= args.lessons:
            want["invalid lessons"] += 1
            want[fraud[2]] += 1
    print()
    print(
        f"c. judge D04 (selectors.records) over {len(classes)} classes, {events:,} events: {judge_s:.2f} s, "
        f"{events / judge_s:,.0f} events/s"
    )
    print(
        f"   judge_many fed from a binary psycopg cursor (proposed): {binary_s:.2f} s, "
        f"{events / binary_s:,.0f} events/s; the same verdicts: {same}"
    )
    ok = ok and same
    print(f"  {dict(judged)}")
    if judged != want:
        print(f"UNEXPECTED: wanted {dict(want)}")
        ok = False

    # b. HTTP, with the production gunicorn settings and a device token
    if args.http_events:
        per = 42  # 21 days of check-in and check-out
        wanted = range(persons + 1, min(2 * persons, persons + args.http_events // per) + 1)
        d_ins, _ = rows_for(trainees, wanted, world.institution.pk, device.pk, "checkin", 0)
        bodies = [body_of(part) for part in batches(d_ins)]
        if args.profile:  # one request in this process, through Django's test client, profiled
            from django.test import Client

            probe = body_of(
                rows_for(trainees, range(1, 239), world.institution.pk, device.pk, "checkin", 0)[0]
            )
            web = Client(HTTP_HOST="127.0.0.1")
            web.post(  # warm: the URLconf and the API's schemas are built on the first request
                "/api/v1/online/events",
                b'{"events": []}',
                content_type="application/json",
                headers={"authorization": f"Bearer {token}"},
            )
            profiler = Profiler(True)
            with profiler:
                answer = web.post(
                    "/api/v1/online/events",
                    probe,
                    content_type="application/json",
                    headers={"authorization": f"Bearer {token}"},
                )
            profiler.report(f"one POST of {len(probe):,} bytes in process (HTTP {answer.status_code})")
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {LearningEvent._meta.db_table}")
        biggest = max(len(b) for b in bodies)
        lesson_body = len(body_of(a_ins[:BATCH]))
        n = len(d_ins)
        print()
        print(
            f"b. HTTP POST /api/v1/online/events, device token, {len(bodies)} batches of ≤ 10,000 from "
            f"{args.clients} client threads, gunicorn in production mode (deploy/gunicorn.conf.py): "
            f"largest body {biggest / 1e6:.2f} MB (a batch of 10,000 lesson events: {lesson_body / 1e6:.2f} MB)"
        )
        runs = (("as it is", False), ("with the proposed fixes", True))[: 2 if args.proposed else 1]
        for i, (label, proposed) in enumerate(list(runs) * args.http_rounds):
            if i:
                table_empty()
                with transaction.atomic():  # the events (c) judged, back in for the same table size
                    copy_rows(a_raw)
                    copy_rows(b_raw)
                with connection.cursor() as cursor:  # and read once, as (c) had read them
                    cursor.execute(f"VACUUM ANALYZE {LearningEvent._meta.db_table}")
                    cursor.execute(f"SELECT count(*) FROM {LearningEvent._meta.db_table}")
            connection.close()
            with tempfile.TemporaryDirectory(prefix="jineng-bench-web-") as var_dir:
                port = free_port()
                proc = gunicorn_start(port, var_dir, proposed)
                workers = gunicorn_workers(proc)
                try:
                    # warm: each worker builds the URLconf and the API on its first request
                    post_all(port, token, [b'{"events": []}'] * 4 * workers, workers)
                    seconds, totals = post_all(port, token, bodies, args.clients)
                finally:
                    proc.terminate()
                    proc.wait(30)
            print(
                f"  {label + ',':<25} {workers} sync workers: {n:,} events in {seconds:.2f} s, "
                f"{n / seconds:,.0f} events/s; answers {dict(totals)}"
            )
            if totals["stored"] != n:
                ok = False
    if args.without_keys:
        # The same two timings once the event table's keys to the sender and the device are dropped
        # (the service checks both before it writes; the class and enrolment keys stay).
        na = len(a_raw)
        dropped = drop_sender_keys()
        table_empty()  # last: (b) and (c) ran with every key
        raw2_s = copy_committed(a_raw)
        table_empty()
        with proposed_fixes(True):
            t0 = time.perf_counter()
            for part in batches(a_ins):
                events_ingest(actor=clerk, sender=platform, device=None, events=part)
            service2_s = time.perf_counter() - t0
        print()
        print(f"a'. without the keys {', '.join(dropped)}:")
        print(f"{'raw COPY, 10,000 a commit':<40} {na:>10,} {raw2_s:>8.2f} {na / raw2_s:>10,.0f}")
        print(
            f"{'events_ingest with the proposed fixes':<40} {na:>10,} {service2_s:>8.2f} {na / service2_s:>10,.0f}"
            f"   = {raw2_s / service2_s:.0%} of raw COPY's speed"
        )
        ok = ok and LearningEvent.objects.count() == na

    print(f"load average at end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    if not ok:
        print("UNEXPECTED: see above")
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--trainees", type=int, default=10_000, help="enrolments, half in A classes (default 10,000)"
    )
    parser.add_argument(
        "--lessons", type=int, default=4, help="45-minute lessons a trainee (default 4: 104 events)"
    )
    parser.add_argument(
        "--http-events",
        type=int,
        default=200_000,
        help="check-ins posted over HTTP (0: skip; default 200,000)",
    )
    parser.add_argument("--clients", type=int, default=4, help="client threads posting (default 4)")
    parser.add_argument(
        "--http-rounds", type=int, default=1, help="HTTP runs of each variant, alternated (default 1)"
    )
    parser.add_argument(
        "--proposed",
        action="store_true",
        help="also time events_ingest with the fixes proposed in bench/README.md (patched in this process)",
    )
    parser.add_argument(
        "--without-keys",
        action="store_true",
        help="then drop the table's keys to the sender and device and time raw COPY and the fixed service again",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the service and the judge"
    )
    args = parser.parse_args()
    if args.trainees < 2 * PER_CLASS or args.lessons < 4:
        sys.exit("--trainees 至少 100，--lessons 至少 4")
    target = _choose_database()
    try:
        run(args, target)
    finally:
        target.cleanup()


if __name__ == "__main__":
    main()
