"""18.10: numbers as the documents write them on the dashboard — targets from 10,000 up in 万, counts
with thousands separated — and a by-region chart of the share of each region's own target, so that 5
against 200,000 is legible beside 4 against 4; a ratio a profile does not define says 未规定 with a
footnote number, the reason once under the table."""

from __future__ import annotations

import json
import re

import pytest

from jineng.conftest import World
from jineng.core.templatetags.jineng import count, wan
from jineng.progress.tests.factories import opened
from jineng.targets.models import Plan, Target

pytestmark = pytest.mark.django_db


def test_wan_and_count_write_numbers_exactly() -> None:
    assert [wan(n) for n in (200000, 7005, 123450, 10000, 47)] == ["20万", "7,005", "12.345万", "1万", "47"]
    assert [count(n) for n in (200000, 1234567, 47, None)] == ["200,000", "1,234,567", "47", ""]


def test_dashboard_writes_targets_in_wan_and_charts_the_share_of_each_target(world: World) -> None:
    # Given 金水区 with a target of 200,000 and 5 trained, 二七区 with 4 of 4
    plan = Plan.objects.create(year=2021, region=world.zhengzhou, source="测试", title="测试目标")
    Target.objects.create(plan=plan, indicator="training", region=world.jinshui, persons=200000, position=1)
    Target.objects.create(plan=plan, indicator="training", region=world.erqi, persons=4, position=2)
    opened(world, trainees=5)
    opened(world, trainees=4, region=world.erqi)
    # When the city's admin opens the dashboard
    html = world.client(world.users["hr_admin"]).get("/progress/", {"year": 2021}).content.decode()
    # Then the targets read 20万 and 4, and the chart carries each region's share of its own target
    assert '<td class="num fit">20万</td>' in html and '<td class="num fit">4</td>' in html
    chart = json.loads(re.search(r'id="chart-data" type="application/json">(.*?)</script>', html).group(1))
    shares = dict(zip(chart["names"], chart["rates"], strict=True))
    assert shares == {"金水区": 0.0025, "二七区": 100.0}
    assert chart["elapsed"] == 100.0  # 2021 is over


def test_a_ratio_the_profile_does_not_define_says_why_once_under_the_table(world: World) -> None:
    # Given Zhengzhou's two districts, under a profile that sets none of the H04 ratios for them
    html = world.client(world.users["hr_admin"]).get("/progress/", {"year": 2021}).content.decode()
    table = html[html.index('id="ratios"') : html.index('id="programmes"')]
    # Then each cell says 未规定 with its footnote, and each reason is written once, under the table
    cells = re.findall(r'<span class="unset small">(.*?)</span>', table)
    notes = re.findall(r'<p class="muted small" id="ratio-note-(\d+)">注\d+：(.*?)</p>', table)
    assert cells and all(c.startswith("未规定<sup>") or c.startswith("无政策档案<sup>") for c in cells)
    assert len(notes) == len({reason for _, reason in notes}) and len(notes) < len(cells)
    assert table.count("本政策口径未规定") == len([r for _, r in notes if "本政策口径未规定" in r])
