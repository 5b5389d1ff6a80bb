from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from jineng.accounts.models import ApiToken, User
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of

# 18.3: the roles a bureau's admin gives on 设置 / 账号管理 in his region subtree. A trainee's account comes
# with his real-name registration.
GRANTABLE_ROLES = frozenset(
    {
        Role.HR_FIRST,
        Role.HR_SECOND,
        Role.DEPT_FIRST,
        Role.DEPT_SECOND,
        Role.FINANCE,
        Role.INSPECTOR,
        Role.AUDITOR,
        Role.INSTITUTION,
        Role.EVALUATOR,
    }
)
# Roles an admin gives only in the regions below his own: the province's admin opens a city's admin, the
# city's a county's (a county bureau joining the pilot needs no operator), but no admin makes his peers.
BELOW_ONLY_ROLES = frozenset({Role.HR_ADMIN})
OPENABLE_ROLES = GRANTABLE_ROLES | BELOW_ONLY_ROLES


def may_give_below(actor_region_path: str, role: str, region_path: str) -> bool:
    """Whether an admin of ``actor_region_path`` may give ``role`` in ``region_path``."""
    if role in GRANTABLE_ROLES:
        return region_path.startswith(actor_region_path)
    if role in BELOW_ONLY_ROLES:
        return region_path.startswith(actor_region_path) and region_path != actor_region_path
    return False


def tokens_of(user: User) -> QuerySet[ApiToken]:
    if not can(user.role, "token.manage"):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def unlockable_users(user: User) -> QuerySet[User]:
    """The accounts an admin may unlock: those whose region lies in his region subtree."""
    if not can(user.role, "account.unlock"):
        return User.objects.none()
    return User.objects.filter(scope_of(user).region_q())


@dataclass(frozen=True)
class Lockout:
    user: User
    failures: int
    last_attempt: dt.datetime
    addresses: list[str]

    @property
    def locked_until(self) -> dt.datetime:
        return self.last_attempt + (get_cool_off() or dt.timedelta(0))


def _recent_attempts() -> QuerySet[AccessAttempt]:
    """The failures django-axes still counts: those within the cool-off."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def failures_of(username: str) -> int:
    total = _recent_attempts().filter(username=username).aggregate(n=Sum("failures_since_start"))["n"]
    return int(total or 0)


def lockouts_of(user: User) -> list[Lockout]:
    """Accounts in the admin's scope locked by their own username's failures, most recent first.

    An address locked for trying many usernames is not an account's: the platform operator lifts it
    with `manage.py axes_reset_ip`."""
    if not can(user.role, "account.unlock"):
        return []
    rows = list(
        _recent_attempts()
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    users = {
        u.username: u
        for u in unlockable_users(user)
        .filter(username__in=[r["username"] for r in rows])
        .select_related("region")
    }
    addresses: dict[str, set[str]] = {}
    for username, ip in (
        _recent_attempts().filter(username__in=list(users)).values_list("username", "ip_address")
    ):
        addresses.setdefault(username, set()).add(ip or "")
    return [
        Lockout(
            user=users[r["username"]],
            failures=r["failures"],
            last_attempt=r["last"],
            addresses=sorted(addresses[r["username"]]),
        )
        for r in rows
        if r["username"] in users
    ]


def accounts_manageable(user: User) -> QuerySet[User]:
    """18.3: the staff and organisation accounts a bureau's admin manages: those of his region subtree
    with a role he may give (never his own, another admin's, a trainee's or the platform operator's)."""
    if not can(user.role, "account.manage"):
        return User.objects.none()
    own = user.region.path if user.region is not None else None
    below_admins = Q(role__in=BELOW_ONLY_ROLES) & ~Q(region__path=own) if own else Q(pk__in=[])
    return (
        User.objects.filter(scope_of(user).region_q())
        .filter(Q(role__in=GRANTABLE_ROLES) | below_admins)
        .exclude(pk=user.pk)
        .select_related("region", "department", "organisation")
        .order_by("region__path", "role", "username")
    )
