from __future__ import annotations

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
