from __future__ import annotations

import hashlib
import secrets
from typing import Any

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import ApiToken, User
from jineng.accounts.passwords import password_check
from jineng.accounts.roles import DEPT_ROLES, ORG_ROLES, Role, can
from jineng.accounts.selectors import failures_of
from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Department, Region

TOKEN_PREFIX = "jn_"


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    display_name: str,
    role: str,
    region: Region,
    department: Department | None = None,
    organisation: Organisation | None = None,
    person: Person | None = None,
) -> User:
    if role not in Role.values:
        raise Refusal(f"未知角色 {role!r}", field="角色", value=role)
    if role in DEPT_ROLES and department is None:
        raise Refusal("行业部门的审核人须指定部门", field="部门")
    if role in ORG_ROLES and organisation is None:
        raise Refusal("机构经办须指定机构", field="机构")
    if role == Role.TRAINEE and person is None:
        raise Refusal("学员账号须关联实名登记的人员", field="本人")
    if department is not None and not region.path.startswith(department.region.path):
        raise Refusal("部门须属于管辖区域或其上级", field="部门", value=department.name)
    if organisation is not None and not organisation.region.path.startswith(region.path):
        raise Refusal("机构须在管辖区域之内", field="机构", value=organisation.name)
    if User.objects.filter(username=username).exists():
        raise Refusal(f"用户名 {username} 已存在", field="用户名", value=username)
    password_check(password, User(username=username, display_name=display_name))
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name,
        role=role,
        region=region,
        department=department,
        organisation=organisation,
        person=person,
    )
    event_record(
        actor=actor,
        action="user.created",
        obj=user,
        to_state="active",
        payload={"role": role, "region": region.pk},
        region_path=region.path,
        department_id=department.pk if department else None,
        organisation_id=organisation.pk if organisation else None,
    )
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Lifts a lockout: forgets the account's failed logins (from every address), so it may log in at
    once instead of after the cool-off. Returns how many failures were forgotten."""
    if not can(actor.role, "account.unlock"):
        raise Refusal("只有人社局管理员可以解锁账户")
    region_path = user.region.path if user.region else ""
    if not actor.region or not region_path.startswith(actor.region.path):
        raise Refusal("该账户不在您的管辖范围内", field="账户", value=user.username)
    failures = failures_of(user.username)
    if failures == 0:
        raise Refusal("该账户没有被锁定，也没有未过期的登录失败记录", field="账户", value=user.username)
    axes_reset(username=user.username)
    event_record(
        actor=actor,
        action="user.unlocked",
        obj=user,
        from_state="locked",
        to_state="active",
        payload={"failures": failures},
        region_path=region_path,
        department_id=user.department_id,
        organisation_id=user.organisation_id,
    )
    return failures


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown once and never stored."""
    if not can(actor.role, "token.manage"):
        raise Refusal("只有培训机构、评价机构经办和人社局管理员可以签发接口令牌")
    name = name.strip()
    if not name:
        raise Refusal("请填写令牌用途，如“机构培训管理系统对接”", field="用途")
    body = secrets.token_urlsafe(32)
    secret = f"{TOKEN_PREFIX}{body}"
    token = ApiToken.objects.create(user=actor, name=name[:64], prefix=body[:8], key_hash=_hash(secret))
    event_record(
        actor=actor,
        action="api_token.issued",
        obj=token,
        to_state="active",
        payload={"name": token.name, "prefix": token.prefix},
        region_path=actor.region.path if actor.region else "",
        organisation_id=actor.organisation_id,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    event_record(
        actor=actor,
        action="api_token.revoked",
        obj=token,
        from_state="active",
        to_state="revoked",
        payload={"prefix": token.prefix},
        region_path=actor.region.path if actor.region else "",
        organisation_id=actor.organisation_id,
    )
    return token


def api_token_authenticate(secret: str) -> User | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not can(token.user.role, "token.manage"):
        # A token outlives a change of role; it must not outlive the capability.
        return None
    # Touch last_used at most once a minute: a busy integration must not write on every call.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
