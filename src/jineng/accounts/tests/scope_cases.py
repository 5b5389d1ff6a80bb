"""Scope-matrix rows for the lockout pages (collected by core's test_scope_matrix).

In scope: the Zhengzhou HR admin unlocks a locked Zhengzhou account. Out of scope: a locked Xuchang
account (404), and every other role (403).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from jineng.accounts.models import User
from jineng.core.roles import Role
from jineng.core.tests.matrix import Case, fixed, roles


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
)
