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
    assert "补贴申领" in labels("trainee")
    assert "申领批处理" in labels("institution") and "申领批处理" in labels("dept_first")
    assert world.client(world.users["trainee"]).get("/claims/runs/").status_code == 403
