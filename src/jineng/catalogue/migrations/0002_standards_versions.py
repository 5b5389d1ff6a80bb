"""The 补贴标准目录 as versioned data: subsidy type, version, valid from/to, the city supplementary list
and the demo's sample mark; an existing line becomes version 1, in force from 1 January of its year."""

import datetime as dt
from typing import Any

from django.db import migrations, models


def _from_year(apps: Any, schema_editor: Any) -> None:
    item = apps.get_model("catalogue", "CatalogueItem")
    for year in item.objects.values_list("year", flat=True).distinct():
        item.objects.filter(year=year, valid_from__isnull=True).update(valid_from=dt.date(year, 1, 1))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="occupation",
            name="published_on",
            field=models.DateField(blank=True, null=True, verbose_name="新职业公布日期"),
        ),
        migrations.AddField(
            model_name="catalogueitem",
            name="subsidy_type",
            field=models.CharField(
                choices=[
                    ("skill_upgrade", "岗位技能提升培训"),
                    ("employment", "就业技能培训"),
                    ("entrepreneurship", "创业培训"),
                    ("apprenticeship", "企业新型学徒制"),
                ],
                default="skill_upgrade",
                max_length=24,
                verbose_name="补贴类型",
            ),
        ),
        migrations.AddField(
            model_name="catalogueitem",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.AddField(
            model_name="catalogueitem",
            name="valid_from",
            field=models.DateField(null=True, verbose_name="生效日期"),
        ),
        migrations.RunPython(_from_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="catalogueitem",
            name="valid_from",
            field=models.DateField(verbose_name="生效日期"),
        ),
        migrations.AddField(
            model_name="catalogueitem",
            name="valid_to",
            field=models.DateField(blank=True, null=True, verbose_name="失效日期（当日起不再有效）"),
        ),
        migrations.AddField(
            model_name="catalogueitem",
            name="supplementary",
            field=models.BooleanField(default=False, verbose_name="市级补充目录"),
        ),
        migrations.AddField(
            model_name="catalogueitem",
            name="sample",
            field=models.BooleanField(default=False, verbose_name="示例标准（演示用，非官方）"),
        ),
        migrations.AlterField(
            model_name="catalogueitem",
            name="hours",
            field=models.PositiveIntegerField(verbose_name="最低课时"),
        ),
        migrations.AlterModelOptions(
            name="catalogueitem",
            options={
                "ordering": ["region__path", "-year", "occupation__code", "trade__name", "-level", "version"],
                "verbose_name": "补贴标准目录项目",
                "verbose_name_plural": "补贴标准目录项目",
            },
        ),
        migrations.AddConstraint(
            model_name="catalogueitem",
            constraint=models.UniqueConstraint(
                fields=(
                    "region",
                    "year",
                    "occupation",
                    "trade",
                    "level",
                    "certificate_kind",
                    "subsidy_type",
                    "version",
                ),
                name="catalogue_item_version_unique",
            ),
        ),
    ]
