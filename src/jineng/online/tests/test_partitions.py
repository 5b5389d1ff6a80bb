"""On PostgreSQL the learning-event table is partitioned by month and append-only (migration 0002)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from jineng.conftest import World
from jineng.online import services
from jineng.online.models import LearningEvent
from jineng.online.tests.factory import Log, at, enrolments, online_class, platform

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="按月分区仅在 PostgreSQL 上")


def test_an_event_lands_in_its_months_partition_and_old_months_detach(world: World) -> None:
    org, clerk = platform(world)
    tc = online_class(world, platform_org=org)
    log = Log(tc, next(enrolments(tc))).lesson(1, at(dt.date(2021, 6, 7), 9))
    assert services.events_ingest(actor=clerk, sender=org, device=None, events=log.events).stored == len(
        log.events
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM online_learningevent")
        assert [r[0] for r in cursor.fetchall()] == ["online_learningevent_202106"]
    # Given months before 2019-03, when detached for archiving, then exactly those two leave the table.
    assert services.partitions_detach(before=dt.date(2019, 3, 1)) == [
        "online_learningevent_201901",
        "online_learningevent_201902",
    ]
    assert LearningEvent.objects.filter(training_class_id=tc.pk).count() == len(log.events)


def test_the_event_table_refuses_update_and_delete(world: World) -> None:
    org, clerk = platform(world)
    tc = online_class(world, platform_org=org)
    log = Log(tc, next(enrolments(tc))).lesson(1, at(dt.date(2021, 6, 7), 9))
    services.events_ingest(actor=clerk, sender=org, device=None, events=log.events)
    for statement in ("UPDATE online_learningevent SET kind = 'photo'", "DELETE FROM online_learningevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
