"""H01 across tables (issue 16): a figure of one plan split over others; the parts' shortfall or overrun is a
warning with its numbers, on the plan, the API and the dashboard."""

from __future__ import annotations

import pytest

from jineng.conftest import World
from jineng.core.roles import Role
from jineng.policy.targets import Indicator
from jineng.targets.models import Plan
from jineng.targets.services import RowIn, plan_create
from jineng.targets.tests.factories import department_plan

pytestmark = pytest.mark.django_db


def city_row_plan(w: World, persons: int) -> Plan:
    """A region table whose 市本级 row (the city itself) is ``persons`` high-skilled."""
    return plan_create(
        actor=None,
        year=2021,
        region=w.zhengzhou,
        source="测试总表",
        title="测试 表1",
        layout=Plan.Layout.REGION,
        rows=[
            RowIn(label="市本级", region=w.zhengzhou, figures={Indicator.HIGH_SKILLED: persons}),
            RowIn(label="金水区", region=w.jinshui, figures={Indicator.HIGH_SKILLED: 300}),
        ],
    )


def test_h01_split_overrun_and_shortfall_with_their_numbers(world: World) -> None:
    # Given 表1's 市本级 of 1400 and a department table of 1500 (市工信局 500 + 市教育局 1000)
    whole, part = city_row_plan(world, 1400), department_plan(world)
    client = world.client(world.users[Role.HR_ADMIN])
    # When the bureau records that the department table splits 市本级
    got = client.post(
        f"/api/v1/plans/{whole.pk}/splits",
        {"part_ids": [part.pk], "label": "市本级", "whole_region_id": world.zhengzhou.pk},
        content_type="application/json",
    )
    # Then the overrun is a warning with its numbers (金水区's 300 is not part of 市本级)
    assert got.status_code == 201, got.content[:300]
    assert [w.split("（规则")[0].split("：")[-1] for w in got.json()["warnings"]] == ["超出 100 人"]
    # And it shows on both plans and on the dashboard
    for plan in (whole, part):
        detail = client.get(f"/api/v1/plans/{plan.pk}").json()
        assert any("超出 100 人" in w for w in detail["warnings"]), plan.source
    board = client.get("/api/v1/progress", {"year": 2021, "indicator": "high_skilled"}).json()
    assert [w.split("：")[-1].split("（")[0] for w in board["plan_warnings"]] == ["超出 100 人"]
    assert "超出 100 人" in client.get(f"/targets/{whole.pk}/").content.decode()


def test_h01_split_of_the_whole_table_and_a_shortfall(world: World) -> None:
    whole, part = city_row_plan(world, 1400), department_plan(world)
    client = world.client(world.users[Role.HR_ADMIN])
    got = client.post(
        f"/api/v1/plans/{whole.pk}/splits",
        {"part_ids": [part.pk], "label": "合计"},
        content_type="application/json",
    )
    # 1400 + 300 = 1700 against the parts' 1500
    assert "未分解 200 人" in got.json()["warnings"][0]


def test_h01_split_refused_across_regions_or_over_itself(world: World) -> None:
    whole = city_row_plan(world, 1500)
    client = world.client(world.users[Role.HR_ADMIN])
    itself = client.post(
        f"/api/v1/plans/{whole.pk}/splits",
        {"part_ids": [whole.pk], "label": "合计"},
        content_type="application/json",
    )
    assert itself.status_code == 422 and itself.json()["details"][0]["rule"] == "H01"
    foreign = department_plan(world, foreign=True)
    assert (
        client.post(
            f"/api/v1/plans/{whole.pk}/splits",
            {"part_ids": [foreign.pk], "label": "合计"},
            content_type="application/json",
        ).status_code
        == 404
    )
