"""18.3: the bureau's admin keeps the staff and organisation accounts of his region on 设置 / 账号管理,
through the audited account services, without the Django admin."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jineng.accounts.models import User
from jineng.accounts.services import user_open, user_update
from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role

pytestmark = pytest.mark.django_db


def logs_in(username: str, password: str) -> bool:
    return Client().post("/login/", {"username": username, "password": password}).status_code == 302


def shown_password(html: str) -> str:
    found = re.search(r'<div class="mono secret">([A-Za-z0-9]+)</div>', html)
    assert found, "the one-time password is shown"
    return found.group(1)


def test_admin_opens_a_department_reviewer_and_the_one_time_password_logs_in(world: World) -> None:
    # Given Zhengzhou's bureau admin
    admin = world.users[Role.HR_ADMIN]
    # When he opens a 行业部门初审 account of the 市教育局 on the page
    response = world.client(admin).post(
        "/account/users/",
        {
            "username": "zz_edu_first",
            "display_name": "孙丽",
            "role": "dept_first",
            "region": world.zhengzhou.pk,
            "department": world.zz_education.pk,
        },
    )
    # Then the account exists with that scope, is no superuser or staff, and its password is shown once
    assert response.status_code == 200
    made = User.objects.get(username="zz_edu_first")
    assert (made.role, made.region, made.department, made.is_superuser, made.is_staff) == (
        "dept_first",
        world.zhengzhou,
        world.zz_education,
        False,
        False,
    )
    password = shown_password(response.content.decode())
    assert logs_in("zz_edu_first", password)
    event = Event.objects.get(action="user.created", object_id=str(made.pk))
    assert event.actor_id == admin.pk


def test_an_institution_account_takes_its_organisation_region_and_another_city_is_not_offered(
    world: World,
) -> None:
    admin = world.users[Role.HR_ADMIN]
    # When he opens a clerk account for the Zhengzhou school, naming the district by mistake
    made, _ = user_open(
        actor=admin,
        username="zz_school_2",
        display_name="周洁",
        role=Role.INSTITUTION,
        region=world.erqi,
        organisation=world.zz_school,
    )
    # Then the account is scoped to the school and the school's region
    assert (made.organisation, made.region) == (world.zz_school, world.zhengzhou)
    # And a Xuchang school is not his to choose (404), nothing made
    before = User.objects.count()
    response = world.client(admin).post(
        "/account/users/",
        {"username": "xc_x", "display_name": "甲", "role": "institution", "organisation": world.xc_school.pk},
    )
    assert response.status_code == 404 and User.objects.count() == before


def test_admin_cannot_open_a_trainee_account(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    with pytest.raises(Refusal, match="人社局管理员不能开设或修改“学员”账号（学员账号随实名登记开设）"):
        user_open(actor=admin, username="peer", display_name="同级", role=Role.TRAINEE, region=world.erqi)
    assert not User.objects.filter(username="peer").exists()
    # and a page post naming it is refused as an unknown choice
    response = world.client(admin).post(
        "/account/users/", {"username": "peer", "display_name": "同级", "role": Role.TRAINEE.value}
    )
    assert response.status_code == 404


def test_18_3_an_admin_opens_the_admin_of_a_region_below_but_not_a_peer(world: World) -> None:
    """Given Zhengzhou's admin, when he opens an admin for 郑州市 itself, then it is refused (no admin makes
    his peers); when he opens one for 二七区 on the page, then the county's admin exists, is listed among
    his accounts and logs in with the one-time password."""
    admin = world.users[Role.HR_ADMIN]
    with pytest.raises(Refusal) as refused:
        user_open(
            actor=admin, username="peer", display_name="同级", role=Role.HR_ADMIN, region=world.zhengzhou
        )
    assert refused.value.render() == (
        "“管辖区域”：人社局管理员账号只能为下级地区开设（本级的由上级人社局管理员或平台运维人员开设）"
    )
    assert refused.value.value == "郑州市"
    assert not User.objects.filter(username="peer").exists()

    client = world.client(admin)
    response = client.post(
        "/account/users/",
        {
            "username": "erqi_admin",
            "display_name": "区管理员",
            "role": Role.HR_ADMIN.value,
            "region": world.erqi.pk,
        },
    )
    assert response.status_code == 200
    county = User.objects.get(username="erqi_admin")
    assert (county.role, county.region_id) == (Role.HR_ADMIN, world.erqi.pk)
    assert logs_in("erqi_admin", shown_password(response.content.decode()))
    assert "区管理员" in client.get("/account/users/").content.decode()
    # The county's admin may not open another county admin for his own county
    with pytest.raises(Refusal, match="只能为下级地区开设"):
        user_open(
            actor=county, username="erqi2", display_name="另一人", role=Role.HR_ADMIN, region=world.erqi
        )


def test_admin_cannot_change_his_own_account(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    with pytest.raises(Refusal, match="不能修改自己账号"):
        user_update(actor=admin, user=admin, is_active=False)
    assert world.client(admin).get(f"/account/users/{admin.pk}/").status_code == 404


def test_disable_re_enable_and_reset_are_audited_and_take_effect(world: World) -> None:
    # Given a Zhengzhou auditor with his password
    admin = world.users[Role.HR_ADMIN]
    auditor = world.users[Role.AUDITOR]
    client = world.client(admin)
    # When the admin disables him, he cannot log in; re-enabled, he can
    client.post(f"/account/users/{auditor.pk}/active/", {"active": "0"})
    assert not logs_in(auditor.username, "Test@pass-2026")
    client.post(f"/account/users/{auditor.pk}/active/", {"active": "1"})
    assert logs_in(auditor.username, "Test@pass-2026")
    # When the admin resets his password, the old one stops and the one shown works
    response = client.post(f"/account/users/{auditor.pk}/password/")
    new = shown_password(response.content.decode())
    assert not logs_in(auditor.username, "Test@pass-2026")
    assert logs_in(auditor.username, new)
    actions = list(
        Event.objects.filter(object_id=str(auditor.pk), actor=admin)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["user.deactivated", "user.reactivated", "user.password_changed"]


def test_admin_rescopes_a_reviewer_to_a_district(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    first = world.users[Role.HR_FIRST]
    response = world.client(admin).post(
        f"/account/users/{first.pk}/",
        {"role": "hr_second", "region": world.erqi.pk, "display_name": first.display_name},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.role, first.region) == ("hr_second", world.erqi)
    event = Event.objects.get(action="user.role_changed", object_id=str(first.pk))
    assert (event.from_state, event.to_state) == ("hr_first", "hr_second")


def test_the_list_shows_his_region_only_and_the_api_opens_with_a_one_time_password(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    client = world.client(admin)
    page = client.get("/account/users/").content.decode()
    assert world.users[Role.FINANCE].username in page
    assert world.outsiders[Role.FINANCE].username not in page
    assert world.users[Role.TRAINEE].username not in page  # trainees are not managed here
    response = client.post(
        "/api/v1/users",
        {"username": "api_fin", "display_name": "钱进", "role": "finance", "region_id": world.erqi.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["account"]["role_label"] == "财政审核"
    assert logs_in("api_fin", body["password"])
