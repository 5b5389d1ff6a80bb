from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from jineng.demo.services import demo_accounts, demo_load


class Command(BaseCommand):
    help = "载入演示数据（来自五份政策文件的表格），已载入则跳过；打印每个角色的演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = demo_load()
        self.stdout.write("演示数据已载入。" if loaded else "演示数据已存在，未重复载入。")
        self.stdout.write(f"\n演示账号（密码均为 {settings.JINENG_DEMO_PASSWORD}）：")
        self.stdout.write(f"  {'角色':<10}{'用户名':<12}{'姓名':<6}范围")
        for acc in demo_accounts():
            self.stdout.write(f"  {acc.role:<10}{acc.username:<12}{acc.name:<6}{acc.scope}")
        self.stdout.write("\n打开 http://127.0.0.1:8000 登录；接口文档 http://127.0.0.1:8000/api/v1/docs\n")
