"""What a claim writes to the books (jineng.ledger): the payable when it is approved, the payment when its
batch is paid. Keys are derived from the claim, so a retry finds the entry it already wrote."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jineng.claims.models import Claim
from jineng.core.errors import Refusal
from jineng.ledger import services as ledger
from jineng.ledger.models import Fund, Posting
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Region


def books_region(region: Region) -> Region:
    """The region whose funds pay: the nearest one up the tree (the claim's own, or its city) with a fund."""
    ids = list(reversed(region.ancestor_ids()))  # the path holds the region itself, last
    with_funds = set(Fund.objects.filter(region_id__in=ids).values_list("region_id", flat=True))
    for pk in ids:
        if pk in with_funds:
            return Region.objects.get(pk=pk)
    raise Refusal(
        f"{region.name}及其上级未设立补贴资金账户（就业补助资金、职业技能提升行动专账资金），不能记账",
        field="资金来源",
        rule="F13",
        clause=ledger.F13_CLAUSE,
    )


def payee(claim: Claim) -> Organisation | Person:
    if claim.payee_organisation_id:
        return claim.payee_organisation  # type: ignore[return-value]
    return claim.payee_person  # type: ignore[return-value]


def payable_recognise(*, actor: Any, claim: Claim, day: dt.date) -> int:
    entry = ledger.payable_recognise(
        actor=actor,
        region=books_region(claim.region),
        payee=payee(claim),
        amount=claim.amount,
        key=f"claim:{claim.pk}:payable",
        date=day,
        memo=f"补贴申领 {claim.ref} 核准",
        source=("claims.Claim", str(claim.pk)),
    )
    return int(entry.pk)


def payment_make(
    *, actor: Any, claim: Claim, amount: Decimal, day: dt.date
) -> tuple[int, list[dict[str, str]]]:
    """Pays the claim from the funds in F13 order; returns the entry and the funds it drew on."""
    entry = ledger.payment_make(
        actor=actor,
        region=books_region(claim.region),
        payee=payee(claim),
        amount=amount,
        key=f"claim:{claim.pk}:payment",
        date=day,
        memo=f"补贴申领 {claim.ref} 拨付",
        source=("claims.Claim", str(claim.pk)),
    )
    funds = [
        {"fund": p.account.fund.get_kind_display(), "amount": str(p.credit)}  # type: ignore[union-attr]
        for p in Posting.objects.filter(entry=entry, account__fund__isnull=False, credit__gt=0)
        .select_related("account__fund")
        .order_by("id")
    ]
    return int(entry.pk), funds
