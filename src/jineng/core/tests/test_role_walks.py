"""Issue 18: each role's day on the screens it has — every demo account walks the pages of its work at
1366×768, and the roles that work on a phone (the inspector, the trainee, the public) at 390×844 too.

On a freshly loaded demo, in Chinese: every page answers 200 with the product's own stylesheet and htmx,
scrolls no page sideways, shows its heading, offers no way into /admin/, and loads nothing from another
host (the page fixture records every request to another host and every CSP violation, and fails the test
on any). On the way, each point of issue 18 is asserted where the role meets it (``Check``s below, named
after the point). Each page is saved as a screenshot (into JINENG_SCREENSHOT_DIR when set — CI keeps them
with its logs — else a temporary folder); the README shows three of them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jineng.core.tests import browser_kit
from jineng.core.tests.test_browser import PASSWORD, demo  # noqa: F401 - the demo fixture

pytestmark = pytest.mark.browser

browser = browser_kit.browser
shots = browser_kit.shots
page = browser_kit.page

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
EMPTY_TODO = "当前没有等待您处理的事项"
# A date as the documents write it, 2021年7月5日 (18.10).
CN_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"

Check = Callable[[Any, str], None]


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def todo_lists(*labels: str) -> Check:
    """18.1: 待办 lists the role's queues with their counts, each a link to the work."""

    def check(page: Any, base: str) -> None:
        todo = page.locator(".todo-panel")
        _expect()(todo).not_to_contain_text(EMPTY_TODO)
        for label in labels:
            item = todo.locator("li", has_text=label)
            _expect()(item).to_have_count(1)
            assert re.fullmatch(r"\d+", item.locator(".badge").inner_text().strip()), label
            assert item.locator("a").get_attribute("href"), label

    return check


def overdue_first(page: Any, base: str) -> None:
    """18.1 and 18.10: the overdue queue comes first, with its earliest deadline written 2021年7月5日."""
    first = page.locator(".todo-panel li").first
    _expect()(first).to_contain_text("已超期")
    assert re.search(rf"最早期限 {CN_DATE}", first.inner_text()), first.inner_text()


def setup_pages_without_admin(page: Any, base: str) -> None:
    """18.3: a profile is put in force, a holiday year entered and a department added on pages."""
    form = page.locator("form", has=page.locator("select[name=profile]"))
    for field in ("select[name=region]", "input[name=year]", "input[name=other_years]"):
        _expect()(form.locator(field)).to_have_count(1)
    _expect()(page.locator("#assignments thead")).to_contain_text("设定人")
    page.goto(base + "/calendar/")
    _expect()(page.locator("main a", has_text=re.compile(r"录入 \d{4} 年安排"))).to_have_count(1)
    page.goto(base + "/regions/departments/")
    _expect()(page.locator("main")).to_contain_text("增加部门")


def documents_named(page: Any, base: str) -> None:
    """18.14: the 政策档案 page names the documents by their numbers."""
    main = page.locator("main")
    for number in ("郑技领办〔2021〕6号", "潢技领办〔2021〕1号", "许政办〔2019〕20号", "许技领办〔2023〕1号"):
        _expect()(main).to_contain_text(number)


