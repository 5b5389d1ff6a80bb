"""实训设备补助 (F05): the bases and studios the bureau recognised, their equipment grant applications and
the items listed, two signatures of the bureau (F09), then a claim through the one pipeline.

A recognition is the bureau's record of a 高技能人才培训基地 or 技能大师工作室 (level, date and document
number of the recognition, as the bureau keeps them). Its organisation applies once (一次性补助, F05): the
newly purchased equipment, item by item with invoice and purchase date; the grant is computed under the
profile in force where the organisation is, in the year of the application, and frozen on it. The
bureau's 初审 and 复核 are two different people (F09); the second signature approves and drafts the claim
(``claims.sourced``), which the organisation then pledges and submits like any other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.audit.scope import EventScope
from jineng.claims.models import Claim
from jineng.orgs.models import Organisation
from jineng.regions.models import Department, Region


class RecognitionKind(models.TextChoices):
    BASE = "base", "高技能人才培训基地"
    STUDIO = "studio", "技能大师工作室"


class RecognitionLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class Recognition(models.Model):
    """A base or studio as the bureau recognised it."""

    kind = models.CharField("类别", max_length=8, choices=RecognitionKind.choices)
    name = models.CharField("名称", max_length=128)
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="recognitions", verbose_name="依托单位"
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="所在区域")
    # The department that reviews the grant's claim (F07): the organisation's 行业主管部门.
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name="行业主管部门")
    level = models.CharField("认定级别", max_length=12, choices=RecognitionLevel.choices)
    recognised_on = models.DateField("认定日期")
    document_number = models.CharField("认定文号", max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "认定的基地/工作室"
        verbose_name_plural = "认定的基地/工作室"
        ordering = ["-recognised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "name"], name="grants_one_recognition_per_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def audit_scope(self) -> EventScope:
        return EventScope(self.region.path, self.department_id, self.organisation_id)


class GrantState(models.TextChoices):
    SUBMITTED = "submitted", "待人社初审"
    FIRST_SIGNED = "first_signed", "待人社复核"
    APPROVED = "approved", "已核准，已转入补贴申领"
    REJECTED = "rejected", "不予核准"
    WITHDRAWN = "withdrawn", "已撤回"


# An application that no longer holds its base's or studio's one-off grant: refused, or withdrawn by the
# applicant before the first signature. Another may be made (F05 一次性补助 counts live ones only).
ENDED_STATES = (GrantState.REJECTED, GrantState.WITHDRAWN)


class GrantApplication(models.Model):
    """申请: one base's or studio's equipment grant (F05), with the grant computed under the frozen profile."""

    ref = models.CharField("申请编号", max_length=32)
    recognition = models.ForeignKey(
        Recognition, models.PROTECT, related_name="applications", verbose_name="基地/工作室"
    )
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name="申请单位")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="区域")
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name="行业主管部门")
    state = models.CharField("状态", max_length=16, choices=GrantState.choices, default=GrantState.SUBMITTED)
    year = models.PositiveSmallIntegerField("年度")
    profile_code = models.CharField("政策档案", max_length=16)
    profile_version = models.PositiveSmallIntegerField("档案版本")
    staff_education_fund_used = models.BooleanField("职工教育经费用于基地/工作室建设", default=False)
    equipment_value = models.DecimalField("新购置实训设备总值（元）", max_digits=14, decimal_places=2)
    amount = models.DecimalField("补助金额（元）", max_digits=12, decimal_places=2)
    computation = models.TextField("计算过程")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    applied_on = models.DateField("申请日期")
    first_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="初审人",
    )
    first_on = models.DateField("初审日期", null=True, blank=True)
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="复核人",
    )
    second_on = models.DateField("复核日期", null=True, blank=True)
    comment = models.TextField("审核意见", blank=True)
    claim = models.ForeignKey(
        Claim, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="补贴申领"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "实训设备补助申请"
        verbose_name_plural = "实训设备补助申请"
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["region", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["ref"], name="grants_application_ref_unique"),
            # F05 一次性补助: one live application per base or studio (a refused or withdrawn one does not
            # count).
            models.UniqueConstraint(
                fields=["recognition"],
                condition=~models.Q(state__in=["rejected", "withdrawn"]),
                name="grants_one_live_application_per_recognition",
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    def audit_scope(self) -> EventScope:
        return EventScope(self.region.path, self.department_id, self.organisation_id)


class EquipmentItem(models.Model):
    """One newly purchased piece of training equipment of an application."""

    application = models.ForeignKey(
        GrantApplication, models.CASCADE, related_name="items", verbose_name="设备补助申请"
    )
    row = models.PositiveIntegerField("序号")
    name = models.CharField("设备名称", max_length=128)
    model = models.CharField("规格型号", max_length=128, blank=True)
    quantity = models.PositiveIntegerField("数量")
    unit_price = models.DecimalField("单价（元）", max_digits=12, decimal_places=2)
    value = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    invoice_number = models.CharField("发票号码", max_length=64)
    purchased_on = models.DateField("购置日期")

    class Meta:
        verbose_name = "新购置实训设备"
        verbose_name_plural = "新购置实训设备"
        ordering = ["application", "row"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"
