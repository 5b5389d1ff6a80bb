"""The demo's Xuchang 2023 publicity items and competitions (H08, H02)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jineng.accounts.models import User
from jineng.audit.models import Event
from jineng.progress import board
from jineng.progress.selectors import media_compliance
from jineng.regions.models import Region

# The demo fixture (conftest): loaded once for the package, by the one worker that runs it.
pytestmark = pytest.mark.django_db


def test_h08_demo_xuchang_has_one_county_meeting_and_one_short(demo: None) -> None:
    # Given the demo, seen by the province's administrator
    admin = User.objects.get(username="hn_admin")
    xuchang = Region.objects.get(name="许昌市")
    # When Xuchang's 2023 standing is judged under XC23
    c = media_compliance(admin, xuchang, 2023)
    assert c.refusal == ""
    counties = {s.name: (s.counted, s.below, s.minimum, s.shortfall) for s in c.counties}
    # Then 禹州市 meets the 3 items, 长葛市 is short by one (its township newsletter does not count)
    assert counties["禹州市"] == (3, 0, 3, 0)
    assert counties["长葛市"] == (2, 1, 3, 1)
    assert counties["鄢陵县"] == (0, 0, 3, 3)
    assert len(counties) == 9
    departments = {s.name: (s.counted, s.below, s.shortfall) for s in c.departments}
    assert departments["市人社局"] == (1, 0, 0)
    assert departments["市工信局"] == (0, 1, 1)
    # and every record has its audit event, by hn_admin
    assert Event.objects.filter(action="media_item.record", actor=admin).count() == 8
    assert Event.objects.filter(action="competition.record", actor=admin).count() == 3


def test_h02_demo_xuchang_competitions_on_the_dashboard(demo: None) -> None:
    admin = User.objects.get(username="hn_admin")
    b = board.build(
        user=admin,
        year=2023,
        region=Region.objects.get(name="许昌市"),
        indicator="competitions",
        department_id=None,
        today=dt.date(2023, 12, 31),
        live=True,
    )
    assert {s.indicator: s.actual for s in b.summary}["competitions"] == 3
    assert [(ln.name, ln.actual) for ln in b.regions if ln.actual] == [
        ("禹州市", 1),
        ("长葛市", 1),
        ("许昌市本级", 1),
    ]


def test_h08_demo_page_for_the_province_administrator(demo: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="hn_admin"))
    xuchang = Region.objects.get(name="许昌市")
    # The province itself is not judged: the page asks for a city
    province = client.get("/progress/media/").content.decode()
    assert "H08 按市考核各县（市、区）和市直部门，请选择一个市查看" in province
    # Xuchang's page shows the standing with the shortfall, and the items (the township newsletter too)
    page = client.get("/progress/media/", {"region": xuchang.pk, "year": 2023}).content.decode()
    assert "差 1 篇" in page and "大周镇工作简报" in page and "共 8 条" in page
    competitions = client.get(
        "/progress/competitions/", {"region": xuchang.pk, "year": 2023}
    ).content.decode()
    assert "已举办 3 场" in competitions
