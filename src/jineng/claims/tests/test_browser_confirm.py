"""Issue 18.9 in a real browser: signing many claims at once says how many and how much before it signs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jineng.claims.models import ClaimReview
from jineng.claims.tests.factories import CLAIMED
from jineng.claims.tests.test_sign_batch import _submitted
from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import Clock, login, says

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page
clock = browser_kit.clock


def test_f09_batch_signing_asks_with_the_count_and_total_and_a_no_signs_nothing(
    transactional_db: None, world: World, live_server: Any, page: Any, clock: Clock
) -> None:
    # Given two submitted claims of 60,000 yuan each in the department's queue
    claims = _submitted(world, 2)
    assert [c.amount for c in claims] == [Decimal("60000.00")] * 2
    clock.set(CLAIMED)
    base = live_server.url
    login(page, base, world.users["dept_first"].username, PASSWORD)
    page.goto(f"{base}/claims/queue/")
    asked: list[str] = []
    # When the reviewer signs with nothing ticked, he is told to tick, and nothing is sent
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.get_by_role("button", name="签署", exact=True).click()
    assert asked == ["请先勾选要办理的申领"]
    # When he ticks both and answers "no" to the question, nothing is signed
    for c in claims:
        page.get_by_label(f"选择 {c.ref}").check()
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="签署", exact=True).click()
    assert asked[1] == "签署所选 2 笔申领，合计 120,000.00 元？每笔在其所处环节签署。"
    assert ClaimReview.objects.count() == 0
    # When he answers "yes", both are signed
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.get_by_role("button", name="签署", exact=True).click()
    says(page, "已签署 2 笔申领")
    assert ClaimReview.objects.count() == 2