def api_docs_offline(page: Any, base: str) -> None:
    """18.6: the API docs render from the product's own files (the fixture fails on any outside request)."""
    page.goto(base + "/api/v1/docs")
    _expect()(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() > 50


def dashboard_in_wan(page: Any, base: str) -> None:
    """18.10: targets in 万 as the documents write them; the chart is drawn."""
    main = page.locator("main")
    assert re.search(r"\d+(\.\d+)?万", main.inner_text()), "目标未以“万”表示"
    _expect()(page.locator("main canvas").first).to_be_visible()


def signing_asks_count_and_total(page: Any, base: str) -> None:
    """18.9: signing ticked claims asks first, with their number and total; saying no signs nothing."""
    box = page.locator("#sign-batch input[name=claim]").first
    box.check()
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator("#sign-batch button[type=submit]").first.click()
    page.wait_for_timeout(300)
    assert len(asked) == 1 and re.fullmatch(
        r"签署所选 1 笔申领，合计 [\d,]+\.\d\d 元？每笔在其所处环节签署。", asked[0]
    ), asked
    assert page.url.endswith("/claims/queue/"), page.url  # dismissed: nothing was sent


def finance_has_a_batch_to_pay(page: Any, base: str) -> None:
    todo_lists("待拨付的批次")(page, base)


def institution_details_editable(page: Any, base: str) -> None:
    """18.4: 待办's 完善机构信息 opens a form the institution fills in itself."""
    page.locator(".todo-panel a", has_text="完善机构信息").click()
    page.wait_for_url(re.compile(r"/orgs/\d+/edit/$"))
    for name in ("contact_name", "contact_phone", "bank_name", "bank_account"):
        _expect()(page.locator(f"main form [name={name}]")).to_be_editable()


def class_form_narrowed(page: Any, base: str) -> None:
    """18.8: the departments follow the chosen region; the teachers the typed occupation."""
    page.select_option("#id_region", label="许昌市")
    offered = page.locator("#id_department option:not([disabled])").all_inner_texts()
    assert len(offered) > 1 and all(t.endswith("（许昌市）") for t in offered[1:]), offered
    codes = page.eval_on_selector_all("#id_teachers input", "els => els.map(e => e.dataset.equal)")
    page.fill("#id_occupation_code", codes[0])
    page.locator("#id_batch").click()  # leaving the field, as a clerk would
    shown = page.locator("#id_teachers label:visible")
    _expect()(shown).to_have_count(codes.count(codes[0]))
    _expect()(page.locator("[data-narrow-note=teachers]")).to_contain_text("名其他职业的教师")
    page.get_by_role("button", name="全部显示").click()
    _expect()(shown).to_have_count(len(codes))


def roster_template_keeps_text(page: Any, base: str) -> None:
    """18.7: the roster template's ID and phone columns are text, a second sheet explains the columns,
    and the sample row is plainly not a person."""
    import openpyxl

    response = page.request.get(base + "/classes/roster-template.xlsx")  # the session's own cookies
    assert response.status == 200
    book = openpyxl.load_workbook(io.BytesIO(response.body()))
    assert len(book.sheetnames) >= 2, book.sheetnames
    sheet = book[book.sheetnames[0]]
    header = [c.value for c in sheet[1]]
    for title in ("身份证号", "手机号"):
        column = next(i for i, h in enumerate(header, start=1) if h and title in str(h))
        assert sheet.cell(row=2, column=column).number_format == "@", title
    assert "示例" in str(sheet.cell(row=2, column=1).value or "") + str(
        sheet.cell(row=2, column=2).value or ""
    )


def print_form_like_the_document(page: Any, base: str) -> None:
    """18.13: the class's application printed as the document's form, with its signature blocks."""
    page.locator("main table tbody a[href^='/classes/']").first.click()
    page.wait_for_url(re.compile(r"/classes/\d+/$"))
    link = page.locator("main a[href*='/print/']").first
    page.goto(base + link.get_attribute("href"))
    _expect()(page.locator("body")).to_contain_text("申请表")
    _expect()(page.locator("table.form-table").first).to_be_visible()


def list_sorts_on_the_server(page: Any, base: str) -> None:
    """18.13: a header of a long, paginated table sorts the whole list (the server), both ways."""
    page.locator("main table thead th[data-sort=planned]").click()
    page.wait_for_url(re.compile(r"[?&]sort=planned"))
    _expect()(page.locator("main table thead th[data-sort=planned]")).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.locator("main table thead th[data-sort=planned]").click()
    page.wait_for_url(re.compile(r"[?&]sort=-planned"))
    _expect()(page.locator("main table thead th[data-sort=planned]")).to_have_attribute(
        "aria-sort", "descending"
    )
    planned = [int(t) for t in page.locator("main table tbody td:nth-child(5)").all_inner_texts()]
    assert planned == sorted(planned, reverse=True), planned


def audit_in_chinese(page: Any, base: str) -> None:
    """18.5: the audit trail says what happened in Chinese; no "Model object (3)"."""
    text = page.locator("main table").first.inner_text()
    assert " object (" not in text and "object (" not in text, text[:300]
    first_action = page.locator("main table tbody tr").first.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", first_action), first_action


def inspector_home_leads_to_today(page: Any, base: str) -> None:
    """18.2: the inspector's home leads to 今日检查."""
    page.locator(".todo-panel a", has_text="今日检查").click()
    page.wait_for_url(re.compile(r"/supervision/today/$"))
    _expect()(page.locator("main h1")).to_contain_text("今日检查")


def trainee_sees_his_own(page: Any, base: str) -> None:
    """18.12: his classes, attendance, results, certificates and subsidies with their payment state — and no
    institution tools in his menu."""
    main = page.locator("main")
    for word in ("培训班", "签到", "合格", "证书", "补贴"):
        _expect()(main).to_contain_text(word)
    menu = " ".join(page.locator("nav.sidebar a").all_inner_texts())
    assert "申领批处理" not in menu and "开班申请" not in menu, menu


def notice_for_the_public(ref: str) -> Check:
    """18.11: a 公示 names its bureau, telephone, objection deadline and legal basis; the CAPTCHA is drawn
    by the product."""

    def check(page: Any, base: str) -> None:
        page.locator("main table a[href*='/claims/notices/']", has_text=ref).first.click()
        page.wait_for_url(re.compile(r"/claims/notices/\d+/$"))
        main = page.locator("main")
        for word in ("发布单位", "咨询电话", "异议受理截止", "公示依据"):
            _expect()(main).to_contain_text(word)
        assert re.search(rf"异议受理截止 {CN_DATE}", main.inner_text())
        captcha = page.locator("img.captcha")
        _expect()(captcha).to_be_visible()
        assert page.evaluate("() => document.querySelector('img.captcha').naturalWidth") > 0
        assert (
            page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            <= 0
        )

    return check


WALKS: dict[str, list[tuple[str, str, list[Check]]]] = {
    "zz_admin": [
        ("/", "王建国", []),
        ("/account/users/", "账号", []),
        ("/regions/profiles/in-force/", "适用的政策档案", [setup_pages_without_admin]),
        ("/regions/profiles/", "政策档案", [documents_named]),
        ("/classes/", "培训班", []),
        ("/online/", "线上培训监管", []),
        ("/progress/?year=2021", "目标任务完成进度", [dashboard_in_wan, api_docs_offline]),
    ],
    "zz_hr1": [
        ("/", "李娜", [todo_lists("待审核的开班申请"), overdue_first]),
        ("/classes/", "培训班", [list_sorts_on_the_server]),
        ("/claims/", "补贴申领", []),
    ],
    "zz_gxj1": [
        ("/", "刘洋", [todo_lists("待审核的开班申请")]),
        ("/classes/", "培训班", []),
        ("/claims/queue/", "", [signing_asks_count_and_total]),
    ],
    "zz_czj": [("/", "杨帆", []), ("/claims/batches/", "拨付批次", [])],
    "xc_cz1": [("/", "韩梅", [finance_has_a_batch_to_pay]), ("/claims/batches/", "拨付批次", [])],
    "zzsy_jb": [
        (
            "/",
            "赵敏",
            [todo_lists("被退回修改的开班申请", "尚未提交的开班申请（草稿）"), institution_details_editable],
        ),
        ("/classes/new/", "申请表", [class_form_narrowed, roster_template_keeps_text]),
        ("/classes/", "培训班", [print_form_like_the_document]),
        ("/claims/", "补贴申领", []),
        ("/online/devices/", "签到设备", []),
    ],
    "tcjd_jb": [
        ("/", "孙丽", [todo_lists("待录入结果的结业考核")]),
        ("/assessment/", "结业考核", []),
        ("/certificates/", "证书登记册", []),
    ],
    "zz_dc": [
        ("/", "周强", [inspector_home_leads_to_today]),
        ("/supervision/today/", "今日检查", []),
        ("/online/exceptions/", "每日异常清单", []),
    ],
    "zz_sj": [("/", "吴芳", []), ("/audit/", "审计日志", [audit_in_chinese]), ("/claims/", "补贴申领", [])],
    "xueyuan": [
        ("/", "李明", []),
        ("/claims/mine/", "我的培训与补贴", [trainee_sees_his_own]),
        ("/online/me/", "学习与签到记录", []),
    ],
}
ON_PHONE = {"zz_dc", "xueyuan"}
PUBLIC: list[tuple[str, str, list[Check]]] = [
    ("/claims/notices/", "公示", []),  # + notice_for_the_public(the notice open today), in the test
    ("/certificates/check/", "证书查验", []),
]


def _sideways(page: Any) -> int:
    return int(
        page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def _visit(page: Any, base: str, path: str, heading: str, folder: Path, name: str) -> None:
    response = page.goto(base + path)
    assert response is not None and response.status == 200, f"{name}: {path} → {response and response.status}"
    page.wait_for_load_state("networkidle")
    state = page.evaluate(
        "() => ({css: !!document.querySelector('link[href*=\"app.css\"]'), htmx: typeof window.htmx,"
        " lang: document.documentElement.lang})"
    )
    assert state["css"] and state["lang"] == "zh-CN", f"{name}: {state}"
    assert _sideways(page) <= 0, f"{name}: {path} 横向溢出 {_sideways(page)}px"
    if heading:
        _expect()(page.locator("main h1").first).to_contain_text(heading)
    # 18.3: no bureau page offers a way into the Django admin.
    assert page.locator("a[href^='/admin']").count() == 0, f"{name}: {path} 链接到 /admin/"
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def _a_notice_open_today() -> str:
    """The demo's notices ran in 2021 and 2023; the one still in notice is moved to run from today, as a
    notice the public meets on the day it is published."""
    import datetime as dt

    from django.utils import timezone

    from jineng.claims.models import Claim, ClaimState

    today = timezone.localdate()
    claim = Claim.objects.filter(state=ClaimState.IN_NOTICE).order_by("pk").first()
    assert claim is not None
    Claim.objects.filter(pk=claim.pk).update(notice_start=today, notice_end=today + dt.timedelta(days=7))
    return claim.ref


def test_every_roles_day_on_its_screens(demo: None, live_server: Any, page: Any, shots: Path) -> None:  # noqa: F811
    # A bureau's network: requests to other hosts are blocked outright (and the page fixture, which records
    # every one of them, fails the test on any).
    page.context.route(browser_kit.OUTSIDE, lambda route: route.abort("blockedbyclient"))
    public = [(path, heading, list(checks)) for path, heading, checks in PUBLIC]
    public[0][2].append(notice_for_the_public(_a_notice_open_today()))
    base = live_server.url
    checked: list[str] = []
    for username, steps in WALKS.items():
        sizes = [("desk", DESK)] + ([("phone", PHONE)] if username in ON_PHONE else [])
        for size_name, size in sizes:
            page.set_viewport_size(size)
            browser_kit.login(page, base, username, PASSWORD)
            for i, (path, heading, checks) in enumerate(steps):
                name = f"walk-{username}-{size_name}-{i}"
                _visit(page, base, path, heading, shots, name)
                for j, check in enumerate(checks):
                    if j:  # the check before may have gone elsewhere
                        page.goto(base + path)
                        page.wait_for_load_state("networkidle")
                    check(page, base)
                    checked.append(f"{name}:{getattr(check, '__qualname__', check)}")
                    page.screenshot(path=str(shots / f"{name}-{j}-checked.png"), full_page=False)
            page.goto(base + "/")  # a check may have ended outside the product's frame (the API docs)
            browser_kit.logout(page, base)
    # The public, on a phone: the subsidy notices and the certificate check.
    page.set_viewport_size(PHONE)
    for i, (path, heading, checks) in enumerate(public):
        name = f"walk-public-phone-{i}"
        _visit(page, base, path, heading, shots, name)
        for j, check in enumerate(checks):
            check(page, base)
            checked.append(f"{name}:{getattr(check, '__qualname__', check)}")
            page.screenshot(path=str(shots / f"{name}-{j}-checked.png"), full_page=False)
    # Every point's check ran (a walk that skipped them would pass on the layout alone).
    assert len(checked) == 22, checked
