from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jineng.catalogue.services import ImportRejected, catalogue_import
from jineng.core.errors import Refusal
from jineng.regions.models import Region


class Command(BaseCommand):
    help = "导入补贴性培训项目目录（xlsx，全部正确才写入）：catalogue_import 目录.xlsx --region-code 410000 --year 2023"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--region-code", required=True)
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region_code"]).first()
        if region is None:
            raise CommandError(f"没有代码为 {options['region_code']} 的区域")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            result = catalogue_import(
                actor=None, region=region, year=options["year"], content=path.read_bytes()
            )
        except ImportRejected as exc:
            for e in exc.errors:
                where = f"第{e.row}行" if e.row else "文件"
                self.stderr.write(f"{where} {e.column}「{e.value}」：{e.message}")
            raise CommandError(exc.message) from None
        except Refusal as exc:
            raise CommandError(exc.render()) from None
        self.stdout.write(
            f"{region.name} {options['year']} 年目录：新增 {result.created} 项，更新 {result.updated} 项，"
            f"新增工种 {result.trades_created} 个"
        )
