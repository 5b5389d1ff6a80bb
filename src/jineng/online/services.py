"""Writes of the online supervision data: devices and their tokens, courses and their approval (D01), the
class's course, the D06 requester, and the ingestion of learning and check-in events.

Ingestion is set-based: one query maps the batch's class refs, one its trainees, one finds the events
already stored; on PostgreSQL the rest go in by COPY (the table is partitioned by month, and the months
a batch needs are created first). Bad events are reported one by one and kept out; the rest are stored
in the one transaction, so a failure leaves nothing half-written. An event sent twice is stored once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.catalogue.models import Occupation
from jineng.core.errors import Refusal
from jineng.core.roles import Role, can
from jineng.online.models import (
    DEVICE_KINDS,
    PLATFORM_KINDS,
    AssessmentRequest,
    ClassCourse,
    Course,
    CourseState,
    CourseVideo,
    Device,
    EventKind,
    LearningEvent,
    Requester,
)
from jineng.orgs.models import Organisation
from jineng.policy.identity import InvalidIdNumber, parse_id_number
from jineng.training.models import Delivery, Enrolment, TrainingClass
from jineng.training.selectors import OPENED_STATES

DEVICE_TOKEN_PREFIX = "jnd_"
MAX_EVENTS = 10_000  # per request: a burst is sent as several batches
# Events may arrive a while after the class ends (a device offline for a day): up to this many days.
LATE_DAYS = 7


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _org_clerk(actor: User) -> Organisation:
    if actor.role != Role.INSTITUTION or actor.organisation is None:
        raise Refusal("只有培训机构或线上平台的经办人可以办理")
    return actor.organisation


# --- devices ------------------------------------------------------------------------------------------


@transaction.atomic
def device_register(*, actor: User, code: str, site: str) -> tuple[Device, str]:
    """A face check-in device of the clerk's institution at a training site; the token is shown once."""
    org = _org_clerk(actor)
    if org.kind == Organisation.Kind.ONLINE_PLATFORM:
        raise Refusal("人脸识别签到设备由培训机构登记，线上平台报送学习事件", field="机构")
    code, site = code.strip()[:64], site.strip()[:200]
    if not code:
        raise Refusal("请填写设备编号", field="设备编号")
    if not site:
        raise Refusal("请填写设备所在培训场地", field="培训场地")
    if Device.objects.filter(institution=org, code=code).exists():
        raise Refusal("本机构已登记该设备编号", field="设备编号", value=code)
    body = secrets.token_urlsafe(32)
    secret = f"{DEVICE_TOKEN_PREFIX}{body}"
    device = Device.objects.create(
        institution=org, code=code, site=site, prefix=body[:8], key_hash=_hash(secret), registered_by=actor
    )
    event_record(
        actor=actor, action="device.registered", obj=device, to_state="active", payload={"site": site}
    )
    return device, secret


@transaction.atomic
def device_revoke(*, actor: User, device: Device) -> Device:
    device = Device.objects.select_for_update().get(pk=device.pk)
    if actor.organisation_id != device.institution_id:
        raise Refusal("只能停用本机构的设备")
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        event_record(
            actor=actor, action="device.revoked", obj=device, from_state="active", to_state="revoked"
        )
    return device


