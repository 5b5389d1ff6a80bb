"""I03–I05: the yearly performance evaluation of training institutions, and the employment follow-up
(就业跟踪问卷) of their trainees that feeds it.

ZZ21 三(四) judges an institution by its content, course plan, scale, trainee feedback and job retention
(稳岗就业), and stops the 项目制 of one with low results, low attendance or a low completion ratio; ZZ21
七(三) renews the year's catalogue with the good ones and exits the inactive or ineffective (动态退出),
judged by platform supervision, satisfaction survey and employment follow-up; HC21 三(一) exits and
exposes publicly (曝光) those of poor management, quality or exam control. No document gives numbers for
"low": the figures are computed from the records and the bureau decides, its reason on the record.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from jineng.orgs.models import Organisation
from jineng.regions.models import Region


class FollowUp(models.Model):
    """就业跟踪: one trainee asked, after his class, whether he works (ZZ21 七(三) 就业跟踪问卷)."""

    enrolment = models.OneToOneField(
        "training.Enrolment", models.CASCADE, related_name="follow_up", verbose_name="学员"
    )
    surveyed_on = models.DateField("跟踪日期")
    employed = models.BooleanField("已就业")
    employer = models.CharField("就业单位", max_length=128, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "就业跟踪"
        verbose_name_plural = "就业跟踪"

    def __str__(self) -> str:
        return f"就业跟踪 {self.surveyed_on:%Y-%m-%d}（{'已就业' if self.employed else '未就业'}）"


class Subject(models.TextChoices):
    """What is evaluated: ZZ21 三(四) and 七(三) speak of training institutions; HC21 三(一) also of
    evaluation bodies and online platforms."""

    INSTITUTION = "institution", "培训机构"
    EVALUATION_BODY = "evaluation_body", "评价机构"
    ONLINE_PLATFORM = "online_platform", "线上培训平台"


class CatalogueOutcome(models.TextChoices):
    PENDING = "pending", "待决定"
    RENEWED = "renewed", "纳入下年度目录"
    EXITED = "exited", "退出目录并公开"


class ProjectOutcome(models.TextChoices):
    UNCHANGED = "unchanged", "项目制资格不变"
    GRANTED = "granted", "给予（恢复）项目制资格"
    WITHDRAWN = "withdrawn", "停止项目制资格"


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / whole).quantize(Decimal("0.001")) if whole else None


class Review(models.Model):
    """One institution's year as the bureau of ``region`` evaluates it: the figures frozen when computed,
    then the decision and its consequences."""

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="评价地区")
    subject = models.CharField(
        "评价对象", max_length=24, choices=Subject.choices, default=Subject.INSTITUTION
    )
    institution = models.ForeignKey(
        Organisation, models.PROTECT, related_name="reviews", verbose_name="被评价机构"
    )
    classes = models.PositiveIntegerField("开班数")
    opening = models.PositiveIntegerField("开班人数")
    trained = models.PositiveIntegerField("培训人数（检查在位平均）")
    enrolled = models.PositiveIntegerField("已考核班级学员数")
    passed = models.PositiveIntegerField("取证人数")
    surveyed = models.PositiveIntegerField("满意度调查人数")
    satisfied = models.PositiveIntegerField("满意人数")
    followed = models.PositiveIntegerField("就业跟踪人数")
    employed = models.PositiveIntegerField("跟踪已就业人数")
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="计算人"
    )
    catalogue = models.CharField(
        "下年度目录", max_length=16, choices=CatalogueOutcome.choices, default=CatalogueOutcome.PENDING
    )
    project = models.CharField("项目制资格", max_length=16, choices=ProjectOutcome.choices, blank=True)
    reason = models.CharField("评价意见", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="决定人",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    class Meta:
        verbose_name = "机构年度绩效评价"
        verbose_name_plural = "机构年度绩效评价"
        ordering = ["-year", "subject", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "subject", "institution"], name="one_review_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.institution.name}"

    @property
    def attendance(self) -> Decimal | None:
        return _share(self.trained, self.opening)

    @property
    def completion(self) -> Decimal | None:
        return _share(self.passed, self.enrolled)

    @property
    def satisfaction(self) -> Decimal | None:
        return _share(self.satisfied, self.surveyed)

    @property
    def employment(self) -> Decimal | None:
        return _share(self.employed, self.followed)
