"""The request's viewer for the apps below accounts (regions, organisations, people, audit), which scope
their reads by ``core.scope.Viewer`` and so need no import of accounts. Apps above accounts use
``accounts.requests.request_user``, typed with Jineng's User."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from jineng.core.scope import Viewer


def request_viewer(request: HttpRequest) -> Viewer:
    """The logged-in user; an anonymous request that got this far is refused (403), never let through."""
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise PermissionDenied("请先登录")
    return user