def device_authenticate(secret: str) -> Device | None:
    if not secret.startswith(DEVICE_TOKEN_PREFIX):
        return None
    device = (
        Device.objects.select_related("institution")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if device is None:
        return None
    now = timezone.now()
    if device.last_used_at is None or (now - device.last_used_at).total_seconds() > 60:
        Device.objects.filter(pk=device.pk).update(last_used_at=now)
    return device


# --- courses (D01) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoIn:
    lesson: int
    title: str
    minutes: int
    video_ref: str


@transaction.atomic
def course_file(
    *, actor: User, code: str, title: str, occupation: Occupation, videos: Sequence[VideoIn]
) -> Course:
    """A platform files a course with its videos in order, for the province's approval."""
    org = _org_clerk(actor)
    if org.kind != Organisation.Kind.ONLINE_PLATFORM:
        raise Refusal("只有线上培训平台可以报送课程", field="机构")
    code, title = code.strip()[:64], title.strip()[:200]
    if not code or not title:
        raise Refusal("请填写课程编号和课程名称", field="课程编号" if not code else "课程名称")
    if not videos:
        raise Refusal("请至少填写一个课程视频", field="课程视频")
    lessons = [v.lesson for v in videos]
    if len(set(lessons)) != len(lessons) or min(lessons) < 1:
        raise Refusal("课序须为不重复的正整数", field="课序")
    for v in videos:
        if v.minutes < 1 or not v.title.strip() or not v.video_ref.strip():
            raise Refusal(f"第{v.lesson}课：请填写视频名称、编号和时长（分钟）", field="课程视频")
    if Course.objects.filter(platform=org, code=code).exists():
        raise Refusal("本平台已报送该课程编号", field="课程编号", value=code)
    course = Course.objects.create(
        platform=org, code=code, title=title, occupation=occupation, filed_by=actor
    )
    CourseVideo.objects.bulk_create(
        CourseVideo(
            course=course,
            lesson=v.lesson,
            title=v.title.strip()[:200],
            minutes=v.minutes,
            video_ref=v.video_ref[:128],
        )
        for v in sorted(videos, key=lambda v: v.lesson)
    )
    event_record(
        actor=actor,
        action="course.filed",
        obj=course,
        to_state=CourseState.FILED,
        payload={"videos": len(videos)},
    )
    return course


@transaction.atomic
def course_decide(*, actor: User, course: Course, approve: bool, note: str = "") -> Course:
    """D01: the province (the bureau's reviewers of the platform's province) approves the course videos."""
    if not can(actor.role, "course.decide"):
        raise Refusal("只有人社部门审核人员可以审核课程")
    course = Course.objects.select_for_update().select_related("platform__region").get(pk=course.pk)
    if actor.region is None or not course.platform.region.path.startswith(actor.region.path):
        raise Refusal("该平台不在您的管辖范围内")
    if course.state != CourseState.FILED:
        raise Refusal(f"课程当前为“{course.get_state_display()}”，不能再次审核", field="审核状态")
    if not approve and not note.strip():
        raise Refusal("不同意时请填写审核意见", field="审核意见")
    from_state = course.state
    course.state = CourseState.APPROVED if approve else CourseState.REFUSED
    course.decided_by, course.decided_at, course.decision_note = actor, timezone.now(), note.strip()
    course.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    event_record(
        actor=actor, action="course.decided", obj=course, from_state=from_state, to_state=course.state
    )
    return course


@transaction.atomic
def class_course_set(*, actor: User, training_class: TrainingClass, course: Course) -> ClassCourse:
    """The institution names the course its class's online part is taught with."""
    tc = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    if actor.role != Role.INSTITUTION or actor.organisation_id != tc.institution_id:
        raise Refusal("只有本机构经办人可以设置班级线上课程")
    if tc.delivery == Delivery.OFFLINE:
        raise Refusal("线下培训班没有线上课程", field="授课形式")
    if course.platform_id != tc.online_platform_id:
        raise Refusal("所选课程不属于本班的线上平台", field="线上课程", value=course.code)
    if course.occupation_id != tc.occupation_id:
        raise Refusal("所选课程的职业与本班职业不一致", field="线上课程", value=course.code)
    link, _ = ClassCourse.objects.update_or_create(
        training_class=tc, defaults={"course": course, "set_by": actor}
    )
    event_record(
        actor=actor, action="class.course_set", obj=tc, payload={"course": course.pk, "code": course.code}
    )
    return link


@transaction.atomic
def assessment_request_record(
    *, actor: User, training_class: TrainingClass, requester: str, requester_name: str, letter_ref: str = ""
) -> AssessmentRequest:
    """D06: who requested the offline assessment of a purely online class, recorded before the application."""
    tc = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    if actor.role != Role.INSTITUTION or actor.organisation_id != tc.institution_id:
        raise Refusal("只有本机构经办人可以登记考核申请主体")
    if requester not in Requester.values:
        raise Refusal("未知的申请主体", field="申请主体", value=requester)
    if not requester_name.strip():
        raise Refusal("请填写申请单位或个人", field="申请单位或个人")
    request, _ = AssessmentRequest.objects.update_or_create(
        training_class=tc,
        defaults={
            "requester": requester,
            "requester_name": requester_name.strip()[:128],
            "letter_ref": letter_ref.strip()[:64],
            "recorded_by": actor,
        },
    )
    event_record(
        actor=actor,
        action="class.assessment_requester_recorded",
        obj=tc,
        payload={"requester": requester, "name": request.requester_name, "rule": "D06"},
    )
    return request


# --- events --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventIn:
    event_id: str
    class_ref: str
    id_number: str
    kind: str
    at: dt.datetime
    lesson: int | None = None
    position: int | None = None
    speed: Decimal | None = None
    passed: bool | None = None
    score: Decimal | None = None
    ref: str = ""


@dataclass
class IngestReport:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)


