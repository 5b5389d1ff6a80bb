"""Online training and face check-in, judged from what platforms and devices sent (D03, D04, D06, C07).

Pure: events come in as plain tuples, straight from a ``values_list`` query, because D04 is judged over
millions of them (bench/learning_events.py) and a dataclass per event would cost more than the judging.

* D04 — a lesson (one trainee, one lesson of the course) is invalid if its log shows fast-forward
  (a playback speed above 1, or the position advancing faster than the clock), more than one window (the
  learning window lost focus during a session), no answered pop-up check within any N continuous minutes
  (``online_popup_max_minutes``), no passed face liveness match, lessons out of order (this lesson begun
  before the previous lesson of the course was finished), or no random photo in a class hour. Each
  invalid lesson lists its reasons with the rule and clause. Valid hours are the valid lessons' session
  minutes in class hours (the class's 每课时分钟数).
* D01 (course part) — where the profile requires the province to approve a platform's new course videos,
  lessons of a course not approved do not count.
* C07 — a trainee's checked-in hours: per day, from the first matched face check-in to the last matched
  check-out after it, in class hours; make-up lessons after written leave (C08) add their filmed hours.
* D03 — the offline assessment of online training only in the months the profile names.
* D06 — purely online training is assessed only at the request of the parties the profile names.
* D05 and D02 on what was delivered, not only on the plan: the online hours the platform's logs show
  (the most any trainee logged) and the practical hours filmed on site (C04's lesson videos).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import groupby, pairwise
from operator import itemgetter

from jineng.policy.profiles import Profile
from jineng.policy.training import ClassFacts, LessonVideo
from jineng.policy.training import _d01_d05 as _rule_d05
from jineng.policy.training import _d02 as _rule_d02
from jineng.policy.violations import Violation

# (lesson, at, kind, position, speed, passed, ref) — one event of one trainee, as the selector reads it.
Event = tuple[int | None, dt.datetime, str, int | None, Decimal | None, bool | None, str]

# A position may run a little ahead of the clock (buffering, clock skew between player and server).
POSITION_SLACK_SECONDS = 15

REQUESTER_LABELS = {
    "enterprise": "企业",
    "worker": "劳动者个人",
    "institution": "培训机构",
    "platform": "线上平台",
}


@dataclass(frozen=True, slots=True)
class LessonRules:
    """What D04 and D01 need of the profile, read once per class."""

    checks: bool  # D04 applies
    clause: str
    popup_max_minutes: int
    course_approval_required: bool  # D01: the province approves new course videos
    course_clause: str
    minutes_per_hour: int

    @classmethod
    def of(cls, profile: Profile, *, minutes_per_hour: int) -> LessonRules:
        checks = bool(profile.get("online_lesson_checks", False))
        approval = bool(profile.get("online_course_approval_required", False))
        return cls(
            checks=checks,
            clause=profile.cite("online_lesson_checks") if checks else "",
            popup_max_minutes=int(profile.get("online_popup_max_minutes", 0) or 0),
            course_approval_required=approval,
            course_clause=profile.cite("online_course_approval_required") if approval else "",
            minutes_per_hour=max(1, minutes_per_hour),
        )


@dataclass(slots=True)
class Lesson:
    lesson: int
    minutes: int = 0
    reasons: list[Violation] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    started: dt.datetime | None = None
    finished: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        return not self.reasons and self.minutes > 0


@dataclass(slots=True)
class TraineeRecord:
    """One trainee's online learning: each lesson with its verdict, and the valid hours."""

    lessons: list[Lesson]
    minutes_per_hour: int

    @property
    def valid_minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons if lesson.valid)

    @property
    def valid_hours(self) -> int:
        return self.valid_minutes // self.minutes_per_hour

    @property
    def logged_hours(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons) // self.minutes_per_hour

    @property
    def invalid(self) -> list[Lesson]:
        return [lesson for lesson in self.lessons if not lesson.valid]


def _reason(rules: LessonRules, lesson: int, message: str, *, rule: str = "D04") -> Violation:
    clause = rules.course_clause if rule == "D01" else rules.clause
    return Violation(rule, clause, message, field=f"第{lesson}课")


def judge_trainee(
    rules: LessonRules,
    events: Iterable[Event],
    *,
    order: Sequence[int] = (),
    course_approved: bool = True,
) -> TraineeRecord:
    """D04 over one trainee's events, sorted by (lesson, at). ``order`` is the course's lessons in order;
    empty: the lessons' own numbers give it."""
    lessons: dict[int, Lesson] = {}
    for number, group in groupby(events, key=itemgetter(0)):
        if number is None:
            continue
        lessons[number] = _judge_lesson(rules, number, list(group))
    sequence = list(order) or sorted(lessons)
    if rules.checks:
        previous: Lesson | None = None
        previous_number: int | None = None
        for number in sequence:
            lesson = lessons.get(number)
            if lesson is None:
                previous, previous_number = None, number
                continue
            if previous_number is not None and (
                previous is None
                or previous.finished is None
                or (lesson.started is not None and lesson.started < previous.finished)
            ):
                lesson.reasons.append(
                    _reason(rules, number, f"未按课程顺序学习：第{previous_number}课未学完即开始本课")
                )
            previous, previous_number = lesson, number
    if rules.course_approval_required and not course_approved:
        for lesson in lessons.values():
            lesson.reasons.append(
                _reason(rules, lesson.lesson, "课程视频未经省级审核同意，学习不计入", rule="D01")
            )
    listed = [lessons[n] for n in sequence if n in lessons] + [
        lessons[n] for n in sorted(lessons) if n not in set(sequence)
    ]
    return TraineeRecord(listed, rules.minutes_per_hour)


