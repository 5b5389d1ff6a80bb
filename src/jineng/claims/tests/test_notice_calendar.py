"""F08 at the claim level: the public notice lasts exactly the profile's working days, counted on the
working calendar — across the National Day holiday of 2021 and its adjusted working Saturday."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.claims import services
from jineng.claims.models import ClaimState, Objection
from jineng.claims.tests.factories import submitted_claim
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.policy.profiles import get_profile

EVE = dt.date(2021, 9, 30)  # Thursday; 1–7 October are the holiday, Saturday 9 October is a working day


def test_f08_notice_from_the_eve_of_national_day_runs_three_working_days_to_the_adjusted_saturday(
    world: World,
) -> None:
    # Given ZZ21's notice of 3 working days, and a claim the department signs on 30 September
    assert get_profile("ZZ21").get("public_notice_working_days") == 3
    claim = submitted_claim(world)
    for role in ("dept_first", "dept_second"):
        claim = services.claim_review(actor=world.users[role], claim=claim, decision="pass", today=EVE)
    # Then the notice counts 30 September, Friday 8 October and the adjusted working Saturday 9 October
    assert claim.state == ClaimState.IN_NOTICE
    assert (claim.notice_start, claim.notice_end) == (EVE, dt.date(2021, 10, 9))

    # An objection on the last day is taken; one the day after is refused, citing F08
    services.objection_submit(
        claim=claim, name="王某", contact="139", text="该学员未参加培训", today=dt.date(2021, 10, 9)
    )
    with pytest.raises(Refusal) as late:
        services.objection_submit(
            claim=claim, name="李某", contact="138", text="该学员未参加培训", today=dt.date(2021, 10, 10)
        )
    assert late.value.violations[0].rule == "F08"
    assert Objection.objects.count() == 1

    # The bureau cannot close the notice while it runs (here: in the middle of the holiday) …
    services.objection_resolve(
        actor=world.users["hr_first"],
        objection=Objection.objects.get(),
        outcome="dismissed",
        resolution="经核实无误",
        today=dt.date(2021, 10, 9),
    )
    with pytest.raises(Refusal) as early:
        services.claim_notice_close(actor=world.users["hr_first"], claim=claim, today=dt.date(2021, 10, 5))
    [why] = early.value.violations
    assert (why.rule, why.value) == ("F08", "2021-10-05")
    assert "2021-09-30 至 2021-10-09（3个工作日）" in why.message
    # … and can on the first day after it
    closed = services.claim_notice_close(
        actor=world.users["hr_first"], claim=claim, today=dt.date(2021, 10, 10)
    )
    assert closed.state == ClaimState.NOTICE_CLOSED
