"""``manage.py check_worker``: is a Celery worker listening on the broker, and does it answer?"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from jineng.celery import app
from jineng.core.tasks import broker_roundtrip, split_roundtrip


def _broker_for_humans() -> str:
    """The broker URL for a message: scheme, host, port and database, never the password."""
    parsed = urlsplit(str(app.conf.broker_url or ""))
    if not parsed.scheme:
        return "(未设置)"
    host = parsed.hostname or ""
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{host}{port}{parsed.path}"


class Command(BaseCommand):
    help = "向消息队列发送一个回声任务，确认至少有一个 Celery worker 在线并能应答（运维检查，不读写数据库）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="等待 worker 应答的最长秒数（默认 10）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        timeout: float = options["timeout"]
        if timeout <= 0:
            raise CommandError("--timeout 必须大于 0 秒")
        eager = bool(app.conf.task_always_eager)
        nonce = secrets.token_hex(8)
        started = time.monotonic()
        try:
            # expires: if no worker takes it in time, a worker that starts later drops it unrun.
            result = broker_roundtrip.apply_async(args=[nonce], expires=timeout)
        except (OperationalError, RedisError, OSError) as exc:
            raise CommandError(
                f"无法把任务送进消息队列 {_broker_for_humans()}：{exc}。"
                "请检查 REDIS_URL 是否正确、Redis 服务是否在运行。"
            ) from exc
        try:
            answer = result.get(timeout=timeout)
        except CeleryTimeoutError:
            raise CommandError(
                f"{timeout:g} 秒内没有任何 Celery worker 应答（消息队列 {_broker_for_humans()}）。"
                "请确认 worker 已启动（systemctl status jineng-worker），"
                "并且与网站使用同一个 REDIS_URL。"
            ) from None
        except (OperationalError, RedisError, OSError) as exc:
            raise CommandError(
                f"等待应答时无法读取结果存储 {_broker_for_humans()}：{exc}。请检查 Redis 服务。"
            ) from exc
        elapsed = time.monotonic() - started
        got_nonce, worker = split_roundtrip(str(answer))
        if got_nonce != nonce:
            raise CommandError(f"worker 的应答与发出的任务不符（发出 {nonce!r}，收到 {answer!r}）。")
        if not eager:
            result.forget()
            self.stdout.write(f"OK worker {worker} 已应答，用时 {elapsed:.2f} 秒。")
        else:
            self.stdout.write(
                f"OK 嵌入模式：任务在本进程内执行（CELERY_TASK_ALWAYS_EAGER），不需要单独的 worker（{worker}）。"
            )
