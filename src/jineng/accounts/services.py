from __future__ import annotations

import hashlib
import secrets
from typing import Any

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import ApiToken, User, sanctioned
from jineng.accounts.passwords import password_check
from jineng.accounts.selectors import BELOW_ONLY_ROLES, GRANTABLE_ROLES, failures_of, may_give_below
from jineng.audit.services import event_record
from jineng.core.errors import Refusal
from jineng.core.roles import DEPT_ROLES, ORG_ROLES, REGION_ROLES, Role, can
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
    _may_grant(actor, role, region=region)
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
    _may_manage(actor, region)
    if User.objects.filter(username=username).exists():
        raise Refusal(f"用户名 {username} 已存在", field="用户名", value=username)
    candidate = User(username=username, display_name=display_name)
    password_check(password, user=candidate)
    with sanctioned():
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
    )
    return user


def _may_manage(actor: Any, region: Region | None) -> None:
    """Accounts are managed by the platform operator (admin site, commands), by the system (actor
    None: demo, fixtures), or by a bureau admin for accounts within his own region."""
    if actor is None or getattr(actor, "is_operator", False):
        return
    if (
        getattr(actor, "role", "") == Role.HR_ADMIN
        and actor.region is not None
        and region is not None
        and region.path.startswith(actor.region.path)
    ):
        return
    raise Refusal("只有平台运维人员或本辖区的人社局管理员可以管理账号", field="账号")


def _may_grant(actor: Any, role: str, *, region: Region | None, user: User | None = None) -> None:
    """A bureau's admin gives GRANTABLE_ROLES in his subtree and an admin's role only below his own region
    (BELOW_ONLY_ROLES), and never changes his own account."""
    if actor is None or getattr(actor, "is_operator", False):
        return
    if user is not None and user.pk == getattr(actor, "pk", None):
        raise Refusal("不能修改自己账号的角色、范围或启用状态", field="账号", value=user.username)
    if role in BELOW_ONLY_ROLES:
        own = actor.region.path if getattr(actor, "region", None) is not None else None
        if own is None or region is None or not may_give_below(own, role, region.path):
            raise Refusal(
                "人社局管理员账号只能为下级地区开设（本级的由上级人社局管理员或平台运维人员开设）",
                field="管辖区域",
                value=region.name if region is not None else "",
            )
        return
    if role not in GRANTABLE_ROLES:
        label = Role(role).label if role in Role.values else role
        raise Refusal(
            f"人社局管理员不能开设或修改“{label}”账号（学员账号随实名登记开设）",
            field="角色",
            value=role,
        )


def password_generate() -> str:
    """A one-time password for a new or reset account: 12 characters of letters and digits, without the
    look-alikes (0/O, 1/l/I), that passes the password policy; shown once, told to the holder in person."""
    letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"
    while True:
        chars = [secrets.choice(letters + digits) for _ in range(12)]
        text = "".join(chars)
        if any(c in digits for c in text) and any(c in letters for c in text):
            return text


@transaction.atomic
def user_open(
    *,
    actor: Any,
    username: str,
    display_name: str,
    role: str,
    region: Region | None,
    department: Department | None = None,
    organisation: Organisation | None = None,
) -> tuple[User, str]:
    """A staff or organisation account opened by the bureau's admin, with a one-time password that is
    returned (shown once) and never stored in the clear. An organisation's account is scoped to the
    organisation's own region."""
    username = username.strip()
    if not username:
        raise Refusal("请填写用户名", field="用户名")
    if organisation is not None and role in ORG_ROLES:
        region = organisation.region
    if region is None:
        raise Refusal("请选择管辖区域", field="管辖区域")
    password = password_generate()
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        display_name=display_name.strip(),
        role=role,
        region=region,
        department=department if role in DEPT_ROLES | REGION_ROLES else None,
        organisation=organisation if role in ORG_ROLES else None,
    )
    return user, password


@transaction.atomic
def user_password_reset(*, actor: Any, user: User) -> tuple[User, str]:
    """A new one-time password for someone who forgot his (the old one stops working at once)."""
    if user.role:
        _may_grant(actor, user.role, region=user.region, user=user)
    password = password_generate()
    return user_password_set(actor=actor, user=user, password=password), password


@transaction.atomic
def operator_create(*, actor: Any, username: str, password: str, display_name: str = "") -> User:
    """The platform operator: the only account that may enter the Django admin. No role and no region,
    so the application itself shows him nothing."""
    if actor is not None and not getattr(actor, "is_operator", False):
        raise Refusal("只有平台运维人员可以创建运维账号", field="账号")
    username = username.strip()
    if not username:
        raise Refusal("请填写用户名", field="用户名")
    if User.objects.filter(username=username).exists():
        raise Refusal(f"用户名 {username} 已存在", field="用户名", value=username)
    password_check(password, user=User(username=username, display_name=display_name))
    with sanctioned():
        user = User.objects.create_superuser(username=username, password=password, display_name=display_name)
    event_record(actor=actor, action="user.operator_created", obj=user, to_state="active")
    return user


