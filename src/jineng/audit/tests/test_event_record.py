"""The audit trail is written inside the change's transaction and is append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from jineng.audit.models import Event
from jineng.audit.services import AuditOutsideTransaction, EventScope, event_record, events_record_many
from jineng.conftest import World
from jineng.regions.models import Region

ON_POSTGRES = connection.vendor == "postgresql"
POSTGRES_REASON = "the append-only trigger (audit migration 0002) exists only on PostgreSQL"


@pytest.mark.django_db(transaction=True)
def test_event_record_outside_a_transaction_refused() -> None:
    # Given autocommit mode (no atomic block) and an existing object
    region = Region.objects.create(name="河南省", kind="province", path="/")
    assert not connection.in_atomic_block
    # When an event is recorded / Then it is refused and nothing is written
    with pytest.raises(AuditOutsideTransaction, match=r"region\.created"):
        event_record(actor=None, action="region.created", obj=region)
    assert Event.objects.count() == 0
    # And the same call inside a transaction is accepted
    with transaction.atomic():
        event = event_record(actor=None, action="region.created", obj=region, to_state="active")
    assert Event.objects.get().pk == event.pk


def test_event_record_copies_object_and_actor(world: World) -> None:
    admin = world.users["hr_admin"]
    with transaction.atomic():
        event = event_record(
            actor=admin,
            action="region.renamed",
            obj=world.jinshui,
            from_state="a",
            to_state="b",
            payload={"k": 1},
            region_path=world.jinshui.path,
            department_id=7,
            organisation_id=8,
        )
    event.refresh_from_db()
    assert event.actor == admin
    assert event.actor_label == "zz人社局管理员"
    assert event.actor_role == "hr_admin"
    assert (event.object_type, event.object_id, event.object_label) == (
        "regions.Region",
        str(world.jinshui.pk),
        "金水区",
    )
    assert (event.from_state, event.to_state, event.payload) == ("a", "b", {"k": 1})
    assert (event.region_path, event.department_id, event.organisation_id) == (world.jinshui.path, 7, 8)


def test_event_record_without_actor_is_the_system(world: World) -> None:
    with transaction.atomic():
        event = event_record(actor=None, action="x.y", obj=world.henan)
    assert (event.actor, event.actor_label, event.actor_role) == (None, "系统", "")


def test_queryset_update_refused(world: World) -> None:
    event = Event.objects.order_by("id").first()
    assert event is not None
    with pytest.raises(PermissionError, match="审计事件只能追加，不能修改"):
        Event.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        Event.objects.all().update(to_state="x")
    assert Event.objects.get(pk=event.pk).action == event.action


def test_queryset_delete_refused(world: World) -> None:
    total = Event.objects.count()
    assert total > 0
    with pytest.raises(PermissionError, match="审计事件只能追加，不能删除"):
        Event.objects.filter(action="region.created").delete()
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    assert Event.objects.count() == total


def test_instance_save_of_a_stored_event_refused(world: World) -> None:
    # Model.save() on a loaded event would go around the queryset's update()
    event = Event.objects.filter(action="region.created").order_by("id").first()
    assert event is not None
    event.action = "tampered"
    with pytest.raises(PermissionError, match="不能修改"):
        event.save()
    assert Event.objects.get(pk=event.pk).action == "region.created"


def test_instance_delete_refused(world: World) -> None:
    event = Event.objects.order_by("id").first()
    assert event is not None
    with pytest.raises(PermissionError, match="不能删除"):
        event.delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_bulk_update_refused(world: World) -> None:
    events = list(Event.objects.order_by("id")[:2])
    for event in events:
        event.action = "tampered"
    # bulk_update runs in its own atomic block without a savepoint: give it one, so that the
    # refusal does not poison the test's transaction
    with pytest.raises(PermissionError), transaction.atomic():
        Event.objects.bulk_update(events, ["action"])
    assert not Event.objects.filter(action="tampered").exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=POSTGRES_REASON)
def test_database_refuses_raw_update(world: World) -> None:
    # Given a stored event, and a connection that bypasses the ORM
    event = Event.objects.order_by("id").first()
    assert event is not None
    # When raw SQL updates the table / Then the database itself refuses
    with (
        pytest.raises(DatabaseError, match="append-only: UPDATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_event SET action = 'x'")
    # And the event is unchanged
    after = Event.objects.get(pk=event.pk)
    assert (after.action, after.to_state, after.payload) == (event.action, event.to_state, event.payload)
    assert not Event.objects.filter(action="x").exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=POSTGRES_REASON)
def test_database_refuses_raw_delete(world: World) -> None:
    total = Event.objects.count()
    first = Event.objects.order_by("id").first()
    assert first is not None
    with (
        pytest.raises(DatabaseError, match="append-only: DELETE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_event")
    with (
        pytest.raises(DatabaseError, match="append-only: DELETE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [first.pk])
    assert Event.objects.count() == total
    assert Event.objects.filter(pk=first.pk).exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=POSTGRES_REASON)
def test_database_still_accepts_inserts(world: World) -> None:
    before = Event.objects.count()
    with transaction.atomic():
        event_record(actor=None, action="x.y", obj=world.henan)
    assert Event.objects.count() == before + 1


def test_date_filter_takes_whole_local_days(world: World) -> None:
    # Given events just before and just after midnight, Beijing time, between 1 and 2 March 2026
    from unittest import mock

    from django.utils import timezone

    from jineng.audit.selectors import events_filtered

    auditor = world.users["auditor"]
    tz = timezone.get_current_timezone()
    times = {
        "before": dt.datetime(2026, 3, 1, 23, 59, 59, tzinfo=tz),
        "midnight": dt.datetime(2026, 3, 2, 0, 0, 0, tzinfo=tz),
        "evening": dt.datetime(2026, 3, 2, 23, 59, 59, tzinfo=tz),
        "next": dt.datetime(2026, 3, 3, 0, 0, 0, tzinfo=tz),
    }
    for label, at in times.items():
        with mock.patch("django.utils.timezone.now", return_value=at), transaction.atomic():
            event_record(
                actor=None, action=f"test.{label}", obj=world.jinshui, region_path=world.jinshui.path
            )

    def actions(**dates: dt.date) -> list[str]:
        return sorted(e.action for e in events_filtered(auditor, action="test.", **dates))

    # When the auditor asks for 2 March, then exactly that day's two events come back
    day = dt.date(2026, 3, 2)
    assert actions(date_from=day, date_to=day) == ["test.evening", "test.midnight"]
    assert actions(date_from=day) == ["test.evening", "test.midnight", "test.next"]
    assert actions(date_to=day) == ["test.before", "test.evening", "test.midnight"]


# --- scope: derived in one place (jineng.audit.scope.scope_resolve) ---------------------------------------


def test_an_event_about_a_scoped_object_takes_the_objects_scope(world: World) -> None:
    # Given an organisation under a department, whose model says where its events are seen (audit_scope)
    org = world.zz_school
    org.department = world.zz_industry
    # When an event about it is written with no scope given
    with transaction.atomic():
        event = event_record(actor=None, action="organisation.suspended", obj=org, to_state="suspended")
    # Then it carries the organisation's region, department and the organisation itself
    event.refresh_from_db()
    assert (event.region_path, event.department_id, event.organisation_id) == (
        org.region.path,
        org.department_id,
        org.pk,
    )


def test_an_event_takes_the_scope_of_the_object_given_as_scope(world: World) -> None:
    # Given a region (no scope of its own) and an organisation under a department
    org = world.zz_school
    org.department = world.zz_industry
    with transaction.atomic():
        # When an event about the region is written with scope=the organisation, or an EventScope
        by_object = event_record(actor=None, action="x.y", obj=world.jinshui, scope=org)
        by_value = event_record(
            actor=None, action="x.y", obj=world.jinshui, scope=EventScope(world.erqi.path, None, 5)
        )
        # And without any scope
        unscoped = event_record(actor=None, action="x.y", obj=world.jinshui)
    # Then the first is seen where the organisation is, the second where it says, the third nowhere
    scopes = [(e.region_path, e.department_id, e.organisation_id) for e in (by_object, by_value, unscoped)]
    assert scopes == [
        (org.region.path, org.department_id, org.pk),
        (world.erqi.path, None, 5),
        ("", None, None),
    ]


def test_scope_columns_given_win_over_the_objects_own_and_may_not_be_given_twice(world: World) -> None:
    org = world.zz_school
    org.department = world.zz_industry
    before = Event.objects.count()
    with transaction.atomic():
        # Given an organisation's event whose caller spells the scope out (region and organisation only)
        event = event_record(
            actor=None, action="x.y", obj=org, region_path=org.region.path, organisation_id=org.pk
        )
        # Then those columns are written, not the organisation's own (no department)
        assert (event.region_path, event.department_id, event.organisation_id) == (
            org.region.path,
            None,
            org.pk,
        )
        # And a scope given both ways is refused before anything is written
        with pytest.raises(TypeError, match="scope is given once"):
            event_record(actor=None, action="x.y", obj=org, scope=org, region_path=org.region.path)
    assert Event.objects.count() == before + 1


def test_events_record_many_resolves_each_items_scope_as_event_record_does(world: World) -> None:
    org, other = world.zz_school, world.xc_school
    org.department, other.department = world.zz_industry, world.xc_industry
    with transaction.atomic():
        # When items give no scope, another object's, or the columns
        events_record_many(
            actor=None,
            action="x.y",
            items=[
                {"obj": org},
                {"obj": world.jinshui, "scope": other},
                {"obj": org, "region_path": world.erqi.path},
                {"obj": world.jinshui},
            ],
        )
    # Then each is scoped as event_record would scope it
    written = Event.objects.filter(action="x.y").order_by("id")
    assert [(e.region_path, e.department_id, e.organisation_id) for e in written] == [
        (org.region.path, org.department_id, org.pk),
        (other.region.path, other.department_id, other.pk),
        (world.erqi.path, None, None),
        ("", None, None),
    ]
