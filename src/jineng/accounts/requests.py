"""The one typed request user: pages and API operations are behind authentication, and their code
works with Jineng's User, not Django's ``User | AnonymousUser`` union."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from jineng.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The logged-in user; an anonymous request that got this far is refused (403), never let through."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("请先登录")
    return user
