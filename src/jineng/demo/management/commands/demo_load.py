from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jineng.core.errors import Refusal
from jineng.demo.services import demo_accounts, demo_load


def _pad(text: str, width: int) -> str:
    # Chinese characters take two terminal columns; str.ljust counts them as one.
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)


class Command(BaseCommand):
    help = "载入演示数据（来自五份政策文件的表格），已载入则跳过；打印每个角色的演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = demo_load()
        except Refusal as exc:
            raise CommandError(exc.render()) from None
        self.stdout.write("演示数据已载入。" if loaded else "演示数据已存在，未重复载入。")
        self.stdout.write(
            f"\n演示账号（每个角色一个，另有省级管理员一个；密码均为 {settings.JINENG_DEMO_PASSWORD}）："
        )
        self.stdout.write("  " + _pad("角色", 16) + _pad("用户名", 12) + _pad("姓名", 8) + "范围")
        for acc in demo_accounts():
            self.stdout.write(
                "  " + _pad(acc.role, 16) + _pad(acc.username, 12) + _pad(acc.name, 8) + acc.scope
            )
        self.stdout.write("\n打开 http://127.0.0.1:8000 登录；接口文档 http://127.0.0.1:8000/api/v1/docs\n")
