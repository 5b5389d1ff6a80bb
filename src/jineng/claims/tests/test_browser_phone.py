"""Issue 18.2 on a 390×844 phone: the public notice list and page, with its objection form, and a
trainee's pages fit the screen without scrolling sideways; the amounts are on screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jineng.claims.tests.factories import in_notice
from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import Clock, login

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page
clock = browser_kit.clock

PHONE = {"width": 390, "height": 844}
DURING_NOTICE = dt.date(2021, 7, 6)


def _sideways(page: Any) -> int:
    return int(
        page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_the_public_notice_and_a_trainees_pages_fit_a_phone(
    transactional_db: None, world: World, live_server: Any, page: Any, clock: Clock
) -> None:
    from playwright.sync_api import expect

    # Given a claim on public notice, seen on a 390 px phone during the notice
    claim = in_notice(world)
    clock.set(DURING_NOTICE)
    base = live_server.url
    page.set_viewport_size(PHONE)
    # When anyone opens the list and the notice
    page.goto(f"{base}/claims/notices/")
    assert _sideways(page) <= 0, "公示列表横向溢出"
    page.goto(f"{base}/claims/notices/{claim.pk}/")
    # Then neither scrolls sideways, the first amount is on screen and the objection form fits
    assert _sideways(page) <= 0, "公示详情横向溢出"
    amount = page.locator("main table.data tbody tr").first.locator("td").last
    expect(amount).to_have_text("2,000.00")
    box = amount.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    textarea = page.locator("textarea[name=text]").bounding_box()
    assert textarea is not None and textarea["x"] + textarea["width"] <= PHONE["width"]
    # And the form's CAPTCHA (18.11) is drawn by the product and fits; the bureau and telephone show
    captcha = page.locator("img.captcha")
    assert captcha.evaluate("img => img.complete && img.naturalWidth > 0")
    box = captcha.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    expect(page.locator(".facts-line")).to_contain_text("12333")
    page.goto(f"{base}/claims/notices/{claim.pk}/print/")
    assert _sideways(page) <= 0, "公示打印页横向溢出"
    # And a trainee's own pages fit too, the menu above the page instead of beside it
    login(page, base, world.users["trainee"].username, PASSWORD)
    for path in ("/", "/claims/mine/", "/evaluation/certificates/"):
        page.goto(base + path)
        assert _sideways(page) <= 0, f"{path} 横向溢出"
        main = page.locator("main.content").bounding_box()
        assert main is not None and main["width"] >= PHONE["width"] - 30, f"{path}: 菜单挤占了页面"
