"""企业新型学徒制: a cohort (学徒制培养) is one enterprise–institution agreement over its real span.

The cohort names the enterprise, the institution, the occupation and level it trains to, the
agreement, the start and the planned years (one or two); its apprentices are the enterprise's
employees, each with the day he joined and, if he did, the day he left, and the certificate he
obtained at completion. Its yearly stages are computed from the start date
(jineng.policy.apprenticeship) and claimed through the one claim pipeline (programme
"apprenticeship"); the profile in force at registration is frozen on the cohort.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from jineng.audit.scope import EventScope
from jineng.catalogue.models import CertificateKind, Level, Occupation
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.policy import apprenticeship as rules
from jineng.regions.models import Department, Region


class CohortState(models.TextChoices):
    TRAINING = "training", "培养中"
    COMPLETED = "completed", "已结业"
    ENDED = "ended", "已终止"


class Cohort(models.Model):
    ref = models.CharField("培养编号", max_length=32, unique=True)
    enterprise = models.ForeignKey(
        Organisation, models.PROTECT, related_name="apprentice_cohorts", verbose_name="企业"
    )
    institution = models.ForeignKey(
        Organisation, models.PROTECT, related_name="apprentice_cohorts_taught", verbose_name="培训机构"
    )
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="+", verbose_name="职业（工种）")
    level = models.PositiveSmallIntegerField("等级", choices=Level.choices, null=True, blank=True)
    certificate_kind = models.CharField(
        "拟取得证书", max_length=24, choices=CertificateKind.choices, default=CertificateKind.SKILL_LEVEL
    )
    agreement_number = models.CharField("校企合作协议编号", max_length=64)
    agreement_date = models.DateField("协议签订日期")
    start_date = models.DateField("培养开始日期")
    planned_years = models.PositiveSmallIntegerField("培养期（年）", choices=[(1, "1年"), (2, "2年")])
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="区域")
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name="行业主管部门")
    state = models.CharField("状态", max_length=16, choices=CohortState.choices, default=CohortState.TRAINING)
    profile_code = models.CharField("政策档案", max_length=16)
    profile_version = models.PositiveSmallIntegerField("档案版本")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学徒制培养"
        verbose_name_plural = "学徒制培养"
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["institution", "year"]), models.Index(fields=["enterprise"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.occupation.name}"

    def audit_scope(self) -> EventScope:
        """Seen by its region, its department and the institution that runs it."""
        return EventScope(self.region.path, self.department_id, self.institution_id)

    @property
    def end_date(self) -> dt.date:
        return self.stages()[-1].end

    def facts(self) -> rules.CohortFacts:
        return rules.CohortFacts(
            ref=self.ref,
            occupation_code=self.occupation.code,
            occupation_name=self.occupation.name,
            trade="",
            level=self.level,
            certificate_kind=self.certificate_kind,
            start_date=self.start_date,
            planned_years=self.planned_years,
        )

    def stages(self) -> list[rules.Stage]:
        return rules.stages(self.facts())


class ApprenticeState(models.TextChoices):
    TRAINING = "training", "在培"
    LEFT = "left", "已退出"
    COMPLETED = "completed", "已结业取证"


class Apprentice(models.Model):
    cohort = models.ForeignKey(Cohort, models.PROTECT, related_name="apprentices", verbose_name="学徒制培养")
    person = models.ForeignKey(Person, models.PROTECT, related_name="apprenticeships", verbose_name="学徒")
    row = models.PositiveIntegerField("序号")
    hired_on = models.DateField("入职日期")
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    left_reason = models.CharField("退出原因", max_length=64, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=ApprenticeState.choices, default=ApprenticeState.TRAINING
    )
    certificate_kind = models.CharField(
        "取得证书类型", max_length=24, choices=CertificateKind.choices, blank=True
    )
    certificate_level = models.PositiveSmallIntegerField(
        "证书等级", choices=Level.choices, null=True, blank=True
    )
    certificate_number = models.CharField("证书编号", max_length=64, blank=True)
    certificate_issued_on = models.DateField("发证日期", null=True, blank=True)
    certificate_issuer = models.CharField("发证机构", max_length=128, blank=True)

    class Meta:
        verbose_name = "学徒"
        verbose_name_plural = "学徒"
        ordering = ["cohort", "row"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="apprentice_once_per_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort.ref} 第{self.row}行 {self.person.name}"

    def audit_scope(self) -> EventScope:
        return self.cohort.audit_scope()

    def facts(self) -> rules.ApprenticeFacts:
        return rules.ApprenticeFacts(
            person_id=self.person_id,
            name=self.person.name,
            row=self.row,
            joined_on=self.joined_on,
            left_on=self.left_on,
            certificate_kind=self.certificate_kind,
            certificate_level=self.certificate_level,
            certificate_issued_on=self.certificate_issued_on,
        )
