"""Scope-matrix rows for the lockout pages and the account pages and API (18.3), collected by core's
test_scope_matrix.

In scope: the Zhengzhou HR admin unlocks a locked Zhengzhou account, opens, rescopes, disables and
resets Zhengzhou staff accounts. Out of scope: a Xuchang account or region (404), and every other role
(403).
"""

from __future__ import annotations

import itertools
from typing import Any

from django.conf import settings
from django.utils import timezone

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.regions.models import Region


def locked(user: User) -> User:
    """``user`` locked as django-axes leaves an account after the limit of wrong passwords."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username=user.username,
        ip_address="203.0.113.9",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    return user


_serial = itertools.count(1)


def staff(region: Region) -> User:
    """A fresh 人社局初审 account of ``region`` (each case changes its own)."""
    from jineng.accounts.services import user_create

    n = next(_serial)
    return user_create(
        actor=None,
        username=f"matrix_staff_{n}",
        password="Test@pass-2026",
        display_name="矩阵测试",
        role=Role.HR_FIRST,
        region=region,
    )


def opening(region: Region, *, api: bool = False) -> dict[str, Any]:
    key = "region_id" if api else "region"
    return {
        "username": f"matrix_new_{next(_serial)}",
        "display_name": "新开账号",
        "role": Role.FINANCE.value,
        key: region.pk,
    }


def own(w: World, u: User) -> int:
    return staff(w.erqi).pk


def foreign(w: World, u: User) -> int:
    return staff(w.weidu).pk


MANAGE = roles("account.manage")

CASES: tuple[Case, ...] = (
    Case("GET", "account/lockouts/", roles("account.unlock"), fixed("/account/lockouts/")),
    Case(
        "POST",
        "account/lockouts/<int:user_id>/unlock/",
        roles("account.unlock"),
        lambda w, u: f"/account/lockouts/{locked(w.users[Role.HR_FIRST]).pk}/unlock/",
        foreign=lambda w, u: [f"/account/lockouts/{locked(w.outsiders[Role.HR_FIRST]).pk}/unlock/"],
        data=lambda w, u: {},
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    # ---- 18.3 设置 / 账号管理
    Case("GET", "account/users/", MANAGE, fixed("/account/users/")),
    Case(
        "POST",
        "account/users/",
        MANAGE,
        fixed("/account/users/"),
        data=lambda w, u: opening(w.erqi),
        foreign_data=lambda w, u: [opening(w.weidu)],
        delta={"accounts.User": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "GET",
        "account/users/<int:user_id>/",
        MANAGE,
        lambda w, u: f"/account/users/{own(w, u)}/",
        foreign=lambda w, u: [f"/account/users/{foreign(w, u)}/"],
        scoped=True,
    ),
    Case(
        "POST",
        "account/users/<int:user_id>/",
        MANAGE,
        lambda w, u: f"/account/users/{own(w, u)}/",
        foreign=lambda w, u: [f"/account/users/{foreign(w, u)}/"],
        data=lambda w, u: {"role": "hr_second", "region": w.erqi.pk, "display_name": "矩阵测试"},
        foreign_data=lambda w, u: [{"role": "hr_second", "region": w.weidu.pk, "display_name": "矩阵测试"}],
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        "account/users/<int:user_id>/active/",
        MANAGE,
        lambda w, u: f"/account/users/{own(w, u)}/active/",
        foreign=lambda w, u: [f"/account/users/{foreign(w, u)}/active/"],
        data=lambda w, u: {"active": "0"},
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        "account/users/<int:user_id>/password/",
        MANAGE,
        lambda w, u: f"/account/users/{own(w, u)}/password/",
        foreign=lambda w, u: [f"/account/users/{foreign(w, u)}/password/"],
        data=lambda w, u: {},
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", f"{API}/users", MANAGE, fixed(f"{API}/users")),
    Case(
        "POST",
        f"{API}/users",
        MANAGE,
        fixed(f"{API}/users"),
        data=lambda w, u: opening(w.erqi, api=True),
        foreign_data=lambda w, u: [opening(w.weidu, api=True)],
        ok=201,
        delta={"accounts.User": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "PATCH",
        f"{API}/users/{{user_id}}",
        MANAGE,
        lambda w, u: f"{API}/users/{own(w, u)}",
        foreign=lambda w, u: [f"{API}/users/{foreign(w, u)}"],
        data=lambda w, u: {"is_active": False},
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/users/{{user_id}}/password",
        MANAGE,
        lambda w, u: f"{API}/users/{own(w, u)}/password",
        foreign=lambda w, u: [f"{API}/users/{foreign(w, u)}/password"],
        data=lambda w, u: {},
        delta={"audit.Event": 1},
        scoped=True,
    ),
)
