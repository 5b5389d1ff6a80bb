"""The demo in a real browser: Debian's chromium driven by Playwright against pytest-django's live server.

Every demo account logs in, sees its role and name on the home page and exactly its own menu, and logs
out. The pages an official reads most are opened and saved as full-page screenshots (into
JINENG_SCREENSHOT_DIR when set, else a pytest temporary folder), and the htmx working-day calculator is
used once. Nothing is downloaded: the browser is the system's /usr/bin/chromium, never `playwright install`.

Without /usr/bin/chromium the tests are skipped, except under CI=true, where they fail: CI must never
pass by silently skipping the browser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from jineng.core.navigation import menu_for
from jineng.core.roles import Role
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import CHROMIUM
from jineng.core.tests.browser_kit import assert_layout as _assert_layout
from jineng.core.tests.browser_kit import need_browser as _need_browser
from jineng.core.tests.browser_kit import open_page as _open
from jineng.core.tests.browser_kit import shot as _shot
from jineng.demo import data
from jineng.demo.services import demo_load

pytestmark = pytest.mark.browser

# The shared fixtures (chromium, the screenshot folder, a page that fails on errors), bound here for pytest.
browser = browser_kit.browser
shots = browser_kit.shots
page = browser_kit.page

PASSWORD = "Jineng@2021demo"  # settings.JINENG_DEMO_PASSWORD, checked below
HOME_SHOTS = {"zz_admin": "home-hr_admin", "zzsy_jb": "home-institution", "zz_sj": "home-auditor"}
SHOT_PAGE_SIZE = 20  # rows a page in the screenshots
MAX_PROFILE_ROW = 240  # px: the tallest row of the policy profile table at 1440 px wide


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> None:
    assert settings.JINENG_DEMO_PASSWORD == PASSWORD
    settings.JINENG_PAGE_SIZE = SHOT_PAGE_SIZE  # read per request, so the live server sees it too
    assert demo_load() is True


def _login(page: Any, base: str, username: str) -> None:
    browser_kit.login(page, base, username, PASSWORD)


def _logout(page: Any, base: str) -> None:
    browser_kit.logout(page, base)


def test_every_demo_account_sees_its_role_name_and_menu(
    demo: None, live_server: Any, page: Any, shots: Path
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    assert len(data.ACCOUNTS) == 11
    for role, username, name, *_ in data.ACCOUNTS:
        _login(page, base, username)
        _assert_layout(page, f"/ ({username})")
        label = Role(role).label
        expect(page.locator(".topbar .who .role")).to_have_text(label)
        expect(page.locator("main h1")).to_contain_text(name)
        expect(page.locator("main")).to_contain_text(f"角色：{label}")
        # The sidebar: the home link, then exactly the role's menu, in order.
        expected = ["工作台", *[item.label for item in menu_for(role)]]
        actual = [t.strip() for t in page.locator("nav.sidebar a").all_inner_texts()]
        assert actual == expected, f"{username} 的侧边栏 {actual} ≠ {expected}"
        expect(page.locator("nav.sidebar a.active")).to_have_text("工作台")
        # The home page's two blocks: 待办事项 and 您可以 (one card per menu entry).
        expect(page.locator("main")).to_contain_text("待办事项")
        expect(page.locator("main")).to_contain_text("您可以")
        cards = [t.strip() for t in page.locator("main a.card b").all_inner_texts()]
        assert cards == expected[1:], f"{username} 的“您可以”卡片 {cards} ≠ {expected[1:]}"
        if username in HOME_SHOTS:
            _shot(page, shots, HOME_SHOTS[username])
        _logout(page, base)
        # Logged out: the home page sends back to the login form.
        page.goto(base + "/")
        page.wait_for_url(re.compile(re.escape(base) + r"/login/"))


def test_pages_for_officials_and_the_htmx_calculator(
    demo: None, live_server: Any, page: Any, shots: Path
) -> None:
    from playwright.sync_api import expect

    base = live_server.url

    def active(label: str) -> None:
        expect(page.locator("nav.sidebar a.active")).to_have_count(1)
        expect(page.locator("nav.sidebar a.active")).to_have_text(label)

    _login(page, base, "zz_admin")

    _open(page, base, "/orgs/")
    active("机构名录")
    expect(page.locator("main h1")).to_contain_text("机构名录")
    expect(page.locator("main table.data tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    expect(page.get_by_role("link", name="登记机构")).to_be_visible()
    expect(page.locator(".pager")).to_contain_text(re.compile(r"共 \d+ 条，第 1/\d+ 页"))
    _shot(page, shots, "orgs")
    # Search, open a detail page: its menu entry stays highlighted.
    page.fill("input[name=q]", "商业技师")
    page.click("main .toolbar button[type=submit]")
    expect(page.locator("main table.data tbody tr")).to_have_count(1)
    page.locator("main table.data tbody a", has_text="郑州商业技师学院").click()
    page.wait_for_url(re.compile(r"/orgs/\d+/$"))
    active("机构名录")
    expect(page.locator("main h1")).to_have_text("郑州商业技师学院")

    _open(page, base, "/regions/")
    active("行政区域")
    expect(page.locator("main table.data")).to_contain_text("郑州航空港经济综合实验区")
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    _shot(page, shots, "regions")

    _open(page, base, "/regions/profiles/")
    active("政策档案")
    expect(page.locator("main h1")).to_contain_text("政策档案")
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    # The D02 occupation lists (dozens of names) are folded, so no row grows to a screenful.
    folded = page.locator("main table.data details")
    assert folded.count() >= 2, "D02 的职业（工种）清单应折叠"
    expect(folded.first.locator(".items")).to_be_hidden()
    tallest = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('main table.data tbody tr')].map(r => r.offsetHeight))"
    )
    assert tallest < MAX_PROFILE_ROW, f"政策档案表中最高的一行 {tallest}px：长列表应折叠"
    _shot(page, shots, "profiles")
    # One rule at a time, and a folded list opens on a click.
    page.fill("input[name=rule]", "d02")
    page.click("main .toolbar button[type=submit]")
    page.wait_for_url(re.compile(r"rule=d02"))
    assert set(page.locator("main table.data tbody .rule").all_inner_texts()) == {"D02"}
    page.locator("main table.data details summary").first.click()
    expect(page.locator("main table.data details .items").first).to_be_visible()
    expect(page.locator("main table.data details .items").first).to_contain_text("电子商务师")
    _shot(page, shots, "profiles-d02")

    _open(page, base, "/calendar/")
    active("工作日历")
    page.fill("input[name=start]", "2026-09-28")
    page.fill("input[name=days]", "5")
    page.click("main form button[type=submit]")
    expect(page.locator("#result")).to_contain_text("2026-10-10")
    assert page.url == base + "/calendar/", "计算结果应由 htmx 就地载入，而不是跳转整页"
    _shot(page, shots, "calendar")
    _logout(page, base)

    # The auditor: ID numbers masked, and the audit log with its pages and export.
    _login(page, base, "zz_sj")
    _open(page, base, "/people/")
    active("实名人员库")
    ids = page.locator("main table.data tbody td.mono").all_inner_texts()
    assert ids, "实名人员库为空"
    id_cells = [t for t in ids if len(t.strip()) == 18]
    assert id_cells and all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", t.strip()) for t in id_cells), id_cells
    assert data.TRAINEE_ID not in page.content()
    expect(page.locator(".pager")).to_contain_text(re.compile(r"共 \d+ 条，第 1/\d+ 页"))
    expect(page.get_by_role("link", name="下一页")).to_be_visible()
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    expect(page.get_by_role("link", name="实名登记")).to_have_count(0)
    _shot(page, shots, "people-masked")
    page.get_by_role("link", name="下一页").click()
    expect(page.locator(".pager")).to_contain_text(re.compile(r"第 2/\d+ 页"))
    expect(page.get_by_role("link", name="上一页")).to_be_visible()

    _open(page, base, "/audit/")
    active("审计日志")
    expect(page.locator("main table.data tbody tr").first).to_be_visible()
    expect(page.locator(".pager")).to_contain_text(re.compile(r"共 \d+ 条，第 1/\d+ 页"))
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    # Roles read as their Chinese labels, not as codes.
    expect(page.locator("main table.data tbody")).to_contain_text(Role.INSTITUTION.label)
    expect(page.locator("main table.data tbody")).not_to_contain_text(Role.INSTITUTION.value)
    _shot(page, shots, "audit")
    _logout(page, base)


def test_missing_chromium_skips_locally_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard itself, without a browser: CI=true turns the skip into a failure."""
    real_isfile = os.path.isfile
    monkeypatch.setattr(os.path, "isfile", lambda path: False if path == CHROMIUM else real_isfile(path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _need_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        _need_browser()
