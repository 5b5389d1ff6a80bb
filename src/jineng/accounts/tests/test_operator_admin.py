"""Issue 12.1: the Django admin is the platform operator's only, and no path changes an account silently.

The attack that this closes: the demo's city admin was a superuser, reset the password of another
city's user through /admin/, logged in as him, and the change left no audit event.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client

from jineng.accounts.models import ApiToken, User, sanctioned
from jineng.accounts.services import api_token_issue, operator_create, user_password_set, user_update
from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.orgs.models import Organisation

OPERATOR_PASSWORD = "Op@platform-2026"


@pytest.fixture
def operator(world: World) -> User:
    return operator_create(actor=None, username="ops", password=OPERATOR_PASSWORD, display_name="运维")


def logged_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_no_role_holder_can_be_a_superuser_or_staff_even_when_saved_through_a_service(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    admin.is_superuser = True
    with sanctioned(), pytest.raises(IntegrityError), transaction.atomic():
        admin.save(update_fields=["is_superuser"])
    admin.refresh_from_db()
    admin.is_staff = True
    with sanctioned(), pytest.raises(IntegrityError), transaction.atomic():
        admin.save(update_fields=["is_staff"])


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/admin/audit/event/"])
def test_bureau_admin_cannot_enter_the_admin_site(world: World, path: str) -> None:
    response = logged_in(world.users[Role.HR_ADMIN]).get(path)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_operator_resets_a_password_through_the_service_and_it_is_audited(
    world: World, operator: User
) -> None:
    # Given a Xuchang reviewer and the platform operator
    target = world.outsiders[Role.HR_FIRST]
    since = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # When the operator sets a new password on the admin's password form
    response = logged_in(operator).post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": "New@pass-2026x", "password2": "New@pass-2026x", "usable_password": "true"},
    )
    # Then the password changed and the audit trail names who did it, in the target's region
    assert response.status_code == 302, response.content[:500]
    target.refresh_from_db()
    assert target.check_password("New@pass-2026x")
    event = Event.objects.get(id__gt=since, action="user.password_changed")
    assert (event.actor_id, event.object_id, event.region_path) == (
        operator.pk,
        str(target.pk),
        world.xuchang.path,
    )
    assert "New@pass" not in str(event.payload)


def test_a_weak_password_on_the_admin_form_is_refused_in_chinese_and_nothing_changes(
    world: World, operator: User
) -> None:
    target = world.outsiders[Role.HR_FIRST]
    before = User.objects.get(pk=target.pk).password
    response = logged_in(operator).post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": "12345678", "password2": "12345678", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    assert User.objects.get(pk=target.pk).password == before
    assert not Event.objects.filter(action="user.password_changed").exists()


def test_operator_role_change_and_deactivation_go_through_the_service(world: World, operator: User) -> None:
    target = world.users[Role.HR_SECOND]
    client = logged_in(operator)
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        {
            "display_name": "改名复核",
            "role": Role.AUDITOR,
            "region": world.zhengzhou.pk,
            "department": "",
            "organisation": "",
            "is_active": "",
        },
    )
    assert response.status_code == 302, response.content[:800]
    target.refresh_from_db()
    assert (target.role, target.is_active, target.display_name) == (Role.AUDITOR, False, "改名复核")
    actions = set(
        Event.objects.filter(object_type="accounts.User", object_id=str(target.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"user.role_changed", "user.deactivated", "user.renamed"} <= actions
    role_event = Event.objects.get(action="user.role_changed", object_id=str(target.pk))
    assert (role_event.from_state, role_event.to_state) == (Role.HR_SECOND, Role.AUDITOR)


def test_operator_may_only_view_domain_data_in_the_admin(world: World, operator: User) -> None:
    client = logged_in(operator)
    org = world.zz_school
    assert client.get("/admin/orgs/organisation/").status_code == 200
    page = client.get(f"/admin/orgs/organisation/{org.pk}/change/")
    assert page.status_code == 200 and 'type="submit"' not in page.content.decode().split("<form")[-1]
    response = client.post(
        f"/admin/orgs/organisation/{org.pk}/change/", {"name": "改掉的名字", "bank_account": "1"}
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=org.pk).name == "郑州商业技师学院"
    assert client.get("/admin/orgs/organisation/add/").status_code == 403
    assert client.post(f"/admin/audit/event/{Event.objects.first().pk}/delete/").status_code == 403


def test_operator_adds_a_profile_assignment_through_profile_assign(world: World, operator: User) -> None:
    response = logged_in(operator).post(
        "/admin/regions/profileassignment/add/",
        {"region": world.xuchang.pk, "year": 2024, "profile_code": "XC23", "profile_version": 1},
    )
    assert response.status_code == 302, response.content[:800]
    event = Event.objects.get(action="profile.assigned", payload__year=2024)
    assert (event.actor_id, event.to_state) == (operator.pk, "XC23@v1")


def test_operator_revokes_a_token_through_the_service(world: World, operator: User) -> None:
    token, _ = api_token_issue(actor=world.users[Role.INSTITUTION], name="对接")
    response = logged_in(operator).post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    event = Event.objects.get(action="api_token.revoked")
    assert (event.actor_id, event.region_path) == (operator.pk, world.zhengzhou.path)


def test_an_account_change_outside_the_services_is_refused_by_the_model(world: World) -> None:
    user = User.objects.get(pk=world.users[Role.HR_FIRST].pk)
    user.set_password("Other@pass-2026")
    with pytest.raises(PermissionError, match=r"accounts\.services"):
        user.save()
    with pytest.raises(PermissionError):
        User.objects.filter(pk=user.pk).update(role=Role.HR_ADMIN)
    with pytest.raises(PermissionError):
        User.objects.filter(pk=user.pk).update(is_superuser=True)
    with pytest.raises(PermissionError):
        User.objects.create_user(username="sneaky", password="Sneaky@pass-2026")
    # Harmless fields still save
    user = User.objects.get(pk=user.pk)
    user.first_name = "明"
    user.save(update_fields=["first_name"])


def test_login_and_a_hash_upgrade_at_login_are_not_account_changes(world: World, settings) -> None:
    user = world.users[Role.HR_FIRST]
    # The fixture hashes with MD5; logging in under PBKDF2 upgrades the stored hash.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    response = Client().post("/login/", {"username": user.username, "password": "Test@pass-2026"})
    assert response.status_code == 302, response.content[:300]
    assert User.objects.get(pk=user.pk).password.startswith("pbkdf2_sha256$")


def test_a_user_changes_his_own_password_and_a_bureau_admin_only_within_his_region(world: World) -> None:
    me = world.users[Role.INSTITUTION]
    user_password_set(actor=me, user=me, password="Mine@pass-2026")
    with pytest.raises(Refusal, match="本辖区"):
        user_password_set(
            actor=world.users[Role.HR_ADMIN], user=world.outsiders[Role.HR_FIRST], password="X@pass-20261"
        )
    user_password_set(
        actor=world.users[Role.HR_ADMIN], user=world.users[Role.HR_FIRST], password="Y@pass-20261"
    )
    with pytest.raises(Refusal):
        user_update(actor=world.users[Role.HR_FIRST], user=world.users[Role.AUDITOR], is_active=False)
    assert Event.objects.filter(action="user.password_changed").count() == 2


def test_commands_change_passwords_through_the_service_and_createsuperuser_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = world.users[Role.AUDITOR]
    monkeypatch.setenv("JINENG_NEW_PASSWORD", "Cmd@pass-2026")
    call_command("changepassword", target.username)
    assert User.objects.get(pk=target.pk).check_password("Cmd@pass-2026")
    event = Event.objects.get(action="user.password_changed")
    assert (event.actor_id, event.object_id) == (None, str(target.pk))
    monkeypatch.setenv("JINENG_NEW_PASSWORD", "123")
    with pytest.raises(CommandError, match="密码"):
        call_command("changepassword", target.username)
    with pytest.raises(CommandError, match="operator_create"):
        call_command("createsuperuser", "--noinput", "--username", "root")
    monkeypatch.setenv("JINENG_OPERATOR_PASSWORD", OPERATOR_PASSWORD)
    call_command("operator_create", "ops2")
    ops = User.objects.get(username="ops2")
    assert ops.is_operator and ops.role == "" and ops.region is None
    assert Event.objects.filter(action="user.operator_created", object_id=str(ops.pk)).exists()
