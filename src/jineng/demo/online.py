"""The demo's 互联网+职业技能培训 supervision (issue 15): what an online platform and a face check-in device
sent in a week, pushed through the services the API calls (``online.services.events_ingest``).

* **The platform.** 河南职业技能在线学习平台（演示） of 郑州, listed, filed and approved (D01), with its clerk
  (``zx_pt``). It files a course of ten 45-minute videos for 电子商务师 — an occupation ZZ21 附件3 lets
  be trained online — and the province's bureau (``hn_admin``) approves it (ZZ21 六(二)2).
* **Two blended classes of 郑州商业技师学院 (ZZ21, September 2021)**, each with 10 online hours taught
  with that course, two lessons a day from Monday 6 to Friday 10 September, sent day by day:
  - 线上+线下 第1期: 20 trainees, every lesson clean — each has 10 valid hours, the hours required;
  - 线上+线下 第2期: 24 trainees, twelve of whom break D04 in one lesson each, two per pattern: fast-forward
    (a playback speed of 2, or the position jumping ahead of the clock), another window in focus, pop-ups
    only every 8 minutes, a failed liveness match, lesson 8 watched before lesson 7, no random photo.
* **The face check-in device of 许昌技师学院** (the one demo/checkins.py registered for its 2023 classes,
  which XC23 requires to be checked in, C07): a 2023 class of 电工 四级 in training shows its first week,
  Monday 6 to Friday 10 November, sent each evening, with one trainee absent on Wednesday and Thursday
  (and a face that did not match on Wednesday morning).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.catalogue.models import CatalogueItem, Occupation, Teacher
from jineng.catalogue.services import online_platform_file
from jineng.core.xlsx import workbook_bytes
from jineng.demo import classes as demo_classes
from jineng.online import services as online
from jineng.online.models import Device
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code
from jineng.regions.models import Department, Region
from jineng.supervision.services import class_open
from jineng.training import services as training
from jineng.training.models import Enrolment, TrainingClass
from jineng.training.roster import HEADERS

TZ = dt.timezone(dt.timedelta(hours=8))
PLATFORM = "河南职业技能在线学习平台（演示）"
PLATFORM_CLERK = ("institution", "zx_pt", "高远")  # role, username, name: the platform's clerk
PLATFORM_FILED = dt.date(2021, 3, 15)
PLATFORM_APPROVED = dt.date(2021, 4, 2)
COURSE_CODE = "DZSW-2021-01"
COURSE_TITLE = "电子商务师理论课程（2021版）"
OCCUPATION = "4-01-06-01"  # 电子商务师: ZZ21 附件3 序号1 全线上培训; 郑州商业技师学院 is listed for it
VIDEOS = (
    "电子商务概论",
    "网络零售平台规则",
    "商品信息采集与处理",
    "网店装修与视觉营销",
    "搜索引擎优化",
    "客户服务与沟通",
    "订单处理与物流配送",
    "网络支付与安全",
    "数据分析基础",
    "电子商务法律法规",
)
LESSON_MINUTES = 45
WEEK = dt.date(2021, 9, 6)  # Monday: the online classes start, two lessons a day to Friday
CLEAN_TRAINEES, FRAUD_TRAINEES = 20, 24
# The fraud class: trainee row → (lesson, pattern); rows 2–13 cheat, two per pattern, the rest are clean.
FRAUD = {
    2: (3, "speed"),
    3: (3, "jump"),
    4: (4, "blur"),
    5: (6, "blur"),
    6: (5, "popups"),
    7: (2, "popups"),
    8: (6, "liveness"),
    9: (1, "liveness"),
    10: (8, "order"),
    11: (8, "order"),
    12: (9, "photo"),
    13: (10, "photo"),
}
DEVICE_CODE = "XJ-FACE-01"
DEVICE_SITE = "许昌技师学院实训楼一层大厅"
CHECKIN_START = dt.date(2023, 11, 6)  # Monday: the XC23 electricians' class starts
CHECKIN_TRAINEES = 18
ABSENT_ROW = 6  # the trainee missing Wednesday and Thursday
ABSENT_DAYS = (dt.date(2023, 11, 8), dt.date(2023, 11, 9))


def demo_online_load(accounts: dict[str, User]) -> dict[str, TrainingClass]:
    """Returns the three classes by name; the caller's transaction holds everything."""
    platform, clerk = _platform()
    admin = User.objects.get(username="hn_admin")
    course = online.course_file(
        actor=clerk,
        code=COURSE_CODE,
        title=COURSE_TITLE,
        occupation=Occupation.objects.get(code=OCCUPATION),
        videos=[
            online.VideoIn(n, title, LESSON_MINUTES, f"vod/{COURSE_CODE}/{n:02d}.mp4")
            for n, title in enumerate(VIDEOS, start=1)
        ],
    )
    course = online.course_decide(actor=admin, course=course, approve=True, note="视频内容与职业标准一致")
    made = {}
    for number, (name, trainees, level) in enumerate(
        (("clean", CLEAN_TRAINEES, 5), ("fraud", FRAUD_TRAINEES, 4)), start=1
    ):
        tc = _blended_class(accounts, platform, number, trainees, level)
        online.class_course_set(actor=accounts["institution"], training_class=tc, course=course)
        _week_of_lessons(tc, clerk, platform, cheats=name == "fraud")
        made[name] = tc
    made["checkin"] = _checkin_class()
    return made


