from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "已停用：请用 manage.py operator_create 创建平台运维账号"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("args", nargs="*")
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--noinput", "--no-input", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        # Django's command writes the account directly, with no audit event and no role rules.
        raise CommandError("createsuperuser 已停用：请用 manage.py operator_create <用户名> 创建平台运维账号")
