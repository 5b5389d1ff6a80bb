"""The certificate register (证书登记册): every certificate, whatever its route — a class's 结业考核, an
enterprise's own recognition (企业职业技能等级认定), a social evaluation organisation (社会培训评价组织), a
competition (以赛代评、竞赛晋级), an appraisal station (职业技能鉴定) or a special-ability assessment
(专项职业能力) — is one row, counted once for the region, department and unit it belongs to (H03, E07, E08)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.audit.scope import EventScope
from jineng.catalogue.models import CertificateKind, Level, Occupation
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Department, Region
from jineng.training.models import Enrolment, TrainingClass


class Route(models.TextChoices):
    CLASS_RESULT = "class_result", "培训班结业考核"
    ENTERPRISE = "enterprise", "企业职业技能等级认定"
    SOCIAL = "social_evaluation", "社会培训评价组织评价"
    COMPETITION = "competition", "以赛代评/竞赛晋级"
    APPRAISAL = "appraisal", "职业技能鉴定"
    SPECIAL_ABILITY = "special_ability", "专项职业能力考核"


class Certificate(models.Model):
    """One certificate of the register. Unique by kind and number: the same certificate twice is one row."""

    holder = models.ForeignKey(Person, models.PROTECT, related_name="certificates", verbose_name="持证人")
    kind = models.CharField("证书类型", max_length=24, choices=CertificateKind.choices)
    number = models.CharField("证书编号", max_length=64)
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="+", verbose_name="职业")
    title = models.CharField("工种/专项名称", max_length=128, blank=True)
    level = models.PositiveSmallIntegerField("等级", choices=Level.choices, null=True, blank=True)
    body = models.ForeignKey(
        Organisation, models.PROTECT, related_name="certificates_issued", verbose_name="评价（认定）机构"
    )
    issuer_name = models.CharField("发证机构", max_length=128, blank=True)
    issued_on = models.DateField("发证日期")
    route = models.CharField("取证途径", max_length=24, choices=Route.choices)
    training_class = models.ForeignKey(
        TrainingClass, models.CASCADE, null=True, blank=True, related_name="+", verbose_name="培训班"
    )
    enrolment = models.OneToOneField(
        Enrolment, models.CASCADE, null=True, blank=True, related_name="certificate"
    )
    # Where it counts: the class's region, department and institution; otherwise the unit's (the holder's
    # employer where the row names one, else the body's own).
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="所属区域")
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="行业主管部门"
    )
    unit = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属单位"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "证书"
        verbose_name_plural = "证书登记册"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="certificate_register_kind_number"),
        ]
        indexes = [
            models.Index(fields=["number"], name="certificate_register_number"),
            models.Index(fields=["region", "issued_on"], name="certificate_register_region"),
            models.Index(fields=["holder", "issued_on"], name="certificate_register_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def audit_scope(self) -> EventScope:
        return EventScope(self.region.path, self.department_id, self.unit_id)


class CheckAttempt(models.Model):
    """One use of the public certificate check, kept a day, so that one address cannot try numbers and
    names in bulk (certificates.throttle)."""

    address = models.CharField("来源地址", max_length=64)
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "证书查验记录"
        verbose_name_plural = "证书查验记录"
        indexes = [models.Index(fields=["address", "at"], name="certificate_check_address")]

    def __str__(self) -> str:
        return f"证书查验 {self.address} {self.at:%Y-%m-%d %H:%M}"
