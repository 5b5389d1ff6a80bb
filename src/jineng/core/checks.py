"""System checks that need the database (`manage.py check --deploy --database default`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import connections

from jineng.core import dbroles

# Set on a connection that `manage.py migrate` has pointed at the owner role on purpose.
AS_OWNER = "JINENG_AS_OWNER"


@checks.register(checks.Tags.database)
def app_role_least_privilege(
    app_configs: Sequence[Any] | None = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """In production the application must not connect as the owner of the append-only tables (nor as
    a superuser, nor with UPDATE/DELETE/TRUNCATE on them): the owner can switch the triggers off and
    empty the audit trail and the books."""
    if settings.CONF.mode != "production":
        return []
    errors: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql" or connection.settings_dict.get(AS_OWNER):
            continue
        for finding in dbroles.owner_powers(connection):
            errors.append(
                checks.Error(
                    f"应用以最小权限角色连接数据库：{finding}。",
                    hint=(
                        "DATABASE_URL 应为只有 SELECT/INSERT 权限的应用角色，"
                        "DATABASE_OWNER_URL 为运行 migrate 的所有者角色；见 deploy/README.md 第 2 步与 manage.py db_roles。"
                    ),
                    id="jineng.E001",
                )
            )
    return errors
