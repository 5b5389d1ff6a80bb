"""Monthly statistics (月报, H06) and the 通报 that ranks a city's counties.

Actuals themselves are never stored by hand: they are computed from the records (selectors.actuals).
A report freezes them as they stood when the county submitted, so that what the city approved and
ranked can be read again later even after more classes were assessed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.regions.models import Region


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", "已报送待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


class ReportKind(models.TextChoices):
    """Mirrors jineng.policy.profiles.REPORT_KINDS (H06): which of them a region reports is the profile's."""

    WEEKLY = "weekly", "周调度"
    MONTHLY = "monthly", "月报"
    QUARTERLY = "quarterly", "季度讲评"
    HALF_YEAR = "half_year", "半年督导"
    YEAR = "year", "全年总结"


class MonthlyReport(models.Model):
    """One periodic report (H06) of a region or of an industry department: the monthly report first, and
    the 周调度, 季度讲评, 半年督导 and 全年总结 the profile requires (``kind``). Figures are cumulative from
    January to ``month`` (the period's last month), with the period's own months and the year's target.

    A department's report (``department`` set) belongs to the department's region, whose bureau approves
    it; a region's report is approved by the level above, as the monthly report always was."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="monthly_reports", verbose_name="地区")
    department = models.ForeignKey(
        "regions.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="periodic_reports",
        verbose_name="行业部门",
    )
    kind = models.CharField("报告种类", max_length=16, choices=ReportKind.choices, default=ReportKind.MONTHLY)
    year = models.PositiveSmallIntegerField("年度")
    # The period within the year: ISO week, month, quarter, half (1–2) or 1 for the year.
    period = models.PositiveSmallIntegerField("期次")
    month = models.PositiveSmallIntegerField("截至月份")
    state = models.CharField("状态", max_length=16, choices=ReportState.choices)
    # indicator → {"month": n, "cumulative": n, "target": n | null}
    figures = models.JSONField("数据快照", default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报送人",
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="退回人",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "定期报告"
        verbose_name_plural = "定期报告"
        ordering = ["-year", "-month", "region__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "year", "period"],
                condition=models.Q(department__isnull=True),
                name="one_report_per_region_period",
            ),
            models.UniqueConstraint(
                fields=["department", "kind", "year", "period"],
                condition=models.Q(department__isnull=False),
                name="one_report_per_department_period",
            ),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="report_month_1_12"),
            models.CheckConstraint(
                condition=models.Q(period__gte=1, period__lte=53), name="report_period_1_53"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department or self.region} {self.year} {self.get_kind_display()} {self.period}"


class Bulletin(models.Model):
    """通报 (H06 月通报): the ranking of a region's lower levels for one month, issued once approved."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="bulletins", verbose_name="通报地区")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    title = models.CharField("标题", max_length=120)
    # [{"indicator", "label", "rows": [{"region_id", "name", "actual", "target", "rate", "rank", "behind"}]}]
    ranking = models.JSONField("排名", default=list)
    elapsed = models.CharField("时间进度", max_length=16)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="签发人"
    )
    issued_at = models.DateTimeField("签发时间")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-year", "-month", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "month"], name="one_bulletin_per_region_month")
        ]

    def __str__(self) -> str:
        return self.title


class MonthlyActual(models.Model):
    """The monthly roll-up of the actuals: what selectors.actual_rows counts from the records, stored at
    four grains — region; region × department; region × department × unit; and each region's whole
    subtree on the region itself — so that a province's
    dashboard reads ~10⁴ rows instead of aggregating 2,000,000 roster rows and 500,000 certificates on
    every view. Rebuilt whole for a year by services.actuals_refresh (scheduled, and on demand)."""

    class Grain(models.IntegerChoices):
        REGION = 0, "地区×月份"
        DEPARTMENT = 1, "地区×部门×月份"
        UNIT = 2, "地区×部门×单位×月份"
        # The whole subtree's total on its root: a province's view reads its 18 cities' rows directly.
        SUBTREE = 3, "地区（含下级）×月份"

    year = models.PositiveSmallIntegerField("年度")
    grain = models.PositiveSmallIntegerField("粒度", choices=Grain.choices)
    month = models.PositiveSmallIntegerField("月份")
    indicator = models.CharField("指标", max_length=32)
    region = models.ForeignKey(Region, models.CASCADE, related_name="+", db_constraint=False)
    department = models.ForeignKey(
        "regions.Department", models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", models.CASCADE, null=True, related_name="+", db_constraint=False
    )
    persons = models.BigIntegerField("人数")

    class Meta:
        verbose_name = "月度实绩汇总"
        verbose_name_plural = "月度实绩汇总"
        indexes = [
            models.Index(fields=["year", "grain", "region", "indicator"]),
            models.Index(fields=["year", "grain", "indicator", "department"]),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年 {self.month} 月 {self.indicator}"


class Rollup(models.Model):
    """When a year's roll-up was last rebuilt: the dashboard says how fresh its figures are."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    refreshed_at = models.DateTimeField("汇总时间")
    rows = models.PositiveIntegerField("行数")

    class Meta:
        verbose_name = "实绩汇总批次"
        verbose_name_plural = "实绩汇总批次"

    def __str__(self) -> str:
        return f"{self.year} {self.refreshed_at:%Y-%m-%d %H:%M}"


# --- H08 宣传信息 and H02 技能竞赛: records the indicators are counted from -------------------------------


class MediaLevel(models.IntegerChoices):
    """Mirrors jineng.policy.progress.MEDIA_LEVELS (H08 counts 县级以上 / 市级以上)."""

    OTHER = 0, "乡镇及以下或内部资料"
    COUNTY = 1, "县级"
    CITY = 2, "市级"
    PROVINCE = 3, "省级"
    NATIONAL = 4, "国家级"


class CompetitionLevel(models.IntegerChoices):
    UNIT = 0, "企业、院校级"
    COUNTY = 1, "县级"
    CITY = 2, "市级"
    PROVINCE = 3, "省级"
    NATIONAL = 4, "国家级"


class RecordState(models.TextChoices):
    RECORDED = "recorded", "有效"
    WITHDRAWN = "withdrawn", "已撤回"


class _Recorded(models.Model):
    """Who recorded a row and, if it was withdrawn, who did and why: a withdrawn row stays, uncounted."""

    state = models.CharField("状态", max_length=16, choices=RecordState.choices, default=RecordState.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤回人",
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=200, blank=True)

    class Meta:
        abstract = True


class MediaItem(_Recorded):
    """H08: one publicity item published by a county (region) or by a city department."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="media_items", verbose_name="地区")
    # Set for a department's item; its region is then the department's own.
    department = models.ForeignKey(
        "regions.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="media_items",
        verbose_name="部门",
    )
    title = models.CharField("标题", max_length=200)
    media_name = models.CharField("媒体名称", max_length=100)
    media_level = models.PositiveSmallIntegerField("媒体级别", choices=MediaLevel.choices)
    published_on = models.DateField("发布日期")
    link = models.CharField("链接或出处", max_length=500)

    class Meta:
        verbose_name = "宣传信息"
        verbose_name_plural = "宣传信息"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["published_on", "state"])]

    def __str__(self) -> str:
        return self.title


class Competition(_Recorded):
    """H02 技能竞赛（场）: one skills competition held, counted in the month it was held."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="competitions", verbose_name="地区")
    department = models.ForeignKey(
        "regions.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="competitions",
        verbose_name="主办部门",
    )
    name = models.CharField("竞赛名称", max_length=200)
    level = models.PositiveSmallIntegerField("竞赛级别", choices=CompetitionLevel.choices)
    held_on = models.DateField("举办日期")
    participants = models.PositiveIntegerField("参赛人数")

    class Meta:
        verbose_name = "技能竞赛"
        verbose_name_plural = "技能竞赛"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on", "state"])]

    def __str__(self) -> str:
        return self.name


class LedgerKind(models.TextChoices):
    """What kind of training a ledger entry records (the documents' own categories)."""

    EMPLOYMENT = "employment", "就业技能培训"
    UPGRADE = "upgrade", "岗位技能提升培训"
    ENTREPRENEURSHIP = "entrepreneurship", "创业培训"
    SAFETY = "safety", "安全技能培训"
    OTHER = "other", "其他职业技能培训"


class LedgerEntry(_Recorded):
    """E09 技能培训台账: one training that no subsidised class of Jineng records (an enterprise's own
    in-house training, a department's, an institution's self-paid course), entered after it ends. The
    dashboard's 职业技能培训（人次） counts its trainees in the month it started, beside the subsidised
    classes' enrolments; half of the documents' 70万 / 12万 / 1万 training targets are such training."""

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="training_ledger", verbose_name="培训地区"
    )
    department = models.ForeignKey(
        "regions.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="training_ledger",
        verbose_name="行业主管部门",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="training_ledger",
        verbose_name="培训单位",
    )
    title = models.CharField("培训项目", max_length=200)
    kind = models.CharField("培训类别", max_length=24, choices=LedgerKind.choices)
    occupation = models.ForeignKey(
        "catalogue.Occupation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="training_ledger",
        verbose_name="培训职业",
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    persons = models.PositiveIntegerField("培训人次")
    entered_on = models.DateField("录入日期")
    # E09: days past the profile's deadline when entered (0 on time; null: the profile sets none).
    days_late = models.PositiveIntegerField("逾期录入天数", null=True, blank=True)

    class Meta:
        verbose_name = "技能培训台账"
        verbose_name_plural = "技能培训台账"
        ordering = ["-end_date", "-id"]
        indexes = [models.Index(fields=["start_date", "state"])]

    def __str__(self) -> str:
        return self.title
