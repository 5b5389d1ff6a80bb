from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jineng.accounts.models import User
from jineng.accounts.services import user_password_set
from jineng.core.errors import Refusal


class Command(BaseCommand):
    """Replaces django.contrib.auth's: the password goes through accounts.services, checked against
    the one password policy, and leaves an audit event."""

    help = "修改账号密码（记审计事件）。密码从 JINENG_NEW_PASSWORD 读取，未设置时在终端输入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--database", help="（忽略，与 Django 原命令兼容）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户名为 {options['username']} 的账号")
        password = os.environ.get("JINENG_NEW_PASSWORD") or ""
        if not password:
            if not os.isatty(0):
                raise CommandError("请设置 JINENG_NEW_PASSWORD，或在终端中运行以输入密码")
            password = getpass.getpass("新密码：")
            if password != getpass.getpass("再次输入新密码："):
                raise CommandError("两次输入的密码不一致")
        try:
            user_password_set(actor=None, user=user, password=password)
        except Refusal as exc:
            raise CommandError(exc.render()) from None
        self.stdout.write(f"已修改 {user.username} 的密码。")
