"""The guards of an institution's standing, one call at the top of the services that start subsidised
work: the blacklist (F14), the sanctions in force (I01), a private school's record (I02).

The bar is part of the organisation's standing, so it is asked of orgs, which training and claims build
on. The entry itself is written by recovery (it may cite a wrong payment); orgs reads it through the
one-to-one relation recovery declares on Organisation and imports nothing of recovery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation
from jineng.orgs.selectors import sanctions_in_force, school_records
from jineng.policy.profiles import Profile
from jineng.policy.sanctions import private_school_violations, sanction_violations
from jineng.policy.violations import Violation
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


def refuse_sanctioned(
    organisation_ids: Iterable[int | None], *, on_date: dt.date, act: str, profile: Profile | None = None
) -> None:
    """I01: refuse when any of the institutions has a sanction in force on ``on_date``, under every profile.
    One query for the set (sanctions_in_force). The clause is the profile's (``profile``, or the one of
    each institution's region); the refusal names the first sanction, its details every one."""
    in_force = sanctions_in_force(organisation_ids, on_date)
    if not in_force:
        return
    regions = dict(Organisation.objects.filter(pk__in=list(in_force)).values_list("pk", "region"))
    violations: list[Violation] = []
    for org_id in sorted(in_force):

        def clause_of(key: str, org_id: int = org_id) -> str:
            if profile is not None:
                return profile.rule_clause(key)
            try:
                return region_rule_clause(Region.objects.get(pk=regions[org_id]), on_date.year, key)
            except NoProfile:
                return ""  # the bar stands whatever the profiles; the refusal still names I01

        violations += sanction_violations(in_force[org_id], on=on_date, act=act, clause_of=clause_of)
    _refuse(violations)


def refuse_private_school_standing(
    organisation_id: int | None, *, profile: Profile, on_date: dt.date
) -> None:
    """I02 (where the profile switches it on): a private training school without its 年检 of the year or
    with a liability incident since the date opens no subsidised class."""
    if organisation_id is None:
        return
    record = school_records([organisation_id]).get(organisation_id)
    if record is None:
        return
    violations = private_school_violations(profile, record, on=on_date)
    _refuse(violations)


def _refuse(violations: list[Violation]) -> None:
    """The first violation as the refusal's message (its rule, clause and field), every one in its
    details."""
    if violations:
        first = violations[0]
        raise Refusal(
            first.message,
            field=first.field,
            value=first.value,
            rule=first.rule,
            clause=first.clause,
            violations=violations,
        )
