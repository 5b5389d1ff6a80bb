"""Every domain service writes exactly one audit event with its change, and loses it with a rollback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from jineng.accounts.models import ApiToken, User
from jineng.accounts.services import api_token_issue, api_token_revoke, user_create
from jineng.audit.models import Event
from jineng.conftest import World
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy.identity import make_credit_code, make_id_number
from jineng.regions.models import Department, ProfileAssignment, Region
from jineng.regions.services import department_create, profile_assign, region_create
from jineng.workcal.models import CalendarDay, CalendarYear
from jineng.workcal.services import calendar_year_set


class Boom(Exception):
    """Raised after a service call to make the surrounding transaction roll back."""


def one_new_event(since: int) -> Event:
    events = list(Event.objects.filter(pk__gt=since))
    assert len(events) == 1, [e.action for e in events]
    return events[0]


def last_event_id() -> int:
    last = Event.objects.order_by("-id").first()
    return last.pk if last else 0


def events_for(obj: Any) -> list[Event]:
    return list(Event.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)))


# --- one event per change ---------------------------------------------------------------------------


def test_region_create_writes_one_event(world: World) -> None:
    admin = world.users["hr_admin"]
    since = last_event_id()
    region = region_create(
        actor=admin, name="管城回族区", kind="district", parent=world.zhengzhou, code="410104"
    )
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "region.created",
        "regions.Region",
        str(region.pk),
    )
    assert (event.from_state, event.to_state) == ("", "active")
    assert event.region_path == region.path == f"{world.zhengzhou.path}{region.pk}/"
    assert event.payload == {
        "name": "管城回族区",
        "code": "410104",
        "kind": "district",
        "parent": world.zhengzhou.pk,
    }
    assert (event.actor_id, event.actor_role) == (admin.pk, "hr_admin")


def test_department_create_writes_one_event(world: World) -> None:
    since = last_event_id()
    dept = department_create(actor=None, region=world.xuchang, name="市财政局", kind="finance")
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "department.created",
        "regions.Department",
        str(dept.pk),
    )
    assert (event.from_state, event.to_state) == ("", "active")
    assert (event.region_path, event.department_id) == (world.xuchang.path, dept.pk)
    assert event.actor_label == "系统"


def test_profile_assign_writes_one_event_each_time_with_the_previous_profile(world: World) -> None:
    # Given no assignment for 金水区 in 2021
    since = last_event_id()
    assignment = profile_assign(actor=None, region=world.jinshui, year=2021, profile_code="HC21")
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "profile.assigned",
        "regions.ProfileAssignment",
        str(assignment.pk),
    )
    assert (event.from_state, event.to_state) == ("", "HC21@v1")
    assert event.payload == {"region": world.jinshui.pk, "year": 2021}
    # When it is replaced / Then one more event names the old and the new profile
    since = last_event_id()
    again = profile_assign(actor=None, region=world.jinshui, year=2021, profile_code="ZZ21")
    event = one_new_event(since)
    assert again.pk == assignment.pk
    assert (event.from_state, event.to_state) == ("HC21@v1", "ZZ21@v1")


def test_organisation_register_writes_one_event(world: World) -> None:
    since = last_event_id()
    org = organisation_register(
        actor=world.users["hr_admin"],
        name="郑州市金水区职业培训学校",
        credit_code=make_credit_code("52", "410105", 77),
        kind="private_school",
        region=world.jinshui,
        department=world.zz_industry,
    )
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "organisation.registered",
        "orgs.Organisation",
        str(org.pk),
    )
    assert (event.from_state, event.to_state) == ("", "active")
    assert (event.region_path, event.department_id, event.organisation_id) == (
        world.jinshui.path,
        world.zz_industry.pk,
        org.pk,
    )
    assert event.payload == {
        "credit_code": org.credit_code,
        "kind": "private_school",
        "region": world.jinshui.pk,
    }


def test_b01_person_register_writes_one_event_without_the_id_number(world: World) -> None:
    institution = world.users["institution"]
    number = make_id_number("410105", dt.date(1995, 7, 8), 31)
    since = last_event_id()
    person = person_register(actor=institution, id_number=number, name="陈静", region=world.jinshui)
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "person.registered",
        "people.Person",
        str(person.pk),
    )
    assert (event.from_state, event.to_state) == ("", "registered")
    assert (event.region_path, event.organisation_id) == (world.jinshui.path, world.zz_school.pk)
    assert event.payload == {"region": world.jinshui.pk, "organisation": world.zz_school.pk}
    # The trail is read by auditors: the full ID number is nowhere in it
    assert number not in str(event.payload) and number not in event.object_label


def test_user_create_writes_one_event(world: World) -> None:
    since = last_event_id()
    user = user_create(
        actor=world.users["hr_admin"],
        username="zz_new_first",
        password="Test@pass-2026",
        display_name="新初审",
        role="dept_first",
        region=world.zhengzhou,
        department=world.zz_education,
    )
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "user.created",
        "accounts.User",
        str(user.pk),
    )
    assert (event.from_state, event.to_state) == ("", "active")
    assert (event.region_path, event.department_id, event.organisation_id) == (
        world.zhengzhou.path,
        world.zz_education.pk,
        None,
    )
    assert event.payload == {"role": "dept_first", "region": world.zhengzhou.pk}
    assert "Test@pass-2026" not in str(event.payload)


def test_api_token_issue_and_revoke_write_one_event_each(world: World) -> None:
    institution = world.users["institution"]
    since = last_event_id()
    token, secret = api_token_issue(actor=institution, name="机构培训管理系统对接")
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "api_token.issued",
        "accounts.ApiToken",
        str(token.pk),
    )
    assert (event.from_state, event.to_state) == ("", "active")
    assert event.payload == {"name": "机构培训管理系统对接", "prefix": token.prefix}
    assert (event.region_path, event.organisation_id) == (world.zhengzhou.path, world.zz_school.pk)
    assert secret not in str(event.payload)

    since = last_event_id()
    api_token_revoke(actor=institution, token=token)
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "api_token.revoked",
        "accounts.ApiToken",
        str(token.pk),
    )
    assert (event.from_state, event.to_state) == ("active", "revoked")

    # Revoking again changes nothing and writes nothing
    since = last_event_id()
    api_token_revoke(actor=institution, token=token)
    assert last_event_id() == since


def test_calendar_year_set_writes_one_event(world: World) -> None:
    since = last_event_id()
    year = calendar_year_set(
        actor=world.users["hr_admin"],
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知",
        holidays={dt.date(2027, 1, 1): "元旦"},
        workdays={dt.date(2027, 2, 7): "春节调休"},
    )
    event = one_new_event(since)
    assert (event.action, event.object_type, event.object_id) == (
        "calendar.year_set",
        "workcal.CalendarYear",
        str(year.pk),
    )
    assert (event.from_state, event.to_state) == ("", "2 天")
    assert event.payload == {
        "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": ["2027-01-01"],
        "workdays": ["2027-02-07"],
    }
    assert event.region_path == "/"


def test_every_world_object_has_its_creation_event(world: World) -> None:
    # The fixture world is built through the services: each object has exactly one creation event
    for region in Region.objects.all():
        assert [e.action for e in events_for(region)] == ["region.created"]
    for dept in Department.objects.all():
        assert [e.action for e in events_for(dept)] == ["department.created"]
    for org in Organisation.objects.all():
        assert [e.action for e in events_for(org)] == ["organisation.registered"]
    for person in Person.objects.all():
        assert [e.action for e in events_for(person)] == ["person.registered"]
    for user in User.objects.all():
        assert [e.action for e in events_for(user)] == ["user.created"]
    for assignment in ProfileAssignment.objects.all():
        assert [e.action for e in events_for(assignment)] == ["profile.assigned"]


# --- rollback takes the event with it ---------------------------------------------------------------


def _new_region(world: World) -> Any:
    return region_create(actor=None, name="惠济区", kind="district", parent=world.zhengzhou, code="410108")


def _new_department(world: World) -> Any:
    return department_create(actor=None, region=world.zhengzhou, name="市人社局", kind="hrss")


def _new_assignment(world: World) -> Any:
    return profile_assign(actor=None, region=world.erqi, year=2021, profile_code="HC21")


def _new_organisation(world: World) -> Any:
    return organisation_register(
        actor=None,
        name="新郑职业培训学校",
        credit_code=make_credit_code("52", "410100", 88),
        kind="private_school",
        region=world.zhengzhou,
    )


def _new_person(world: World) -> Any:
    return person_register(
        actor=None,
        id_number=make_id_number("410103", dt.date(2000, 2, 29), 17),
        name="周洋",
        region=world.erqi,
    )


def _new_user(world: World) -> Any:
    return user_create(
        actor=None,
        username="zz_rollback",
        password="Test@pass-2026",
        display_name="回滚",
        role="auditor",
        region=world.zhengzhou,
    )


def _new_token(world: World) -> Any:
    token, _secret = api_token_issue(actor=world.users["institution"], name="对接")
    return token


def _new_calendar_year(world: World) -> Any:
    return calendar_year_set(
        actor=None, year=2027, source="国办通知", holidays={dt.date(2027, 1, 1): "元旦"}, workdays={}
    )


@pytest.mark.parametrize(
    ("make", "model"),
    [
        (_new_region, Region),
        (_new_department, Department),
        (_new_assignment, ProfileAssignment),
        (_new_organisation, Organisation),
        (_new_person, Person),
        (_new_user, User),
        (_new_token, ApiToken),
        (_new_calendar_year, CalendarYear),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_rollback_removes_object_and_event(world: World, make: Callable[[World], Any], model: type) -> None:
    # Given the counts before
    objects_before, events_before = model.objects.count(), Event.objects.count()
    # When the service runs inside a transaction that then fails
    with pytest.raises(Boom), transaction.atomic():
        obj = make(world)
        # (the object and its event did exist inside the transaction)
        assert model.objects.filter(pk=obj.pk).exists()
        assert len(events_for(obj)) == 1
        raise Boom
    # Then neither the object nor its event survives
    assert not model.objects.filter(pk=obj.pk).exists()
    assert events_for(obj) == []
    assert (model.objects.count(), Event.objects.count()) == (objects_before, events_before)


def test_rollback_of_a_token_revocation_keeps_the_token_active(world: World) -> None:
    token, _secret = api_token_issue(actor=world.users["institution"], name="对接")
    events_before = Event.objects.count()
    with pytest.raises(Boom), transaction.atomic():
        api_token_revoke(actor=world.users["institution"], token=token)
        raise Boom
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Event.objects.count() == events_before


def test_rollback_of_calendar_days(world: World) -> None:
    with pytest.raises(Boom), transaction.atomic():
        _new_calendar_year(world)
        assert CalendarDay.objects.count() == 1
        raise Boom
    assert CalendarDay.objects.count() == 0
