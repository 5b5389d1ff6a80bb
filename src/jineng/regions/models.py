from __future__ import annotations

from django.conf import settings
from django.db import models


class Region(models.Model):
    """A node of the tree province → city → county / district / functional zone.

    ``path`` is the materialised chain of ids ("/1/2/17/"): a subtree is one ``startswith`` filter, so
    scope checks never walk the tree row by row.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "地级市"
        DISTRICT = "district", "市辖区"
        COUNTY = "county", "县"
        COUNTY_CITY = "county_city", "县级市"
        ZONE = "zone", "功能区"

    name = models.CharField("名称", max_length=64)
    short_name = models.CharField("简称", max_length=32, blank=True)
    code = models.CharField("GB/T 2260 代码", max_length=6, null=True, blank=True, unique=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    position = models.PositiveIntegerField("排序", default=0)
    # 18.11: the telephone a 公示 names for questions and objections; a region without one uses its
    # nearest ancestor's.
    bureau_phone = models.CharField("人社局咨询电话", max_length=32, blank=True, db_default="")

    class Meta:
        verbose_name = "行政区域"
        verbose_name_plural = "行政区域"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def area_code(self) -> str:
        """The GB/T 2260 code that reference numbers carry: a functional zone (郑东新区, 航空港区) has
        none of its own, so its nearest coded ancestor's; "000000" only where no ancestor has one."""
        if self.code:
            return self.code
        return self.parent.area_code() if self.parent is not None else "000000"

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Department(models.Model):
    """A 行业主管部门 (or the HR / finance bureau itself) belonging to one region."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", "行业主管部门"
        HRSS = "hrss", "人力资源社会保障部门"
        FINANCE = "finance", "财政部门"
        MASS = "mass", "群团组织"

    region = models.ForeignKey(Region, models.PROTECT, related_name="departments", verbose_name="所属区域")
    name = models.CharField("名称", max_length=64)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.INDUSTRY)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["region__path", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_in_region")]

    def __str__(self) -> str:
        return self.name


class ProfileAssignment(models.Model):
    """Which policy profile is in force in a region for a year; regions below inherit it."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="profile_assignments")
    year = models.PositiveSmallIntegerField("年度")
    profile_code = models.CharField("政策档案", max_length=16)
    profile_version = models.PositiveSmallIntegerField("版本")
    # 18.3: who put it in force and when, on the page (the audit trail has every change); empty for rows
    # set before these were kept, or by the operator's commands.
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="设定人",
    )
    set_at = models.DateTimeField("设定时间", null=True, blank=True)

    class Meta:
        verbose_name = "政策档案适用"
        verbose_name_plural = "政策档案适用"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="one_profile_per_region_year")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.profile_code}@v{self.profile_version}"
