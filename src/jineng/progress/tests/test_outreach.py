"""H08 publicity items against the profile's minimums, and H02 competitions counted on the dashboard."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.progress import board
from jineng.progress.models import Competition, MediaItem, MediaLevel
from jineng.progress.selectors import media_compliance
from jineng.progress.services import (
    actuals_refresh,
    competition_record,
    competition_withdraw,
    media_item_record,
    media_item_withdraw,
)
from jineng.regions.models import Region
from jineng.regions.services import region_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2023, 12, 31)
XC23_COUNTY = "XC23 三(四) 各县（市、区）在县级以上媒体发布宣传信息不少于3篇"
XC23_DEPT = "XC23 三(四) 市直各成员单位在市级以上媒体发布宣传信息不少于1篇"


def _item(w: World, n: int, level: int, *, region: Region | None = None, **kw: Any) -> MediaItem:
    return media_item_record(
        actor=kw.pop("actor", w.outsiders[Role.HR_ADMIN]),
        region=region,
        department=kw.pop("department", None),
        title=f"技能许昌宣传第{n}篇",
        media_name=kw.pop("media_name", "许昌日报"),
        media_level=level,
        published_on=kw.pop("on", dt.date(2023, 5, n % 28 + 1)),
        link=f"https://example.org/{n}",
        today=TODAY,
    )


@pytest.fixture
def jianan(world: World) -> Region:
    return region_create(actor=None, name="建安区", kind="district", parent=world.xuchang, code="411003")


@pytest.fixture
def xuchang_2023(world: World, jianan: Region) -> None:
    """魏都区 3 items in county media (meets XC23's 3); 建安区 2 in county media and 1 in a township
    newsletter (short by 1); 市工信局 2 in county media (short by 1: a department needs city media) and
    one city-level item withdrawn; one 2022 item of 建安区 in provincial media (another year)."""
    for n in (1, 2, 3):
        _item(world, n, MediaLevel.COUNTY, region=world.weidu)
    _item(world, 4, MediaLevel.COUNTY, region=jianan)
    _item(world, 5, MediaLevel.COUNTY, region=jianan)
    _item(world, 6, MediaLevel.OTHER, region=jianan, media_name="五女店镇简报")
    _item(world, 7, MediaLevel.COUNTY, department=world.xc_industry)
    _item(world, 8, MediaLevel.COUNTY, department=world.xc_industry)
    wrong = _item(world, 9, MediaLevel.CITY, department=world.xc_industry)
    media_item_withdraw(actor=world.outsiders[Role.HR_ADMIN], item=wrong, reason="重复登记")
    _item(world, 10, MediaLevel.PROVINCE, region=jianan, on=dt.date(2022, 11, 1))


def _rows(standings: list[Any]) -> list[tuple[str, int, int, int, int]]:
    return [(s.name, s.counted, s.below, s.minimum, s.shortfall) for s in standings]


def test_h08_xc23_county_and_department_standings_apply_the_media_level(
    world: World, jianan: Region, xuchang_2023: None
) -> None:
    # When Xuchang's 2023 standing is judged under XC23
    c = media_compliance(world.outsiders[Role.HR_ADMIN], world.xuchang, 2023)
    # Then 魏都区 meets 3; 建安区 has 2 counted (the township newsletter is listed, not counted)
    assert c.refusal == ""
    assert _rows(c.counties) == [("魏都区", 3, 0, 3, 0), ("建安区", 2, 1, 3, 1)]
    # and 市工信局's county-level items do not count for a city department; the withdrawn one neither
    assert _rows(c.departments) == [("市工信局", 0, 2, 1, 1)]
    # and the violations name H08 and the clause
    assert [(v.rule, v.clause, v.message) for v in c.violations] == [
        ("H08", XC23_COUNTY, "建安区在县级以上媒体发布宣传信息 2 篇，应不少于 3 篇，差 1 篇"),
        ("H08", XC23_DEPT, "市工信局在市级以上媒体发布宣传信息 0 篇，应不少于 1 篇，差 1 篇"),
    ]


def test_h08_page_and_xlsx_show_the_shortfall(world: World, jianan: Region, xuchang_2023: None) -> None:
    client = world.client(world.outsiders[Role.HR_ADMIN])
    page = client.get("/progress/media/", {"year": 2023}).content.decode()
    assert "差 1 篇" in page and "五女店镇简报" in page and XC23_COUNTY in page
    response = client.get("/progress/media/", {"year": 2023, "format": "xlsx", "sheet": "compliance"})
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None
    assert [list(r) for r in ws.iter_rows(min_row=2, values_only=True)] == [
        [1, "县（市、区）", "魏都区", 3, 0, 3, 0, "达标"],
        [2, "县（市、区）", "建安区", 2, 1, 3, 1, "未达标"],
        [3, "市直部门", "市工信局", 0, 2, 1, 1, "未达标"],
    ]
    items = client.get("/progress/media/", {"year": 2023, "format": "xlsx"})
    sheet = load_workbook(BytesIO(items.content)).active
    assert sheet is not None and sheet.max_row == 1 + 9  # the 2023 items, the withdrawn one included


def test_h08_api_compliance(world: World, jianan: Region, xuchang_2023: None) -> None:
    got = world.client(world.outsiders[Role.HR_ADMIN]).get(
        "/api/v1/progress/media/compliance", {"year": 2023, "region_id": world.xuchang.pk}
    )
    assert got.status_code == 200
    body = got.json()
    assert body["refusal"] == "" and body["rule"] == "H08"
    assert [(s["name"], s["counted"], s["shortfall"], s["ok"]) for s in body["counties"]] == [
        ("魏都区", 3, 0, True),
        ("建安区", 2, 1, False),
    ]
    assert [(s["name"], s["counted"], s["below"], s["shortfall"]) for s in body["departments"]] == [
        ("市工信局", 0, 2, 1)
    ]


def test_h08_zz21_refuses_with_not_set_never_zero(world: World) -> None:
    # Given a Zhengzhou county item in 2021, under ZZ21 (which fixes no count)
    _item(
        world,
        1,
        MediaLevel.COUNTY,
        region=world.jinshui,
        actor=world.users[Role.HR_ADMIN],
        on=dt.date(2021, 5, 6),
    )
    # When the standing is asked for
    c = media_compliance(world.users[Role.HR_ADMIN], world.zhengzhou, 2021)
    # Then it is refused with the profile's reason, and no county is judged against zero
    assert c.refusal.startswith(
        "本政策口径未规定“各县在县级以上媒体发布宣传信息最少篇数”（规则 H08，政策档案 ZZ21"
    )
    assert c.counties == [] and c.departments == [] and c.violations == []
    page = world.client(world.users[Role.HR_ADMIN]).get("/progress/media/", {"year": 2021}).content.decode()
    assert "本政策口径未规定" in page and 'id="counties"' not in page


def test_h08_department_user_records_only_for_its_own_department(world: World) -> None:
    clerk = world.users[Role.DEPT_FIRST]  # 郑州市 · 市工信局
    item = _item(world, 1, MediaLevel.CITY, department=world.zz_industry, actor=clerk)
    assert (item.region, item.department) == (world.zhengzhou, world.zz_industry)
    with pytest.raises(Refusal, match="行业部门只能为本部门登记"):
        _item(world, 2, MediaLevel.CITY, department=world.zz_education, actor=clerk)
    with pytest.raises(Refusal, match="行业部门登记时须选择本部门"):
        _item(world, 3, MediaLevel.COUNTY, region=world.jinshui, actor=clerk)
    # and the bureau may not record for another city
    with pytest.raises(Refusal, match="只能登记本辖区的地区"):
        _item(world, 4, MediaLevel.COUNTY, region=world.weidu, actor=world.users[Role.HR_ADMIN])
    assert MediaItem.objects.count() == 1


def test_h08_the_same_item_twice_and_a_future_date_are_refused(world: World) -> None:
    _item(world, 1, MediaLevel.COUNTY, region=world.weidu)
    with pytest.raises(Refusal, match="不能重复计数（规则 H08"):
        _item(world, 1, MediaLevel.COUNTY, region=world.weidu)
    with pytest.raises(Refusal, match="尚未到来"):
        _item(world, 2, MediaLevel.COUNTY, region=world.weidu, on=dt.date(2024, 1, 1))
    assert MediaItem.objects.count() == 1


def _competitions(w: World, live: bool | None = True) -> int | None:
    b = board.build(
        user=w.users[Role.HR_ADMIN],
        year=2021,
        region=w.zhengzhou,
        indicator="competitions",
        department_id=None,
        today=dt.date(2021, 12, 31),
        live=live,
    )
    return {s.indicator: s.actual for s in b.summary}["competitions"]


def test_h02_competitions_actual_moves_when_one_is_recorded(world: World) -> None:
    # Given no competition: the dashboard counts 0 (no longer "本平台无对应记录")
    assert _competitions(world) == 0
    # When 金水区 records one in May and the 工信局 one in June
    admin = world.users[Role.HR_ADMIN]
    common = {"level": 1, "participants": 40, "today": dt.date(2021, 12, 31)}
    may = competition_record(
        actor=admin,
        region=world.jinshui,
        department=None,
        name="电工竞赛",
        held_on=dt.date(2021, 5, 6),
        **common,
    )
    competition_record(
        actor=world.users[Role.DEPT_FIRST],
        region=world.zhengzhou,
        department=world.zz_industry,
        name="数控车工竞赛",
        held_on=dt.date(2021, 6, 8),
        **common,
    )
    # Then the actual is 2, by region (金水区 1, 本级 1), department and month
    assert _competitions(world) == 2
    b = board.build(
        user=admin,
        year=2021,
        region=world.zhengzhou,
        indicator="competitions",
        department_id=None,
        today=dt.date(2021, 12, 31),
        live=True,
    )
    assert [(ln.name, ln.actual) for ln in b.regions if ln.actual] == [("金水区", 1), ("郑州市本级", 1)]
    assert [(ln.name, ln.actual) for ln in b.departments] == [("市工信局", 1)]
    assert b.trend[4:6] == [1, 1]
    # and the monthly roll-up carries the same figure
    actuals_refresh(actor=admin, year=2021)
    assert _competitions(world, live=None) == 2
    # and a withdrawn competition no longer counts
    competition_withdraw(actor=admin, competition=may, reason="误登记")
    assert _competitions(world) == 1
    assert Competition.objects.count() == 2


def test_h02_competition_api_records_and_withdraws(world: World) -> None:
    client = world.client(world.users[Role.HR_ADMIN])
    created = client.post(
        "/api/v1/progress/competitions",
        {
            "region_id": world.jinshui.pk,
            "name": "金水区焊工技能竞赛",
            "level": 1,
            "held_on": "2021-05-06",
            "participants": 60,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["region"], body["department"], body["level_label"], body["state"]) == (
        "金水区",
        None,
        "县级",
        "recorded",
    )
    gone = client.post(
        f"/api/v1/progress/competitions/{body['id']}/withdraw",
        {"reason": "误登记"},
        content_type="application/json",
    )
    assert gone.status_code == 200 and gone.json()["state"] == "withdrawn"
    again = client.post(
        f"/api/v1/progress/competitions/{body['id']}/withdraw",
        {"reason": "误登记"},
        content_type="application/json",
    )
    assert again.status_code == 422 and "已撤回" in again.json()["message"]


def test_h08_form_gives_the_minimums_as_the_users_profile_fixes_them(world: World) -> None:
    # Given Zhengzhou under ZZ21 (no minimum) and Xuchang under XC23 (3 items a county, 1 a department)
    zz = world.client(world.users[Role.HR_ADMIN]).get("/progress/media/new/").content.decode()
    xc = world.client(world.outsiders[Role.HR_ADMIN]).get("/progress/media/new/").content.decode()
    # Then the form quotes H08 from the profile, and the minimums each one's own profile fixes
    counted = "H08（XC23 三(四) 强化宣传引导）：县（市、区）计县级以上媒体，市直部门计市级以上媒体；"
    assert counted in zz and counted in xc
    assert "不计入篇数。郑州2021：本文件未规定宣传篇数。" in zz and "不少于" not in zz
    assert (
        "不计入篇数。许昌2023：每个县（市、区）不少于 3 篇（XC23 三(四) 各县（市、区）在县级以上媒体发布宣传信息"
        "不少于3篇），每个市直单位不少于 1 篇（XC23 三(四) 市直各成员单位在市级以上媒体发布宣传信息不少于1篇）。"
    ) in xc
