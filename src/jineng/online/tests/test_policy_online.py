"""D04, C07, D03 and D06 as jineng.policy.online judges them, under each profile where the documents differ.

Given one trainee's events, when judged, then each fraud pattern of the documents makes the lesson invalid
with its own reason, the rule ID and the profile's clause; a clean lesson counts its minutes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.policy import online
from jineng.policy.profiles import get_profile
from jineng.policy.tests.test_training_rules import facts
from jineng.policy.training import LessonVideo

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2021, 6, 7, 9, 0, tzinfo=TZ)
ONE = Decimal("1.0")


def lesson(n: int, start: dt.datetime, minutes: int = 45, **bad: bool) -> list[online.Event]:
    """A 45-minute session with a pop-up answered every 4 minutes, liveness passed and a photo, unless a
    keyword breaks one of them."""
    out: list[online.Event] = [(n, start, "session_start", 0, ONE, None, "")]
    out.append((n, start + dt.timedelta(seconds=30), "liveness", None, None, not bad.get("liveness"), ""))
    step = 8 if bad.get("popups") else 4
    for m in range(step, minutes, step):
        t = start + dt.timedelta(minutes=m)
        out.append((n, t, "popup_answered", None, None, True, ""))
        speed = Decimal("2.0") if bad.get("fast") else ONE
        out.append((n, t, "progress", m * 60, speed, None, ""))
    if bad.get("blur"):
        out.append((n, start + dt.timedelta(minutes=20), "blur", None, None, None, ""))
    if not bad.get("no_photo"):
        out.append((n, start + dt.timedelta(minutes=10), "photo", None, None, None, f"img/{n}.jpg"))
    out.append((n, start + dt.timedelta(minutes=minutes), "session_end", minutes * 60, ONE, None, ""))
    return sorted(out, key=lambda e: e[1])


def judged(code: str, events: list[online.Event], **kw: object) -> online.TraineeRecord:
    rules = online.LessonRules.of(get_profile(code), minutes_per_hour=45)
    return online.judge_trainee(rules, sorted(events, key=lambda e: (e[0], e[1])), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC23"])
def test_d04_clean_lessons_count_their_hours(code: str) -> None:
    record = judged(code, lesson(1, T0) + lesson(2, T0 + dt.timedelta(hours=1)))
    assert [(x.lesson, x.minutes, x.valid) for x in record.lessons] == [(1, 45, True), (2, 45, True)]
    assert record.valid_hours == 2
    assert record.lessons[0].photos == ["img/1.jpg"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("fast", "有快进播放"),
        ("blur", "有多窗口学习（学习窗口失去焦点）"),
        ("popups", "连续5分钟内无弹窗管控"),
        ("liveness", "无法进行人脸活体比对或比对未通过"),
        ("no_photo", "第1课时无随机保留影像照片"),
    ],
)
@pytest.mark.parametrize(
    ("code", "clause"), [("ZZ21", "ZZ21 六(二)2"), ("HC21", "HC21 21(2)"), ("XC23", "XC23 三(二)")]
)
def test_d04_each_fraud_pattern_invalidates_the_lesson_with_its_reason(
    code: str, clause: str, bad: str, message: str
) -> None:
    record = judged(code, lesson(1, T0, **{bad: True}))
    (only,) = record.lessons
    assert not only.valid
    assert [(v.rule, v.message) for v in only.reasons] == [("D04", message)]
    assert only.reasons[0].clause.startswith(clause)
    assert record.valid_hours == 0


def test_d04_position_running_ahead_of_the_clock_is_fast_forward() -> None:
    events = [
        (1, T0, "session_start", 0, ONE, None, ""),
        (1, T0 + dt.timedelta(minutes=2), "progress", 600, ONE, None, ""),  # 10 minutes of video in 2
    ]
    events += [e for e in lesson(1, T0) if e[2] != "session_start"]
    record = judged("ZZ21", sorted(events, key=lambda e: e[1]))
    assert [v.message for v in record.lessons[0].reasons] == ["有快进播放"]


def test_d04_lessons_out_of_order() -> None:
    # Lesson 2 begun before lesson 1 finished; lesson 3 with lesson 2 never finished is out of order too.
    events = lesson(1, T0) + lesson(2, T0 + dt.timedelta(minutes=30))
    events += [e for e in lesson(3, T0 + dt.timedelta(hours=3))]
    record = judged("HC21", events, order=[1, 2, 3])
    verdicts = {x.lesson: [v.message for v in x.reasons] for x in record.lessons}
    assert verdicts == {1: [], 2: ["未按课程顺序学习：第1课未学完即开始本课"], 3: []}
    skipped = judged("HC21", lesson(1, T0) + lesson(3, T0 + dt.timedelta(hours=1)), order=[1, 2, 3])
    assert [v.message for v in skipped.lessons[1].reasons] == ["未按课程顺序学习：第2课未学完即开始本课"]


def test_d01_a_course_not_approved_counts_nothing_under_zz21_only() -> None:
    zz = judged("ZZ21", lesson(1, T0), course_approved=False)
    assert [(v.rule, v.message) for v in zz.lessons[0].reasons] == [
        ("D01", "课程视频未经省级审核同意，学习不计入")
    ]
    assert zz.lessons[0].reasons[0].clause.startswith("ZZ21 六(二)2")
    assert judged("XC23", lesson(1, T0), course_approved=False).valid_hours == 1


def test_d04_not_judged_under_xc19_where_the_plan_sets_no_controls() -> None:
    record = judged("XC19", lesson(1, T0, fast=True, blur=True, liveness=True, no_photo=True))
    assert record.lessons[0].reasons == [] and record.valid_hours == 1


def test_c07_checked_in_minutes_per_day_first_in_to_last_out() -> None:
    d1, d2 = dt.date(2023, 6, 5), dt.date(2023, 6, 6)
    rows = [
        (d1, dt.datetime(2023, 6, 5, 8, 30, tzinfo=TZ), "face_in", True),
        (d1, dt.datetime(2023, 6, 5, 12, 0, tzinfo=TZ), "face_out", True),
        (d1, dt.datetime(2023, 6, 5, 13, 0, tzinfo=TZ), "face_in", True),
        (d1, dt.datetime(2023, 6, 5, 17, 30, tzinfo=TZ), "face_out", True),
        (d2, dt.datetime(2023, 6, 6, 8, 30, tzinfo=TZ), "face_in", False),  # not matched: ignored
        (d2, dt.datetime(2023, 6, 6, 17, 30, tzinfo=TZ), "face_out", True),
    ]
    assert online.checked_in_minutes(rows) == 9 * 60


def test_c07_shortfall_only_where_the_profile_requires_face_checkin() -> None:
    xc23 = get_profile("XC23")
    found = online.checkin_shortfall(xc23, required_hours=80, checked_hours=70, made_up_hours=4)
    assert found is not None and found.rule == "C07"
    assert found.message == "人脸识别签到课时 74（含补课 4 课时），少于线下课时 80，不计入培训人数"
    assert found.clause.startswith("XC23 二(三)2")
    assert online.checkin_shortfall(xc23, required_hours=80, checked_hours=76, made_up_hours=4) is None
    for code in ("ZZ21", "HC21", "XC19"):
        assert online.checkin_shortfall(get_profile(code), required_hours=80, checked_hours=0) is None


@pytest.mark.parametrize(
    ("code", "refused"), [("ZZ21", True), ("HC21", True), ("XC23", False), ("XC19", False)]
)
def test_d03_offline_assessment_of_online_training_only_in_april_august_december(
    code: str, refused: bool
) -> None:
    profile = get_profile(code)
    june = online.check_online_assessment(
        profile, delivery="blended", assessment_date=dt.date(2021, 6, 20), requester=None
    )
    assert [v.rule for v in june] == (["D03"] if refused else [])
    if refused:
        assert june[0].message == "线上培训的线下考核统一于4月、8月、12月进行，6月不受理"
    august = online.check_online_assessment(
        profile, delivery="blended", assessment_date=dt.date(2021, 8, 20), requester=None
    )
    assert august == []


@pytest.mark.parametrize(
    ("code", "requester", "refused"),
    [
        ("ZZ21", "worker", False),
        ("ZZ21", "enterprise", False),
        ("ZZ21", "institution", True),
        ("ZZ21", None, True),
        ("HC21", "enterprise", False),
        ("HC21", "worker", True),
        ("XC23", None, False),
    ],
)
def test_d06_who_may_request_the_assessment_of_purely_online_training(
    code: str, requester: str | None, refused: bool
) -> None:
    found = online.check_online_assessment(
        get_profile(code), delivery="online", assessment_date=dt.date(2021, 8, 20), requester=requester
    )
    assert [v.rule for v in found] == (["D06"] if refused else [])


def test_d04_invalid_training_refuses_the_assessment_under_zz21_and_hc21_only() -> None:
    for code, refused in (("ZZ21", True), ("HC21", True), ("XC23", False)):
        found = online.check_online_assessment(
            get_profile(code),
            delivery="blended",
            assessment_date=dt.date(2021, 8, 20),
            requester=None,
            short_trainees=["张三", "李四"],
        )
        assert [v.rule for v in found] == (["D04"] if refused else [])
    (v,) = online.check_online_assessment(
        get_profile("ZZ21"), delivery="blended", assessment_date=dt.date(2021, 8, 2), requester=None,
        short_trainees=["张三", "李四"],
    )  # fmt: skip
    assert (
        v.message == "张三、李四的线上学习有效课时不足，视同培训无效，不接受线下考核申请（可先将其退出本班）"
    )


# --- D05, D02 on what was delivered ----------------------------------------------------------------------


def _practical(hours: int) -> tuple[LessonVideo, ...]:
    return tuple(
        LessonVideo(
            lesson=i + 1,
            day=dt.date(2021, 6, 8 + i),
            kind="practical",
            scheduled_minutes=45,
            recorded_minutes=45,
        )
        for i in range(hours)
    )


def test_d05_xc23_the_online_share_is_checked_on_the_hours_the_logs_show() -> None:
    xc23 = get_profile("XC23")
    blended = facts(
        delivery="blended", online_hours=35, theory_hours=45, practical_hours=55, online_platform_listed=True
    )
    assert online.check_delivered(xc23, blended, (), online_hours=38) == []  # 38 % of 100
    (v,) = online.check_delivered(xc23, blended, (), online_hours=45)
    assert (v.rule, v.field) == ("D05", "实际线上课时")
    assert v.message == "按平台学习日志实际授课：线上理论课时 45 占总课时 100 的 45%，超过 40%"
    assert v.clause.startswith("XC23 三(二)")
    # ZZ21 sets no online share: the same delivery is not judged on it.
    assert online.check_delivered(get_profile("ZZ21"), blended, (), online_hours=45) == []


@pytest.mark.parametrize(("code", "occupation"), [("ZZ21", "茶艺师"), ("HC21", "电子商务师")])
def test_d02_the_offline_practical_hours_are_checked_on_the_lessons_filmed(
    code: str, occupation: str
) -> None:
    # Given a blended class of an occupation on the profile's 附件3 list of 8 offline hours, planned with 8
    planned = facts(occupation_name=occupation, delivery="blended", online_hours=30, offline_practical_hours=8,
                    online_platform_listed=True)  # fmt: skip
    profile = get_profile(code)
    # When 8 practical hours were filmed on site, nothing; when 6, D02 on what was delivered
    assert online.check_delivered(profile, planned, _practical(8), online_hours=None) == []
    (v,) = online.check_delivered(profile, planned, _practical(6), online_hours=None)
    assert v.rule == "D02" and v.field == "实际线下实训课时"
    assert v.message == (
        f"按现场授课录像实际授课：职业（工种）{occupation} 线上培训须开展不少于 8 学时的线下实训，本班线下实训 6 学时"
    )
    # XC23 has no such list: not judged.
    assert online.check_delivered(get_profile("XC23"), planned, _practical(0), online_hours=None) == []
