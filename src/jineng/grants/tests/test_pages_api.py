"""F05 pages and API: the clerk applies by form, by spreadsheet or through the API; the bureau's reviewers
sign on the page and find their queue at home; auditors read; bad input is a Chinese 4xx, nothing written."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jineng.conftest import World
from jineng.core.navigation import menu_for
from jineng.core.roles import Role
from jineng.core.tests.test_scope_matrix import assert_envelope
from jineng.core.xlsx import workbook_bytes
from jineng.grants import services
from jineng.grants.models import EquipmentItem, GrantApplication, GrantState
from jineng.grants.tests.factory import applied, recognised, under

pytestmark = pytest.mark.django_db

G = "/api/v1/grants"


def post_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _form(**rows: str) -> dict[str, str]:
    data = {
        "staff_education_fund_used": "on",
        "item-1-name": "五轴联动数控加工中心",
        "item-1-model": "DMU 65",
        "item-1-quantity": "1",
        "item-1-unit_price": "1800000",
        "item-1-invoice_number": "4400123400001",
        "item-1-purchased_on": "2021-03-15",
        "item-2-name": "工业机器人实训工作站",
        "item-2-quantity": "2",
        "item-2-unit_price": "350000.25",
        "item-2-invoice_number": "4400123400002",
        "item-2-purchased_on": "2021-04-02",
    }
    data.update(rows)
    return data


def test_f05_clerk_applies_on_the_page_and_sees_the_grant_and_its_state(world: World) -> None:
    # Given XC19 in force this year and the school's recognised base
    under(world, "XC19", year=dt.date.today().year)
    r = recognised(world)
    clerk = world.client(world.users["institution"])
    # The clerk is offered the base on the list page
    page = clerk.get("/grants/")
    assert page.status_code == 200 and r.name in page.content.decode()
    # When he sends two items on the form
    response = clerk.post(f"/grants/apply/{r.pk}/", _form(), follow=True)
    # Then the application is made: 1,800,000 + 2 × 350,000.25 = 2,500,000.50 → 20% = 500,000.10, capped
    a = GrantApplication.objects.get()
    assert (a.equipment_value, a.amount, a.state) == (D("2500000.50"), D("500000.00"), GrantState.SUBMITTED)
    assert [(i.row, i.value) for i in a.items.all()] == [(1, D("1800000.00")), (2, D("700000.50"))]
    assert f"设备补助申请 {a.ref} 已提交人社部门审核，补助 500,000.00 元（F05）" in page_messages(response)
    body = response.content.decode()
    assert "待人社初审" in body and "超过上限 500000元" in body
    # And the detail page writes the amounts as officials do: unit price, value, totals
    assert '<td class="num fit">350,000.25</td><td class="num fit">700,000.50</td>' in body
    assert "<span>设备总值 <b>2,500,000.50 元</b></span><span>补助 <b>500,000.00 元</b></span>" in body


def test_f05_page_refusal_is_shown_on_the_form_and_nothing_is_written(world: World) -> None:
    under(world, "XC19", year=dt.date.today().year)
    r = recognised(world)
    clerk = world.client(world.users["institution"])
    response = clerk.post(f"/grants/apply/{r.pk}/", _form(**{"item-2-invoice_number": "4400123400001"}))
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].non_field_errors())
    assert "第2行“发票号码”：发票号码与第 1 行重复：同一张发票只计一次（规则 F05" in errors
    assert GrantApplication.objects.count() == 0 and EquipmentItem.objects.count() == 0


def test_f05_items_by_spreadsheet_through_the_bounded_reader(world: World) -> None:
    under(world, "XC19", year=dt.date.today().year)
    r = recognised(world, kind="studio")
    clerk = world.client(world.users["institution"])
    template = clerk.get("/grants/template.xlsx")
    assert template.status_code == 200
    content = workbook_bytes(
        "设备清单",
        services.ITEM_HEADERS,
        [["技能大师实训台", "JS-1", 3, "50000.5", "4400999", "2021-05-06"]],
    )
    upload = SimpleUploadedFile("清单.xlsx", content)
    response = clerk.post(f"/grants/apply/{r.pk}/", {"staff_education_fund_used": "on", "file": upload})
    assert response.status_code == 302
    a = GrantApplication.objects.get()
    # 3 × 50,000.50 = 150,001.50 → 20% = 30,000.30
    assert (a.equipment_value, a.amount) == (D("150001.50"), D("30000.30"))
    (only,) = a.items.all()
    assert (only.name, only.quantity, only.invoice_number, only.purchased_on.isoformat()) == (
        "技能大师实训台",
        3,
        "4400999",
        "2021-05-06",
    )


def test_f05_spreadsheet_with_bad_cells_reports_every_row(world: World) -> None:
    content = workbook_bytes(
        "设备清单",
        services.ITEM_HEADERS,
        [["实训台", "", "三", "50000", "A1", "2021-05-06"], ["实训台", "", 1, "五万", "A2", "昨天"]],
    )
    with pytest.raises(services.Refusal) as refused:
        services.items_workbook_read(content)
    assert [(v.row, v.field) for v in refused.value.violations] == [(2, "数量"), (3, "单价"), (3, "购置日期")]
    with pytest.raises(services.Refusal, match="表头与模板不一致"):
        services.items_workbook_read(workbook_bytes("x", ["名称"], []))


def test_f09_reviewers_sign_on_the_page_and_find_their_queue_at_home(world: World) -> None:
    under(world, "XC19", year=dt.date.today().year)
    a = applied(world, recognised(world), today=dt.date.today())
    first = world.client(world.users["hr_first"])
    home = first.get("/")
    assert "待审核的实训设备补助" in home.content.decode()
    detail = first.get(f"/grants/{a.pk}/")
    assert "人社部门初审" in detail.content.decode()
    response = first.post(f"/grants/{a.pk}/review/", {"decision": "pass"}, follow=True)
    assert "已签署" in page_messages(response)
    a.refresh_from_db()
    assert (a.state, a.first_reviewer) == (GrantState.FIRST_SIGNED, world.users["hr_first"])
    # The auditor reads it, and may not sign
    auditor = world.client(world.users["auditor"])
    assert auditor.get(f"/grants/{a.pk}/").status_code == 200
    assert auditor.post(f"/grants/{a.pk}/review/", {"decision": "pass"}).status_code == 403


def test_menu_entry_for_the_roles_that_see_grants(world: World) -> None:
    for role in (Role.HR_ADMIN, Role.HR_FIRST, Role.AUDITOR, Role.INSTITUTION):
        assert "实训设备补助" in [i.label for i in menu_for(role)], role
    for role in (Role.TRAINEE, Role.DEPT_FIRST, Role.INSPECTOR):
        assert "实训设备补助" not in [i.label for i in menu_for(role)], role


def test_f05_api_applies_and_answers_bad_input_in_chinese_with_nothing_written(world: World) -> None:
    under(world, "XC19", year=dt.date.today().year)
    r = recognised(world)
    clerk = world.client(world.users["institution"])
    item = {
        "name": "数控车床",
        "quantity": 2,
        "unit_price": "125000",
        "invoice_number": "INV-1",
        "purchased_on": "2021-03-15",
    }
    body = {"recognition_id": r.pk, "staff_education_fund_used": True, "items": [item]}
    # Bad input: a quantity that is no number, a negative price, no items, a missing base
    bad = post_json(clerk, G, {**body, "items": [{**item, "quantity": "两台"}]})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    assert bad.json()["message"] == "请求参数不合法：“items.0.quantity”须为整数"
    negative = post_json(clerk, G, {**body, "items": [{**item, "unit_price": "-5"}]})
    assert negative.status_code == 422
    assert negative.json()["message"] == "设备清单有误，未提交申请"
    assert negative.json()["details"][0]["message"] == (
        "第1行“单价”：单价应大于 0 元且不超过 1 亿元（规则 F05，依据 XC19 二(二)1 按企业新购置实训设备总值的20%从就业补助资金中给予一次性补助）"
    )
    empty = post_json(clerk, G, {**body, "items": []})
    assert empty.status_code == 422 and empty.json()["details"][0]["message"].startswith(
        "“设备清单”：请至少填写一项"
    )
    missing = post_json(clerk, G, {**body, "recognition_id": 999999})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert GrantApplication.objects.count() == 0
    # Good input: 201 with the grant and its computation
    ok = post_json(clerk, G, body)
    assert ok.status_code == 201, ok.content
    out = ok.json()
    assert (out["amount"], out["state_label"], out["profile"]) == ("50000.00", "待人社初审", "XC19 v1")
    assert (
        out["computation"]
        == "F05 高技能人才培训基地 新购置实训设备总值 250000元 × 20% = 50000元（许政办〔2019〕20号 二(二)1）"
    )
    # A second application for the same base: 422 naming F05
    again = post_json(clerk, G, {**body, "items": [{**item, "invoice_number": "INV-2"}]})
    assert again.status_code == 422 and "一次性补助不能重复申请（规则 F05" in again.json()["message"]
    # A reviewer's bad decision is a Chinese 422 too
    first = world.client(world.users["hr_first"])
    wrong = post_json(first, f"{G}/{out['id']}/review", {"decision": "maybe"})
    assert (
        wrong.status_code == 422 and wrong.json()["message"] == "“审核结论”：审核结论应为“通过”或“不予核准”"
    )


def test_f05_the_bureau_exports_the_applications_as_text_safe_xlsx(world: World) -> None:
    # Given one application of the school's base under XC19
    from io import BytesIO

    from openpyxl import load_workbook

    under(world, "XC19")
    a = applied(world, recognised(world))
    # When the bureau's admin exports the list
    response = world.client(world.users["hr_admin"]).get("/grants/?format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    # Then the sheet has the headers and the application's row, its computation citing F05's clause
    assert rows[0][:3] == ("申请编号", "申请单位", "类别") and rows[0][-1] == "计算过程（F05）"
    assert rows[1][:2] == (a.ref, world.zz_school.name) and rows[1][7] == "待人社初审"
    assert D(str(rows[1][6])) == a.amount and rows[1][-1] == a.computation


def test_f05_the_detail_page_and_the_api_withdraw_an_unsigned_application(world: World) -> None:
    from jineng.grants.models import GrantApplication, GrantState
    from jineng.grants.tests.factory import applied, item, recognised, under

    # Given two unsigned applications of the school
    under(world, "XC19")
    page_one = applied(world, recognised(world))
    api_one = applied(world, recognised(world, name="数控维修高技能人才培训基地"), items=[item(2)])
    client = world.client(world.users["institution"])
    # Then the detail page offers the withdrawal, and posting it withdraws
    assert "撤回申请" in client.get(f"/grants/{page_one.pk}/").content.decode()
    assert client.post(f"/grants/{page_one.pk}/withdraw/", {"reason": "设备清单漏列"}).status_code == 302
    # And the API does the same; a second withdrawal is refused in Chinese with F09
    ok = client.post(
        f"/api/v1/grants/{api_one.pk}/withdraw", {"reason": "重新申报"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["state"] == "withdrawn"
    again = client.post(
        f"/api/v1/grants/{api_one.pk}/withdraw", {"reason": "重新申报"}, content_type="application/json"
    )
    assert "只能在人社初审签署前撤回" in assert_envelope(again, 422, "refused")["message"]
    assert GrantApplication.objects.get(pk=page_one.pk).state == GrantState.WITHDRAWN
