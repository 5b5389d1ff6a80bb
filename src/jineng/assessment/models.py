"""结业考核 (assessment) and its results: the certificate registry is the set of passed results."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.catalogue.models import CertificateKind, Level
from jineng.orgs.models import Organisation
from jineng.training.models import Enrolment, TrainingClass


class ExamSetBy(models.TextChoices):
    """E05: who set and ran a completion-certificate exam."""

    INSTITUTION = "institution", "培训机构自行组织"
    COUNTY = "county", "县（区）级人社局"
    CITY = "city", "市级人社局"
    PROVINCE = "province", "省级人社厅"


class Assessment(models.Model):
    """结业考核 of a class: applied for by the institution (E01), run offline (E04) by an evaluation body."""

    class State(models.TextChoices):
        APPLIED = "applied", "已申请"
        RESULTS_ENTERED = "results_entered", "已录入结果"
        CANCELLED = "cancelled", "已取消"

    training_class = models.ForeignKey(TrainingClass, models.CASCADE, related_name="assessments")
    body = models.ForeignKey(
        Organisation, models.PROTECT, related_name="assessments", verbose_name="评价机构"
    )
    certificate_kind = models.CharField("考核证书类型", max_length=24, choices=CertificateKind.choices)
    level = models.PositiveSmallIntegerField("等级", choices=Level.choices, null=True, blank=True)
    assessment_date = models.DateField("考核日期")
    applied_on = models.DateField("申请日期")
    offline = models.BooleanField("线下考核", default=True)
    # E05: for completion certificates, which level of bureau set the exam ("county", "city", "province").
    exam_set_by = models.CharField("出题组织层级", max_length=16, choices=ExamSetBy.choices, blank=True)
    venue = models.CharField("考核地点", max_length=200, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.APPLIED)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    results_completed_at = models.DateTimeField("结果录入完成时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "结业考核"
        verbose_name_plural = "结业考核"
        ordering = ["-assessment_date", "-id"]

    def __str__(self) -> str:
        return f"{self.training_class.ref} {self.get_certificate_kind_display()}"


class Result(models.Model):
    """One trainee's result: the certificate registry is the set of passed results."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="results")
    enrolment = models.OneToOneField(Enrolment, models.CASCADE, related_name="result")
    passed = models.BooleanField("是否合格")
    certificate_kind = models.CharField(
        "证书类型", max_length=24, choices=CertificateKind.choices, blank=True
    )
    level = models.PositiveSmallIntegerField("等级", choices=Level.choices, null=True, blank=True)
    certificate_number = models.CharField("证书编号", max_length=64, blank=True)
    issued_on = models.DateField("发证日期", null=True, blank=True)
    issuer = models.CharField("发证机构", max_length=128, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_kind", "certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="certificate_number_unique_per_kind",
            )
        ]
        indexes = [models.Index(fields=["certificate_number"])]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {'合格' if self.passed else '不合格'} {self.certificate_number}"


class CrossRegionArrangement(models.Model):
    """I08: the bureau's decision that a body filed elsewhere may assess this class — no local body is filed
    for its occupation and level (跨区域提供服务), or its few trainees join a centralised exam (统筹集中考核) —
    made by a named person, with the reason, at a time. The application then does not ask the body's region."""

    class Basis(models.TextChoices):
        NO_LOCAL_BODY = "no_local_body", "本地无备案评价机构，跨区域提供服务"
        SMALL_GROUP = "small_group", "考核人数较少，统筹集中考核"

    training_class = models.ForeignKey(
        TrainingClass, models.CASCADE, related_name="cross_region_arrangements"
    )
    body = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name="考核机构")
    basis = models.CharField("依据", max_length=16, choices=Basis.choices)
    reason = models.CharField("理由", max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="决定人"
    )
    decided_at = models.DateTimeField("决定时间", auto_now_add=True)

    class Meta:
        verbose_name = "跨区域考核安排"
        verbose_name_plural = "跨区域考核安排"
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "body"], name="one_arrangement_per_class_and_body"
            )
        ]

    def __str__(self) -> str:
        return f"{self.training_class.ref} → {self.body.name}"
