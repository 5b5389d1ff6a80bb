"""Issue 15 on the screens its users have: the inspector's daily exception list and today's face
check-ins, and the trainee's own learning record, on a 390×844 phone; the bureau's class record at
1366×768 — each without scrolling sideways, in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import Clock, login
from jineng.online import services
from jineng.online.tests.factory import Log, at, enrolments, online_class, platform
from jineng.people.models import Person

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page
clock = browser_kit.clock

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
D1 = dt.date(2021, 6, 7)


def _sideways(page: Any) -> int:
    return int(
        page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_online_supervision_pages_fit_the_inspectors_and_the_trainees_phone(
    transactional_db: None, world: World, live_server: Any, page: Any, clock: Clock
) -> None:
    from playwright.sync_api import expect

    # Given a blended class whose first trainee is the world's trainee: one clean lesson, one with fraud
    org, clerk = platform(world)
    tc = online_class(world, platform_org=org, delivery="blended", trainees=3, online_hours=2)
    first, second, _ = list(enrolments(tc))
    first.person = Person.objects.get(pk=world.users["trainee"].person_id)
    first.save(update_fields=["person"])
    first.refresh_from_db()
    logs = [
        Log(tc, first).lesson(1, at(D1, 9)).lesson(2, at(D1, 10), speed="2.0"),
        Log(tc, second).lesson(1, at(D1, 9)),
    ]
    services.events_ingest(
        actor=clerk, sender=org, device=None, events=[e for log in logs for e in log.events]
    )
    clock.set(D1)
    base = live_server.url
    # When the inspector opens the exception list and today's check-ins on his phone
    page.set_viewport_size(PHONE)
    login(page, base, world.users["inspector"].username, PASSWORD)
    page.goto(f"{base}/online/exceptions/?day={D1.isoformat()}")
    expect(page.locator("h1")).to_contain_text("每日异常清单")
    expect(page.locator("main")).to_contain_text(tc.ref)
    expect(page.locator("main")).to_contain_text("有快进播放 1 次")
    assert _sideways(page) <= 0, "异常清单横向溢出"
    page.goto(f"{base}/online/classes/{tc.pk}/checkins/?day={D1.isoformat()}")
    expect(page.locator("h1")).to_contain_text("未签到 3 人")
    assert _sideways(page) <= 0, "签到页横向溢出"
    # And the trainee opens his own record
    page.context.clear_cookies()
    login(page, base, world.users["trainee"].username, PASSWORD)
    page.goto(f"{base}/online/me/")
    expect(page.locator("main")).to_contain_text("有效线上学习 1 / 2 课时")
    expect(page.locator("main")).to_contain_text("第2课 45 分钟：无效 — 有快进播放（D04）")
    assert _sideways(page) <= 0, "学员学习记录横向溢出"
    # And the bureau's reviewer reads the class record at his desk
    page.context.clear_cookies()
    page.set_viewport_size(DESK)
    login(page, base, world.users["hr_first"].username, PASSWORD)
    page.goto(f"{base}/online/classes/{tc.pk}/")
    expect(page.locator("main")).to_contain_text("不足 3 人")
    assert _sideways(page) <= 0, "班级学习记录横向溢出"
