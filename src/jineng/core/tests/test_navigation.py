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
