"""电子职业培训券 (XC23 二(四)): issued to a named worker, used in one class, exchanged for a certificate.

G01 "实名制、不得转让、以证换券、无证无价" is built into the rows themselves:

* 实名制 — a voucher names one registered person, and a person holds at most one live voucher (a partial
  unique index: the database refuses a second one even if two issuers press the button at once);
* 不得转让 — ``person`` is set once at issue; no service changes it, and binding refuses an enrolment of
  anybody else;
* 以证换券、无证无价 — the voucher is redeemed only against a passed result with a certificate number
  (``certificate``), from the class it was bound to; one certificate redeems one voucher.

The document fixes no face value (only the yearly counts of G02), so a voucher carries none: what it is
worth is the subsidy of the certificate it is exchanged for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jineng.assessment.models import Result
from jineng.audit.scope import EventScope
from jineng.catalogue.models import Occupation
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Region
from jineng.training.models import Enrolment


class VoucherState(models.TextChoices):
    ISSUED = "issued", "已发放"
    BOUND = "bound", "已绑定培训班"
    REDEEMED = "redeemed", "已以证换券"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已作废"


# A live voucher can still be used; a person holds at most one (G01 实名制).
LIVE_STATES = (VoucherState.ISSUED, VoucherState.BOUND)


class Voucher(models.Model):
    serial = models.CharField("券号", max_length=32, unique=True)
    # Per issuing region and year; the serial is built from it ("410100-2023-000017").
    sequence = models.PositiveIntegerField("序号")
    person = models.ForeignKey(Person, models.PROTECT, related_name="vouchers", verbose_name="持券人")
    region = models.ForeignKey(Region, models.PROTECT, related_name="vouchers", verbose_name="发放区域")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="发放人"
    )
    # Empty: any occupation / any institution.
    occupation = models.ForeignKey(
        Occupation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="限定职业"
    )
    institution = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="限定培训机构"
    )
    issued_on = models.DateField("发放日期")
    expires_on = models.DateField("有效期至")
    state = models.CharField("状态", max_length=16, choices=VoucherState.choices, default=VoucherState.ISSUED)
    enrolment = models.ForeignKey(
        Enrolment, models.PROTECT, null=True, blank=True, related_name="vouchers", verbose_name="绑定学员"
    )
    bound_on = models.DateField("绑定日期", null=True, blank=True)
    certificate = models.OneToOneField(
        Result, models.PROTECT, null=True, blank=True, related_name="voucher", verbose_name="兑换证书"
    )
    redeemed_on = models.DateField("以证换券日期", null=True, blank=True)
    # When it expired or was revoked.
    closed_on = models.DateField("失效日期", null=True, blank=True)
    revoke_reason = models.CharField("作废原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训券"
        verbose_name_plural = "培训券"
        ordering = ["-issued_on", "-id"]
        constraints = [
            # G01 实名制: one live voucher per person.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["issued", "bound"]),
                name="voucher_one_live_per_person",
            ),
            # One class enrolment uses at most one voucher.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(state__in=["bound", "redeemed"]),
                name="voucher_one_per_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("issued_on")), name="voucher_expires_after_issue"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["bound", "redeemed"]) | Q(enrolment__isnull=False),
                name="voucher_used_has_enrolment",
            ),
            # G01 无证无价: redeemed only with a certificate.
            models.CheckConstraint(
                condition=~Q(state="redeemed") | Q(certificate__isnull=False, redeemed_on__isnull=False),
                name="voucher_redeemed_has_certificate",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "expires_on"]),
            models.Index(fields=["region", "issued_on"]),
            models.Index(fields=["region", "redeemed_on"]),
        ]

    def __str__(self) -> str:
        return f"培训券 {self.serial}"

    def audit_scope(self) -> EventScope:
        """Seen by the issuing region; once bound, by the institution of the class it is bound to too."""
        organisation_id = None
        if self.enrolment_id is not None:
            organisation_id = self.enrolment.training_class.institution_id  # type: ignore[union-attr]
        return EventScope(self.region.path, None, organisation_id)

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES
