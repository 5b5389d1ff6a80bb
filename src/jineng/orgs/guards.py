"""The blacklist guard, one call at the top of the services that start subsidised work (F14).

The bar is part of the organisation's standing, so it is asked of orgs, which training and claims build
on. The entry itself is written by recovery (it may cite a wrong payment); orgs reads it through the
one-to-one relation recovery declares on Organisation and imports nothing of recovery."""

from __future__ import annotations

from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile
from jineng.regions.selectors import rule_clause as region_rule_clause


def refuse_blacklisted(organisation_id: int | None) -> None:
    """F14: a blacklisted institution may neither apply for a class nor claim a subsidy."""
    if organisation_id is None:
        return
    listed = (
        Organisation.objects.filter(pk=organisation_id, blacklist_entry__isnull=False)
        .values_list("name", "region", "blacklist_entry__since", "blacklist_entry__reason")
        .first()
    )
    if listed is not None:
        name, region_id, since, reason = listed
        try:
            clause = region_rule_clause(Region.objects.get(pk=region_id), since.year, "F14")
        except NoProfile:
            clause = ""  # the bar stands whatever the profiles; the refusal still names F14
        raise Refusal(
            f"{name}已于 {since:%Y-%m-%d} 列入黑名单（{reason}），不得申请补贴性培训开班或申领补贴",
            field="机构",
            value=name,
            rule="F14",
            clause=clause,
        )
