"""Target plans (H01, H02): a document's table, one row per region, department or unit, in exact persons."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.orgs.models import Organisation
from jineng.policy.targets import LABELS, Indicator, effective_target
from jineng.regions.models import Department, Region

INDICATOR_CHOICES = [(indicator.value, LABELS[indicator]) for indicator in Indicator]


class Plan(models.Model):
    """One table of a document (ZZ21 附件1, ZZHS21 表3 …) for one year and the region that issued it."""

    class Layout(models.TextChoices):
        # The three document table kinds of H01, plus HC21 附件1 whose rows are tasks with lead departments.
        REGION = "region", "按地区"
        DEPARTMENT = "department", "按部门（行业系统）"
        UNIT = "unit", "按单位（企业、院校、基地）"
        TASK = "task", "按工作任务（牵头单位）"

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(Region, models.PROTECT, related_name="plans", verbose_name="下达地区")
    source = models.CharField("出处", max_length=64)
    title = models.CharField("标题", max_length=200)
    layout = models.CharField("表式", max_length=16, choices=Layout.choices, default=Layout.REGION)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "目标计划"
        verbose_name_plural = "目标计划"
        ordering = ["-year", "region__path", "source", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "source"], name="plan_unique_source_per_region_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.source} {self.title}"


class Target(models.Model):
    """One figure of the table: indicator × row. ``persons`` is the exact count (万 already converted)."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="targets")
    indicator = models.CharField("指标", max_length=32, choices=INDICATOR_CHOICES)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="地区")
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="部门"
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="单位"
    )
    # The row as printed ("市本级", "市直", a task of HC21 附件1); part of the key because HC21 gives one
    # lead department several tasks.
    label = models.CharField("行名称", max_length=200, blank=True)
    lead_units = models.CharField("牵头单位（原文）", max_length=200, blank=True)
    position = models.PositiveIntegerField("行序", default=0)
    persons = models.BigIntegerField("目标数")
    # H05: the province's figure for this row, once issued; the higher of the two stands.
    province_persons = models.BigIntegerField("省级下达数", null=True, blank=True)

    class Meta:
        verbose_name = "目标任务"
        verbose_name_plural = "目标任务"
        ordering = ["plan", "position", "id"]
        constraints = [
            # NULL department/organisation rows are kept unique by plan_create (NULLS NOT DISTINCT would
            # do it in the database, but SQLite has no such constraint and warns on every migrate).
            models.UniqueConstraint(
                fields=["plan", "indicator", "region", "department", "organisation", "label"],
                name="target_unique_row",
            ),
            models.CheckConstraint(condition=models.Q(persons__gte=0), name="target_persons_not_negative"),
        ]
        indexes = [models.Index(fields=["indicator", "region"])]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.indicator} {self.label} {self.persons}"

    @property
    def effective_persons(self) -> int:
        return effective_target(city_guidance=self.persons, province=self.province_persons).persons


class Control(models.Model):
    """A figure the rows must add up to (H01): the table's own 合计/总计 row, or the parent figure of
    another table (XC23 附件2's departments against the city's 12万). ``covers`` says which rows."""

    class Covers(models.TextChoices):
        ALL = "all", "全部行"
        BELOW = "below", "下级地区行（不含本级）"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="controls")
    indicator = models.CharField("指标", max_length=32, choices=INDICATOR_CHOICES)
    label = models.CharField("名称", max_length=64)  # "郑州市总计", "全市目标（附件1合计）"
    covers = models.CharField("覆盖", max_length=8, choices=Covers.choices, default=Covers.ALL)
    persons = models.BigIntegerField("数值")
    clause = models.CharField("出处", max_length=120, blank=True)

    class Meta:
        verbose_name = "合计/上级目标"
        verbose_name_plural = "合计/上级目标"
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "covers", "label"], name="control_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.indicator} {self.persons}"


class PlanImport(models.Model):
    """One upload of a plan table: accepted (the plan it made) or refused (the row-level report).

    All-or-nothing: a refused upload creates no plan and no target; only this record and its report."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", "已导入"
        REFUSED = "refused", "未导入（有问题）"

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="下达地区")
    source = models.CharField("出处", max_length=64)
    title = models.CharField("标题", max_length=200)
    layout = models.CharField("表式", max_length=16, choices=Plan.Layout.choices)
    filename = models.CharField("文件名", max_length=200, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices)
    report = models.JSONField("问题清单", default=list)
    plan = models.ForeignKey(Plan, models.SET_NULL, null=True, blank=True, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "目标计划导入"
        verbose_name_plural = "目标计划导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} {self.get_state_display()}"


class Split(models.Model):
    """H01 across tables: one figure of a table — a row (ZZHS21 表1's 市本级, the plan region's own row) or the
    whole table (XC23 附件1's total) — split over other tables of the same document (表2–表5; 附件2). The
    parts' sums are checked against it: any part of the figure no table allocates, or any overrun, is a
    warning on the plans, the API and the dashboard (targets.selectors.cross_table_warnings)."""

    whole = models.ForeignKey(Plan, models.CASCADE, related_name="splits", verbose_name="被分解的表")
    whole_region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="被分解的行（地区本级）"
    )
    label = models.CharField("名称", max_length=64)  # "表1 市本级", "附件1 合计"
    parts = models.ManyToManyField(Plan, related_name="split_parts", verbose_name="分解到的表")
    clause = models.CharField("出处", max_length=120, blank=True)

    class Meta:
        verbose_name = "跨表分解"
        verbose_name_plural = "跨表分解"
        ordering = ["whole", "id"]

    def __str__(self) -> str:
        return f"{self.whole.source} {self.label}"