# Columns in COPY order; the raw-COPY baseline of bench/learning_events.py writes the same ones.
COLUMNS = (
    "sender_id",
    "device_id",
    "event_id",
    "training_class_id",
    "enrolment_id",
    "kind",
    "at",
    "lesson",
    "position",
    "speed",
    "passed",
    "score",
    "ref",
    "received_at",
)

_KIND_LABELS = dict(EventKind.choices)
NOT_OURS = "开班编号不存在、未开班或不属于本平台/本机构"


# Plain strings (not the TextChoices members): membership is tested for every event of every batch.
_LESSON_KINDS = frozenset(str(k) for k in PLATFORM_KINDS if k != EventKind.PHOTO)
_PLATFORM = frozenset(str(k) for k in PLATFORM_KINDS)
_DEVICE = frozenset(str(k) for k in DEVICE_KINDS)
_ZERO, _MAX_SPEED, _MAX_SCORE = Decimal(0), Decimal(16), Decimal(100)


def _field_problem(e: EventIn, kinds: frozenset[str]) -> tuple[str, str] | None:
    """(field, message) of the first malformed field, or None."""
    if not e.event_id or len(e.event_id) > 64 or "\n" in e.event_id:
        return "event_id", "事件编号须为1–64个字符，不含换行"
    kind = e.kind
    if kind not in kinds:
        allowed = "、".join(f"{k}（{_KIND_LABELS[k]}）" for k in sorted(kinds))
        return "kind", f"事件类型不可用，可用：{allowed}"
    if e.at.tzinfo is None:
        return "at", "发生时间须带时区"
    lesson = e.lesson
    if lesson is None:
        if kind in _LESSON_KINDS:
            return "lesson", "学习事件须填写课序（正整数）"
    elif lesson < 1 and kind in _LESSON_KINDS:
        return "lesson", "学习事件须填写课序（正整数）"
    elif lesson > 100_000:
        return "lesson", "课序过大"
    if e.position is not None and not 0 <= e.position <= 86_400:
        return "position", "播放位置须在0–86400秒之间"
    if e.speed is not None and not _ZERO < e.speed <= _MAX_SPEED:
        return "speed", "播放倍速须在0–16之间"
    if e.score is not None and not _ZERO <= e.score <= _MAX_SCORE:
        return "score", "比对分数须在0–100之间"
    if len(e.ref) > 128:
        return "ref", "图像编号不超过128个字符"
    return None


def _classes(
    sender: Organisation, device: Device | None, refs: set[str]
) -> dict[str, tuple[int, dt.date, dt.date, dt.datetime, dt.datetime, dt.datetime]]:
    """ref → (class id, start, end, and the local days' bounds in UTC: from the first day, to the day
    after the last, and LATE_DAYS later for a device's check-ins)."""
    qs = TrainingClass.objects.filter(ref__in=refs, state__in=OPENED_STATES)
    # A device reports only for its institution's classes; a platform only for classes taught on it.
    qs = (
        qs.filter(institution_id=sender.pk) if device is not None else qs.filter(online_platform_id=sender.pk)
    )

    def bound(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).astimezone(dt.UTC)

    return {
        ref: (
            pk,
            start,
            end,
            bound(start),
            bound(end + dt.timedelta(days=1)),
            bound(end + dt.timedelta(days=1 + LATE_DAYS)),
        )
        for ref, pk, start, end in qs.values_list("ref", "pk", "start_date", "end_date")
    }


def _normalised(raw: str) -> str | None:
    try:
        return parse_id_number(raw).number
    except InvalidIdNumber:
        return None


