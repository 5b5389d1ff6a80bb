"""`manage.py migrate`, as the owner role when DATABASE_OWNER_URL is set.

The web processes and workers connect as the application role (DATABASE_URL), which owns nothing and
may only SELECT and INSERT on the append-only tables. Migrations need the owner: with
DATABASE_OWNER_URL set, this command points the default connection at the owner for the run, migrates, and then gives the application role its
privileges on every table (jineng.core.dbroles.privileges_grant), so that the tables of this run's
migrations get theirs too. Without DATABASE_OWNER_URL it is Django's migrate, unchanged (the
embedded mode, the tests, a single-role install: `check --deploy --database default` refuses the
latter in production).
"""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from jineng.core import dbroles
from jineng.core.checks import AS_OWNER

SWAPPED = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " 设置了 DATABASE_OWNER_URL 时以所有者角色迁移，随后授予应用角色各表权限。"

    def handle(self, *args: Any, **options: Any) -> None:
        owner_url = settings.DATABASE_OWNER_URL
        if not owner_url or options["database"] != DEFAULT_DB_ALIAS:
            super().handle(*args, **options)
            return
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            raise CommandError("DATABASE_OWNER_URL 只用于 PostgreSQL：DATABASE_URL 也应为 PostgreSQL 连接。")
        owner: dict[str, Any] = dict(dj_database_url.parse(owner_url))
        app = connection.settings_dict
        if owner["NAME"] != app["NAME"]:
            raise CommandError(
                f"DATABASE_OWNER_URL 的数据库 {owner['NAME']!r} 与 DATABASE_URL 的 {app['NAME']!r} 不同。"
            )
        app_role = str(app["USER"])  # config.load makes sure that DATABASE_URL names it
        connection.close()
        kept = {key: app.get(key) for key in SWAPPED}
        app.update({key: owner.get(key) or "" for key in SWAPPED})
        app[AS_OWNER] = True
        try:
            owner_role = dbroles.current_role(connection)
            if owner_role == app_role:
                raise CommandError(
                    f"DATABASE_OWNER_URL 与 DATABASE_URL 是同一个数据库角色 {app_role}：应用须以另一个只有最小权限的角色连接。"
                )
            super().handle(*args, **options)
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                tables = dbroles.privileges_grant(connection, app_role)
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"已以所有者角色 {owner_role} 迁移，并授予应用角色 {app_role} 全部 {tables} 张表的权限。"
                )
        finally:
            connection.close()
            app.pop(AS_OWNER, None)
            app.update(kept)
