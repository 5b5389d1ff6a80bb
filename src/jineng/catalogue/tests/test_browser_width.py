"""18: the subsidised catalogue at 1366×768 fits the screen: its sample mark, certificate and subsidy kinds
wrap in their cells instead of pushing the table 15 px past the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jineng.catalogue.models import CatalogueItem
from jineng.catalogue.services import catalogue_import
from jineng.catalogue.tests.helpers import xlsx
from jineng.catalogue.tests.scope_cases import ELECTRICIAN, occupation
from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import login, shot

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page
shots = browser_kit.shots


def test_the_catalogue_fits_1366(
    transactional_db: None, world: World, live_server: Any, page: Any, shots: Path
) -> None:
    # Given a province line marked as a sample standard (the demo's catalogue is all samples)
    occupation(ELECTRICIAN)
    catalogue_import(
        actor=None,
        region=world.henan,
        year=2023,
        content=xlsx([[ELECTRICIAN, "电工", "", "五级", "职业技能等级证书", 80, 1500]]),
    )
    CatalogueItem.objects.update(sample=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server.url, world.users["auditor"].username, PASSWORD)
    # When the list is opened
    page.goto(f"{live_server.url}/catalogue/items/")
    shot(page, shots, "catalogue-01-items-width")
    # Then the page does not scroll sideways, and the line's amount is written as officials write it
    sideways = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0
    assert page.locator("table.data tbody td.num", has_text="1,500.00").count() == 1
