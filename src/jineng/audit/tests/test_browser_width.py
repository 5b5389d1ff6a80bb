"""18: the audit page at 1366×768 fits the screen: no sideways scroll, the 对象 column at a readable width
(it was squeezed to three characters a line while the page scrolled 40 px sideways)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import login, shot
from jineng.training.tests.factories import approved_class

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page
shots = browser_kit.shots


def test_the_audit_page_fits_1366_and_names_objects_on_a_readable_line(
    transactional_db: None, world: World, live_server: Any, page: Any, shots: Path
) -> None:
    # Given a class submitted and reviewed: events with long kinds (行业主管部门已初审 class.review.dept.first)
    approved_class(world)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server.url, world.users["auditor"].username, PASSWORD)
    # When the auditor opens the trail
    page.goto(f"{live_server.url}/audit/")
    shot(page, shots, "audit-01-width")
    # Then the page does not scroll sideways
    sideways = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0
    # And the object column is at least 14 characters wide: a class's ref and occupation on one line
    widths = page.eval_on_selector_all("table.data tbody td.wide", "cells => cells.map(c => c.clientWidth)")
    assert widths and min(widths) >= 14 * 13