@transaction.atomic
def events_ingest(
    *, actor: User | None, sender: Organisation, device: Device | None, events: Sequence[EventIn]
) -> IngestReport:
    """Store a batch of events from a platform (``device`` None) or a device of ``sender``'s.

    The classes and trainees the batch names are read first (two queries), then each event is judged in
    one pass: malformed, another sender's class, outside the class's days, not on its roster."""
    if len(events) > MAX_EVENTS:
        raise Refusal(f"每批最多 {MAX_EVENTS} 条事件，本批 {len(events)} 条，请分批报送", field="events")
    if device is None and sender.kind != Organisation.Kind.ONLINE_PLATFORM:
        raise Refusal("只有线上培训平台或登记的签到设备可以报送事件")
    kinds = _DEVICE if device is not None else _PLATFORM
    report = IngestReport(received=len(events))
    refuse = report.refused.append
    classes = _classes(sender, device, {e.class_ref for e in events})
    numbers = {raw: _normalised(raw) for raw in {e.id_number for e in events}}
    enrolments = {
        (cid, number): pk
        for pk, cid, number in Enrolment.objects.filter(
            training_class_id__in=[c[0] for c in classes.values()],
            person__id_number__in={n for n in numbers.values() if n},
        ).values_list("pk", "training_class_id", "person__id_number")
    }
    now = timezone.now()
    sender_id, device_id = sender.pk, (device.pk if device is not None else None)
    rows: dict[tuple[str, dt.datetime], tuple[Any, ...]] = {}
    used: set[int] = set()
    for i, e in enumerate(events):
        problem = _field_problem(e, kinds)
        if problem is not None:
            refuse({"index": i, "event_id": e.event_id[:64], "field": problem[0], "message": problem[1]})
            continue
        found = classes.get(e.class_ref)
        if found is None:
            refuse({"index": i, "event_id": e.event_id, "field": "class_ref", "message": NOT_OURS})
            continue
        cid, start, end, lo, hi, hi_late = found
        # Instants against the class's days as UTC bounds: converting every event to local time cost
        # more than the rest of its checks.
        at = e.at
        if not lo <= at < (hi_late if e.kind in _DEVICE else hi):
            refuse(
                {
                    "index": i,
                    "event_id": e.event_id,
                    "field": "at",
                    "message": f"发生时间不在培训期间（{start}至{end}）",
                }
            )
            continue
        number = numbers[e.id_number]
        if number is None:
            refuse(
                {"index": i, "event_id": e.event_id, "field": "id_number", "message": "身份证号格式不正确"}
            )
            continue
        enrolment_id = enrolments.get((cid, number))
        if enrolment_id is None:
            refuse(
                {
                    "index": i,
                    "event_id": e.event_id,
                    "field": "id_number",
                    "message": "该学员不在本班花名册中",
                }
            )
            continue
        key = (e.event_id, at)
        if key in rows:
            report.duplicates += 1
            continue
        used.add(cid)
        rows[key] = (
            sender_id, device_id, e.event_id, cid, enrolment_id, e.kind, at, e.lesson, e.position, e.speed,
            e.passed, e.score, e.ref, now,
        )  # fmt: skip
    stored = _store(sender.pk, rows)
    report.duplicates += len(rows) - stored
    report.stored = stored
    if stored or report.refused:
        event_record(
            actor=actor,
            action="online.events_received",
            obj=device if device is not None else sender,
            payload={
                "received": report.received,
                "stored": stored,
                "duplicates": report.duplicates,
                "refused": len(report.refused),
                "classes": sorted(used)[:50],
            },
            region_path=sender.region.path,
            organisation_id=sender.pk,
        )
    return report


def _existing(sender_id: int, keys: Sequence[tuple[str, dt.datetime]]) -> set[tuple[str, dt.datetime]]:
    """The batch's events already stored: on PostgreSQL one statement with the ids as one array (a list
    of 10,000 placeholders cost more to build than the lookup itself)."""
    if not keys:
        return set()
    ids = [k[0] for k in keys]
    lo, hi = min(k[1] for k in keys), max(k[1] for k in keys)
    if connection.vendor == "postgresql":
        # The ids as one text split by the server (they hold no newline): an array parameter of 10,000
        # strings was built element by element in Python.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT event_id, at FROM {LearningEvent._meta.db_table} WHERE sender_id = %s "
                "AND event_id = ANY(string_to_array(%s, E'\\n')) AND at BETWEEN %s AND %s",
                [sender_id, "\n".join(ids), lo, hi],
            )
            return set(cursor.fetchall())
    found: set[tuple[str, dt.datetime]] = set()
    for start in range(0, len(ids), 500):
        found.update(
            LearningEvent.objects.filter(
                sender_id=sender_id, event_id__in=ids[start : start + 500], at__gte=lo, at__lte=hi
            ).values_list("event_id", "at")
        )
    return found


