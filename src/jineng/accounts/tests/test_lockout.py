"""Brute-force protection (issue 12): django-axes locks a username, or an address, after 10 wrong
passwords within 15 minutes; the lockout is said in Chinese; the bureau's admin unlocks an account of
his region, and the unlock is in the audit trail."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client, RequestFactory

from jineng.accounts.models import User
from jineng.accounts.services import operator_create
from jineng.audit.models import Event
from jineng.conftest import PASSWORD, World
from jineng.core.errors import Refusal
from jineng.core.roles import Role

LIMIT = 10
LOCKED = "登录失败次数过多，账户已被暂时锁定，请 15 分钟后再试或联系管理员解锁。"
WRONG = "用户名或密码不正确，请重新输入。"
ATTACKER = "198.51.100.23"


# Imported where used, so that each test fails on its own where the code is missing.
def client_ip(request: Any) -> str | None:
    from jineng.accounts.lockout import client_ip

    return client_ip(request)


def lockout_response(request: Any) -> Any:
    from jineng.accounts.lockout import lockout_response

    return lockout_response(request)


def user_unlock(*, actor: User, user: User) -> int:
    from jineng.accounts.services import user_unlock

    return user_unlock(actor=actor, user=user)


def locked(user: User) -> User:
    from jineng.accounts.tests.scope_cases import locked

    return locked(user)


def login(username: str, password: str, address: str = ATTACKER) -> Any:
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def logged_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def test_settings_are_the_documented_rules(settings: Any) -> None:
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_tenth_wrong_password_locks_the_account_and_the_right_one_is_refused(world: World) -> None:
    # Given the Zhengzhou first reviewer's account
    user = world.users[Role.HR_FIRST]
    # When someone tries nine wrong passwords, each is the ordinary refusal
    for i in range(LIMIT - 1):
        response = login(user.username, f"Wrong-guess-{i}")
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    # the tenth locks the account
    response = login(user.username, "Wrong-guess-9")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # Then the right password, even from the owner's own machine, is refused with the lockout message
    response = login(user.username, PASSWORD, address="10.0.0.5")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    # and another account of the same city still logs in from another machine
    assert logged_in(login(world.users[Role.HR_SECOND].username, PASSWORD, address="10.0.0.6"))


def test_one_account_sprayed_from_many_addresses_is_locked(world: World) -> None:
    user = world.users[Role.FINANCE]
    for i in range(LIMIT):
        login(user.username, f"Wrong-guess-{i}", address=f"203.0.113.{i + 1}")
    response = login(user.username, PASSWORD, address="203.0.113.200")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_one_address_trying_many_accounts_is_locked(world: World) -> None:
    # Given one machine that tries ten different usernames once each (some do not exist)
    tried = [u.username for u in world.outsiders.values()][:5] + [f"guess{i}" for i in range(5)]
    for username in tried:
        assert login(username, "Wrong-guess-1").status_code in (200, 429)
    # Then from that machine even a right password of an untried account is refused
    response = login(world.users[Role.AUDITOR].username, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # while the same account logs in from another machine
    assert logged_in(login(world.users[Role.AUDITOR].username, PASSWORD, address="10.0.0.7"))


def test_the_admin_site_login_is_locked_too(world: World) -> None:
    root = operator_create(actor=None, username="root", password="Root@pass-2026")
    client = Client(REMOTE_ADDR=ATTACKER)
    for i in range(LIMIT):
        client.post("/admin/login/", {"username": "root", "password": f"Wrong-guess-{i}"})
    response = client.post("/admin/login/", {"username": root.username, "password": "Root@pass-2026"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_lockout_response_under_the_api_is_the_error_envelope(settings: Any) -> None:
    response = lockout_response(RequestFactory().post("/api/v1/anything"))
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"code": "locked_out", "message": LOCKED, "details": []}


# --------------------------------------------------------------------------------------------------
# The client's address.


def test_forwarded_for_is_ignored_unless_behind_the_proxy(settings: Any) -> None:
    settings.JINENG_CLIENT_IP_FROM_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "127.0.0.1"


def test_behind_the_proxy_the_address_nginx_saw_counts_not_what_the_client_wrote(settings: Any) -> None:
    settings.JINENG_CLIENT_IP_FROM_PROXY = True
    # nginx appends the address it saw ($proxy_add_x_forwarded_for); what is left of it came from the client
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.23"
    )
    assert client_ip(request) == "198.51.100.23"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_behind_the_proxy_every_address_behind_nginx_is_counted_apart(world: World, settings: Any) -> None:
    settings.JINENG_CLIENT_IP_FROM_PROXY = True

    def via_nginx(username: str, password: str, forwarded_for: str) -> Any:
        # Every request reaches Django from nginx on this machine.
        return Client(REMOTE_ADDR="127.0.0.1").post(
            "/login/", {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=forwarded_for
        )

    for i in range(LIMIT):
        # The attacker varies the header he sends; nginx appends the address it saw.
        via_nginx(f"guess{i}", "Wrong-guess-1", f"10.9.9.{i}, {ATTACKER}")
    auditor = world.users[Role.AUDITOR].username
    assert via_nginx(auditor, PASSWORD, ATTACKER).status_code == 429
    # An official behind the same nginx, from his own address, is not locked out with the attacker.
    assert logged_in(via_nginx(auditor, PASSWORD, "10.0.0.7"))


# --------------------------------------------------------------------------------------------------
# Unlocking.


def lock(username: str) -> None:
    for i in range(LIMIT):
        login(username, f"Wrong-guess-{i}")
    assert login(username, PASSWORD, address="10.0.0.5").status_code == 429


def test_admin_sees_the_locked_account_and_unlocks_it(world: World) -> None:
    # Given a locked Zhengzhou account and a locked Xuchang one
    user = world.users[Role.HR_FIRST]
    lock(user.username)
    lock(world.outsiders[Role.HR_FIRST].username)
    admin = world.client(world.users[Role.HR_ADMIN])
    # When the Zhengzhou admin opens the lockout page, he sees his own city's account only
    page = admin.get("/account/lockouts/").content.decode()
    assert user.username in page
    assert ATTACKER in page  # the address the failures came from
    assert world.outsiders[Role.HR_FIRST].username not in page
    # and unlocks it
    response = admin.post(f"/account/lockouts/{user.pk}/unlock/")
    assert response.status_code == 302 and response["Location"] == "/account/lockouts/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"已解锁账户 {user.username}（{user.label}），可立即登录"
    ]
    # Then the unlock is in the audit trail, by the admin, naming the account and the failures forgotten
    event = Event.objects.get(action="user.unlocked")
    assert event.actor == world.users[Role.HR_ADMIN]
    assert (event.object_type, event.object_id) == ("accounts.User", str(user.pk))
    assert (event.from_state, event.to_state) == ("locked", "active")
    assert event.payload == {"failures": LIMIT + 1}
    assert event.region_path == world.zhengzhou.path
    # and the right password works at once
    assert logged_in(login(user.username, PASSWORD, address="10.0.0.5"))
    assert "本辖区目前没有被锁定的账户" in admin.get("/account/lockouts/").content.decode()


def test_unlock_outside_the_admins_region_is_404(world: World) -> None:
    outsider = locked(world.outsiders[Role.HR_FIRST])
    response = world.client(world.users[Role.HR_ADMIN]).post(f"/account/lockouts/{outsider.pk}/unlock/")
    assert response.status_code == 404
    assert not Event.objects.filter(action="user.unlocked").exists()


def test_unlock_of_an_account_that_is_not_locked_is_refused(world: World) -> None:
    with pytest.raises(Refusal) as exc:
        user_unlock(actor=world.users[Role.HR_ADMIN], user=world.users[Role.HR_FIRST])
    assert exc.value.render() == "“账户”：该账户没有被锁定，也没有未过期的登录失败记录"


@pytest.mark.parametrize("role", [Role.HR_FIRST, Role.AUDITOR, Role.INSTITUTION])
def test_unlock_is_the_admins_only(world: World, role: Role) -> None:
    user = locked(world.users[Role.FINANCE])
    with pytest.raises(Refusal) as exc:
        user_unlock(actor=world.users[role], user=user)
    assert exc.value.render() == "只有人社局管理员可以解锁账户"
    assert world.client(world.users[role]).get("/account/lockouts/").status_code == 403


def test_the_operator_unlocks_with_axes_reset_username(world: World) -> None:
    user = world.users[Role.HR_FIRST]
    lock(user.username)
    call_command("axes_reset_username", user.username, verbosity=0)
    assert logged_in(login(user.username, PASSWORD, address="10.0.0.5"))