def _platform() -> tuple[Organisation, User]:
    city = Region.objects.get(name="郑州市")
    org = organisation_register(
        actor=None,
        name=PLATFORM,
        credit_code=make_credit_code("91", city.code or "410100", 901),
        kind=Organisation.Kind.ONLINE_PLATFORM,
        region=city,
        contact_name=PLATFORM_CLERK[2],
        contact_phone="13703710901",
    )
    online_platform_file(
        actor=None,
        organisation=org,
        platform_listed=True,
        platform_filed_on=PLATFORM_FILED,
        platform_approved_on=PLATFORM_APPROVED,
    )
    role, username, name = PLATFORM_CLERK
    clerk = user_create(
        actor=None,
        username=username,
        password=settings.JINENG_DEMO_PASSWORD,
        display_name=name,
        role=role,
        region=city,
        organisation=org,
    )
    return org, clerk


def _blended_class(
    accounts: dict[str, User], platform: Organisation, number: int, trainees: int, level: int
) -> TrainingClass:
    """A 线上+线下 class of the Zhengzhou school: 10 of its 30 theory hours online, opened on WEEK."""
    clerk = accounts["institution"]
    school = clerk.organisation
    assert school is not None
    city = school.region
    unit = demo_classes._unit(city, "金水区")
    applied = WEEK - dt.timedelta(days=21)
    end = WEEK + dt.timedelta(days=18)
    tc = training.class_create(
        actor=clerk,
        data=training.ClassInput(
            region_id=unit.pk,
            department_id=Department.objects.get(region=city, name="市工信局").pk,
            contact_name=school.contact_name or "赵敏",
            contact_phone=school.contact_phone or "13838105678",
            bank_name="中国银行郑州分行",
            bank_account="6222020200112233445",
            batch=f"2021年线上+线下第{number}期",
            start_date=WEEK,
            end_date=end,
            occupation_code=OCCUPATION,
            level=level,
            target_certificate="skill_level",
            planned_trainees=trainees,
            total_hours=100,
            theory_hours=30,
            practical_hours=70,
            minutes_per_hour=LESSON_MINUTES,
            mode="institution",
            delivery="blended",
            online_platform_id=platform.pk,
            online_hours=len(VIDEOS),
            offline_practical_hours=70,
            funding_type="off_job",
            workstations=40,
            venue=f"郑州市{unit.name}电子商务实训室",
            teacher_ids=list(
                Teacher.objects.filter(organisation=school, occupation__code=OCCUPATION).values_list(
                    "pk", flat=True
                )
            ),
        ),
    )
    roster = demo_classes._people(7000 + 100 * number, trainees, unit.code or "410100")
    job = training.roster_job_create(
        actor=clerk,
        training_class=tc,
        filename=f"花名册-线上+线下第{number}期.xlsx",
        content=workbook_bytes("花名册", HEADERS, roster),
    )
    job = training.roster_job_run(job_id=job.pk, today=applied)
    if job.status != "accepted":
        raise RuntimeError(f"演示花名册未通过：{job.report[:3]}")
    tc = training.class_submit(actor=clerk, training_class=tc, today=applied)
    for role in ("dept_first", "dept_second"):
        tc = training.class_review(actor=accounts[role], training_class=tc, decision="pass", today=applied)
    for role in ("hr_first", "hr_second"):
        tc = training.class_review(
            actor=accounts[role], training_class=tc, decision="pass", today=applied + dt.timedelta(days=3)
        )
    return class_open(
        actor=accounts["inspector"],
        training_class=tc,
        present=trainees,
        signed_in=trainees,
        materials_kept=True,
        note="开班当日实地检查，线上学习账号已发放",
        today=WEEK,
    )


