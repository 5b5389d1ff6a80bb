"""The side menu lights exactly one entry: the most specific one the page lies under."""

from __future__ import annotations

import re

import pytest

from jineng.accounts.models import User
from jineng.conftest import World

pytestmark = pytest.mark.django_db

ACTIVE = re.compile(r'<a href="([^"]+)" class="active" aria-current="page">([^<]+)</a>')


def _lit(world: World, user: User, path: str) -> list[tuple[str, str]]:
    response = world.client(user).get(path)
    assert response.status_code == 200
    return ACTIVE.findall(response.content.decode())


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/claims/", [("/claims/", "补贴申领")]),
        # Under /claims/ too, but its own entry is the more specific one: only it is lit.
        ("/claims/queue/", [("/claims/queue/", "申领审核")]),
        ("/claims/batches/", [("/claims/batches/", "拨付批次")]),
        ("/regions/", [("/regions/", "行政区域")]),
        ("/regions/departments/", [("/regions/departments/", "行业主管部门")]),
    ],
)
def test_given_a_page_under_another_menu_page_when_rendered_then_only_its_own_entry_is_lit(
    world: World, hr_first: User, path: str, expected: list[tuple[str, str]]
) -> None:
    assert _lit(world, hr_first, path) == expected


def test_given_the_home_page_when_rendered_then_no_menu_entry_but_the_workbench_is_lit(
    world: World, hr_first: User
) -> None:
    response = world.client(hr_first).get("/")
    assert ACTIVE.findall(response.content.decode()) == [("/", "工作台")]


def test_a_trainee_is_not_offered_the_institutions_batch_claiming(world: World) -> None:
    """Issue 18.12: 申领批处理 is an institution's (and reviewers') tool; a trainee claims class by class."""
    from jineng.core.navigation import menu_for

    def labels(role: str) -> list[str]:
        return [item.label for item in menu_for(role)]

    assert "申领批处理" not in labels("trainee")
    assert "补贴申领" in labels("institution")
    assert "申领批处理" in labels("institution") and "申领批处理" in labels("dept_first")
    assert world.client(world.users["trainee"]).get("/claims/runs/").status_code == 403


def test_a_trainees_menu_offers_his_own_pages_only(world: World) -> None:
    """Issue 18: the scope's claim lists (status filters, export, uploaded certificate lists) are the
    institutions' and staff's tools, the work calendar theirs too; a trainee is offered his own pages."""
    from jineng.core.navigation import menu_for

    assert [(item.label, item.url) for item in menu_for("trainee")] == [
        ("我的信息", "/people/me/"),
        ("我的培训券", "/vouchers/mine/"),
        ("我的培训与补贴", "/claims/mine/"),
        ("我的学习记录", "/online/me/"),
    ]
    assert [item.label for item in menu_for("institution") if item.section == "资金"][:2] == [
        "补贴申领",
        "评价补贴",
    ]
    client = world.client(world.users["trainee"])
    # And the lists are refused to him; his own page points him to claiming for his own certificates
    assert client.get("/claims/").status_code == 403
    assert client.get("/evaluation/").status_code == 403
    assert client.get("/evaluation/certificates/").status_code == 200
    page = client.get("/claims/mine/").content.decode()
    assert "<h2>职业技能评价补贴</h2>" in page
    assert '<a href="/evaluation/certificates/">查看本人证书并申领评价补贴</a>' in page
    # And his home page names no issue number or rule id
    home = client.get("/").content.decode()
    for code in ("18.12", "D04", "C07", '/claims/"', '/evaluation/"'):
        assert code not in home, code
