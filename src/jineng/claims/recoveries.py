"""What the money path asks of recovery (F14) while it pays: offsets against a payee's debts, and the
receivable of a prepayment beyond the final subsidy or of a cancelled class.

Recovery is built on claims (a wrong payment is a payment of a claim), so claims may not import it.
Claims states here what it needs; recovery provides it when the app registry is ready
(``RecoveryConfig.ready``). A missing provider stops the payment rather than paying without offset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from jineng.claims.models import Claim, Prepayment


class Recoveries(Protocol):
    def offset_previews(self, claims: Sequence[Claim], limits: Mapping[int, Decimal]) -> dict[int, Decimal]:
        """What offset_apply would deduct from each claim of a batch (at most ``limits[claim id]``)."""
        ...

    def offset_apply(self, *, actor: Any, claim: Claim, limit: Decimal, day: dt.date) -> Decimal:
        """Deduct what the claim's payee owes back from this claim's payment, inside the payment's
        transaction; the amount deducted."""
        ...

    def prepayment_excess_record(
        self, *, actor: Any, claim: Claim, amount: Decimal, entry_id: int, prepayment_ref: str, day: dt.date
    ) -> object:
        """Make the receivable of a prepayment beyond the final subsidy (F04 → F14) a wrong payment."""
        ...

    def prepayment_cancelled_record(
        self, *, actor: Any, prepayment: Prepayment, amount: Decimal, entry_id: int, reason: str, day: dt.date
    ) -> object:
        """Make the receivable of a paid prepayment whose class was cancelled (F04 → F14) a wrong payment."""
        ...


_provider: list[Recoveries] = []


def recoveries_provide(provider: Recoveries) -> None:
    _provider[:] = [provider]


def recoveries() -> Recoveries:
    if not _provider:
        raise ImproperlyConfigured("错发追缴（recovery）未安装：拨付无法抵扣应退回款（F14），已停止")
    return _provider[0]
