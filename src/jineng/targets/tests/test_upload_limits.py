"""Issue 12: the plan table goes through the upload reader; refused whole, no plan written."""

from __future__ import annotations

import pytest

from jineng.core.tests import hostile
from jineng.targets.models import Plan, PlanImport, Target
from jineng.targets.services import plan_import

pytestmark = pytest.mark.django_db


def test_a_plan_table_beyond_the_limits_is_refused_and_nothing_is_written(world) -> None:
    record = plan_import(
        actor=world.users["hr_admin"],
        year=2023,
        region=world.zhengzhou,
        source="测试附件1",
        title="测试目标任务",
        layout="region",
        content=hostile.far_cell(),
        filename="plan.xlsx",
    )
    assert record.state == PlanImport.State.REFUSED
    assert record.report[0]["message"] == (
        "工作表实际使用的范围 A1:XFD1048576 超过上限（最多 100000 行、200 列、共 1000000 个单元格）"
        "（规则 格式，依据 目标任务导入模板）"
    )
    assert (Plan.objects.count(), Target.objects.count()) == (0, 0)
