from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.accounts.schemas import AccountIn, AccountOpened, AccountOut, AccountPatch, MeOut
from jineng.accounts.selectors import OPENABLE_ROLES, accounts_manageable
from jineng.accounts.services import user_open, user_password_reset, user_update
from jineng.core.errors import Refusal
from jineng.core.permissions import require
from jineng.core.roles import CAPABILITIES, Role, can
from jineng.orgs.selectors import organisations_visible
from jineng.regions.selectors import assignable_regions, departments_visible

router = Router()


@router.get("/me", response=MeOut, summary="当前用户与权限")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        display_name=user.label,  # type: ignore[union-attr]
        role=user.role,  # type: ignore[union-attr]
        role_label=Role(user.role).label if user.role else "",  # type: ignore[union-attr]
        region=user.region.name if user.region else None,  # type: ignore[union-attr]
        department=user.department.name if user.department else None,  # type: ignore[union-attr]
        organisation=user.organisation.name if user.organisation else None,  # type: ignore[union-attr]
        capabilities=sorted(c for c in CAPABILITIES if can(user.role, c)),  # type: ignore[union-attr]
    )


# --- 18.3: the bureau's admin keeps the staff and organisation accounts of his region subtree.


def account_out(user: User) -> AccountOut:
    return AccountOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=Role(user.role).label if user.role else "",
        region_id=user.region_id,
        region=user.region.name if user.region else None,
        department_id=user.department_id,
        organisation_id=user.organisation_id,
        is_active=user.is_active,
    )


def _in_scope(qs: QuerySet[Any], pk: int | None) -> Any:
    return None if pk is None else get_object_or_404(qs, pk=pk)


def _grantable(role: str) -> str:
    if role not in OPENABLE_ROLES:
        raise Refusal(f"不能开设这个角色的账号：{role}", field="角色", value=role)
    return role


@router.get("/users", response=list[AccountOut], summary="本辖区工作人员和机构经办的账号（人社局管理员）")
def accounts(request: HttpRequest, role: str = "") -> list[AccountOut]:
    user = request_user(request)
    require(user, "account.manage")
    qs = accounts_manageable(user)
    if role:
        qs = qs.filter(role=role)
    return [account_out(u) for u in qs]


@router.post("/users", response={201: AccountOpened}, summary="开设账号（返回只显示一次的初始密码）")
def account_open(request: HttpRequest, data: AccountIn) -> Status:
    user = request_user(request)
    require(user, "account.manage")
    region = _in_scope(assignable_regions(user, "account.manage"), data.region_id)
    department = _in_scope(departments_visible(user), data.department_id)
    organisation = _in_scope(organisations_visible(user), data.organisation_id)
    opened, password = user_open(
        actor=user,
        username=data.username,
        display_name=data.display_name,
        role=_grantable(data.role),
        region=region or user.region,
        department=department,
        organisation=organisation,
    )
    return Status(201, AccountOpened(account=account_out(opened), password=password))


@router.patch("/users/{user_id}", response=AccountOut, summary="修改账号的姓名、角色、范围或启用状态")
def account_update(request: HttpRequest, user_id: int, data: AccountPatch) -> AccountOut:
    user = request_user(request)
    require(user, "account.manage")
    account = get_object_or_404(accounts_manageable(user), pk=user_id)
    changes: dict[str, Any] = {}
    if data.display_name is not None:
        changes["display_name"] = data.display_name
    if data.role is not None:
        changes["role"] = _grantable(data.role)
    if data.region_id is not None:
        changes["region"] = _in_scope(assignable_regions(user, "account.manage"), data.region_id)
    if data.department_id is not None:
        changes["department"] = _in_scope(departments_visible(user), data.department_id)
    if data.organisation_id is not None:
        changes["organisation"] = _in_scope(organisations_visible(user), data.organisation_id)
    if data.is_active is not None:
        changes["is_active"] = data.is_active
    return account_out(user_update(actor=user, user=account, **changes))


@router.post(
    "/users/{user_id}/password", response=AccountOpened, summary="重置密码（返回只显示一次的新密码）"
)
def account_password_reset(request: HttpRequest, user_id: int) -> AccountOpened:
    user = request_user(request)
    require(user, "account.manage")
    account = get_object_or_404(accounts_manageable(user), pk=user_id)
    account, password = user_password_reset(actor=user, user=account)
    return AccountOpened(account=account_out(account), password=password)