class _Log:
    """One trainee's events as the platform or the device reports them."""

    def __init__(self, tc: TrainingClass, id_number: str, prefix: str) -> None:
        self.tc, self.id_number, self.prefix = tc, id_number, prefix
        self.events: list[online.EventIn] = []

    def add(self, kind: str, at: dt.datetime, **kw: object) -> None:
        self.events.append(
            online.EventIn(
                event_id=f"{self.prefix}-{len(self.events) + 1:04d}",
                class_ref=self.tc.ref,
                id_number=self.id_number,
                kind=kind,
                at=at,
                **kw,  # type: ignore[arg-type]
            )
        )

    def lesson(self, lesson: int, begin: dt.datetime, pattern: str = "") -> None:
        """A 45-minute session: position and speed, a liveness match, a pop-up answered every 4 minutes
        (every 8 with ``popups``), a random photo and the end; ``pattern`` makes it break D04."""
        speed = Decimal("2.00") if pattern == "speed" else Decimal("1.00")
        self.add("session_start", begin, lesson=lesson, position=0, speed=speed)
        self.add(
            "liveness",
            begin + dt.timedelta(seconds=40),
            lesson=lesson,
            passed=pattern != "liveness",
            score=Decimal("41.20") if pattern == "liveness" else Decimal("93.60"),
            ref=f"face/{self.prefix}/{lesson:02d}.jpg",
        )
        every = 8 if pattern == "popups" else 4
        for minute in range(4, LESSON_MINUTES, 4):
            at = begin + dt.timedelta(minutes=minute)
            if minute % every == 0:
                self.add("popup_shown", at - dt.timedelta(seconds=20), lesson=lesson)
                self.add("popup_answered", at, lesson=lesson, passed=True)
            # "jump": the trainee dragged the player 10 minutes ahead at minute 8
            ahead = 600 if pattern == "jump" and minute >= 8 else 0
            self.add("progress", at, lesson=lesson, position=minute * 60 + ahead, speed=speed)
        if pattern == "blur":
            self.add("blur", begin + dt.timedelta(minutes=21), lesson=lesson)
            self.add("focus", begin + dt.timedelta(minutes=27), lesson=lesson)
        if pattern != "photo":
            self.add(
                "photo",
                begin + dt.timedelta(minutes=17),
                lesson=lesson,
                ref=f"snap/{self.prefix}/{lesson:02d}.jpg",
            )
        self.add("session_end", begin + dt.timedelta(minutes=LESSON_MINUTES), lesson=lesson, position=2700)

    def day(self, day: dt.date, *, matched: bool = True) -> None:
        """Checked in before 8:30 and out after 17:00 (a minute or two apart from trainee to trainee)."""
        late = int(self.id_number[-2:-1])  # 0–9 minutes
        come = dt.datetime.combine(day, dt.time(8, 20), TZ) + dt.timedelta(minutes=late)
        self.add("face_in", come, passed=matched, score=Decimal("90.50") if matched else Decimal("38.00"))
        if matched:
            self.add(
                "face_out", come + dt.timedelta(hours=8, minutes=40), passed=True, score=Decimal("89.70")
            )


def _roster(tc: TrainingClass) -> Iterator[tuple[int, str]]:
    yield from (
        Enrolment.objects.filter(training_class=tc).order_by("row").values_list("row", "person__id_number")
    )


