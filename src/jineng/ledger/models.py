"""The books: double-entry, append-only, one set per region.

A journal entry is a set of postings whose debits equal its credits; an entry is never changed or
deleted once written — a mistake is corrected by a reversing entry. The ORM refuses update/delete
here, and on PostgreSQL triggers refuse them in the database itself and check, at commit, that every
entry balances (migration 0002).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Region

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class FundKind(models.TextChoices):
    """F13: the fund a payment comes from is recorded (附件2 “资金来源”)."""

    SPECIAL_ACCOUNT = "special_account", "职业技能提升行动专账资金"
    EMPLOYMENT_SUBSIDY = "employment_subsidy", "就业补助资金"
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance", "失业保险基金"


class Fund(models.Model):
    """One fund of one region (the region whose books pay). Its money arrives by appropriation entries."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="ledger_funds", verbose_name="区域")
    kind = models.CharField("资金来源", max_length=32, choices=FundKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "资金"
        verbose_name_plural = "资金"
        ordering = ["region__path", "kind"]
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="ledger_fund_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.region.name}·{self.get_kind_display()}"


class AccountKind(models.TextChoices):
    FUND_CASH = "fund_cash", "资金存款"
    APPROPRIATION = "appropriation", "资金拨入"
    SUBSIDY_EXPENSE = "subsidy_expense", "补贴支出"
    PAYABLE = "payable", "应付补贴"
    RECEIVABLE = "receivable", "应收退回款"
    PREPAYMENT = "prepayment", "预拨补贴"


# Assets and expenses grow by debits; liabilities and the appropriations (the funds' source) by credits.
DEBIT_NORMAL = frozenset(
    {AccountKind.FUND_CASH, AccountKind.SUBSIDY_EXPENSE, AccountKind.RECEIVABLE, AccountKind.PREPAYMENT}
)
FUND_ACCOUNT_KINDS = frozenset({AccountKind.FUND_CASH, AccountKind.APPROPRIATION})
PAYEE_ACCOUNT_KINDS = frozenset({AccountKind.PAYABLE, AccountKind.RECEIVABLE, AccountKind.PREPAYMENT})
# Plain sorted values for the constraints, so that migrations are stable.
_FUND_KINDS = sorted(str(k.value) for k in FUND_ACCOUNT_KINDS)
_PAYEE_KINDS = sorted(str(k.value) for k in PAYEE_ACCOUNT_KINDS)


class Account(models.Model):
    """The chart of accounts of a region: per fund (cash, appropriation), per payee (payable, receivable,
    prepayment), and the region's subsidy expense. ``code`` names the account within its region."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="ledger_accounts", verbose_name="区域")
    kind = models.CharField("科目", max_length=16, choices=AccountKind.choices)
    code = models.CharField("账户代码", max_length=64)
    name = models.CharField("账户名称", max_length=200)
    fund = models.ForeignKey(Fund, models.PROTECT, null=True, blank=True, related_name="accounts")
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="ledger_accounts"
    )
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="ledger_accounts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会计账户"
        verbose_name_plural = "会计账户"
        ordering = ["region__path", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="ledger_account_code_in_region"),
            models.CheckConstraint(
                condition=Q(kind__in=_FUND_KINDS, fund__isnull=False)
                | (~Q(kind__in=_FUND_KINDS) & Q(fund__isnull=True)),
                name="ledger_account_fund_iff_fund_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=_PAYEE_KINDS)
                    & (
                        Q(organisation__isnull=False, person__isnull=True)
                        | Q(organisation__isnull=True, person__isnull=False)
                    )
                )
                | (~Q(kind__in=_PAYEE_KINDS) & Q(organisation__isnull=True, person__isnull=True)),
                name="ledger_account_one_payee_iff_payee_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL

    @property
    def payee(self) -> Organisation | Person | None:
        return self.organisation or self.person


class EntryKind(models.TextChoices):
    APPROPRIATION = "appropriation", "资金拨入"
    APPROPRIATION_CUT = "appropriation_cut", "资金调减"
    PAYABLE = "payable", "确认应付"
    PAYMENT = "payment", "支付（F13）"
    PREPAYMENT = "prepayment", "预拨（F04）"
    PREPAYMENT_SETTLE = "prepayment_settle", "预拨清算（F04）"
    RECEIVABLE_WRONG_PAYMENT = "receivable_wrong", "错付应收（F14）"
    RECEIVABLE_RECOVERY = "receivable_recovery", "追缴应收（F14）"
    REFUND = "refund", "退回（F14）"
    OFFSET = "offset", "应收抵扣（F14）"
    REVERSAL = "reversal", "冲销"
    MANUAL = "manual", "其他分录"


class ReceivableReason(models.TextChoices):
    """F14: money to be got back from a payee."""

    WRONG_PAYMENT = "wrong_payment", "错付"
    RECOVERY = "recovery", "追缴"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("账簿只能追加，不能修改：更正须另记冲销分录")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("账簿只能追加，不能删除：更正须另记冲销分录")


class AppendOnly(models.Model):
    """Model.save()/delete() on an instance do not go through the queryset: refuse them here too."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("账簿只能追加，不能修改：更正须另记冲销分录")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("账簿只能追加，不能删除：更正须另记冲销分录")


class JournalEntry(AppendOnly):
    region = models.ForeignKey(Region, models.PROTECT, related_name="ledger_entries", verbose_name="区域")
    date = models.DateField("记账日期", db_index=True)
    kind = models.CharField("类别", max_length=24, choices=EntryKind.choices)
    memo = models.CharField("摘要", max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记账人",
    )
    # The caller's idempotency key: a retry with the same key returns this entry instead of a second one.
    key = models.CharField("幂等键", max_length=128, unique=True)
    # What was asked for (operation, accounts/payee, amounts): the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    # The business object behind the entry (a claim, a class…), as strings so that any app can point here.
    source_type = models.CharField("来源类型", max_length=64, blank=True)
    source_id = models.CharField("来源编号", max_length=64, blank=True)
    created_at = models.DateTimeField("记账时间", auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "记账分录"
        verbose_name_plural = "记账分录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"分录 #{self.pk} {self.get_kind_display()}"


class Posting(AppendOnly):
    entry = models.ForeignKey(JournalEntry, models.PROTECT, related_name="postings", verbose_name="分录")
    account = models.ForeignKey(Account, models.PROTECT, related_name="postings", verbose_name="账户")
    debit = models.DecimalField("借方", max_digits=14, decimal_places=2, default=ZERO)
    credit = models.DecimalField("贷方", max_digits=14, decimal_places=2, default=ZERO)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "分录行"
        verbose_name_plural = "分录行"
        ordering = ["entry_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gt=0, credit=0) | Q(debit=0, credit__gt=0),
                name="ledger_posting_one_positive_side",
            ),
        ]

    def __str__(self) -> str:
        side = f"借 {self.debit}" if self.debit else f"贷 {self.credit}"
        return f"{self.account_id} {side}"
