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


class MonthlyReport(models.Model):
    """One region's figures for one month of the year (cumulative from January, and the month alone)."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="monthly_reports", verbose_name="地区")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
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

    class Meta:
        verbose_name = "月报"
        verbose_name_plural = "月报"
        ordering = ["-year", "-month", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "month"], name="one_report_per_region_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="report_month_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年{self.month}月 月报"


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
