"""The blacklist guard, one call at the top of the services that start subsidised work (F14).

Kept free of claims/training imports so that those services can call it without a cycle."""

from __future__ import annotations

from jineng.core.errors import Refusal
from jineng.recovery.models import BlacklistEntry
from jineng.regions.selectors import NoProfile
from jineng.regions.selectors import rule_clause as region_rule_clause


def refuse_blacklisted(organisation_id: int | None) -> None:
    """F14: a blacklisted institution may neither apply for a class nor claim a subsidy."""
    if organisation_id is None:
        return
    entry = (
        BlacklistEntry.objects.filter(organisation_id=organisation_id)
        .select_related("organisation__region")
        .first()
    )
    if entry is not None:
        try:
            clause = region_rule_clause(entry.organisation.region, entry.since.year, "F14")
        except NoProfile:
            clause = ""  # the bar stands whatever the profiles; the refusal still names F14
        raise Refusal(
            f"{entry.organisation.name}已于 {entry.since:%Y-%m-%d} 列入黑名单（{entry.reason}），"
            "不得申请补贴性培训开班或申领补贴",
            field="机构",
            value=entry.organisation.name,
            rule="F14",
            clause=clause,
        )
