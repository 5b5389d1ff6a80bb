"""F14 and F04 pages: recording a wrong payment from the claim, the refund form, the weekly / monthly
report page and its xlsx, the claim detail and payment file showing prepaid / offset / net."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from jineng.claims.tests.factories import funded
from jineng.claims.tests.prepay import approved_claim, assess, batch_to_finance, pay, prepaid, project_class
from jineng.conftest import World
from jineng.ledger.tests.books import assert_books_balance
from jineng.recovery import services
from jineng.recovery.models import Movement, WrongPayment
from jineng.recovery.tests.factories import FOUND, paid_claim

D = Decimal
pytestmark = pytest.mark.django_db


def test_f14_record_page_raises_the_receivable_and_a_bad_amount_is_refused_in_chinese(world: World) -> None:
    claim = paid_claim(world)
    hr = world.client(world.users["hr_first"])
    # The paid claim's page offers the form to the bureau, not to the school
    assert "登记错发资金（F14）" in hr.get(f"/claims/{claim.pk}/").content.decode()
    assert (
        "登记错发资金（F14）"
        not in world.client(world.users["institution"]).get(f"/claims/{claim.pk}/").content.decode()
    )
    # When the amount exceeds the claim
    form = {"kind": "error", "amount": "60000.01", "reason": "多发一人补贴", "rows": ""}
    page = hr.post(f"/recovery/new/{claim.pk}/", form, follow=True).content.decode()
    # Then the page says why, citing F14, and nothing is recorded
    assert "本次 60,000.01 元后超过核定金额" in page and "规则 F14" in page
    assert WrongPayment.objects.count() == 0
    # When it is right, the detail page follows with the refund form
    response = hr.post(f"/recovery/new/{claim.pk}/", {**form, "amount": "2000.00", "rows": "2"})
    wp = WrongPayment.objects.get()
    assert response["Location"] == f"/recovery/{wp.pk}/"
    assert (wp.amount, wp.rows) == (D("2000.00"), [2])
    detail = hr.get(f"/recovery/{wp.pk}/").content.decode()
    assert "登记退回（F14）" in detail and "<b>2,000.00 元</b>" in detail
    hr.post(
        f"/recovery/{wp.pk}/refund/", {"amount": "500.00", "fund_kind": "special_account", "reference": "TK9"}
    )
    assert Movement.objects.get().amount == D("500.00")
    # And the list, filtered to what is still owed, shows it with 1500 outstanding
    listing = hr.get("/recovery/?open=1").content.decode()
    assert wp.ref in listing and "<b>1,500.00</b>" in listing
    items = hr.get("/api/v1/recovery/wrong-payments?open_only=true").json()["items"]
    assert [(i["ref"], i["outstanding"]) for i in items] == [(wp.ref, "1500.00")]
    assert_books_balance()


def test_f14_report_page_and_xlsx_give_the_weeks_figures_per_institution(world: World) -> None:
    claim = paid_claim(world)
    hr = world.users["hr_first"]
    wp = services.wrong_payment_record(
        actor=hr, claim=claim, kind="error", amount="4000", reason="多发两人补贴", today=FOUND
    )
    services.refund_record(actor=hr, wrong_payment=wp, amount="1500", today=FOUND)
    client = world.client(hr)
    url = f"/recovery/report/?kind=weekly&day=2021-07-14&region={world.zhengzhou.pk}"
    page = client.get(url).content.decode()
    assert "2021年7月12日—7月18日" in page and world.zz_school.name in page
    response = client.get(url + "&format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("区域", "收款单位/个人", "新增笔数", "新增金额（元）")
    assert rows[1] == (claim.region.name, world.zz_school.name, 1, 4000, 1, 1500, 0, 0, 0, 2500)
    assert rows[2] == ("合计", None, 1, 4000, 1, 1500, 0, 0, 0, 2500)
    # The next week: nothing new, 2500 still outstanding
    later = list(
        load_workbook(
            BytesIO(client.get(url.replace("07-14", "07-21") + "&format=xlsx").content)
        ).active.iter_rows(values_only=True)
    )
    assert later[1] == (claim.region.name, world.zz_school.name, 0, 0, 0, 0, 0, 0, 0, 2500)
    # The API gives the same figures
    body = client.get(
        f"/api/v1/recovery/report?kind=weekly&day=2021-07-14&region_id={world.zhengzhou.pk}"
    ).json()
    assert (body["start"], body["end"], body["total"]["raised"], body["total"]["outstanding"]) == (
        "2021-07-12",
        "2021-07-18",
        "4000.00",
        "2500.00",
    )


def test_f04_claim_detail_and_payment_file_show_prepaid_offset_and_net(world: World) -> None:
    funded(world)
    tc = project_class(world)
    p = prepaid(world, tc)
    claim = approved_claim(world, assess(world, tc, failing_rows=(3, 4)))
    batch = batch_to_finance(world)
    finance = world.client(world.users["finance"])
    rows = list(
        load_workbook(
            BytesIO(finance.get(f"/claims/batches/{batch.pk}/?format=xlsx").content)
        ).active.iter_rows(values_only=True)
    )
    assert rows[0][5:9] == ("核定补贴（元）", "预拨抵减（元，F04）", "应收抵扣（元，F14）", "实付金额（元）")
    assert rows[1][5:9] == (56000, 30000, 0, 26000)
    pay(world, batch)
    page = world.client(world.users["institution"]).get(f"/claims/{claim.pk}/").content.decode()
    assert "预拨抵减（F04） <b>30,000.00 元</b>" in page and "实付 <b>26,000.00 元</b>" in page
    assert f'本班项目制预拨 <a href="/claims/prepayments/{p.pk}/">{p.ref}</a>' in page
    assert "2021年7月9日 清算，核定 56,000.00 元" in page
    listing = world.client(world.users["hr_first"]).get("/claims/prepayments/").content.decode()
    assert p.ref in listing and "已清算" in listing
    assert_books_balance()
    assert dt.date(2021, 7, 9) == batch.pay_on


def test_f14_pages_quote_the_users_profile_and_the_report_its_periods(world: World) -> None:
    # Given Zhengzhou under ZZ21 (weekly and monthly reports) and Xuchang under XC23 (no period)
    zz = world.client(world.users["hr_admin"])
    xc = world.client(world.outsiders["hr_admin"])
    # When each opens the report page / Then the periods are those of its own profile
    zz_report = zz.get("/recovery/report/").content.decode()
    xc_report = xc.get("/recovery/report/").content.decode()
    assert (
        "F14 报告周期：郑州2021 每周、每月（ZZ21 七(二) 坚持每周、每月定期上报错误资金申领退还情况报告）。"
        in zz_report
    )
    assert "F14 报告周期：许昌2023 本文件未规定报告周期（三(三) 规定收缴违规拨付资金）。" in xc_report
    assert "ZZ21" not in xc_report
    # And the list and the blacklist quote F14 as the profile words it
    assert "列入黑名单（F14：ZZ21 七(二)；HC21 三(三)；XC23 三(三)）" in zz.get("/recovery/").content.decode()
    assert (
        "不得申领补贴（F14；XC23 二(三)3 问题突出的纳入“黑名单”，动态退出）"
        in xc.get("/recovery/blacklist/").content.decode()
    )


def test_f04_f14_a_cancelled_classs_prepayment_is_listed_by_the_prepayment_it_comes_from(
    world: World,
) -> None:
    from jineng.claims.tests.factories import funded
    from jineng.claims.tests.prepay import PREPAID, prepaid, project_class
    from jineng.training.services import class_cancel

    # Given 30000 prepaid on a class the bureau then cancels
    funded(world)
    tc = project_class(world)
    p = prepaid(world, tc)
    class_cancel(actor=world.users["hr_first"], training_class=tc, reason="报名人数不足", today=PREPAID)
    wp = WrongPayment.objects.get(prepayment=p)
    hr = world.client(world.users["hr_first"])
    # When the bureau opens the wrong payments, the entry and the API
    listing = hr.get("/recovery/?open=1").content.decode()
    detail = hr.get(f"/recovery/{wp.pk}/").content.decode()
    items = hr.get("/api/v1/recovery/wrong-payments?open_only=true").json()["items"]
    # Then each names the prepayment (there is no claim), its kind in Chinese and the 30000 owed
    assert f'<a href="/claims/prepayments/{p.pk}/">{p.ref}</a>' in listing
    assert '<td class="fit">预拨班级已取消</td>' in listing
    assert '<td class="num fit"><b>30,000.00</b></td>' in listing
    assert f'预拨 <b><a href="/claims/prepayments/{p.pk}/">{p.ref}</a></b>' in detail
    assert [(i["ref"], i["claim"], i["kind_label"], i["outstanding"]) for i in items] == [
        (wp.ref, p.ref, "预拨班级已取消", "30000.00")
    ]