def _store(sender_id: int, rows: dict[tuple[str, dt.datetime], tuple[Any, ...]]) -> int:
    """Insert the rows not stored yet; returns how many were inserted.

    On PostgreSQL optimistically: a batch is new far more often than it is sent again, so it is copied
    at once, and only when the unique key refuses it (inside a savepoint) are the stored ones looked up
    and the rest copied; a batch racing ours for the same events falls back to row-by-row ON CONFLICT."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        known = _existing(sender_id, list(rows))
        new = [row for key, row in rows.items() if key not in known]
        LearningEvent.objects.bulk_create(
            (LearningEvent(**dict(zip(COLUMNS, row, strict=True))) for row in new),
            ignore_conflicts=True,
            batch_size=1000,
        )
        return len(new)
    try:
        with transaction.atomic():
            copy_rows(list(rows.values()))
        return len(rows)
    except (IntegrityError, psycopg.IntegrityError):  # the COPY runs on psycopg's own cursor
        pass
    known = _existing(sender_id, list(rows))
    new = [row for key, row in rows.items() if key not in known]
    if not new:
        return 0
    try:
        with transaction.atomic():
            copy_rows(new)
        return len(new)
    except (IntegrityError, psycopg.IntegrityError):  # the COPY runs on psycopg's own cursor
        return _insert_ignoring(new)


def copy_rows(rows: Sequence[tuple[Any, ...]]) -> None:
    """COPY rows (in ``COLUMNS`` order) into the event table. PostgreSQL only."""
    table = LearningEvent._meta.db_table
    sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _insert_ignoring(rows: Sequence[tuple[Any, ...]]) -> int:
    table = LearningEvent._meta.db_table
    marks = ", ".join(["%s"] * len(COLUMNS))
    inserted = 0
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks}) ON CONFLICT DO NOTHING", row
            )
            inserted += cursor.rowcount
    return inserted


# --- partitions (PostgreSQL; run by the database owner: the application's role cannot create tables) --------

_PARTITIONS: set[str] = set()


def _month(at: dt.datetime) -> dt.date:
    return dt.date(at.year, at.month, 1)


def partition_name(month: dt.date) -> str:
    return f"{LearningEvent._meta.db_table}_{month:%Y%m}"


def partitions_ensure(instants: set[dt.datetime]) -> None:
    """The month partitions these instants fall in, created when missing (UTC month bounds). Migration
    0002 made 2019–2027 and a DEFAULT partition; ``manage.py learning_partitions --ahead`` adds later ones."""
    table = LearningEvent._meta.db_table
    for month in sorted({_month(at.astimezone(dt.UTC)) for at in instants}):
        name = partition_name(month)
        if name in _PARTITIONS:
            continue
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is None:
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} "
                    f"FOR VALUES FROM ('{month.isoformat()} 00:00+00') TO ('{nxt.isoformat()} 00:00+00')"
                )
        _PARTITIONS.add(name)


def partitions_detach(*, before: dt.date) -> list[str]:
    """Detach the month partitions that end on or before ``before`` (for archiving: pg_dump the detached
    table, then drop it). PostgreSQL only; returns the detached tables' names."""
    if connection.vendor != "postgresql":
        raise Refusal("按月分区仅在 PostgreSQL 上可用")
    table = LearningEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY c.relname",
            [table],
        )
        names = [r[0] for r in cursor.fetchall()]
        out = []
        for name in names:
            stamp = name.rsplit("_", 1)[-1]
            if not (len(stamp) == 6 and stamp.isdigit()):
                continue
            month = dt.date(int(stamp[:4]), int(stamp[4:]), 1)
            end = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            if end <= before:
                cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {name}")
                out.append(name)
                _PARTITIONS.discard(name)
    return out
