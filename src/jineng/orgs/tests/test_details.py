"""Issue 18.4: an institution keeps its own contacts and bank details; the bureau sees each change."""

from __future__ import annotations

import pytest

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.orgs.services import organisation_details_update

pytestmark = pytest.mark.django_db


def test_the_clerk_fills_in_the_bank_details_the_home_page_asked_for(world: World) -> None:
    # Given the school's clerk, whose home page asks for the missing bank details
    school = world.zz_school
    type(school).objects.filter(pk=school.pk).update(bank_name="", bank_account="")
    clerk = world.users["institution"]
    client = world.client(clerk)
    home = client.get("/").content.decode()
    assert f'<a href="/orgs/{school.pk}/edit/">完善机构信息：' in home
    # The edit page leads on to the institution's teachers and workstations, kept on their own pages
    edit = client.get(f"/orgs/{school.pk}/edit/").content.decode()
    assert (
        '<a href="/catalogue/teachers/">师资报备</a>' in edit
        and '<a href="/catalogue/workstations/">实训工位</a>' in edit
    )
    # When he saves them on the edit page
    response = client.post(
        f"/orgs/{school.pk}/edit/",
        {
            "contact_name": "赵敏",
            "contact_phone": "0371-66881234",
            "bank_name": "郑州银行金水支行",
            "bank_account": "6230 5800 0001 2345",
            "address": "郑州市金水区",
        },
    )
    # Then they are stored, the home page no longer asks, and the trail names what changed, masked
    assert response.status_code == 302 and response["Location"] == f"/orgs/{school.pk}/"
    school.refresh_from_db()
    assert (school.bank_name, school.bank_account, school.contact_phone) == (
        "郑州银行金水支行",
        "6230580000012345",
        "0371-66881234",
    )
    assert "完善机构信息" not in client.get("/").content.decode()
    event = Event.objects.get(action="organisation.details_updated", object_id=str(school.pk))
    assert event.payload["bank_account"] != "6230580000012345" and event.payload["bank_account"].endswith(
        "2345"
    )
    assert set(event.payload["changed"]) >= {"开户银行", "银行账号", "联系电话"}
    # And the bureau's admin sees the change in Chinese on the institution's page
    page = world.client(world.users["hr_admin"]).get(f"/orgs/{school.pk}/").content.decode()
    assert "机构联系人与开户信息已修改" in page
    said = f"修改：{'、'.join(event.payload['changed'])}；新账号 {event.payload['bank_account']}"
    assert said in page
    # and in the audit trail, with what changed and the new account masked
    trail = world.client(world.users["hr_admin"]).get("/audit/?action=organisation.details_updated")
    assert said in trail.content.decode() and "6230580000012345" not in trail.content.decode()


def test_a_bad_account_is_refused_naming_the_field_and_nothing_changes(world: World) -> None:
    school = world.zz_school
    with pytest.raises(Refusal) as excinfo:
        organisation_details_update(
            actor=world.users["institution"], organisation=school, bank_account="12AB"
        )
    assert (excinfo.value.field, excinfo.value.message) == ("银行账号", "银行账号应为 8–32 位数字")
    assert not Event.objects.filter(action="organisation.details_updated").exists()


def test_saving_unchanged_details_writes_no_event(world: World) -> None:
    school = world.zz_school
    organisation_details_update(
        actor=world.users["institution"], organisation=school, contact_name=school.contact_name
    )
    assert not Event.objects.filter(action="organisation.details_updated").exists()
