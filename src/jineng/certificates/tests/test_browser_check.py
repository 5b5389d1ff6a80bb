"""The public certificate check on a 390×844 phone: the form and the answer fit the screen, no sideways
scroll, the holder masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jineng.certificates.models import Certificate, Route
from jineng.conftest import PASSWORD, World
from jineng.core.roles import Role
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import login
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
    c = Certificate.objects.create(
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
    # And the register's list and the certificate's page draw their QR codes (inline SVG, no CSP violation)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server.url, world.users[Role.HR_ADMIN].username, PASSWORD)
    page.goto(f"{live_server.url}/certificates/")
    expect(page.locator("main table.data svg.segno")).to_have_count(1)
    page.goto(f"{live_server.url}/certificates/{c.pk}/")
    expect(page.locator("main svg.segno")).to_be_visible()
