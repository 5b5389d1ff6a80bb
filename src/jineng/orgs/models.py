from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from jineng.audit.scope import EventScope
from jineng.regions.models import Department, Region


class Organisation(models.Model):
    class Kind(models.TextChoices):
        TECHNICIAN_COLLEGE = "technician_college", "技师学院"
        SENIOR_TECHNICAL_SCHOOL = "senior_technical_school", "高级技工学校"
        TECHNICAL_SCHOOL = "technical_school", "技工学校"
        VOCATIONAL_SCHOOL = "vocational_school", "职业院校"
        PRIVATE_SCHOOL = "private_school", "民办职业培训学校"
        ENTERPRISE_CENTRE = "enterprise_centre", "企业培训中心"
        ONLINE_PLATFORM = "online_platform", "线上培训平台"
        ENTERPRISE = "enterprise", "企业"
        RECOGNITION_BODY = "recognition_body", "职业技能等级认定机构"
        APPRAISAL_STATION = "appraisal_station", "职业技能鉴定站"
        SOCIAL_EVALUATION = "social_evaluation", "社会培训评价组织"
        BASE = "base", "实训基地/中心"

    TRAINING_KINDS = frozenset(
        {
            Kind.TECHNICIAN_COLLEGE,
            Kind.SENIOR_TECHNICAL_SCHOOL,
            Kind.TECHNICAL_SCHOOL,
            Kind.VOCATIONAL_SCHOOL,
            Kind.PRIVATE_SCHOOL,
            Kind.ENTERPRISE_CENTRE,
            Kind.ONLINE_PLATFORM,
            Kind.BASE,
        }
    )
    EVALUATION_KINDS = frozenset({Kind.RECOGNITION_BODY, Kind.APPRAISAL_STATION, Kind.SOCIAL_EVALUATION})

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        SUSPENDED = "suspended", "暂停"
        EXITED = "exited", "已退出"

    name = models.CharField("名称", max_length=128, unique=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    kind = models.CharField("类别", max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="organisations", verbose_name="所在区域")
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name="主管部门",
    )
    recognition_filed = models.BooleanField("已备案职业技能等级认定", default=False)
    degree_education = models.BooleanField("具备学制教育资质", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField("状态原因", max_length=200, blank=True)
    suspended_until = models.DateField("暂停至", null=True, blank=True)
    # A12: the latest audit or inspection finding of clear problems (XC23: since 2022 → no subsidised training).
    audit_finding_on = models.DateField("最近审计/督查发现问题日期", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    bank_name = models.CharField("开户银行", max_length=64, blank=True)
    bank_account = models.CharField("银行账号", max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["region__path", "name"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> EventScope:
        """An organisation's own events (registered, suspended, …) are seen by its region, its
        department and itself."""
        return EventScope(self.region.path, self.department_id, self.pk)

    @property
    def is_training_provider(self) -> bool:
        return self.kind in self.TRAINING_KINDS

    @property
    def is_evaluation_body(self) -> bool:
        return self.kind in self.EVALUATION_KINDS or self.recognition_filed


# --------------------------------------------------------------------------------------------------
# Sanctions (I01) and a private school's record (I02).


class AppendOnlyQuerySet(models.QuerySet["Sanction"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("处理决定只能追加，不能修改：解除须另行签署")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("处理决定只能追加，不能删除：解除须另行签署")


class AppendOnly(models.Model):
    """save()/delete() of an instance do not go through the queryset: refuse them here too (and by
    trigger on PostgreSQL, migration 0004)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("处理决定只能追加，不能修改：解除须另行签署")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("处理决定只能追加，不能删除：解除须另行签署")


class Sanction(AppendOnly):
    """A decision that bars an institution from new classes, prepayments and claims while in force (I01):
    from ``starts_on`` to ``ends_on`` (inclusive; empty = until lifted). Lifting it is two signatures
    (SanctionLiftSignature); the sanction row itself never changes."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "暂停"
        STOP_OPENING = "stop_opening", "停止开班（满意度不达标整改）"
        BLACKLIST = "blacklist", "列入黑名单"
        CATALOGUE_EXIT = "catalogue_exit", "退出目录"
        INSPECTION_FAILED = "inspection_failed", "年检未通过或发生责任事故"

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="sanctions", verbose_name="机构"
    )
    kind = models.CharField("处理类别", max_length=24, choices=Kind.choices)
    rule = models.CharField("规则", max_length=8, blank=True)  # the rule of the finding: A12, C09, F14 …
    decision = models.CharField("处理决定", max_length=200)
    reference = models.CharField("决定依据", max_length=200)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "机构处理决定"
        verbose_name_plural = "机构处理决定"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["organisation", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="orgs_sanction_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.starts_on:%Y-%m-%d} 起）"

    def audit_scope(self) -> EventScope:
        org = self.organisation
        return EventScope(org.region.path, org.department_id, org.pk)


class SanctionLiftSignature(AppendOnly):
    """One of the two signatures that lift a sanction (I01; two different bureau staff, as F09). The
    first carries the reason; the sanction ends on the day of the second."""

    class Step(models.TextChoices):
        FIRST = "first", "提出解除"
        SECOND = "second", "复核同意解除"

    sanction = models.ForeignKey(Sanction, models.PROTECT, related_name="lift_signatures")
    step = models.CharField("签署", max_length=8, choices=Step.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="签署人"
    )
    reason = models.CharField("理由", max_length=200)
    signed_on = models.DateField("签署日期")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "解除处理签署"
        verbose_name_plural = "解除处理签署"
        ordering = ["sanction", "id"]
        constraints = [models.UniqueConstraint(fields=["sanction", "step"], name="orgs_lift_one_per_step")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.signed_on:%Y-%m-%d}"


class AnnualInspection(models.Model):
    """I02: an institution's annual inspection (年检) of one year, as the bureau records it."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="annual_inspections", verbose_name="机构"
    )
    year = models.PositiveIntegerField("年度")
    passed = models.BooleanField("年检合格")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "年检记录"
        verbose_name_plural = "年检记录"
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="orgs_inspection_one_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度年检{'合格' if self.passed else '不合格'}"


class LiabilityIncident(models.Model):
    """I02: a liability incident of the institution's schooling (办学责任事故), by the day it happened."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="liability_incidents", verbose_name="机构"
    )
    occurred_on = models.DateField("发生日期")
    description = models.CharField("事故情况", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "办学责任事故"
        verbose_name_plural = "办学责任事故"
        ordering = ["organisation", "-occurred_on"]

    def __str__(self) -> str:
        return f"办学责任事故 {self.occurred_on:%Y-%m-%d}"
