"""F14: wrong payments (错发、多发), the receivables they raise, refunds and offsets, recovery of funds
obtained by fraud (追缴) and the blacklist (黑名单).

The money itself is in jineng.ledger (a receivable per payee); these rows say *why* it is owed, which
claim and lines it concerns, and date every movement, so that the weekly and monthly wrong-payment
reports (ZZ21 七(二) “每周、每月定期上报错误资金申领退还情况报告”) can be made per region and institution.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from jineng.audit.scope import EventScope
from jineng.claims.models import Claim, Prepayment
from jineng.core.templatetags.jineng import yuan
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Region

ZERO = Decimal("0.00")


class WrongKind(models.TextChoices):
    ERROR = "error", "错发/多发"
    FRAUD = "fraud", "骗取套取（追缴）"
    # F04: a prepayment beyond the final subsidy is owed back like a wrong payment (F04 → F14).
    PREPAY_EXCESS = "prepay_excess", "预拨超出核定"
    # F04: the class of a paid prepayment was cancelled: the whole prepayment is owed back.
    PREPAY_CANCELLED = "prepay_cancelled", "预拨班级已取消"


class WrongPayment(models.Model):
    ref = models.CharField("编号", max_length=32, unique=True)
    kind = models.CharField("类别", max_length=16, choices=WrongKind.choices)
    # What was paid wrongly: a claim, or (a cancelled class's) prepayment that no claim will settle.
    claim = models.ForeignKey(
        Claim, models.PROTECT, null=True, blank=True, related_name="wrong_payments", verbose_name="申领"
    )
    prepayment = models.ForeignKey(
        Prepayment, models.PROTECT, null=True, blank=True, related_name="wrong_payments", verbose_name="预拨"
    )
    # The claim's region (the reports' region) and the region whose books hold the receivable.
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="区域")
    books_region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="账簿区域")
    payee_organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="wrong_payments"
    )
    payee_person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+")
    rows = models.JSONField("涉及明细序号", default=list)
    amount = models.DecimalField("应退金额（元）", max_digits=14, decimal_places=2)
    reason = models.TextField("原因")
    recorded_on = models.DateField("登记日期", db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    journal_entry_id = models.BigIntegerField("应收凭证", null=True, blank=True)
    # Running totals kept with the movements (the rows are locked while they change).
    refunded = models.DecimalField("已退回（元）", max_digits=14, decimal_places=2, default=ZERO)
    offset = models.DecimalField("已抵扣（元）", max_digits=14, decimal_places=2, default=ZERO)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "错发资金"
        verbose_name_plural = "错发资金"
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["region", "recorded_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False) | Q(prepayment__isnull=False),
                name="wrong_payment_has_a_source",
            )
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def source_ref(self) -> str:
        """The claim's or the prepayment's number, as the lists show it."""
        if self.claim_id is not None:
            return self.claim.ref  # type: ignore[union-attr]
        return self.prepayment.ref if self.prepayment_id is not None else ""  # type: ignore[union-attr]

    def audit_scope(self) -> EventScope:
        return EventScope(self.region.path, None, self.payee_organisation_id)

    @property
    def outstanding(self) -> Decimal:
        return Decimal(self.amount) - Decimal(self.refunded) - Decimal(self.offset)

    @property
    def payee_name(self) -> str:
        if self.payee_organisation_id:
            return self.payee_organisation.name  # type: ignore[union-attr]
        return self.payee_person.name if self.payee_person_id else ""  # type: ignore[union-attr]


class MoveKind(models.TextChoices):
    REFUND = "refund", "退回"
    OFFSET = "offset", "抵扣"


class Movement(models.Model):
    """Money got back against one wrong payment: a refund to a fund, or an offset against a later claim."""

    wrong_payment = models.ForeignKey(WrongPayment, models.PROTECT, related_name="movements")
    kind = models.CharField("方式", max_length=8, choices=MoveKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    on = models.DateField("日期", db_index=True)
    fund_kind = models.CharField("退回资金", max_length=32, blank=True)
    offset_claim = models.ForeignKey(Claim, models.PROTECT, null=True, blank=True, related_name="+")
    reference = models.CharField("凭证/回单号", max_length=64, blank=True)
    journal_entry_id = models.BigIntegerField("记账凭证", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "退回与抵扣"
        verbose_name_plural = "退回与抵扣"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {yuan(self.amount)} 元（{self.on:%Y-%m-%d}）"


class CaseState(models.TextChoices):
    OPEN = "open", "已立案"
    NOTICE_SERVED = "notice_served", "已送达追缴通知"
    CLOSED = "closed", "已结案"


class RecoveryCase(models.Model):
    """追缴 (F14; HC21 三(三) “依法依规严肃处理并予以追缴”; XC23 三(三) “收缴违规拨付资金”)."""

    wrong_payment = models.OneToOneField(WrongPayment, models.PROTECT, related_name="case")
    state = models.CharField("状态", max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    opened_on = models.DateField("立案日期")
    notice_served_on = models.DateField("追缴通知送达日期", null=True, blank=True)
    notice_number = models.CharField("追缴通知文号", max_length=64, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    closing_note = models.TextField("结案说明", blank=True)
    org_action = models.CharField("机构处理", max_length=16, blank=True)

    class Meta:
        verbose_name = "追缴案件"
        verbose_name_plural = "追缴案件"
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return f"追缴案件（{self.get_state_display()}，{self.opened_on:%Y-%m-%d} 立案）"


class BlacklistEntry(models.Model):
    """An institution barred from subsidised training (F14; XC23 二(三)3 “问题突出的纳入‘黑名单’”)."""

    organisation = models.OneToOneField(Organisation, models.PROTECT, related_name="blacklist_entry")
    reason = models.TextField("原因")
    since = models.DateField("列入日期")
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    wrong_payment = models.ForeignKey(WrongPayment, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "黑名单"
        verbose_name_plural = "黑名单"
        ordering = ["-since", "-id"]

    def __str__(self) -> str:
        return f"黑名单（{self.since:%Y-%m-%d} 列入）"
