"""以工代训 pages and API: the clerk declares, imports the list (the bounded reader, all or nothing), claims a
month; staff read; ID numbers masked where the viewer need not see them; refusals in Chinese with rule and
clause in the error envelope."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from jineng.conftest import World
from jineng.core.navigation import menu_for
from jineng.policy.identity import mask_id_number
from jineng.wagetraining import services
from jineng.wagetraining.models import Employee, MonthClaim
from jineng.wagetraining.selectors import declarations_visible
from jineng.wagetraining.tests.factory import declaration, enterprise, person_number, under

pytestmark = pytest.mark.django_db

Y = "/api/v1/yigong"


def post_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def sheet(*rows: list[Any]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(services.TEMPLATE_HEADERS)
    for r in rows:
        ws.append(r)
    buffer = BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue())


def test_f03_the_clerk_declares_imports_and_claims_a_month_through_the_api(world: World) -> None:
    # Given an enterprise of 魏都区 under XC19 for 2021
    under(world.xuchang, "XC19")
    org, clerk = enterprise(world)
    client = world.client(clerk)
    # When it declares, lists two employees and claims March 2021
    made = post_json(
        client,
        Y,
        {
            "department_id": world.xc_industry.pk,
            "year": 2021,
            "insured": True,
            "insurance_number": "411002000123",
            "insured_since": "2019-01-01",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["enterprise"], body["department"], body["profile"], body["state_label"]) == (
        org.name,
        "市工信局",
        "XC19@v1",
        "申报中",
    )
    rows = [
        {"id_number": person_number(1), "name": "张三", "group": "贫困劳动力", "hired_on": "2020-01-01"},
        {
            "id_number": person_number(2),
            "name": "李四",
            "group": "zero_employment_family",
            "hired_on": "2020-06-01",
        },
    ]
    added = post_json(client, f"{Y}/{body['id']}/employees", {"rows": rows})
    assert added.status_code == 201, added.content
    assert [(e["name"], e["group_label"], e["id_number"]) for e in added.json()["employees"]] == [
        ("张三", "贫困劳动力", mask_id_number(person_number(1))),
        ("李四", "零就业家庭成员", mask_id_number(person_number(2))),
    ]
    claimed = post_json(client, f"{Y}/{body['id']}/months", {"months": ["2021-03"], "activity": "岗位练兵"})
    assert claimed.status_code == 201, claimed.content
    (month,) = claimed.json()
    assert (month["label"], month["headcount"], month["amount"], month["claim_state_label"]) == (
        "2021年3月",
        2,
        "400.00",
        "草稿",
    )
    # Then Xuchang's bureau reads the declaration with whole ID numbers
    detail = world.outsiders["hr_first"]
    got = world.client(detail).get(f"{Y}/{body['id']}").json()
    assert got["employees"][0]["id_number"] == person_number(1)
    # And a Zhengzhou clerk or reviewer does not see it
    assert world.client(world.users["hr_first"]).get(f"{Y}/{body['id']}").status_code == 404


def test_f03_bad_input_is_a_chinese_refusal_in_the_envelope_and_nothing_is_written(world: World) -> None:
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    client = world.client(clerk)
    bad = post_json(client, f"{Y}/{d.pk}/months", {"months": ["2021-13"], "activity": "岗位练兵"})
    assert bad.status_code == 422
    assert bad.json()["message"] == "“申领月份”：申领月份格式应为 2021-03"
    empty = post_json(client, f"{Y}/{d.pk}/months", {"months": ["2021-03"], "activity": "岗位练兵"})
    assert empty.status_code == 422
    assert empty.json()["message"] == "“以工代训人员名单”：申报中还没有以工代训人员，请先导入人员名单"
    assert MonthClaim.objects.count() == 0


def test_f03_zz21_refuses_the_declaration_in_the_envelope_naming_f03_and_the_document(world: World) -> None:
    # Given a Zhengzhou enterprise: Zhengzhou 2021 is under ZZ21, which has no 以工代训
    _, clerk = enterprise(world, world.jinshui)
    response = post_json(
        world.client(clerk),
        Y,
        {"department_id": world.zz_industry.pk, "year": 2021, "insured": False},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["message"].startswith(
        "本政策口径未规定“以工代训补贴（元/人/月）”：本文件未规定以工代训补贴标准（规则 F03，依据 ZZ21 《郑技领办〔2021〕6号"
    )
    assert [d["rule"] for d in body["details"]] == ["F03", "F03", "J04", "F03", "F03", "J04"]


def test_pages_declare_import_and_claim(world: World) -> None:
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    client = world.client(clerk)
    # The list offers the declaration; the form offers only the departments above the enterprise
    assert "申报以工代训" in client.get("/yigong/").content.decode()
    form = client.get("/yigong/new/")
    assert list(form.context["form"].fields["department"].queryset) == [world.xc_industry]
    response = client.post(
        "/yigong/new/",
        {
            "department": world.xc_industry.pk,
            "year": 2021,
            "insured": "on",
            "insurance_number": "411002000123",
            "insured_since": "2019-01-01",
        },
    )
    d = declarations_visible(clerk).get()
    assert response.status_code == 302 and response["Location"] == f"/yigong/{d.pk}/"
    # The detail page states the profile's terms with its clause
    page = client.get(f"/yigong/{d.pk}/").content.decode()
    assert (
        "200 元/人/月，最长 6 个月（XC19 二(三)1 按每人每月200元的标准给予生产经营主体以工代训补贴）" in page
    )
    # A list with a bad row is refused whole, each row named
    bad = client.post(
        f"/yigong/{d.pk}/employees/",
        {
            "file": sheet(
                [person_number(1), "张三", "贫困劳动力", "2020-01-01", "", ""],
                [person_number(2), "李四", "退役军人", "2020-01-01", "", ""],
            )
        },
        follow=True,
    )
    messages = [str(m) for m in bad.context["messages"]]
    assert messages[0] == "以工代训人员名单未导入：1 处问题"
    assert messages[1].startswith(
        "第3行“人员类别”：应为贫困劳动力、就业困难人员、零就业家庭成员之一（规则 J04，依据 XC19 二(三)1"
    )
    assert Employee.objects.count() == 0
    good = client.post(
        f"/yigong/{d.pk}/employees/",
        {"file": sheet([person_number(1), "张三", "贫困劳动力", dt.datetime(2020, 1, 1), None, "缝纫工"])},
        follow=True,
    )
    assert [str(m) for m in good.context["messages"]] == ["已申报以工代训人员 1 人"]
    # Claiming a month leads to the claim, to be signed and submitted there
    claimed = client.post(f"/yigong/{d.pk}/months/", {"month": "2021-03", "activity": "岗位练兵"})
    claim = MonthClaim.objects.get().claim
    assert claimed.status_code == 302 and claimed["Location"] == f"/claims/{claim.pk}/"
    shown = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "以工代训补贴" in shown and d.ref in shown


def test_menu_offers_yigong_to_clerks_and_staff_but_not_inspectors_or_trainees() -> None:
    def labels(role: str) -> list[str]:
        return [item.label for item in menu_for(role)]

    for role in ("institution", "hr_admin", "dept_first", "finance", "auditor"):
        assert "以工代训" in labels(role), role
    for role in ("inspector", "trainee", "evaluator"):
        assert "以工代训" not in labels(role), role


def test_f03_the_bureau_exports_the_declarations(world: World) -> None:
    # Given an enterprise's 以工代训 declaration under XC19
    from openpyxl import load_workbook

    under(world.xuchang, "XC19")
    org, clerk = enterprise(world)
    d = declaration(world, clerk)
    # When Xuchang's bureau exports its declarations
    response = world.client(world.outsiders["hr_admin"]).get("/yigong/?format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    # Then the row names the declaration, its enterprise, the insurance and the profile it runs under
    assert rows[0][:2] == ("申报编号", "申报企业")
    assert (rows[1][0], rows[1][1], rows[1][5], rows[1][7]) == (d.ref, org.name, "是", "XC19 v1")
    # And Zhengzhou's bureau sees none of it
    other = world.client(world.users["hr_admin"]).get("/yigong/?format=xlsx")
    assert len(list(load_workbook(BytesIO(other.content)).active.iter_rows(values_only=True))) == 1
