"""Issue 18 on a 390×844 phone: a table marked "stack" shows each row as a card, every cell headed by its
column's name, so the public notice list's 人数, 金额 and 公示期 and a trainee's claim and certificates are
on screen without scrolling sideways; at desk width the same tables stay tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jineng.claims.tests.factories import in_notice
from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import Clock, login
from jineng.evalsubsidy.tests.factories import EVAL_4, certificates, certified, claim_of, standards, under
from jineng.training.models import Enrolment

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page
clock = browser_kit.clock

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
DURING_NOTICE = dt.date(2021, 7, 6)

# Each cell of the first row: (its label drawn before it, its right edge, its text).
CELLS = """(row) => Array.from(row.querySelectorAll('td')).map(td => [
    getComputedStyle(td, '::before').content, Math.round(td.getBoundingClientRect().right), td.innerText.trim()])"""


def _sideways(page: Any) -> int:
    return int(
        page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def _widest_table(page: Any) -> int:
    return int(
        page.evaluate(
            "() => Math.max(0, ...Array.from(document.querySelectorAll('main table'))"
            ".map(t => Math.round(t.getBoundingClientRect().width)))"
        )
    )


def test_the_public_notice_list_is_a_card_per_row_on_a_phone(
    transactional_db: None, world: World, live_server: Any, page: Any, clock: Clock
) -> None:
    # Given a claim on public notice
    claim = in_notice(world)
    clock.set(DURING_NOTICE)
    base = live_server.url
    # When anyone opens the notice list on a phone
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/claims/notices/")
    # Then nothing scrolls sideways and every cell of the row is labelled and inside the screen
    assert _sideways(page) <= 0
    row = page.locator("main table.data tbody tr").first
    cells = row.evaluate(CELLS)
    assert [(label, text) for label, _, text in cells] == [
        ('"公示编号"', claim.ref),
        ('"申请单位"', "郑州商业技师学院"),
        ('"培训职业"', f"{claim.title} · 职业技能培训补贴"),
        ('"所在区域"', "金水区"),
        ('"人数"', str(claim.headcount)),
        ('"金额（元）"', f"{claim.amount:,.2f}"),
        ('"公示期"', "2021年7月5日 至 2021年7月7日"),
        ('"状态"', "公示中"),
    ]
    assert all(right <= PHONE["width"] for _, right, _ in cells), cells
    assert row.locator("a").get_attribute("href") == f"/claims/notices/{claim.pk}/"
    # And at desk width it is a table again: one line, the column headers shown, no labels
    page.set_viewport_size(DESK)
    assert page.locator("main table.data thead").is_visible()
    assert row.evaluate(CELLS)[5][0] == "none"
    assert len({round(b["y"]) for b in (c.bounding_box() for c in row.locator("td").all()) if b}) == 1


def test_a_trainees_own_claim_and_certificates_fit_a_phone(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    # Given 李明 holds a certificate of an assessed class and has claimed its evaluation subsidy himself
    standards(world, EVAL_4)
    under(world, "XC23")
    tc = certified(world)
    (first,) = certificates(tc, 1)
    Enrolment.objects.filter(pk=first.enrolment_id).update(person=world.zz_person)
    claim = claim_of(world, world.users["trainee"], [first])
    base = live_server.url
    page.set_viewport_size(PHONE)
    login(page, base, world.users["trainee"].username, PASSWORD)
    # When he opens his claim and his certificates on a phone
    for path in (f"/claims/{claim.pk}/", f"/evaluation/claims/{claim.pk}/", "/evaluation/certificates/"):
        page.goto(base + path)
        # Then nothing scrolls sideways and no table is wider than the screen
        assert _sideways(page) <= 0, path
        assert _widest_table(page) <= PHONE["width"], path
    # And his certificate's row shows its number and the claim that holds it, labelled, on screen
    row = page.locator("main table.data tbody tr", has_text=first.certificate_number)
    cells = {label: (right, text) for label, right, text in row.evaluate(CELLS)}
    assert cells['"证书编号"'][1] == first.certificate_number
    assert cells['"持证人"'][1] == world.zz_person.name
    assert cells['"计算与依据 / 不予补贴原因"'][1] == f"已在申领 {claim.ref} 中（每张证书只支付一次）"
    assert all(right <= PHONE["width"] for right, _ in cells.values()), cells