def _week_of_lessons(tc: TrainingClass, clerk: User, platform: Organisation, *, cheats: bool) -> None:
    """Two lessons a day, Monday to Friday; the platform sends each evening's events."""
    logs = []
    for row, id_number in _roster(tc):
        log = _Log(tc, id_number, f"{tc.ref}-{row:02d}")
        fraud = FRAUD.get(row) if cheats else None
        for n in range(1, len(VIDEOS) + 1):
            day = WEEK + dt.timedelta(days=(n - 1) // 2)
            at = dt.time(9, row % 10) if n % 2 else dt.time(14, 30 + row % 10)
            pattern = fraud[1] if fraud and fraud[0] == n else ""
            if pattern == "order":  # lesson 8 in the morning, lesson 7 only in the afternoon
                at = dt.time(14, 30 + row % 10) if n == 7 else dt.time(9, row % 10)
            log.lesson(n, dt.datetime.combine(day, at, TZ), pattern)
        logs.append(log)
    for d in range(5):
        day = WEEK + dt.timedelta(days=d)
        sent = [e for log in logs for e in log.events if e.at.date() == day]
        report = online.events_ingest(actor=clerk, sender=platform, device=None, events=sent)
        if report.refused or report.stored != len(sent):
            raise RuntimeError(f"演示学习事件未全部存入：{report.refused[:3]}")


def device() -> Device:
    """许昌技师学院's face check-in device (demo/checkins.py registers one for its first 2023 class),
    registered by its clerk if it has none yet."""
    org = Organisation.objects.get(name="许昌技师学院")
    found = Device.objects.filter(institution=org).order_by("pk").first()
    if found is not None:
        return found
    clerk = User.objects.get(username="xc_jb")
    made, _token = online.device_register(actor=clerk, code=DEVICE_CODE, site=DEVICE_SITE)
    return made


def checkins_push(
    tc: TrainingClass, days: list[dt.date], *, absent: dict[int, tuple[dt.date, ...]] | None = None
) -> int:
    """C07: the device's check-ins and check-outs of the class's trainees on ``days`` (``absent``: row →
    the days that trainee missed), sent each evening; returns how many were stored."""
    dev = device()
    absent = absent or {}
    logs: dict[dt.date, list[online.EventIn]] = {day: [] for day in days}
    for row, id_number in _roster(tc):
        log = _Log(tc, id_number, f"{dev.code}-{tc.ref}-{row:02d}")
        for day in days:
            if day in absent.get(row, ()):
                if day == absent[row][0]:  # someone else tried his face that morning
                    log.day(day, matched=False)
                continue
            log.day(day)
        for e in log.events:
            logs[e.at.date()].append(e)
    stored = 0
    for day in days:
        report = online.events_ingest(actor=None, sender=dev.institution, device=dev, events=logs[day])
        if report.refused:
            raise RuntimeError(f"演示签到事件未全部存入：{report.refused[:3]}")
        stored += report.stored
    return stored


def _checkin_class() -> TrainingClass:
    """An XC23 class of 许昌技师学院 (电工 四级) in its second week: the first week's check-ins."""
    from jineng.demo.standards import PRICED, bureau_accounts

    spec = next(s for s in PRICED if s.prefix == "xc" and s.start.year == 2023)
    acc = bureau_accounts(spec)
    clerk = acc["jb"]
    school = clerk.organisation
    assert school is not None
    city = Region.objects.get(name=spec.region)
    item = CatalogueItem.objects.get(
        year=CHECKIN_START.year,
        occupation__code="6-31-01-03",
        level=4,
        certificate_kind="skill_level",
        subsidy_type="skill_upgrade",
        valid_to__isnull=True,
        trade__isnull=True,
    )
    applied = CHECKIN_START - dt.timedelta(days=21)
    tc = training.class_create(
        actor=clerk,
        data=training.ClassInput(
            region_id=city.pk,
            department_id=Department.objects.get(region=city, name=spec.department).pk,
            contact_name=clerk.label,
            contact_phone="13937600000",
            bank_name="中国农业银行",
            bank_account="6228480000000000015",
            batch="2023年第15期",
            start_date=CHECKIN_START,
            end_date=CHECKIN_START + dt.timedelta(days=18),
            occupation_code="6-31-01-03",
            level=4,
            target_certificate="skill_level",
            catalogue_item_id=item.pk,
            planned_trainees=CHECKIN_TRAINEES,
            total_hours=max(item.hours, 100),
            theory_hours=30,
            practical_hours=max(item.hours, 100) - 30,
            minutes_per_hour=45,
            mode="institution",
            funding_type="off_job",
            workstations=40,
            venue=f"{spec.region}{school.name}实训楼",
            teacher_ids=list(
                Teacher.objects.filter(organisation=school, occupation__code="6-31-01-03").values_list(
                    "pk", flat=True
                )
            ),
        ),
    )
    job = training.roster_job_create(
        actor=clerk,
        training_class=tc,
        filename="花名册-2023年第15期.xlsx",
        content=workbook_bytes(
            "花名册", HEADERS, demo_classes._people(7400, CHECKIN_TRAINEES, spec.person_area)
        ),
    )
    job = training.roster_job_run(job_id=job.pk, today=applied)
    if job.status != "accepted":
        raise RuntimeError(f"演示花名册未通过：{job.report[:3]}")
    tc = training.class_submit(actor=clerk, training_class=tc, today=applied)
    for suffix in ("dept1", "dept2"):
        tc = training.class_review(actor=acc[suffix], training_class=tc, decision="pass", today=applied)
    for suffix in ("hr1", "hr2"):
        tc = training.class_review(
            actor=acc[suffix], training_class=tc, decision="pass", today=applied + dt.timedelta(days=3)
        )
    tc = class_open(
        actor=acc["dc"],
        training_class=tc,
        present=CHECKIN_TRAINEES,
        signed_in=CHECKIN_TRAINEES,
        materials_kept=True,
        note="开班当日实地检查，人脸识别签到设备已接入",
        today=CHECKIN_START,
    )
    week = [CHECKIN_START + dt.timedelta(days=d) for d in range(5)]
    checkins_push(tc, week, absent={ABSENT_ROW: ABSENT_DAYS})
    return tc
