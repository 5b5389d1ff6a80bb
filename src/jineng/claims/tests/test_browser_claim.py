"""Issue 4 in a real browser: the subsidy of one assessed class, from the claim to the bank.

The assessed class and the funds are set up through the services (tests/factories.py); from there every
step goes through the pages: the clerk generates the claim (F02), signs the pledge and submits (F06); the
department's two reviewers sign (F09) and the list goes on public notice (F08); a member of the public,
not logged in, sees masked names and ID numbers and objects to one trainee; the bureau upholds the
objection on the claim page, closes the notice after its end date and signs twice; the bureau's admin
batches the week (F11), the second reviewer sends the batch to finance, and finance pays it with the
bank's reference (F13). The books balance at the end.

The server's "today" is moved step by step (browser_kit.Clock) through the week of Monday 5 July 2021.
Each step is saved as a full-page screenshot.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jineng.claims.models import BatchItem, Claim, ClaimState, Objection, PaymentBatch
from jineng.claims.tests.factories import CLAIMED, NOTICE_OVER, assessed_class, funded
from jineng.conftest import PASSWORD, World
from jineng.core.tests import browser_kit
from jineng.core.tests.browser_kit import Clock, assert_layout, login, logout, menu, says, step_shot, titled
from jineng.ledger.tests.books import assert_books_balance

pytestmark = pytest.mark.browser

browser = browser_kit.browser
shots = browser_kit.shots
page = browser_kit.page
clock = browser_kit.clock

OBJECTED = dt.date(2021, 7, 6)  # within the notice of 5–7 July
PAY_DAY = dt.date(2021, 7, 9)  # the Friday of the week (F11)
BANK_REFERENCE = "95588202107090001"
MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")


# Reported, not ours to fix: once an objection is handled, its 处理 cell in the 公示期间异议 table of
# claims/detail.html does not wrap ("异议成立，已核减：…") and the claim page scrolls sideways (~225 px).


def _confirmed(page: Any, button: str) -> str:
    """Click a button that moves money: the page asks first (issue 18.9); the question is accepted and
    returned for the test to read."""
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert len(asked) == 1, f"{button}: no confirmation asked"
    return asked[0]


def _as(page: Any, base: str, world: World, role: str) -> None:
    login(page, base, world.users[role].username, PASSWORD)


def _open_claim(page: Any, ref: str) -> None:
    """From 申领审核 (the reviewer's queue) to the claim."""
    menu(page, "申领审核")
    page.locator("main table.data a", has_text=ref).click()
    page.wait_for_url("**/claims/*/")


def _sign(page: Any, base: str, world: World, role: str, ref: str, heading: str) -> None:
    _as(page, base, world, role)
    _open_claim(page, ref)
    says(page, heading)
    page.get_by_role("button", name="签署").click()
    says(page, "已签署审核意见")


def test_a_claim_from_an_assessed_class_to_the_bank_through_the_pages(
    transactional_db: None,
    world: World,
    live_server: Any,
    page: Any,
    shots: Path,
    clock: Clock,
    settings: Any,
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    settings.JINENG_PAGE_SIZE = 10  # read per request, so the live server sees it: shorter screenshots
    funded(world)  # 100,000 in the special account, 500,000 in the employment subsidy fund
    tc = assessed_class(world)  # 30 trainees of the school's 中级 electrician class, all passed
    first_person = tc.enrolments.select_related("person").order_by("row").first()
    assert first_person is not None
    trainee = first_person.person

    # --- Monday 5 July: the clerk generates the claim, signs the pledge and submits (F02, F06) ----------
    clock.set(CLAIMED)
    _as(page, base, world, "institution")
    menu(page, "补贴申领")
    claimable = page.locator("main .panel", has_text="可申领补贴的培训班")
    expect(claimable).to_contain_text(tc.ref)
    claimable.locator("tr", has_text=tc.ref).get_by_role("button", name="计算并生成申领").click()
    page.wait_for_url("**/claims/*/")
    says(page, "30 人，60,000.00 元")
    titled(page, "草稿")
    claim = Claim.objects.get(training_class=tc)
    page.get_by_label("我已阅读并同意").check()
    page.fill("input[name=pledge_name]", "赵敏")
    step_shot(page, shots, "claim-01-generated")
    assert _confirmed(page, "签署承诺并提交") == (
        f"提交补贴申领 {claim.ref}：30 人，合计 60,000.00 元？提交后进入审核，不能再修改。"
    )
    says(page, "已签署承诺并提交行业主管部门审核")
    titled(page, "待行业部门审核")
    expect(page.locator("main table.data.form")).to_contain_text("赵敏")
    logout(page, base)

    # --- the department's first and second reviewers sign; the list goes on notice (F09, F08) ----------
    _sign(page, base, world, "dept_first", claim.ref, "行业主管部门审核 · 初审")
    titled(page, "待行业部门审核")
    logout(page, base)
    _sign(page, base, world, "dept_second", claim.ref, "行业主管部门审核 · 复核")
    titled(page, "公示中")
    says(page, "公示期 2021年7月5日 至 2021年7月7日")
    step_shot(page, shots, "claim-02-in-notice")
    logout(page, base)

    # --- Tuesday 6 July: the public notice, without logging in (F08) -----------------------------------
    clock.set(OBJECTED)
    page.goto(base + "/claims/notices/")
    assert_layout(page, "/claims/notices/")
    expect(page.locator("main table.data tbody tr", has_text=claim.ref)).to_contain_text("公示中")
    page.locator("main table.data a", has_text=claim.ref).click()
    page.wait_for_url(f"**/claims/notices/{claim.pk}/")
    expect(page.locator(".topbar")).to_contain_text("工作人员登录")  # nobody is logged in
    says(page, "公示期 2021年7月5日 至 2021年7月7日")
    rows = page.locator("main table.data tbody tr")
    expect(rows).to_have_count(30)
    names = [t.strip() for t in rows.locator("td:nth-child(2)").all_inner_texts()]
    ids = [t.strip() for t in rows.locator("td:nth-child(3)").all_inner_texts()]
    assert all(n.startswith(trainee.name[:2]) and n.endswith("*") for n in names), names
    assert all(MASKED_ID.match(i) for i in ids), ids
    content = page.content()
    assert trainee.id_number not in content and trainee.name not in content
    page.fill("input[name=name]", "王某")
    page.fill("input[name=contact]", "13900001111")
    page.fill("input[name=row]", "3")
    page.fill("textarea[name=text]", "此人培训期间在外地务工，未参加培训")
    # 18.11: the CAPTCHA read off its image (here: from the store the image is drawn from)
    from captcha.models import CaptchaStore

    key = page.locator("input[name=captcha_key]").get_attribute("value")
    page.fill("input[name=captcha]", CaptchaStore.objects.get(hashkey=key).response)
    step_shot(page, shots, "claim-03-notice-public")
    page.get_by_role("button", name="提交异议").click()
    says(page, "异议已收到")
    says(page, "已收到异议 1 件")
    objection = Objection.objects.get(claim=claim)
    assert (objection.line is not None and objection.line.row, objection.outcome) == (3, "open")

    # --- Thursday 8 July: the bureau upholds the objection, closes the notice, and signs (F08, F09) ------
    clock.set(NOTICE_OVER)
    _as(page, base, world, "hr_first")
    _open_claim(page, claim.ref)
    titled(page, "公示中")
    row = page.locator("main table.data tbody tr", has_text="此人培训期间在外地务工")
    row.locator("select[name=outcome]").select_option("upheld")
    row.locator("input[name=resolution]").fill("经核实考勤记录，情况属实")
    row.get_by_role("button", name="处理").click()
    says(page, "已记录异议处理情况")
    says(page, "29 人 · 58,000.00 元")
    page.get_by_role("button", name="结束公示，转人社审核").click()
    says(page, "公示已结束")
    titled(page, "公示结束待人社审核")
    page.get_by_role("button", name="签署").click()
    says(page, "已签署审核意见")
    step_shot(page, shots, "claim-04-objection-upheld")
    logout(page, base)
    _sign(page, base, world, "hr_second", claim.ref, "人力资源社会保障部门审核 · 复核")
    titled(page, "已核准待拨付")
    logout(page, base)

    # The bureau's admin batches the week's approved claims (F11).
    _as(page, base, world, "hr_admin")
    menu(page, "拨付批次")
    page.get_by_role("button", name=re.compile("汇总本周期已核准的申领")).click()
    page.wait_for_url("**/claims/batches/*/")
    says(page, "新汇总 1 笔已核准的申领")
    titled(page, "汇总中")
    batch = PaymentBatch.objects.get()
    assert (batch.period_start, batch.pay_on) == (dt.date(2021, 7, 5), PAY_DAY)
    expect(page.locator("main table.data tbody tr")).to_have_count(1)
    says(page, "1 笔 · 实付 58,000.00 元")
    logout(page, base)

    # The second reviewer sends it to finance.
    _as(page, base, world, "hr_second")
    menu(page, "拨付批次")
    page.locator("main table.data a", has_text=batch.ref).click()
    page.wait_for_url(f"**/claims/batches/{batch.pk}/")
    assert _confirmed(page, "送交财政") == (
        f"将批次 {batch.ref} 的 1 笔申领、实付合计 58,000.00 元送交财政？送交后本批次不再汇总。"
    )
    says(page, "批次已送交财政")
    titled(page, "已送财政")
    step_shot(page, shots, "claim-05-batch-sent")
    logout(page, base)

    # --- Friday 9 July: finance pays with the bank's reference (F13) ---------------------------------------
    clock.set(PAY_DAY)
    _as(page, base, world, "finance")
    menu(page, "拨付批次")
    page.locator("main table.data a", has_text=batch.ref).click()
    page.wait_for_url(f"**/claims/batches/{batch.pk}/")
    page.fill("input[name=bank_reference]", BANK_REFERENCE)
    assert _confirmed(page, "确认拨付") == f"确认批次 {batch.ref} 的 1 笔、合计 58,000.00 元已由银行拨付？"
    says(page, "已确认拨付")
    titled(page, "已拨付")
    says(page, f"银行回单号 {BANK_REFERENCE}（2021年7月9日）")
    expect(page.locator("main table.data tbody tr")).to_contain_text("职业技能提升行动专账资金 58,000.00")
    step_shot(page, shots, "claim-06-batch-paid")
    page.locator("main table.data a", has_text=claim.ref).click()
    page.wait_for_url(f"**/claims/{claim.pk}/")
    titled(page, "已拨付")
    says(page, "2021年7月9日")
    says(page, "职业技能提升行动专账资金 58,000.00 元")
    step_shot(page, shots, "claim-07-paid")

    claim.refresh_from_db()
    batch.refresh_from_db()
    assert (claim.state, claim.headcount, claim.amount, claim.paid_on) == (
        ClaimState.PAID,
        29,
        Decimal("58000.00"),
        PAY_DAY,
    )
    assert (batch.state, batch.bank_reference, batch.paid_on) == (
        PaymentBatch.State.PAID,
        BANK_REFERENCE,
        PAY_DAY,
    )
    assert BatchItem.objects.get(claim=claim).funds == [
        {"fund": "职业技能提升行动专账资金", "amount": "58000.00"}
    ]
    assert_books_balance()
