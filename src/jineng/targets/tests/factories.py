"""Plans for tests, made through the service (so they carry their audit events like real ones)."""

from __future__ import annotations

from itertools import count
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.conftest import World
from jineng.core.xlsx import workbook_bytes
from jineng.policy.targets import Indicator
from jineng.targets.models import Control, Plan, PlanImport
from jineng.targets.services import ControlIn, RowIn, plan_create

_serial = count(1)


def department_plan(w: World, *, foreign: bool = False, year: int = 2021) -> Plan:
    """市工信局 500 / 市教育局 1000 high-skilled, 合计 1600 (100 more than the rows: an H01 warning)."""
    region = w.xuchang if foreign else w.zhengzhou
    industry = w.xc_industry if foreign else w.zz_industry
    rows = [
        RowIn(label=industry.name, region=region, department=industry, figures={Indicator.HIGH_SKILLED: 500})
    ]
    if not foreign:
        rows.append(
            RowIn(
                label="市教育局",
                region=region,
                department=w.zz_education,
                figures={Indicator.HIGH_SKILLED: 1000},
            )
        )
    return plan_create(
        actor=None,
        year=year,
        region=region,
        source=f"测试表{next(_serial)}",
        title="测试分解表（市直部门）",
        layout=Plan.Layout.DEPARTMENT,
        rows=rows,
        controls=[ControlIn(Indicator.HIGH_SKILLED, "合计", 1600, Control.Covers.ALL, "测试表 合计")],
    )


def region_plan(w: World) -> Plan:
    return plan_create(
        actor=None,
        year=2021,
        region=w.zhengzhou,
        source=f"测试表{next(_serial)}",
        title="测试分解表（按地区）",
        layout=Plan.Layout.REGION,
        rows=[
            RowIn(label="市本级", region=w.zhengzhou, figures={Indicator.SUBSIDISED: 100000}),
            RowIn(label="金水区", region=w.jinshui, figures={Indicator.SUBSIDISED: 25000}),
            RowIn(label="二七区", region=w.erqi, figures={Indicator.SUBSIDISED: 15000}),
        ],
        controls=[
            ControlIn(Indicator.SUBSIDISED, "郑州市总计", 140000, Control.Covers.ALL, "测试表"),
            ControlIn(Indicator.SUBSIDISED, "县（市、区）合计", 40000, Control.Covers.BELOW, "测试表"),
        ],
    )


def refused_import(w: World, *, foreign: bool = False) -> PlanImport:
    return PlanImport.objects.create(
        year=2021,
        region=w.xuchang if foreign else w.zhengzhou,
        source="测试导入",
        title="测试",
        layout="region",
        filename="bad.xlsx",
        state=PlanImport.State.REFUSED,
        report=[
            {
                "row": 3,
                "field": "地区",
                "value": "火星区",
                "rule": "格式",
                "clause": "模板",
                "message": "没有这个地区",
            }
        ],
        created_by=w.users["hr_admin"] if not foreign else w.outsiders["hr_admin"],
    )


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    return workbook_bytes("目标任务", headers, rows)


class Rewinding(SimpleUploadedFile):
    """A test upload that can be sent twice (the scope matrix posts the same body as outsider and insider)."""

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        self.seek(0)
        return super().read(*args, **kwargs)


def upload(headers: list[str], rows: list[list[Any]], name: str = "plan.xlsx") -> SimpleUploadedFile:
    return Rewinding(name, xlsx(headers, rows))
