"""The bureau's own sign-offs on the application form of the documents (开班及补贴申请表): the exam patrol's
signature (考核巡查人员签字) on an assessment, the bureau's opinion after process supervision (过程监管 ·
人力资源社会保障部门检查意见) and, where the form has it, after the completion assessment (结业考核 ·
人力资源社会保障部门意见) — each by a named person at a time. Which of them a class's form has is its profile's
``bureau_signoffs`` (C01)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.assessment.models import Assessment
from jineng.audit.scope import EventScope
from jineng.training.models import TrainingClass


class Kind(models.TextChoices):
    SUPERVISION_OPINION = "supervision_opinion", "过程监管 · 人社部门检查意见"
    EXAM_PATROL = "exam_patrol", "结业考核 · 考核巡查"
    ASSESSMENT_OPINION = "assessment_opinion", "结业考核 · 人社部门意见"


class SignOff(models.Model):
    training_class = models.ForeignKey(TrainingClass, models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        Assessment, models.CASCADE, null=True, blank=True, related_name="+", verbose_name="结业考核"
    )
    kind = models.CharField("签字栏", max_length=24, choices=Kind.choices)
    opinion = models.TextField("意见/巡查情况")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signer_name = models.CharField("签字人", max_length=64)
    signed_at = models.DateTimeField("签字时间", auto_now_add=True)

    class Meta:
        verbose_name = "人社部门签字"
        verbose_name_plural = "人社部门签字"
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "kind"], name="one_signoff_per_class_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.signer_name}"

    def audit_scope(self) -> EventScope:
        return self.training_class.audit_scope()
