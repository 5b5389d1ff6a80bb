from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jineng.accounts.lockout import cool_off_minutes
from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.accounts.selectors import (
    BELOW_ONLY_ROLES,
    OPENABLE_ROLES,
    accounts_manageable,
    lockouts_of,
    tokens_of,
    unlockable_users,
)
from jineng.accounts.services import (
    api_token_issue,
    api_token_revoke,
    user_open,
    user_password_reset,
    user_unlock,
    user_update,
)
from jineng.core.errors import Refusal
from jineng.core.feedback import act, act_returning, refused
from jineng.core.permissions import require
from jineng.core.roles import DEPT_ROLES, ORG_ROLES, Role
from jineng.orgs.selectors import organisations_visible
from jineng.regions.selectors import assignable_regions, departments_visible


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user: User = request_user(request)
    require(user, "token.manage")
    secret = None
    if request.method == "POST":
        try:
            token, secret = api_token_issue(actor=user, name=request.POST.get("name", ""))
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(request, f"已签发令牌“{token.name}”。令牌只显示这一次，请立即复制保存。")
    return render(request, "accounts/tokens.html", {"tokens": tokens_of(user), "secret": secret})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request_user(request)
    require(user, "token.manage")
    token = get_object_or_404(tokens_of(user), pk=token_id)
    api_token_revoke(actor=user, token=token)
    messages.success(request, f"已吊销令牌“{token.name}”")
    return redirect("accounts:tokens")


@login_required
def lockout_list(request: HttpRequest) -> HttpResponse:
    user: User = request_user(request)
    require(user, "account.unlock")
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": lockouts_of(user),
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": cool_off_minutes(),
        },
    )


@login_required
@require_POST
def lockout_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    user: User = request_user(request)
    require(user, "account.unlock")
    target = get_object_or_404(unlockable_users(user), pk=user_id)
    act(
        request,
        f"已解锁账户 {target.username}（{target.label}），可立即登录",
        lambda: user_unlock(actor=user, user=target),
    )
    return redirect("accounts:lockouts")


# --- 18.3 设置 / 账号管理: the bureau's admin opens and keeps the staff and organisation accounts of his
# region subtree, without the Django admin. Every change goes through accounts.services (audited).


def _chosen(qs: QuerySet[Any], raw: str | None) -> Any:
    """The chosen row of an in-scope list; a choice outside it is 404, no choice None."""
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404("选项无效") from None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404("没有这一项，或不在您的管辖范围内")
    return found


def _role(raw: str | None) -> str:
    if raw not in OPENABLE_ROLES:
        raise Http404("没有这个可开设的角色")
    return str(raw)


def _choices(user: User) -> dict[str, Any]:
    return {
        "roles": [
            (r.value, f"{r.label}（下级地区）" if r in BELOW_ONLY_ROLES else r.label)
            for r in Role
            if r in OPENABLE_ROLES
        ],
        "dept_roles": sorted(DEPT_ROLES),
        "org_roles": sorted(ORG_ROLES),
        "regions": assignable_regions(user, "account.manage"),
        "departments": departments_visible(user).order_by("region__path", "name"),
        "organisations": organisations_visible(user).order_by("region__path", "name"),
    }


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    user: User = request_user(request)
    require(user, "account.manage")
    opened = None
    if request.method == "POST":
        role = _role(request.POST.get("role"))
        region = _chosen(assignable_regions(user, "account.manage"), request.POST.get("region"))
        department = _chosen(departments_visible(user), request.POST.get("department"))
        organisation = _chosen(organisations_visible(user), request.POST.get("organisation"))
        username = request.POST.get("username", "").strip()
        opened = act_returning(
            request,
            f"已开设账号 {username}。初始密码只显示这一次，请当面告知本人，并请其登录后在“修改密码”中更改。",
            lambda: user_open(
                actor=user,
                username=username,
                display_name=request.POST.get("display_name", ""),
                role=role,
                region=region or user.region,
                department=department,
                organisation=organisation,
            ),
        )
    accounts = accounts_manageable(user)
    role_filter = request.GET.get("role", "")
    if role_filter in OPENABLE_ROLES:
        accounts = accounts.filter(role=role_filter)
    q = request.GET.get("q", "").strip()
    if q:
        accounts = accounts.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return render(
        request,
        "accounts/users.html",
        {
            "accounts": accounts,
            "opened": opened,
            "role_filter": role_filter,
            "q": q,
            **_choices(user),
        },
    )


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    user: User = request_user(request)
    require(user, "account.manage")
    account = get_object_or_404(accounts_manageable(user), pk=user_id)
    if request.method == "POST":
        role = _role(request.POST.get("role"))
        region = _chosen(assignable_regions(user, "account.manage"), request.POST.get("region"))
        department = _chosen(departments_visible(user), request.POST.get("department"))
        organisation = _chosen(organisations_visible(user), request.POST.get("organisation"))
        if organisation is not None and role in ORG_ROLES:
            region = organisation.region
        act(
            request,
            f"已保存账号 {account.username} 的角色和范围",
            lambda: user_update(
                actor=user,
                user=account,
                display_name=request.POST.get("display_name", account.display_name),
                role=role,
                region=region or account.region,
                department=department if role not in ORG_ROLES else None,
                organisation=organisation if role in ORG_ROLES else None,
            ),
        )
        return redirect("accounts:user", user_id=account.pk)
    return _user_page(request, user, account)


def _user_page(request: HttpRequest, user: User, account: User, password: str | None = None) -> HttpResponse:
    return render(
        request,
        "accounts/user.html",
        {"account": account, "password": password, **_choices(user)},
    )


@login_required
@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    user: User = request_user(request)
    require(user, "account.manage")
    account = get_object_or_404(accounts_manageable(user), pk=user_id)
    active = request.POST.get("active") == "1"
    act(
        request,
        f"已{'启用' if active else '停用'}账号 {account.username}（{account.label}）",
        lambda: user_update(actor=user, user=account, is_active=active),
    )
    return redirect("accounts:user", user_id=account.pk)


@login_required
@require_POST
def user_password(request: HttpRequest, user_id: int) -> HttpResponse:
    user: User = request_user(request)
    require(user, "account.manage")
    account = get_object_or_404(accounts_manageable(user), pk=user_id)
    result = act_returning(
        request,
        f"已重置账号 {account.username} 的密码，原密码即时失效。新密码只显示这一次，请当面告知本人。",
        lambda: user_password_reset(actor=user, user=account),
    )
    account.refresh_from_db()
    return _user_page(request, user, account, result[1] if result else None)
