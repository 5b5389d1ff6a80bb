from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jineng.accounts.lockout import cool_off_minutes
from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.accounts.selectors import lockouts_of, tokens_of, unlockable_users
from jineng.accounts.services import api_token_issue, api_token_revoke, user_unlock
from jineng.core.errors import Refusal
from jineng.core.feedback import act, refused
from jineng.core.permissions import require


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
