"""18.13 and 18.3 in a real browser at 1366×768: the print views fit the page and print without their
bar; long tables sort by a clicked column (a static script, no inline code); the accounts page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jineng.claims import services
from jineng.claims.tests.factories import CLAIMED, NOTICE_OVER, assessed_class, funded, to_paid
from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import Clock, login, logout, shot

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page
clock = browser_kit.clock
shots = browser_kit.shots

DESKTOP = {"width": 1366, "height": 768}


def _sideways(page: Any) -> int:
    return int(
        page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_print_views_fit_and_tables_sort(
    transactional_db: None, world: World, live_server: Any, page: Any, clock: Clock, shots: Path
) -> None:
    from playwright.sync_api import expect

    # Given a paid Zhengzhou claim, seen on a 1366 px screen
    funded(world)
    claim = services.claim_create(
        actor=world.users["institution"], training_class=assessed_class(world), today=CLAIMED
    )
    claim = to_paid(world, claim, claimed=CLAIMED, notice_over=NOTICE_OVER)
    clock.set(NOTICE_OVER)
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    login(page, base, world.users["hr_first"].username, PASSWORD)
    # When the reviewer opens the class's form: it is the annex, it fits, the print bar is not printed
    page.goto(f"{base}/claims/classes/{claim.training_class_id}/print/")
    expect(page.locator("h1.form-title")).to_contain_text("年度补贴性职业技能提升培训申请表")
    assert _sideways(page) <= 0
    page.emulate_media(media="print")
    expect(page.locator("p.noprint")).to_be_hidden()
    page.emulate_media(media="screen")
    shot(page, shots, "print-01-class-form")
    # And the batch's 拨付单
    page.goto(f"{base}/claims/batches/{claim.batch_item.batch_id}/print/")
    expect(page.locator("h1.form-title")).to_have_text("职业技能提升行动补贴资金拨付单")
    assert _sideways(page) <= 0
    shot(page, shots, "print-02-batch-slip")
    # And the batch's own page fits the screen too (18: it was 1380 px wide), long headers on two lines
    page.goto(f"{base}/claims/batches/{claim.batch_item.batch_id}/")
    assert (
        page.locator("table.data thead th", has_text="预拨抵减").inner_text().startswith("预拨抵减\n（F04）")
    )
    assert _sideways(page) <= 0
    shot(page, shots, "print-03-batch-page")
    # When the bureau's admin sorts the accounts by user name, twice
    page.goto(base + "/")
    logout(page, base)
    login(page, base, world.users["hr_admin"].username, PASSWORD)
    page.goto(f"{base}/account/users/")
    header = page.locator("table.sortable thead th", has_text="用户名")
    names = page.locator("table.sortable tbody tr td:first-child")
    header.click()
    ascending = [t.strip() for t in names.all_inner_texts()]
    assert ascending == sorted(ascending) and len(ascending) >= 5
    expect(header).to_have_attribute("aria-sort", "ascending")
    header.click()
    assert [t.strip() for t in names.all_inner_texts()] == ascending[::-1]
    assert _sideways(page) <= 0
    shot(page, shots, "accounts-01-list")
