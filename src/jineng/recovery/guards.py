"""The blacklist guard, one call at the top of the services that start subsidised work (F14).

Kept free of claims/training imports so that those services can call it without a cycle."""

from __future__ import annotations

from jineng.core.errors import Refusal
from jineng.ledger.services import F14_CLAUSE
from jineng.recovery.models import BlacklistEntry


def refuse_blacklisted(organisation_id: int | None) -> None:
    """F14: a blacklisted institution may neither apply for a class nor claim a subsidy."""
    if organisation_id is None:
        return
    entry = (
        BlacklistEntry.objects.filter(organisation_id=organisation_id).select_related("organisation").first()
    )
    if entry is not None:
        raise Refusal(
            f"{entry.organisation.name}已于 {entry.since:%Y-%m-%d} 列入黑名单（{entry.reason}），"
            "不得申请补贴性培训开班或申领补贴",
            field="机构",
            value=entry.organisation.name,
            rule="F14",
            clause=F14_CLAUSE,
        )
