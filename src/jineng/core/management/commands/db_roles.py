"""`manage.py db_roles`: print the SQL that sets up the owner and the application database roles.

    deploy/jineng-manage db_roles | runuser -u postgres -- psql -v ON_ERROR_STOP=1 -d jineng

The role names, the database and the owner's password (if its URL has one) come from DATABASE_URL and
DATABASE_OWNER_URL, or from the options. Nothing is run here: a superuser runs the printed SQL.
"""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jineng.core import dbroles


class Command(BaseCommand):
    help = "打印建立数据库所有者角色与应用角色的 SQL（以超级用户在 psql 中执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", help="应用角色（默认取 DATABASE_URL 的用户名）")
        parser.add_argument("--owner-role", help="所有者角色（默认取 DATABASE_OWNER_URL 的用户名）")
        parser.add_argument("--database", help="数据库名（默认取 DATABASE_URL 的库名）")

    def handle(self, *args: Any, **options: Any) -> None:
        app = settings.DATABASES["default"]
        owner: dict[str, Any] = (
            dict(dj_database_url.parse(settings.DATABASE_OWNER_URL)) if settings.DATABASE_OWNER_URL else {}
        )
        app_role = options["app_role"] or app.get("USER")
        owner_role = options["owner_role"] or owner.get("USER")
        database = options["database"] or app.get("NAME")
        if not app["ENGINE"].endswith("postgresql") and not options["database"]:
            raise CommandError("DATABASE_URL 不是 PostgreSQL 连接：嵌入模式（SQLite）没有数据库角色。")
        if not app_role:
            raise CommandError(
                "缺少应用角色：请在 DATABASE_URL 中写明用户名（如 postgres://jineng@/jineng），或用 --app-role 指定。"
            )
        if not owner_role:
            raise CommandError(
                "缺少所有者角色：请设置 DATABASE_OWNER_URL（含用户名），或用 --owner-role 指定。"
            )
        if app_role == owner_role:
            raise CommandError(f"应用角色与所有者角色不能相同（都是 {app_role}）。")
        if app_role == "postgres":
            raise CommandError("应用角色不能是超级用户 postgres。")
        password = owner.get("PASSWORD") if owner.get("USER") == owner_role else None
        self.stdout.write(
            dbroles.roles_sql(
                app_role=app_role,
                owner_role=owner_role,
                owner_password=password or None,
                database=str(database),
            )
        )
