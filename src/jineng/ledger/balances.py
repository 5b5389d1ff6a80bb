"""Balances computed from the postings, without a user's scope: the services' own reads.

Pages and the API read through ``selectors`` (scoped to the user), which build on these.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from jineng.ledger.models import ZERO, Account, Posting

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def sums(postings: QuerySet[Posting]) -> tuple[Decimal, Decimal]:
    """(total debit, total credit) of a posting queryset."""
    totals = postings.aggregate(
        d=Coalesce(Sum("debit"), Value(ZERO), output_field=_MONEY),
        c=Coalesce(Sum("credit"), Value(ZERO), output_field=_MONEY),
    )
    return _q(totals["d"]), _q(totals["c"])


def balance(account: Account, *, extra: Q | None = None) -> Decimal:
    """The balance on the account's normal side: what a fund holds, what is owed to or by a payee."""
    qs = Posting.objects.filter(account=account)
    if extra is not None:
        qs = qs.filter(extra)
    debit, credit = sums(qs)
    return debit - credit if account.debit_normal else credit - debit


def balances_of(accounts: Sequence[Account]) -> dict[int, Decimal]:
    """``balance`` of each account, account id → balance, in one query."""
    totals = {
        row["account_id"]: (_q(row["d"]), _q(row["c"]))
        for row in Posting.objects.filter(account_id__in=[a.pk for a in accounts])
        .order_by()
        .values("account_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    out = {}
    for account in accounts:
        debit, credit = totals.get(account.pk, (ZERO, ZERO))
        out[account.pk] = debit - credit if account.debit_normal else credit - debit
    return out


def _q(value: Decimal | None) -> Decimal:
    # SQLite hands back sums of decimals without their scale; always compare 2-place values.
    return Decimal(value or 0).quantize(Decimal("0.01"))
