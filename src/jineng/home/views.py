from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jineng.accounts.requests import request_user
from jineng.core.navigation import menu_for
from jineng.home.selectors import scope_label, work_for


def _greeting() -> str:
    hour = timezone.localtime().hour
    return "早上好" if hour < 11 else "中午好" if hour < 14 else "下午好" if hour < 18 else "晚上好"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "home/index.html",
        {
            "greeting": _greeting(),
            "scope_label": scope_label(user),
            "work": work_for(user),
            "actions": menu_for(user.role),
        },
    )
