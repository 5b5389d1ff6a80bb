"""Collecting a payment batch is set-based: its prepayment and offset previews read per batch, not per claim."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jineng.claims import services
from jineng.claims.models import BatchItem
from jineng.claims.tests.factories import approved, assessed_class, funded
from jineng.conftest import World

pytestmark = pytest.mark.django_db


def _collect(world: World, claims: int) -> tuple[int, list[BatchItem]]:
    for _ in range(claims):
        approved(world, assessed_class(world))
    batch = services.batch_open(
        actor=world.users["hr_admin"], region=world.zhengzhou, today=dt.date(2021, 7, 7)
    )
    with CaptureQueriesContext(connection) as queries:
        assert services.batch_collect(actor=world.users["hr_admin"], batch=batch) == claims
    return len(queries), list(BatchItem.objects.filter(batch=batch).order_by("pk"))


def test_f14_f04_collecting_three_claims_takes_as_many_queries_as_one(world: World) -> None:
    # Given the school's approved claims (60,000 each, nothing prepaid, nothing owed back)
    funded(world)
    one, _ = _collect(world, 1)
    # When a batch collects three of them, then it reads as often as for one,
    three, items = _collect(world, 3)
    assert three == one
    # and every item is the whole claim.
    assert [(item.amount, item.prepaid, item.offset) for item in items] == [
        (item.claim.amount, 0, 0) for item in items
    ]
