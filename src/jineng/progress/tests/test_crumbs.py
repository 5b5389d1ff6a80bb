"""Issue 18: a city's staff see the province in the progress pages' crumbs as plain text — its page is
outside their scope (404) — and every crumb that is a link opens."""

from __future__ import annotations

import re

import pytest

from jineng.conftest import World

pytestmark = pytest.mark.django_db

CRUMBS = re.compile(r'<div class="crumbs">(.*?)</div>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


@pytest.mark.parametrize("role", ["inspector", "dept_first", "hr_admin"])
@pytest.mark.parametrize(
    "path", ["/progress/", "/progress/calendar/", "/progress/late/", "/progress/reports/"]
)
def test_a_city_users_crumbs_link_only_what_he_may_open(world: World, role: str, path: str) -> None:
    client = world.client(world.users[role])
    response = client.get(path)
    assert response.status_code == 200
    (crumbs,) = CRUMBS.findall(response.content.decode())
    # Then the province is named, not linked; the city is linked, and the link opens
    links = LINK.findall(crumbs.replace("&amp;", "&"))
    assert [name for _, name in links] == ["郑州市"]
    assert "河南省 → " in re.sub(r"<[^>]+>", "", crumbs)
    for href, _ in links:
        assert client.get(path + href).status_code == 200, href


def test_a_province_user_has_the_province_linked(world: World) -> None:
    from jineng.accounts.services import user_create
    from jineng.conftest import PASSWORD

    admin = user_create(
        actor=None,
        username="hn_admin_test",
        password=PASSWORD,
        display_name="省管理员",
        role="hr_admin",
        region=world.henan,
    )
    crumbs = CRUMBS.findall(
        world.client(admin).get(f"/progress/?region={world.zhengzhou.pk}").content.decode()
    )
    assert [name for _, name in LINK.findall(crumbs[0])] == ["河南省", "郑州市"]
