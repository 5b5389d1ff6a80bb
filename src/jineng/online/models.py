"""The 互联网+职业技能培训 supervision data: what filed online platforms and face check-in devices send.

Platforms and devices push learning events (lesson sessions, window focus, pop-up checks, liveness, random
photos, face check-ins and check-outs). Each event carries the sender's own id, so a batch sent twice is
stored once. The events are the evidence; D04 (valid lessons), C07 (checked-in hours) and the trained
headcount of an online class are judged from them on demand by ``jineng.policy.online``.

On PostgreSQL the event table is partitioned by month (see migration 0002), so that an old month can be
detached and archived without touching the rest; on SQLite it is one table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.catalogue.models import Occupation
from jineng.orgs.models import Organisation
from jineng.training.models import Enrolment, TrainingClass


class EventKind(models.TextChoices):
    SESSION_START = "session_start", "开始学习"
    SESSION_END = "session_end", "结束学习"
    PROGRESS = "progress", "播放进度"
    BLUR = "blur", "离开学习窗口"
    FOCUS = "focus", "回到学习窗口"
    POPUP_SHOWN = "popup_shown", "弹窗验证"
    POPUP_ANSWERED = "popup_answered", "弹窗已作答"
    LIVENESS = "liveness", "人脸活体比对"
    PHOTO = "photo", "随机抓拍"
    FACE_IN = "face_in", "人脸签到"
    FACE_OUT = "face_out", "人脸签退"


PLATFORM_KINDS = frozenset(
    {
        EventKind.SESSION_START,
        EventKind.SESSION_END,
        EventKind.PROGRESS,
        EventKind.BLUR,
        EventKind.FOCUS,
        EventKind.POPUP_SHOWN,
        EventKind.POPUP_ANSWERED,
        EventKind.LIVENESS,
        EventKind.PHOTO,
    }
)
DEVICE_KINDS = frozenset({EventKind.FACE_IN, EventKind.FACE_OUT, EventKind.PHOTO})


class Device(models.Model):
    """A face check-in device of an institution at one training site. It authenticates with its own token
    (only the hash is kept); it may report only for classes of its institution."""

    institution = models.ForeignKey(Organisation, models.PROTECT, related_name="checkin_devices")
    code = models.CharField("设备编号", max_length=64)
    site = models.CharField("培训场地", max_length=200)
    prefix = models.CharField(max_length=8, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "人脸识别签到设备"
        verbose_name_plural = "人脸识别签到设备"
        ordering = ["institution_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="device_code_per_institution")
        ]

    def __str__(self) -> str:
        return f"签到设备 {self.code}（{self.site}）"


class CourseState(models.TextChoices):
    FILED = "filed", "已报送待审核"
    APPROVED = "approved", "审核同意"
    REFUSED = "refused", "审核不同意"


class Course(models.Model):
    """A platform's course with its videos in order. Where the profile requires it (D01), the province
    approves new course videos before lessons on them count; the order is what D04's "in order" means."""

    platform = models.ForeignKey(Organisation, models.PROTECT, related_name="online_courses")
    code = models.CharField("课程编号", max_length=64)
    title = models.CharField("课程名称", max_length=200)
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="+", verbose_name="职业")
    state = models.CharField(
        "审核状态", max_length=16, choices=CourseState.choices, default=CourseState.FILED
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "线上课程"
        verbose_name_plural = "线上课程"
        ordering = ["platform_id", "code"]
        constraints = [models.UniqueConstraint(fields=["platform", "code"], name="course_code_per_platform")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CourseVideo(models.Model):
    course = models.ForeignKey(Course, models.CASCADE, related_name="videos")
    lesson = models.PositiveIntegerField("课序")
    title = models.CharField("视频名称", max_length=200)
    minutes = models.PositiveIntegerField("时长（分钟）")
    video_ref = models.CharField("视频编号", max_length=128)

    class Meta:
        verbose_name = "课程视频"
        verbose_name_plural = "课程视频"
        ordering = ["course_id", "lesson"]
        constraints = [models.UniqueConstraint(fields=["course", "lesson"], name="video_lesson_per_course")]

    def __str__(self) -> str:
        return f"第{self.lesson}课 {self.title}"


class ClassCourse(models.Model):
    """The course a class's online part is taught with (set by the institution)."""

    training_class = models.OneToOneField(TrainingClass, models.CASCADE, related_name="online_course")
    course = models.ForeignKey(Course, models.PROTECT, related_name="classes")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "班级线上课程"
        verbose_name_plural = "班级线上课程"

    def __str__(self) -> str:
        return f"线上课程 {self.course_id}（班级 {self.training_class_id}）"


class LearningEvent(models.Model):
    """One event as a platform or device sent it. Append-only: nothing updates or deletes a row, and an
    old month leaves only by detaching its partition (PostgreSQL)."""

    id = models.BigAutoField(primary_key=True)
    # The sender: the platform or the device's institution; ``device`` is set for a device's events.
    # No database keys on the sender, device, class or enrolment: every batch maps each event to a class
    # and trainee of its sender in its own transaction, the rows are append-only, and classes and
    # enrolments are never deleted (PROTECT); the per-row key checks at commit cost a third of a COPY and
    # half again at commit (bench/learning_events.py).
    sender = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    device = models.ForeignKey(
        Device, models.PROTECT, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )
    event_id = models.CharField("事件编号", max_length=64)
    training_class = models.ForeignKey(
        TrainingClass, models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    enrolment = models.ForeignKey(
        Enrolment, models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    kind = models.CharField("事件类型", max_length=16, choices=EventKind.choices)
    at = models.DateTimeField("发生时间")
    lesson = models.PositiveIntegerField("课序", null=True, blank=True)
    position = models.PositiveIntegerField("播放位置（秒）", null=True, blank=True)
    speed = models.DecimalField("播放倍速", max_digits=4, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField("比对/作答通过", null=True, blank=True)
    score = models.DecimalField("比对分数", max_digits=5, decimal_places=2, null=True, blank=True)
    ref = models.CharField("图像编号", max_length=128, blank=True)
    received_at = models.DateTimeField("接收时间")

    class Meta:
        verbose_name = "线上学习与签到事件"
        verbose_name_plural = "线上学习与签到事件"
        constraints = [
            # With ``at``: on PostgreSQL a unique key of a partitioned table must hold the partition key.
            models.UniqueConstraint(fields=["sender", "event_id", "at"], name="learning_event_once")
        ]
        indexes = [models.Index(fields=["training_class", "enrolment", "at"], name="learning_event_class")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Requester(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    WORKER = "worker", "劳动者个人"
    INSTITUTION = "institution", "培训机构"
    PLATFORM = "platform", "线上平台"


class AssessmentRequest(models.Model):
    """D06: who asked for the offline assessment of a purely online class (enterprise / worker)."""

    training_class = models.OneToOneField(
        TrainingClass, models.CASCADE, related_name="online_assessment_request"
    )
    requester = models.CharField("申请主体", max_length=16, choices=Requester.choices)
    requester_name = models.CharField("申请单位或个人", max_length=128)
    letter_ref = models.CharField("申请函编号", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "纯线上培训考核申请主体"
        verbose_name_plural = "纯线上培训考核申请主体"

    def __str__(self) -> str:
        return f"{self.get_requester_display()} {self.requester_name}"
