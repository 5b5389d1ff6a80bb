"""The money path reads its order and its days from the profile (F13 fund order, F11 weekdays), and books
through the ledger's one posting API, a single claim and a batch alike."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from jineng.claims import bulk, services
from jineng.claims.models import BatchItem
from jineng.claims.tests.factories import NOTICE_OVER, approved, assessed_class, funded, in_notice
from jineng.conftest import World
from jineng.ledger import services as ledger
from jineng.ledger.models import AccountKind
from jineng.ledger.tests.books import D, assert_books_balance, payee_balance
from jineng.policy.profiles import Profile, all_profiles, get_profile

PAY_DAY = dt.date(2021, 7, 9)  # Friday of the week of 5 July


def zz21_with(monkeypatch: pytest.MonkeyPatch, code: str, **values: Any) -> Profile:
    """ZZ21 with some parameters set otherwise, as a profile of its own code in force for the classes."""
    base = get_profile("ZZ21")
    params = dict(base.params)
    for name, value in values.items():
        params[name] = dataclasses.replace(params[name], value=value, clause="测试口径")
    profile = dataclasses.replace(base, code=code, params=params)
    monkeypatch.setitem(all_profiles(), (code, profile.version), profile)
    monkeypatch.setattr(services, "_class_profile", lambda tc: profile)
    return profile


def test_f13_the_batch_pays_in_the_order_the_claims_profile_gives(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a profile whose document puts the employment subsidy fund first, and money in both funds
    zz21_with(monkeypatch, "ZZ21F13", fund_source_priority=["就业补助资金", "职业技能提升行动资金"])
    funded(world, special="50000.00")
    claim = approved(world, assessed_class(world))
    assert claim.profile_code == "ZZ21F13"
    # When the week's batch is paid
    batch = services.batch_open(
        actor=world.users["hr_admin"], region=world.zhengzhou, today=dt.date(2021, 7, 7)
    )
    services.batch_collect(actor=world.users["hr_admin"], batch=batch)
    services.batch_send(actor=world.users["hr_second"], batch=batch)
    services.batch_pay(actor=world.users["finance"], batch=batch, bank_reference="HX0709009", today=PAY_DAY)
    # Then the whole 60,000 comes from the employment subsidy fund, as that profile orders
    assert BatchItem.objects.get(claim=claim).funds == [{"fund": "就业补助资金", "amount": "60000.00"}]
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("0.00")
    assert_books_balance()


def test_f11_the_batch_days_are_the_profiles_weekdays(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a profile whose week collects on Tuesday, sends on Thursday and pays on Friday
    profile = zz21_with(monkeypatch, "ZZ21F11", weekly_cycle_weekdays=[2, 4, 5])
    monkeypatch.setattr(services, "profile_for", lambda region, year: profile)
    # When the bureau opens the batch of the week of 5 July 2021
    batch = services.batch_open(
        actor=world.users["hr_admin"], region=world.zhengzhou, today=dt.date(2021, 7, 7)
    )
    # Then its days are that profile's
    assert (batch.collect_on, batch.send_on, batch.pay_on) == (
        dt.date(2021, 7, 6),
        dt.date(2021, 7, 8),
        dt.date(2021, 7, 9),
    )


def test_one_claim_and_a_batch_book_their_payables_through_entries_post(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the funds, and the ledger's posting API watched
    funded(world)
    calls: list[list[str]] = []
    post = ledger.entries_post

    def watched(*, actor: Any, entries: Any) -> Any:
        calls.append([e.key for e in entries])
        return post(actor=actor, entries=entries)

    monkeypatch.setattr(ledger, "entries_post", watched)
    # When one claim is approved on its own
    one = approved(world, assessed_class(world))
    assert calls == [[f"claim:{one.pk}:payable"]]
    # And two are approved by one batch sign-off
    two = [in_notice(world, assessed_class(world)) for _ in range(2)]
    for c in two:
        services.claim_notice_close(actor=world.users["hr_first"], claim=c, today=NOTICE_OVER)
        services.claim_review(actor=world.users["hr_first"], claim=c, decision="pass", today=NOTICE_OVER)
    bulk.claims_review_bulk(actor=world.users["hr_second"], claims=two, decision="pass", today=NOTICE_OVER)
    # Then both went through the same call: once per approval, one list for the batch
    assert calls[1:] == [[f"claim:{c.pk}:payable" for c in sorted(two, key=lambda c: c.pk)]]
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("180000.00")
    assert_books_balance()
