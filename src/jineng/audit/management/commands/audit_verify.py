"""`manage.py audit_verify [--region PATH]`: walk each region's hash chain of audit events and
report the first broken link of each (jineng.audit.chain). Exit status 0 when every chain holds, 1
when one is broken."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from jineng.audit import chain
from jineng.audit.models import ChainHead, Event

WHAT = {
    "hash": "内容与哈希不符（事件被改动）",
    "prev_hash": "前一哈希与链上前一事件不符（事件被删除、插入或调换）",
    "head": "链头与链上最后一条事件不符（链尾事件被删除，或链头被改动）",
}


def region_label(path: str) -> str:
    return path or "（无地区）"


def describe(broken: chain.Break) -> str:
    where = f"事件 #{broken.event_id}" if broken.event_id is not None else "链头"
    return (
        f"地区 {region_label(broken.region_path)} 的{where}：{WHAT[broken.what]}；"
        f"应为 {broken.expected or '（空）'}，实为 {broken.found or '（空）'}"
    )


class Command(BaseCommand):
    help = "逐条校验各地区审计事件的哈希链，报告每条链上第一个断点；链完整时退出码 0，有断点时 1。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="只校验该地区路径（region_path）的链，如 /410000/410100/")

    def handle(self, *args: Any, **options: Any) -> None:
        region: str | None = options["region"]
        connection = connections[DEFAULT_DB_ALIAS]
        fresh = not connection.in_atomic_block
        with transaction.atomic():
            if fresh and connection.vendor == "postgresql":
                # Events and heads from one snapshot, while writers go on.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            events = Event.objects.order_by("id")
            heads = ChainHead.objects.all()
            if region is not None:
                events = events.filter(region_path=region)
                heads = heads.filter(region_path=region)
            report = chain.verify(
                chain.rows(
                    events.values_list("id", "prev_hash", "hash", *chain.COLUMNS).iterator(chunk_size=10_000)
                ),
                dict(heads.values_list("region_path", "hash")),
                regions={region} if region is not None else None,
            )
        scope = f"地区 {region_label(region)} 的" if region is not None else ""
        if not report.breaks:
            self.stdout.write(f"{scope}审计链完整：{report.chains} 条链，共 {report.events} 条事件。")
            return
        first = report.breaks[0]
        self.stdout.write(
            f"{scope}审计链断裂：{len(report.breaks)} 条链有断点（共 {report.chains} 条链、{report.events} 条事件）。"
        )
        self.stdout.write(f"第一个断点：{describe(first)}")
        for broken in report.breaks[1:]:
            self.stdout.write(f"另一断点：{describe(broken)}")
        sys.exit(1)