@transaction.atomic
def user_password_set(*, actor: Any, user: User, password: str | None) -> User:
    """A new password (None: no usable password, the account can no longer log in with one)."""
    user = User.objects.select_for_update(of=("self",)).select_related("region").get(pk=user.pk)
    if getattr(actor, "pk", None) != user.pk:  # anyone may change his own password
        if user.role:
            _may_manage(actor, user.region)
        else:
            _operator_only(actor)
    with sanctioned():
        if password is None:
            user.set_unusable_password()
        else:
            password_check(password, user=user)
            user.set_password(password)
        user.save(update_fields=["password"])
    event_record(
        actor=actor, action="user.password_changed", obj=user, payload={"usable": password is not None}
    )
    return user


def _operator_only(actor: Any) -> None:
    if actor is not None and not getattr(actor, "is_operator", False):
        raise Refusal("只有平台运维人员可以管理运维账号", field="账号")


_UNSET: Any = object()


@transaction.atomic
def user_update(
    *,
    actor: Any,
    user: User,
    display_name: str = _UNSET,
    role: str = _UNSET,
    region: Region | None = _UNSET,
    department: Department | None = _UNSET,
    organisation: Organisation | None = _UNSET,
    is_active: bool = _UNSET,
) -> User:
    """Changes an account's role, scope, name or active state: one event per kind of change
    (user.role_changed, user.deactivated / user.reactivated, user.renamed)."""
    user = User.objects.select_for_update(of=("self",)).select_related("region").get(pk=user.pk)
    if user.role:
        _may_manage(actor, user.region)
        _may_grant(actor, user.role, region=user.region, user=user)
    else:
        _operator_only(actor)
    before = {
        "role": user.role,
        "region": user.region_id,
        "department": user.department_id,
        "organisation": user.organisation_id,
    }
    new_role = user.role if role is _UNSET else role
    new_region = user.region if region is _UNSET else region
    new_department = user.department if department is _UNSET else department
    new_organisation = user.organisation if organisation is _UNSET else organisation
    if user.role or new_role:
        if new_role not in Role.values:
            raise Refusal(f"未知角色 {new_role!r}", field="角色", value=str(new_role))
        if new_region is None:
            raise Refusal("请选择管辖区域", field="管辖区域")
        _may_manage(actor, new_region)
        _may_grant(actor, new_role, region=new_region)
        if new_role in DEPT_ROLES and new_department is None:
            raise Refusal("行业部门的审核人须指定部门", field="部门")
        if new_role in ORG_ROLES and new_organisation is None:
            raise Refusal("机构经办须指定机构", field="机构")
        if new_role == Role.TRAINEE and user.person_id is None:
            raise Refusal("学员账号须关联实名登记的人员", field="本人")
        if new_department is not None and not new_region.path.startswith(new_department.region.path):
            raise Refusal("部门须属于管辖区域或其上级", field="部门", value=new_department.name)
        if new_organisation is not None and not new_organisation.region.path.startswith(new_region.path):
            raise Refusal("机构须在管辖区域之内", field="机构", value=new_organisation.name)
        if user.is_superuser or user.is_staff:
            raise Refusal("运维账号不能担任业务角色", field="角色")
    fields: list[str] = []
    with sanctioned():
        user.role = new_role
        user.region = new_region
        # A department is a reviewer's scope and, for bureau staff, their home unit: kept as given. An
        # organisation only scopes a clerk.
        user.department = new_department
        user.organisation = new_organisation if new_role in ORG_ROLES else None
        after = {
            "role": user.role,
            "region": user.region_id,
            "department": user.department_id,
            "organisation": user.organisation_id,
        }
        if after != before:
            fields += ["role", "region", "department", "organisation"]
        if display_name is not _UNSET and display_name.strip() != user.display_name:
            user.display_name = display_name.strip()
            fields.append("display_name")
        was_active = user.is_active
        if is_active is not _UNSET and bool(is_active) != was_active:
            user.is_active = bool(is_active)
            fields.append("is_active")
        if not fields:
            return user
        user.save(update_fields=fields)
    if after != before:
        event_record(
            actor=actor,
            action="user.role_changed",
            obj=user,
            from_state=str(before["role"]),
            to_state=user.role,
            payload={"before": before, "after": after},
        )
    if "is_active" in fields:
        event_record(
            actor=actor,
            action="user.deactivated" if not user.is_active else "user.reactivated",
            obj=user,
            from_state="active" if was_active else "inactive",
            to_state="active" if user.is_active else "inactive",
        )
    if "display_name" in fields:
        event_record(
            actor=actor, action="user.renamed", obj=user, payload={"display_name": user.display_name}
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
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user__region").get(pk=token.pk)
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
        # The owner's scope, so his city's auditor sees the revocation whoever made it (owner, his
        # bureau admin or the platform operator).
        region_path=token.user.region.path if token.user.region else "",
        organisation_id=token.user.organisation_id,
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
