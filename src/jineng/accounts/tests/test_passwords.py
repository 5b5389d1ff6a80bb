"""One password policy (issue 12) for every way an account gets a password: the user_create service
(and through it the demo), the user manager (and so `createsuperuser`), and the admin site's forms.
Every refusal is in Chinese."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from jineng.accounts.models import User, sanctioned
from jineng.accounts.services import operator_create, user_create
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.core.tests.test_scope_matrix import changes, snapshot

SHORT = "密码太短，至少须 10 个字符。"
NO_LETTERS_DIGITS = "密码须同时包含英文字母和数字。"
COMMON = "这个密码太常见了。"
NUMERIC = "密码只包含数字。"

WEAK = [
    ("Ab1-short", SHORT),
    ("abcdefghijkl", NO_LETTERS_DIGITS),
    ("Jineng-platform", NO_LETTERS_DIGITS),
    ("password123", COMMON),
    ("20212021202120", NUMERIC + NO_LETTERS_DIGITS),
    ("zz_new_clerk1", "密码跟 用户名 太相似了。"),
]


def create(world: World, password: str) -> User:
    return user_create(
        actor=world.users[Role.HR_ADMIN],
        username="zz_new_clerk",
        password=password,
        display_name="新经办",
        role=Role.HR_FIRST,
        region=world.zhengzhou,
    )


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_user_create_refuses_a_weak_password_in_chinese(world: World, password: str, message: str) -> None:
    before = snapshot()
    with pytest.raises(Refusal) as exc:
        create(world, password)
    assert exc.value.field == "密码"
    assert exc.value.render() == f"“密码”：{message}"
    assert changes(before, snapshot()) == {}


def test_user_create_accepts_a_strong_password_and_the_demos(world: World) -> None:
    user = create(world, "Zhengzhou-2026-peixun")
    assert user.check_password("Zhengzhou-2026-peixun")
    # The demo creates its accounts through user_create with this one password.
    demo = user_create(
        actor=None,
        username="zz_demo_check",
        password=settings.JINENG_DEMO_PASSWORD,
        display_name="演示",
        role=Role.AUDITOR,
        region=world.zhengzhou,
    )
    assert demo.check_password("Jineng@2021demo")


@pytest.mark.django_db
def test_the_user_manager_refuses_a_weak_password() -> None:
    with pytest.raises(ValidationError) as exc:
        User.objects.create_user("somebody", password="abcdefghijkl")
    assert exc.value.messages == [NO_LETTERS_DIGITS]
    with pytest.raises(ValidationError):
        User.objects.create_superuser("root", password="short1")
    assert not User.objects.exists()
    # No password at all still makes an account that cannot log in.
    with sanctioned():
        assert not User.objects.create_user("no_login").has_usable_password()


@pytest.mark.django_db
def test_operator_create_cannot_skip_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    # createsuperuser is disabled (issue 12.1); the operator's account is made by operator_create.
    monkeypatch.setenv("JINENG_OPERATOR_PASSWORD", "password123")
    with pytest.raises(CommandError) as exc:
        call_command("operator_create", "root", verbosity=0)
    assert str(exc.value) == f"“密码”：{COMMON}"
    assert not User.objects.filter(username="root").exists()
    monkeypatch.setenv("JINENG_OPERATOR_PASSWORD", "Root@pass-2026")
    call_command("operator_create", "root", verbosity=0)
    assert User.objects.get(username="root").is_superuser


@pytest.fixture
def admin_site() -> Client:
    client = Client()
    client.force_login(operator_create(actor=None, username="root", password="Root@pass-2026"))
    return client


@pytest.mark.django_db
def test_admin_add_user_refuses_a_weak_password_in_chinese(admin_site: Client) -> None:
    response = admin_site.post(
        "/admin/accounts/user/add/",
        {
            "username": "clerk",
            "password1": "abcdefghijkl",
            "password2": "abcdefghijkl",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert NO_LETTERS_DIGITS in response.content.decode()
    assert not User.objects.filter(username="clerk").exists()


@pytest.mark.django_db
def test_admin_password_change_refuses_a_weak_password_in_chinese(admin_site: Client) -> None:
    root = User.objects.get(username="root")
    response = admin_site.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {"password1": "short1", "password2": "short1", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert SHORT in response.content.decode()
    root.refresh_from_db()
    assert root.check_password("Root@pass-2026")
