from __future__ import annotations

from django.db.models import QuerySet

from jineng.accounts.models import ApiToken, User
from jineng.accounts.roles import can


def tokens_of(user: User) -> QuerySet[ApiToken]:
    if not can(user.role, "token.manage"):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)