def _judge_lesson(rules: LessonRules, number: int, events: list[Event]) -> Lesson:
    out = Lesson(number)
    sessions: list[tuple[dt.datetime, dt.datetime]] = []
    start: dt.datetime | None = None
    fast = blur = False
    liveness_passed = liveness_failed = False
    answers: list[dt.datetime] = []
    photos: list[dt.datetime] = []
    last_at: dt.datetime | None = None
    last_pos: int | None = None
    for _, at, kind, position, speed, passed, ref in events:
        if speed is not None and speed > 1:
            fast = True
        if (
            position is not None
            and last_pos is not None
            and last_at is not None
            and start is not None
            and position - last_pos > (at - last_at).total_seconds() + POSITION_SLACK_SECONDS
        ):
            fast = True
        if kind == "session_start":
            start = at
            if out.started is None:
                out.started = at
        elif kind == "session_end":
            if start is not None:
                sessions.append((start, at))
                out.finished = at
            start = None
        elif kind == "blur":
            if start is not None:
                blur = True
        elif kind == "popup_answered":
            if passed is not False:
                answers.append(at)
        elif kind == "liveness":
            if passed:
                liveness_passed = True
            else:
                liveness_failed = True
        elif kind == "photo":
            photos.append(at)
            if ref:
                out.photos.append(ref)
        if position is not None:
            last_pos, last_at = position, at
        if kind == "session_start":
            last_pos, last_at = position, at
    out.minutes = int(sum((end - begin).total_seconds() for begin, end in sessions) // 60)
    if not rules.checks:
        return out
    if fast:
        out.reasons.append(_reason(rules, number, "有快进播放"))
    if blur:
        out.reasons.append(_reason(rules, number, "有多窗口学习（学习窗口失去焦点）"))
    if not liveness_passed or liveness_failed:
        out.reasons.append(_reason(rules, number, "无法进行人脸活体比对或比对未通过"))
    gap = rules.popup_max_minutes * 60
    if gap:
        for begin, end in sessions:
            marks = [begin, *(a for a in answers if begin <= a <= end), end]
            if any((b - a).total_seconds() > gap for a, b in pairwise(marks)):
                out.reasons.append(_reason(rules, number, f"连续{rules.popup_max_minutes}分钟内无弹窗管控"))
                break
    hour = rules.minutes_per_hour * 60
    missing: list[int] = []
    slot_no = 0
    for begin, end in sessions:
        length = (end - begin).total_seconds()
        slots = int(length // hour) + (1 if length % hour >= hour / 2 else 0)
        for i in range(slots):
            slot_no += 1
            lo = begin + dt.timedelta(seconds=i * hour)
            hi = min(end, lo + dt.timedelta(seconds=hour))
            if not any(lo <= p < hi or p == end for p in photos):
                missing.append(slot_no)
    if missing:
        which = "、".join(str(n) for n in missing[:5]) + ("等" if len(missing) > 5 else "")
        out.reasons.append(_reason(rules, number, f"第{which}课时无随机保留影像照片"))
    return out


def judge_many(
    rules: LessonRules,
    rows: Iterable[tuple[int, Event]],
    *,
    order: Sequence[int] = (),
    course_approved: bool = True,
) -> Iterator[tuple[int, TraineeRecord]]:
    """(enrolment_id, record) per trainee from rows sorted by (enrolment, lesson, at)."""
    for enrolment_id, group in groupby(rows, key=itemgetter(0)):
        yield (
            enrolment_id,
            judge_trainee(rules, (e for _, e in group), order=order, course_approved=course_approved),
        )


# --- C07: checked-in hours -----------------------------------------------------------------------------


def checked_in_minutes(checks: Iterable[tuple[dt.date, dt.datetime, str, bool | None]]) -> int:
    """Per day, first matched check-in to the last matched check-out after it. Rows: (day, at, kind,
    passed), sorted by (day, at)."""
    total = 0
    for _, group in groupby(checks, key=itemgetter(0)):
        first_in: dt.datetime | None = None
        last_out: dt.datetime | None = None
        for _, at, kind, passed in group:
            if passed is False:
                continue
            if kind == "face_in" and first_in is None:
                first_in = at
            elif kind == "face_out" and first_in is not None:
                last_out = at
        if first_in is not None and last_out is not None:
            total += int((last_out - first_in).total_seconds() // 60)
    return total


def checkin_shortfall(
    profile: Profile, *, required_hours: int, checked_hours: int, made_up_hours: int = 0
) -> Violation | None:
    """C07: a trainee whose checked-in hours (plus C08 make-up lessons) fall short of the class's offline
    hours is not counted as trained."""
    if not profile.get("face_checkin_required", False) or required_hours <= 0:
        return None
    counted = checked_hours + (made_up_hours if profile.get("make_up_lessons_allowed", False) else 0)
    if counted >= required_hours:
        return None
    extra = f"（含补课 {made_up_hours} 课时）" if made_up_hours and counted > checked_hours else ""
    return Violation(
        "C07",
        profile.cite("face_checkin_required"),
        f"人脸识别签到课时 {counted}{extra}，少于线下课时 {required_hours}，不计入培训人数",
        field="人脸识别签到",
        value=str(counted),
    )


def online_shortfall(
    profile: Profile, *, required_hours: int, valid_hours: int, logged: bool
) -> Violation | None:
    """D04: the online part counts only its valid hours; short of the class's online hours, the trainee
    is not counted as trained."""
    if not profile.get("online_lesson_checks", False) or required_hours <= 0:
        return None
    if valid_hours >= required_hours:
        return None
    what = "有效线上学习" if logged else "线上学习记录（平台未报送）"
    return Violation(
        "D04",
        profile.cite("online_lesson_checks"),
        f"{what} {valid_hours} 课时，少于线上课时 {required_hours}，培训无效",
        field="线上学习",
        value=str(valid_hours),
    )


# --- D03, D06: the assessment of online training ------------------------------------------------------


def check_online_assessment(
    profile: Profile,
    *,
    delivery: str,
    assessment_date: dt.date,
    requester: str | None,
    short_trainees: Sequence[str] = (),
) -> list[Violation]:
    """At the assessment application of a class with an online part.

    * D03 — the assessment month is one the profile names (online and blended classes).
    * D06 — a purely online class names who requested it, one of the profile's parties.
    * D04 — where invalid training refuses the offline assessment application (the profile's switch),
      trainees without enough valid hours are named (at most ten; the rest counted).
    """
    if delivery == "offline":
        return []
    out: list[Violation] = []
    months = profile.get("online_assessment_months")
    if months and assessment_date.month not in months:
        allowed = "、".join(f"{m}月" for m in months)
        out.append(
            Violation(
                "D03",
                profile.cite("online_assessment_months"),
                f"线上培训的线下考核统一于{allowed}进行，{assessment_date.month}月不受理",
                field="考核日期",
                value=assessment_date.isoformat(),
            )
        )
    allowed_requesters = profile.get("online_assessment_requesters")
    if delivery == "online" and allowed_requesters:
        label = REQUESTER_LABELS.get(requester or "", "")
        if label not in allowed_requesters:
            out.append(
                Violation(
                    "D06",
                    profile.cite("online_assessment_requesters"),
                    f"纯线上培训只接受{'、'.join(allowed_requesters)}申请考核（本次：{label or '未登记申请主体'}）",
                    field="考核申请主体",
                    value=label,
                )
            )
    if short_trainees and profile.get("online_invalid_refuses_assessment", False):
        named = "、".join(short_trainees[:10]) + (
            f"等{len(short_trainees)}人" if len(short_trainees) > 10 else ""
        )
        out.append(
            Violation(
                "D04",
                profile.cite("online_invalid_refuses_assessment"),
                f"{named}的线上学习有效课时不足，视同培训无效，不接受线下考核申请（可先将其退出本班）",
                field="线上学习",
            )
        )
    return out


# --- D05, D02 on what was delivered ------------------------------------------------------------------------


def check_delivered(
    profile: Profile, facts: ClassFacts, lessons: Sequence[LessonVideo], *, online_hours: int | None
) -> list[Violation]:
    """The plan's D05 and D02 checks, run again on the hours delivered: ``online_hours`` from the logs
    (None: no log, nothing to judge), the practical hours from the lessons filmed on site."""
    if facts.delivery == "offline":
        return []
    out: list[Violation] = []
    if online_hours is not None:
        delivered = replace(facts, online_hours=online_hours)
        out += [
            replace(v, message=f"按平台学习日志实际授课：{v.message}", field="实际线上课时")
            for v in _rule_d05(profile, delivered)
            if v.rule == "D05"
        ]
    if facts.delivery == "blended":
        minutes = sum(lesson.scheduled_minutes for lesson in lessons if lesson.kind == "practical")
        delivered = replace(facts, offline_practical_hours=minutes // max(1, facts.minutes_per_hour))
        out += [
            replace(v, message=f"按现场授课录像实际授课：{v.message}", field="实际线下实训课时")
            for v in _rule_d02(profile, delivered)
            if v.field == "线下实训课时"
        ]
    return out
