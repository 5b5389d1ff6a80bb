"""What the browser tests share: Debian's chromium driven by Playwright against pytest-django's live server.

The browser is the system's /usr/bin/chromium, never `playwright install`. Without it (or without the
Playwright package) the tests are skipped, except under CI=true, where they fail: CI must never pass by
silently skipping the browser. Screenshots go into JINENG_SCREENSHOT_DIR when set, else a pytest
temporary folder.

A test module uses the fixtures by binding them at module level (``browser = browser_kit.browser``),
which is how pytest finds fixtures that are not in a conftest.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse the ORM here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
# Any http(s) URL not on the live server (localhost); data: URLs never reach the network.
OUTSIDE = re.compile(r"^https?://(?!(localhost|127\.0\.0\.1)(:\d+)?/)")
# The screenshots double as documentation (docs/screenshots/): at most this many pixels of a very long
# page keep each file small while still showing the toolbar, the table and the pager.
SHOT_MAX_HEIGHT = 1500


def need_browser() -> None:
    """Skip without chromium or Playwright — but fail under CI=true."""
    problem = None
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problem = f"{CHROMIUM} 不存在或不可执行（apt-get install chromium fonts-wqy-microhei）"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "未安装 Python 包 playwright（pip install -e '.[dev]'）"
    if problem is None:
        return
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true 时浏览器测试不得跳过：{problem}", pytrace=False)
    pytest.skip(f"浏览器测试已跳过：{problem}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("JINENG_SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


# What chromium writes to the console when the Content-Security-Policy blocks something.
CSP_CONSOLE = ("Content Security Policy", "Refused to")


def watch_csp(pg: Any, into: list[str]) -> None:
    """Adds to ``into`` every Content-Security-Policy violation the page reports, from the console and
    from the document's securitypolicyviolation event (which also names what was blocked)."""
    pg.on(
        "console",
        lambda msg: (
            into.append(f"CSP: {msg.text}") if any(mark in msg.text for mark in CSP_CONSOLE) else None
        ),
    )
    pg.add_init_script(
        """document.addEventListener("securitypolicyviolation", function (e) {
            console.error("Refused to load or run (securitypolicyviolation): " + e.violatedDirective
                + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
        });"""
    )


def watch_outside(pg: Any, into: list[str]) -> None:
    """A bureau's network reaches nothing outside: every request to another host is recorded, and fails
    the test. (Recorded rather than routed: routing switches the browser's cache off for the context.)"""
    pg.on("request", lambda r: into.append(f"外部请求 {r.url}") if OUTSIDE.match(r.url) else None)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context; any page error, failed request (HTTP ≥ 400), request to another host or
    Content-Security-Policy violation fails the test."""
    context = browser.new_context(
        viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    watch_csp(pg, errors)
    watch_outside(pg, errors)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "response",
        lambda r: (
            errors.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    yield pg
    context.close()
    assert errors == [], f"浏览器报错或请求失败：{errors}"


def login(page: Any, base: str, username: str, password: str) -> None:
    from playwright.sync_api import expect

    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(base + "/")
    expect(page.locator(".topbar .who")).to_be_visible()


def logout(page: Any, base: str) -> None:
    page.click(".topbar form button:has-text('退出')")
    page.wait_for_url(re.compile(re.escape(base) + r"/login/"))


def shot(page: Any, folder: Path, name: str) -> Path:
    """The whole page, cut at SHOT_MAX_HEIGHT."""
    path = folder / f"{name}.png"
    page.mouse.move(0, 0)  # no hover highlight in the picture
    # From the top, with no focus ring: after filling a long form the page is scrolled to its last field,
    # and the sticky top bar and sidebar would be drawn halfway down the picture.
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": min(height, SHOT_MAX_HEIGHT)}
    page.screenshot(path=str(path), full_page=True, clip=clip)
    assert path.stat().st_size > 10_000, f"截图 {path} 过小，页面可能是空白"
    return path


def open_page(page: Any, base: str, url: str) -> None:
    response = page.goto(base + url)
    assert response is not None and response.status == 200, f"{url} → {response and response.status}"
    page.wait_for_load_state("networkidle")
    assert_layout(page, url)


def assert_layout(page: Any, url: str) -> None:
    """Stylesheet and htmx loaded; no page-wide horizontal scrolling at 1440 px."""
    # A step may follow a click whose navigation is still under way: judge the page once it has loaded.
    page.wait_for_load_state("load")
    state = page.evaluate(
        """() => ({
            topbar: getComputedStyle(document.querySelector('.topbar')).backgroundColor,
            htmx: typeof window.htmx,
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        })"""
    )
    assert state["topbar"] == "rgb(23, 50, 92)", f"{url}: app.css 未加载（{state['topbar']}）"
    assert state["htmx"] == "object", f"{url}: htmx 未加载"
    assert state["overflow"] <= 0, f"{url}: 页面横向溢出 {state['overflow']}px"


def step_shot(page: Any, folder: Path, name: str, *, known_overflow: str = "") -> Path:
    """A step of a walk: check the layout, then take the picture. ``known_overflow`` names a reported
    layout bug that makes this page scroll sideways; the overflow is then printed instead of failing."""
    if known_overflow:
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        print(f"{name}: 页面横向溢出 {overflow}px（已知问题：{known_overflow}）")
    else:
        assert_layout(page, name)
    return shot(page, folder, name)


def menu(page: Any, label: str) -> None:
    """Follow a sidebar entry."""
    page.locator("nav.sidebar a", has_text=label).first.click()
    page.wait_for_load_state("networkidle")


def says(page: Any, text: str) -> None:
    """The page's main area shows ``text`` (waiting for it, so a click's new page has loaded)."""
    from playwright.sync_api import expect

    expect(page.locator("main")).to_contain_text(text)


def titled(page: Any, text: str) -> None:
    """The page's heading shows ``text`` (a state label, say)."""
    from playwright.sync_api import expect

    expect(page.locator("main h1")).to_contain_text(text)


class Clock:
    """The server's "today" for a walk through dated steps.

    The services and pages read the date through ``django.utils.timezone.now`` (``localdate()`` calls it
    too), and the live server runs in a thread of this process, so replacing that one function moves the
    whole server to ``day``: 09:00 on that day plus the seconds since it was set, so times within a step
    still run forward. Sessions last 8 hours of this clock: log in again after changing the day.
    """

    def __init__(self, real_now: Any) -> None:
        self._real_now = real_now
        self.day: dt.date | None = None
        self._since = 0.0

    def set(self, day: dt.date) -> None:
        self.day = day
        self._since = time.monotonic()

    def now(self) -> dt.datetime:
        if self.day is None:
            return self._real_now()  # type: ignore[no-any-return]
        from django.utils import timezone

        start = dt.datetime.combine(self.day, dt.time(9), tzinfo=timezone.get_default_timezone())
        return (start + dt.timedelta(seconds=time.monotonic() - self._since)).astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    c = Clock(timezone.now)
    monkeypatch.setattr(timezone, "now", c.now)
    return c
