"""The learning-event table's month partitions (PostgreSQL), run as the database owner.

    manage.py learning_partitions --ahead 12          # make the next 12 months' partitions
    manage.py learning_partitions --detach-before 2024-01-01   # detach older months for archiving

A detached month is an ordinary table: dump it (pg_dump -t <name>) and drop it when archived.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from jineng.online.services import partitions_detach, partitions_ensure


class Command(BaseCommand):
    help = "线上学习事件表按月分区：预建后续月份分区，或分离旧月份分区以便归档（仅 PostgreSQL）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=0, help="预建从本月起的月份数")
        parser.add_argument("--detach-before", type=dt.date.fromisoformat, help="分离在此日期前结束的月份")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("按月分区仅在 PostgreSQL 上可用；SQLite 为单表")
        today = timezone.localdate()
        if options["ahead"]:
            instants = set()
            year, month = today.year, today.month
            for _ in range(options["ahead"]):
                instants.add(dt.datetime(year, month, 15, tzinfo=dt.UTC))
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            partitions_ensure(instants)
            self.stdout.write(f"已确保 {options['ahead']} 个月份分区存在")
        if options["detach_before"]:
            names = partitions_detach(before=options["detach_before"])
            self.stdout.write("已分离：" + ("、".join(names) if names else "无"))
