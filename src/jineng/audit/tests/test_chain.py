"""Each audit event is chained by hash to the one before it in its region; audit_verify walks the
chains and reports the first broken link. On SQLite raw SQL changes the table; on PostgreSQL the
owner (the test database's superuser) switches the append-only trigger off to do it."""

from __future__ import annotations

import importlib
import io
import itertools
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from jineng.audit import chain
from jineng.audit.models import ChainHead, Event
from jineng.audit.services import event_record, events_record_many, events_record_objects
from jineng.conftest import World
from jineng.people.models import Person
from jineng.regions.models import Region

ON_POSTGRES = connection.vendor == "postgresql"


def verify(*args: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue().splitlines()


def tamper(sql: str, params: list[Any]) -> None:
    """Change audit_event behind the application's back, as the tables' owner could."""
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if ON_POSTGRES:
            cursor.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")


def chain_of(region_path: str) -> list[Event]:
    return list(Event.objects.filter(region_path=region_path).order_by("id"))


def assert_linked(region_path: str) -> None:
    events = chain_of(region_path)
    assert events
    assert events[0].prev_hash == ""
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash, after.pk
    for event in events:
        values = [chain.plain(getattr(event, name)) for name in chain.COLUMNS]
        assert event.hash == chain.link(event.prev_hash, values), event.pk
    assert ChainHead.objects.get(region_path=region_path).hash == events[-1].hash


def intact() -> str:
    regions = Event.objects.values("region_path").distinct().count()
    return f"审计链完整：{regions} 条链，共 {Event.objects.count()} 条事件。"


def test_event_record_chains_each_region_on_its_own(world: World) -> None:
    # Given events of two regions written one after the other, interleaved
    jinshui, xuchang = world.jinshui.path, world.xuchang.path
    with transaction.atomic():
        first = event_record(
            actor=None, action="t.a", obj=world.jinshui, region_path=jinshui, payload={"n": 1}
        )
        other = event_record(actor=None, action="t.b", obj=world.xuchang, region_path=xuchang)
        second = event_record(actor=None, action="t.c", obj=world.jinshui, region_path=jinshui)
        new = event_record(actor=None, action="t.d", obj=world.henan, region_path="/9999/")
    # Then each links to the last event of its own region, not to the one written just before it
    assert second.prev_hash == first.hash != other.hash
    assert other.prev_hash == Event.objects.filter(region_path=xuchang, id__lt=other.pk).latest("id").hash
    assert new.prev_hash == ""
    assert len({first.hash, other.hash, second.hash, new.hash}) == 4
    for region in (jinshui, xuchang, "/9999/", world.zhengzhou.path):
        assert_linked(region)
    # And audit_verify finds every chain whole
    assert verify() == (0, [intact()])


def test_bulk_writers_chain_their_events(world: World) -> None:
    # Given events written by both bulk paths, across two regions, then one by event_record
    jinshui, xuchang = world.jinshui.path, world.xuchang.path
    persons = [world.zz_person, world.xc_person]
    start = Event.objects.latest("id").pk
    with transaction.atomic():
        written = events_record_objects(
            actor=world.users["hr_admin"],
            action="person.registered",
            object_type=Person._meta.label,
            objects=[(p.pk, p.name) for p in persons],
            to_state="registered",
            payload={"roster_job": 7, "class": "ZZ-1"},
            region_path=jinshui,
            organisation_id=world.zz_school.pk,
        )
        many = events_record_many(
            actor=None,
            action="t.many",
            items=[
                # A payload the database gives back in another form: int keys, a tuple, an integral float.
                {"obj": world.zz_person, "region_path": xuchang, "payload": {1: "x", "t": (1, 2), "f": 2.0}},
                {"obj": world.xc_person, "region_path": jinshui, "from_state": "a", "to_state": "b"},
                {"obj": world.zz_person, "region_path": xuchang, "department_id": 3, "payload": {"f": 0.25}},
            ],
        )
        after = event_record(actor=None, action="t.after", obj=world.jinshui, region_path=jinshui)
    assert (written, many) == (2, 3)
    # Then the rows of each region link up in id order, each hash the hash of its own columns
    bulk = list(Event.objects.filter(id__gt=start, id__lt=after.pk).order_by("id"))
    assert [(e.action, e.region_path) for e in bulk] == [
        ("person.registered", jinshui),
        ("person.registered", jinshui),
        ("t.many", xuchang),
        ("t.many", jinshui),
        ("t.many", xuchang),
    ]
    assert bulk[1].prev_hash == bulk[0].hash and bulk[3].prev_hash == bulk[1].hash
    assert bulk[4].prev_hash == bulk[2].hash
    assert after.prev_hash == bulk[3].hash
    assert bulk[2].payload == {"1": "x", "t": [1, 2], "f": 2}
    assert_linked(jinshui)
    assert_linked(xuchang)
    assert verify() == (0, [intact()])


def test_tampered_payload_is_the_first_broken_link(world: World) -> None:
    # Given a chain of three events in 金水区
    path = world.jinshui.path
    with transaction.atomic():
        events = [
            event_record(
                actor=None, action=f"t.{i}", obj=world.jinshui, region_path=path, payload={"amount": i}
            )
            for i in range(3)
        ]
    target = events[1]
    # When the middle one's payload is changed in the table
    tamper("UPDATE audit_event SET payload = %s WHERE id = %s", ['{"amount": 100}', target.pk])
    # Then audit_verify reports exactly that event, and exits 1
    code, lines = verify()
    values = [getattr(target, name) for name in chain.COLUMNS]
    values[chain.COLUMNS.index("payload")] = {"amount": 100}
    recomputed = chain.link(target.prev_hash, values)
    assert code == 1
    assert lines[0].startswith("审计链断裂：1 条链有断点")
    assert lines[1:] == [
        f"第一个断点：地区 {path} 的事件 #{target.pk}：内容与哈希不符（事件被改动）；应为 {recomputed}，实为 {target.hash}"
    ]
    # And the other regions' chains still verify on their own
    assert verify("--region", world.xuchang.path)[0] == 0
    assert verify("--region", world.zhengzhou.path)[0] == 0
    assert verify("--region", path)[0] == 1


def test_deleted_event_breaks_the_next_link_and_a_deleted_tail_the_head(world: World) -> None:
    path = world.erqi.path
    with transaction.atomic():
        events = [
            event_record(actor=None, action=f"t.{i}", obj=world.erqi, region_path=path) for i in range(4)
        ]
    # When an event in the middle is deleted, the one after it no longer links
    tamper("DELETE FROM audit_event WHERE id = %s", [events[1].pk])
    code, lines = verify("--region", path)
    assert code == 1
    assert lines[1] == (
        f"第一个断点：地区 {path} 的事件 #{events[2].pk}：前一哈希与链上前一事件不符（事件被删除、插入或调换）；"
        f"应为 {events[0].hash}，实为 {events[1].hash}"
    )
    # When instead the last event is deleted (the chain before it is whole), the head tells
    tamper("DELETE FROM audit_event WHERE id IN (%s, %s)", [events[2].pk, events[3].pk])
    code, lines = verify("--region", path)
    assert code == 1
    assert lines[1] == (
        f"第一个断点：地区 {path} 的链头：链头与链上最后一条事件不符（链尾事件被删除，或链头被改动）；"
        f"应为 {events[0].hash}，实为 {events[3].hash}"
    )


def test_breaks_in_two_regions_are_each_reported_first_by_id(world: World) -> None:
    with transaction.atomic():
        a = event_record(actor=None, action="t.a", obj=world.weidu, region_path=world.weidu.path)
        b = event_record(actor=None, action="t.b", obj=world.erqi, region_path=world.erqi.path)
    tamper("UPDATE audit_event SET object_label = 'x' WHERE id IN (%s, %s)", [a.pk, b.pk])
    code, lines = verify()
    assert code == 1
    assert lines[0].startswith("审计链断裂：2 条链有断点")
    assert lines[1].startswith(f"第一个断点：地区 {world.weidu.path} 的事件 #{a.pk}：")
    assert lines[2].startswith(f"另一断点：地区 {world.erqi.path} 的事件 #{b.pk}：")


def test_the_migration_chains_existing_events_as_the_services_do(world: World) -> None:
    # Given the events the world wrote, as they were before the chain existed (no hashes, no heads)
    before = dict(Event.objects.values_list("id", "hash"))
    assert len(before) > 20 and "" not in before.values()
    tamper("UPDATE audit_event SET prev_hash = '', hash = ''", [])
    ChainHead.objects.all().delete()
    assert verify()[0] == 1
    # When the migration's step runs
    migration = importlib.import_module("jineng.audit.migrations.0005_chain")
    migration.chain_existing(apps, SimpleNamespace(connection=connection))
    # Then every event has the hash the services gave it, and the chains verify
    assert dict(Event.objects.values_list("id", "hash")) == before
    assert verify() == (0, [intact()])


@pytest.mark.parametrize("value", [{"a": 1, "b": [1, 2.5]}, {"b": 1, "a": 1}])
def test_canonical_form_sorts_keys_and_keeps_the_time_in_utc(value: dict[str, Any]) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    at = dt.datetime(2026, 3, 2, 8, 0, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    values = [at, None, "系统", "", "x.y", "t.T", "1", "标签", "", "", value, "/1/", None, None]
    same_time_in_utc = [at.astimezone(dt.UTC), *values[1:]]
    assert chain.link("", values) == chain.link("", same_time_in_utc)
    assert chain.stamp(at) == "2026-03-02T00:00:00.000005Z"
    assert chain.link("", values) != chain.link("0" * 64, values)


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite runs one writer at a time: there is no race")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_a_chain_nor_deadlock() -> None:
    # Given two regions, and writers on their own connections released together: single events of
    # one region, and bulk writes over both regions named in opposite orders
    a = Region.objects.create(name="甲", kind="province", path="/a/")
    b = Region.objects.create(name="乙", kind="province", path="/b/")
    writers = 8
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                with transaction.atomic():
                    if n % 2:
                        event_record(actor=None, action=f"t.{n}", obj=a, region_path=a.path)
                        event_record(actor=None, action=f"t.{n}", obj=a, region_path=a.path)
                    else:
                        order = [a, b] if n % 4 else [b, a]
                        events_record_many(
                            actor=None,
                            action=f"t.{n}",
                            items=[{"obj": r, "region_path": r.path} for r in order],
                        )
        except BaseException as exc:  # handed to the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then every write went in, each event's predecessor is a different one, and the chains verify
    assert errors == []
    assert Event.objects.filter(region_path=a.path).count() == 4 * 3 * 2 + 4 * 3
    assert Event.objects.filter(region_path=b.path).count() == 4 * 3
    for region in (a.path, b.path):
        prevs = list(Event.objects.filter(region_path=region).values_list("prev_hash", flat=True))
        assert len(set(prevs)) == len(prevs)
        assert_linked(region)
    assert verify() == (0, [f"审计链完整：2 条链，共 {Event.objects.count()} 条事件。"])
