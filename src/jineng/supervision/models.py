"""过程监管 of a class (ZZ21 附件2 “过程监管” block): the opening-day check, in-training inspections,
face-recognition check-ins, written leave and make-up lessons, lesson videos, and the class's summary
(average attendance, subsidy forfeit, satisfaction)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.training.models import Enrolment, TrainingClass


class OpeningCheck(models.Model):
    """开班当日检查: 学员人数 (C02: the opening headcount is who is actually there), 签到情况, 培训资料留存情况."""

    training_class = models.OneToOneField(TrainingClass, models.CASCADE, related_name="opening_check")
    checked_at = models.DateTimeField("检查时间")
    present = models.PositiveIntegerField("实到人数")
    signed_in = models.PositiveIntegerField("签到人数")
    materials_kept = models.BooleanField("培训资料已留存")
    note = models.TextField("检查情况", blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "开班当日检查"
        verbose_name_plural = "开班当日检查"

    def __str__(self) -> str:
        return f"开班检查 {self.training_class.ref}"


class Inspection(models.Model):
    """培训期间检查 (C01): 时间、地点、师资情况、学员出勤情况、检查人员; remote where C03 allows it."""

    training_class = models.ForeignKey(TrainingClass, models.CASCADE, related_name="inspections")
    at = models.DateTimeField("检查时间")
    place = models.CharField("地点", max_length=200)
    teachers_present = models.CharField("在岗教师", max_length=200)
    trainees_present = models.PositiveIntegerField("在位学员数")
    remote = models.BooleanField("远程视频检查", default=False)
    media_refs = models.TextField("照片/视频编号", blank=True)
    note = models.TextField("检查情况", blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训期间检查"
        verbose_name_plural = "培训期间检查"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"检查 {self.training_class.ref} {self.at:%Y-%m-%d %H:%M}"


class CheckIn(models.Model):
    """A face-recognition check-in (C07) as the device reported it. A record sent twice is stored once."""

    training_class = models.ForeignKey(TrainingClass, models.CASCADE, related_name="checkins")
    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="checkins")
    at = models.DateTimeField("签到时间")
    matched = models.BooleanField("人脸比对通过")
    device = models.CharField("设备编号", max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "人脸识别签到"
        verbose_name_plural = "人脸识别签到"
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "at"], name="checkin_once_per_instant")]
        indexes = [models.Index(fields=["training_class", "at"])]

    def __str__(self) -> str:
        return f"签到 {self.enrolment_id} {self.at:%Y-%m-%d %H:%M}"


class Leave(models.Model):
    """书面请假 for one lesson day (C08), and the filmed make-up lesson that counts toward attendance."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="leaves")
    lesson_date = models.DateField("请假课程日期")
    reason = models.CharField("请假事由", max_length=200)
    written = models.BooleanField("书面请假手续", default=True)
    made_up_on = models.DateField("补课日期", null=True, blank=True)
    make_up_video_ref = models.CharField("补课录像编号", max_length=128, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "请假与补课"
        verbose_name_plural = "请假与补课"
        ordering = ["lesson_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson_date"], name="one_leave_per_lesson_day")
        ]

    def __str__(self) -> str:
        return f"请假 {self.enrolment_id} {self.lesson_date}"

    @property
    def made_up(self) -> bool:
        return self.made_up_on is not None


class LessonKind(models.TextChoices):
    THEORY = "theory", "理论"
    PRACTICAL = "practical", "实操"


class LessonVideo(models.Model):
    """Video evidence of one lesson (C04 coverage, C05 trainees not all visible, C06 retention)."""

    training_class = models.ForeignKey(TrainingClass, models.CASCADE, related_name="videos")
    lesson_date = models.DateField("授课日期")
    kind = models.CharField("课程类型", max_length=16, choices=LessonKind.choices)
    hours = models.PositiveIntegerField("课时数")
    filmed_minutes = models.PositiveIntegerField("录像分钟数")
    # C04: practical lessons, the longest unbroken recording in each class hour (one number per hour).
    continuous_minutes_per_hour = models.JSONField("每学时最长连续录像分钟数", default=list, blank=True)
    not_all_visible = models.PositiveIntegerField("未能显示全体学员次数", default=0)
    video_ref = models.CharField("录像编号", max_length=128)
    retain_until = models.DateField("留存至", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "授课录像"
        verbose_name_plural = "授课录像"
        ordering = ["lesson_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "lesson_date", "kind"], name="one_video_per_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"录像 {self.training_class_id} {self.lesson_date} {self.get_kind_display()}"


class Summary(models.Model):
    """The class's supervision figures: 开班人数, 平均出勤人数 (C02), 取消补贴 (C05), 满意度 (C09)."""

    training_class = models.OneToOneField(TrainingClass, models.CASCADE, related_name="supervision")
    opening_headcount = models.PositiveIntegerField("开班人数")
    trained_headcount = models.PositiveIntegerField("培训人数（检查在位平均人数）", null=True, blank=True)
    inspections_counted = models.PositiveIntegerField("计入检查次数", default=0)
    ended_on = models.DateField("结业日期", null=True, blank=True)
    not_all_visible_total = models.PositiveIntegerField("录像未显示全体学员累计次数", default=0)
    subsidy_forfeited = models.BooleanField("已取消补贴资格", default=False)
    forfeit_reason = models.CharField("取消补贴原因", max_length=200, blank=True)
    surveyed = models.PositiveIntegerField("满意度调查人数", null=True, blank=True)
    satisfied = models.PositiveIntegerField("满意人数", null=True, blank=True)
    satisfaction_share = models.DecimalField("满意率", max_digits=5, decimal_places=4, null=True, blank=True)
    satisfaction_effect = models.CharField("满意度不达标后果", max_length=32, blank=True)
    rectify_until = models.DateField("整改期至", null=True, blank=True)
    assessment_suspended = models.BooleanField("暂停结业考核", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "过程监管汇总"
        verbose_name_plural = "过程监管汇总"

    def __str__(self) -> str:
        return f"监管汇总 {self.training_class.ref}"
