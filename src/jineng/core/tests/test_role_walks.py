"""Issue 18: each role's day on the screens it has — every demo account walks the pages of its work at
1366×768, and the roles that work on a phone (the inspector, the trainee, the public) at 390×844 too.

On a freshly loaded demo, in Chinese: every page answers 200 with the product's own stylesheet and htmx,
scrolls no page sideways, shows its heading, and loads nothing from another host (the page fixture
records every request to another host and every CSP violation, and fails the test on any). The home
page's 待办 lists the role's real queues where the demo gives it some. Each page is saved as a
screenshot (into JINENG_SCREENSHOT_DIR when set — CI keeps them with its logs — else a temporary
folder); the README shows three of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jineng.core.tests import browser_kit
from jineng.core.tests.test_browser import PASSWORD, demo  # noqa: F401 - the demo fixture

pytestmark = pytest.mark.browser

browser = browser_kit.browser
shots = browser_kit.shots
page = browser_kit.page

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
EMPTY_TODO = "当前没有等待您处理的事项"

# username → the pages of the role's day: (path, what its heading says).
WALKS: dict[str, list[tuple[str, str]]] = {
    "zz_admin": [
        ("/", "王建国"),
        ("/account/users/", "账号"),
        ("/regions/profiles/in-force/", "适用的政策档案"),
        ("/classes/", "培训班"),
        ("/online/", "线上培训监管"),
        ("/progress/", "目标任务完成进度"),
    ],
    "zz_hr1": [("/", "李娜"), ("/classes/", "培训班"), ("/claims/", "补贴申领")],
    "zz_gxj1": [("/", "刘洋"), ("/classes/", "培训班"), ("/claims/", "补贴申领")],
    "zz_czj": [("/", "杨帆"), ("/claims/batches/", "拨付批次")],
    "zzsy_jb": [
        ("/", "赵敏"),
        ("/classes/", "培训班"),
        ("/claims/", "补贴申领"),
        ("/online/devices/", "签到设备"),
    ],
    "tcjd_jb": [("/", "孙丽"), ("/assessment/", "结业考核"), ("/certificates/", "证书登记册")],
    "zz_dc": [("/", "周强"), ("/supervision/today/", "今日检查"), ("/online/exceptions/", "每日异常清单")],
    "zz_sj": [("/", "吴芳"), ("/audit/", "审计日志"), ("/claims/", "补贴申领")],
    "xueyuan": [("/", "李明"), ("/claims/mine/", "我的培训与补贴"), ("/online/me/", "学习与签到记录")],
}
ON_PHONE = {"zz_dc", "xueyuan"}
PUBLIC = [("/claims/notices/", "公示"), ("/certificates/check/", "证书查验")]
# Roles whose queues the demo fills: their home page must not say that nothing waits.
WITH_QUEUES = {"zz_hr1", "zz_gxj1", "zzsy_jb", "tcjd_jb"}  # ZZ21 has no finance review (F10)


def _sideways(page: Any) -> int:
    return int(
        page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def _visit(page: Any, base: str, path: str, heading: str, folder: Path, name: str) -> None:
    from playwright.sync_api import expect

    response = page.goto(base + path)
    assert response is not None and response.status == 200, f"{name}: {path} → {response and response.status}"
    page.wait_for_load_state("networkidle")
    state = page.evaluate(
        "() => ({css: !!document.querySelector('link[href*=\"app.css\"]'), htmx: typeof window.htmx,"
        " lang: document.documentElement.lang})"
    )
    assert state["css"] and state["lang"] == "zh-CN", f"{name}: {state}"
    assert _sideways(page) <= 0, f"{name}: {path} 横向溢出 {_sideways(page)}px"
    if heading:
        expect(page.locator("main h1").first).to_contain_text(heading)
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_every_roles_day_on_its_screens(demo: None, live_server: Any, page: Any, shots: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base = live_server.url
    for username, steps in WALKS.items():
        sizes = [("desk", DESK)] + ([("phone", PHONE)] if username in ON_PHONE else [])
        for size_name, size in sizes:
            page.set_viewport_size(size)
            browser_kit.login(page, base, username, PASSWORD)
            for i, (path, heading) in enumerate(steps):
                _visit(page, base, path, heading, shots, f"walk-{username}-{size_name}-{i}")
                if path == "/" and username in WITH_QUEUES:
                    expect(page.locator("main")).to_contain_text("待办事项")
                    expect(page.locator("main")).not_to_contain_text(EMPTY_TODO)
            browser_kit.logout(page, base)
    # The public, on a phone: the subsidy notices and the certificate check.
    page.set_viewport_size(PHONE)
    for i, (path, heading) in enumerate(PUBLIC):
        _visit(page, base, path, heading, shots, f"walk-public-phone-{i}")
