from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jineng.accounts.services import operator_create
from jineng.core.errors import Refusal


class Command(BaseCommand):
    help = (
        "创建平台运维账号（唯一可进入 /admin/ 的账号；没有业务角色，在系统页面中看不到任何业务数据）。"
        "密码从 JINENG_OPERATOR_PASSWORD 读取，未设置时在终端输入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="平台运维", help="显示名")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("JINENG_OPERATOR_PASSWORD") or ""
        if not password:
            if not os.isatty(0):
                raise CommandError("请设置 JINENG_OPERATOR_PASSWORD，或在终端中运行以输入密码")
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        try:
            user = operator_create(
                actor=None, username=options["username"], password=password, display_name=options["name"]
            )
        except Refusal as exc:
            raise CommandError(exc.render()) from None
        self.stdout.write(f"已创建平台运维账号 {user.username}；登录 /admin/。")
