"""The public certificate check on a 390×844 phone: the form and the answer fit the screen, no sideways
scroll, the holder masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jineng.certificates.models import Certificate, Route
from jineng.conftest import World
from jineng.core.tests import browser_kit
from jineng.supervision.tests.factory import occupation

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page

PHONE = {"width": 390, "height": 844}


def _sideways(page: Any) -> int:
    return int(
        page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_the_public_check_fits_a_phone(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    # Given a certificate in the register, its QR code opening the check with the number filled in
    Certificate.objects.create(
        holder=world.zz_person,
        kind="skill_level",
        number="S410105202100001",
        occupation=occupation(),
        level=3,
        body=world.zz_station,
        issued_on=dt.date(2021, 6, 30),
        route=Route.ENTERPRISE,
        region=world.jinshui,
        unit=world.zz_school,
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/certificates/check/?number=S410105202100001")
    assert _sideways(page) <= 0, "查验页横向溢出"
    # When anyone types the holder's name
    page.fill("input[name=name]", world.zz_person.name)
    page.click("button[type=submit]")
    # Then the answer says genuine, masked, and still fits
    expect(page.locator("main")).to_contain_text("真实有效")
    expect(page.locator("main")).to_contain_text("李*")
    assert _sideways(page) <= 0, "查验结果横向溢出"
    name = page.locator("input[name=name]").bounding_box()
    assert name is not None and name["x"] + name["width"] <= PHONE["width"]
