from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jineng.accounts.models import User
from jineng.accounts.selectors import tokens_of
from jineng.accounts.services import api_token_issue, api_token_revoke
from jineng.core.errors import Refusal
from jineng.core.permissions import require


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    require(user, "token.manage")
    secret = None
    if request.method == "POST":
        try:
            token, secret = api_token_issue(actor=user, name=request.POST.get("name", ""))
        except Refusal as exc:
            messages.error(request, exc.render())
        else:
            messages.success(request, f"已签发令牌“{token.name}”。令牌只显示这一次，请立即复制保存。")
    return render(request, "accounts/tokens.html", {"tokens": tokens_of(user), "secret": secret})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    require(user, "token.manage")
    token = get_object_or_404(tokens_of(user), pk=token_id)
    api_token_revoke(actor=user, token=token)
    messages.success(request, f"已吊销令牌“{token.name}”")
    return redirect("accounts:tokens")
