"""``manage.py outbox_watchdog``: one pass of the outbox watchdog, for cron in the embedded mode and for
an operator after the broker was down (celery beat runs the same pass every minute in production)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jineng.outbox.services import outbox_watchdog


class Command(BaseCommand):
    help = "后台任务看护：重发未送达或未完成的任务，放弃多次未能完成的任务并向用户说明原因"

    def handle(self, *args: Any, **options: Any) -> None:
        watch = outbox_watchdog()
        line = (
            f"已完成 {watch.done}，已发送 {watch.sent}，等待消息队列 {watch.waiting}，"
            f"已放弃 {watch.failed}，清理 {watch.pruned}"
        )
        if watch.error:
            line += f"。消息队列不可用：{watch.error}"
        self.stdout.write(line)
