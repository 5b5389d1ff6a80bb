"""Voucher pages and API: who sees what (masked where they need not see it), refusals in Chinese with rule
and clause, the list's filters and export, 我的培训券, and the G02 figures."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from jineng.accounts.services import user_create
from jineng.conftest import PASSWORD, World
from jineng.core.navigation import menu_for
from jineng.core.roles import Role
from jineng.people.services import person_register
from jineng.policy.identity import make_id_number, mask_id_number
from jineng.training.models import ClassState
from jineng.vouchers.models import Voucher, VoucherState
from jineng.vouchers.selectors import vouchers_visible
from jineng.vouchers.services import TEMPLATE_HEADERS
from jineng.vouchers.tests.factory import bound, certify, enrolment, issue, today

pytestmark = pytest.mark.django_db

V = "/api/v1/vouchers"


def post_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_g01_vouchers_visible_by_role(world: World) -> None:
    # given a voucher bound to the Zhengzhou school's class, an unbound one, one of 李明, and Xuchang's
    at_school = bound(world)
    unbound = issue(world, enrolment(world).person)
    mine = issue(world, world.zz_person)
    xc = bound(world, foreign=True)

    def seen(role: str) -> set[int]:
        return set(vouchers_visible(world.users[role]).values_list("pk", flat=True))

    for role in (Role.HR_ADMIN, Role.HR_FIRST, Role.HR_SECOND, Role.AUDITOR):
        assert seen(role) == {at_school.pk, unbound.pk, mine.pk}, role
    assert seen(Role.INSTITUTION) == {at_school.pk}
    assert seen(Role.TRAINEE) == {mine.pk}
    for role in (Role.DEPT_FIRST, Role.DEPT_SECOND, Role.FINANCE, Role.INSPECTOR, Role.EVALUATOR):
        assert seen(role) == set(), role
    assert set(vouchers_visible(world.outsiders[Role.HR_ADMIN]).values_list("pk", flat=True)) == {xc.pk}


def test_menu_entries(world: World) -> None:
    def labels(role: str) -> list[str]:
        return [i.label for i in menu_for(role)]

    assert "电子职业培训券" in labels(Role.HR_FIRST) and "电子职业培训券" in labels(Role.INSTITUTION)
    assert "我的培训券" in labels(Role.TRAINEE) and "电子职业培训券" not in labels(Role.TRAINEE)
    assert "电子职业培训券" not in labels(Role.DEPT_FIRST) and "我的培训券" not in labels(Role.DEPT_FIRST)


def test_list_masks_id_numbers_for_those_who_need_not_see_them(world: World) -> None:
    v = bound(world)
    number = v.person.id_number
    hr_page = world.client(world.users[Role.HR_FIRST]).get("/vouchers/").content.decode()
    assert v.serial in hr_page and number in hr_page
    for role in (Role.INSTITUTION, Role.AUDITOR):
        page = world.client(world.users[role]).get("/vouchers/").content.decode()
        assert v.serial in page and number not in page and mask_id_number(number) in page, role


def test_list_filters_paginates_and_exports(world: World) -> None:
    vs = [issue(world, enrolment(world).person) for _ in range(3)]
    first = world.client(world.users[Role.HR_ADMIN])
    body = first.get("/vouchers/", {"q": vs[1].serial}).content.decode()
    assert vs[1].serial in body and vs[0].serial not in body
    body = first.get("/vouchers/", {"q": vs[2].person.id_number}).content.decode()
    assert vs[2].serial in body and vs[1].serial not in body
    assert first.get("/vouchers/", {"state": "redeemed"}).context["page"].paginator.count == 0
    assert first.get("/vouchers/", {"year": str(today().year)}).context["page"].paginator.count == 3
    assert first.get("/vouchers/", {"year": "2001"}).context["page"].paginator.count == 0
    response = world.client(world.users[Role.AUDITOR]).get("/vouchers/", {"format": "xlsx"})
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("券号", "姓名", "身份证号")
    assert sorted(r[0] for r in rows[1:]) == sorted(v.serial for v in vs)
    by_serial = {v.serial: v for v in vs}
    assert all(r[2] == mask_id_number(by_serial[str(r[0])].person.id_number) for r in rows[1:])


def test_g02_figures_on_the_list_page_and_api(world: World) -> None:
    v = bound(world)
    issue(world, enrolment(world).person)
    certify(world, v.enrolment)  # type: ignore[arg-type]
    client = world.client(world.users[Role.HR_SECOND])
    world.client(world.users[Role.INSTITUTION]).post(f"/vouchers/{v.pk}/redeem/")
    counts = client.get("/vouchers/").context["counts"]
    assert (counts.issued, counts.used) == (2, 1)
    body = client.get(f"{V}/counts", {"region_id": world.zhengzhou.pk, "year": today().year}).json()
    assert body == {
        "region_id": world.zhengzhou.pk,
        "region": "郑州市",
        "year": today().year,
        "issued": 2,
        "used": 1,
    }


def test_g02_panel_gives_the_yearly_figures_as_the_users_profile_fixes_them(world: World) -> None:
    # Given Zhengzhou under ZZ21 (which fixes no voucher figures), Xuchang under XC23 and the province above
    province = user_create(
        actor=None,
        username="hn_hr",
        password=PASSWORD,
        display_name="省",
        role="hr_admin",
        region=world.henan,
    )
    xc23 = (
        "许昌2023：全年累计发放职业培训券 50000 张（XC23 二(四) 全年累计发放职业培训券5万张），"
        "有效使用 10000 张以上（XC23 二(四) 有效使用1万张以上）"
    )
    zz21 = "郑州2021：本文件未规定全年职业培训券发放张数，本文件未规定全年职业培训券有效使用张数"
    # When each opens the list / Then the G02 panel says what its own profile fixes, the province both
    pages = {
        who: world.client(user).get("/vouchers/").content.decode()
        for who, user in (
            ("zz", world.users[Role.HR_ADMIN]),
            ("xc", world.outsiders[Role.HR_ADMIN]),
            ("hn", province),
        )
    }
    assert f"{zz21}。" in pages["zz"] and "XC23" not in pages["zz"]
    assert f"{xc23}。" in pages["xc"] and "郑州2021" not in pages["xc"]
    assert f"{xc23}；{zz21}。" in pages["hn"]


def test_my_vouchers_page_shows_only_my_own_with_my_full_number(world: World) -> None:
    mine = bound(world, person=world.zz_person)
    other = bound(world)
    client = world.client(world.users[Role.TRAINEE])
    page = client.get("/vouchers/mine/").content.decode()
    assert mine.serial in page and other.serial not in page
    assert world.zz_person.id_number in page and "不得转让" in page
    assert client.get(f"/vouchers/{other.pk}/").status_code == 404
    assert [x["serial"] for x in client.get(f"{V}/mine").json()] == [mine.serial]


def test_issue_page_issues_and_refuses_a_second_live_voucher_in_chinese(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    data = {
        "id_number": world.zz_person.id_number,
        "region": world.zhengzhou.pk,
        "expires_on": (today() + dt.timedelta(days=90)).isoformat(),
        "occupation_code": "",
        "institution": world.zz_school.pk,
    }
    response = client.post("/vouchers/new/", data)
    v = Voucher.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/vouchers/{v.pk}/"
    assert (v.person, v.institution, v.occupation) == (world.zz_person, world.zz_school, None)
    again = client.post("/vouchers/new/", data)
    assert again.status_code == 200 and Voucher.objects.count() == 1
    text = " ".join(page_messages(again))
    assert "每人同时只能持有一张" in text and "规则 G01" in text and "XC23 二(四)" in text


def test_issue_page_unknown_occupation_code_refused(world: World) -> None:
    response = world.client(world.users[Role.HR_FIRST]).post(
        "/vouchers/new/",
        {
            "id_number": world.zz_person.id_number,
            "region": world.zhengzhou.pk,
            "expires_on": (today() + dt.timedelta(days=90)).isoformat(),
            "occupation_code": "9-99-99-99",
        },
    )
    assert response.status_code == 200 and not Voucher.objects.exists()
    assert "“限定职业”：职业编码不在 2022 年版国家职业分类大典中" in page_messages(response)


def test_g01_bulk_page_reports_every_bad_row_and_writes_nothing(world: World) -> None:
    good = person_register(
        actor=world.users[Role.HR_ADMIN],
        id_number=make_id_number("410105", dt.date(1993, 3, 3), 3),
        name="赵六",
        region=world.jinshui,
    )
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    ws.append([good.id_number, "赵六"])
    ws.append(["41010519930303", "短号"])
    ws.append([world.xc_person.id_number, world.xc_person.name])
    buffer = BytesIO()
    wb.save(buffer)
    response = world.client(world.users[Role.HR_ADMIN]).post(
        "/vouchers/bulk/",
        {
            "file": SimpleUploadedFile("名单.xlsx", buffer.getvalue()),
            "region": world.zhengzhou.pk,
            "expires_on": (today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200 and not Voucher.objects.exists()
    msgs = page_messages(response)
    assert msgs[0] == "共 3 行，其中 2 行有问题，未发放任何培训券"
    assert msgs[1].startswith("第3行“身份证号”：身份证号应为18位") and "规则 B01" in msgs[1]
    assert msgs[2].startswith("第4行“身份证号”：实名制") and "规则 G01" in msgs[2]
    template = world.client(world.users[Role.HR_ADMIN]).get("/vouchers/bulk/template.xlsx")
    sheet = load_workbook(BytesIO(template.content)).active
    assert sheet is not None and next(sheet.iter_rows(values_only=True)) == ("身份证号", "姓名")


def test_g01_bind_page_refuses_someone_elses_voucher_in_chinese(world: World) -> None:
    # given A's voucher, and B on a roster of the school; when the clerk binds A's serial to B
    holder = enrolment(world).person
    b = enrolment(world)
    v = issue(world, holder)
    response = world.client(world.users[Role.INSTITUTION]).post(
        "/vouchers/bind/",
        {"serial": v.serial, "id_number": b.person.id_number, "training_class": b.training_class_id},
    )
    # then it is refused, naming the field, G01 and the clause; nothing is bound
    assert response.status_code == 200
    text = " ".join(page_messages(response))
    assert "“券号”：培训券实名使用、不得转让" in text and "（规则 G01，依据 XC23 二(四)" in text
    assert Voucher.objects.get(pk=v.pk).state == VoucherState.ISSUED


def test_bind_page_binds_the_holders_own_enrolment(world: World) -> None:
    e = enrolment(world)
    v = issue(world, e.person)
    response = world.client(world.users[Role.INSTITUTION]).post(
        "/vouchers/bind/",
        {"serial": v.serial.lower(), "id_number": e.person.id_number, "training_class": e.training_class_id},
    )
    assert response.status_code == 302 and response["Location"] == f"/vouchers/{v.pk}/"
    v.refresh_from_db()
    assert (v.state, v.enrolment) == (VoucherState.BOUND, e)


def test_bind_page_unknown_serial_and_trainee_not_on_the_roster_are_form_errors(world: World) -> None:
    e = enrolment(world)
    client = world.client(world.users[Role.INSTITUTION])
    r = client.post(
        "/vouchers/bind/",
        {"serial": "X", "id_number": e.person.id_number, "training_class": e.training_class_id},
    )
    assert r.context["form"].errors == {"serial": ["券号不存在，请核对"]}
    v = issue(world, world.zz_person)
    r = client.post(
        "/vouchers/bind/",
        {"serial": v.serial, "id_number": world.zz_person.id_number, "training_class": e.training_class_id},
    )
    assert r.context["form"].errors == {"id_number": ["该学员不在所选培训班的花名册中"]}


def test_g01_api_redeem_refused_without_certificate_then_allowed_with_one(world: World) -> None:
    v = bound(world)
    client = world.client(world.users[Role.INSTITUTION])
    refused = post_json(client, f"{V}/{v.pk}/redeem", {})
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "refused" and body["details"][0]["rule"] == "G01"
    assert body["details"][0]["field"] == "证书" and "无证无价" in body["details"][0]["message"]
    certify(world, v.enrolment, number="S2023000777")  # type: ignore[arg-type]
    ok = post_json(client, f"{V}/{v.pk}/redeem", {})
    assert ok.status_code == 200
    got = ok.json()
    assert (got["state"], got["certificate_number"], got["redeemed_on"]) == (
        "redeemed",
        "S2023000777",
        today().isoformat(),
    )
    assert got["id_number"] == mask_id_number(v.person.id_number)


def test_g01_api_bind_of_another_persons_enrolment_refused(world: World) -> None:
    holder = enrolment(world).person
    b = enrolment(world)
    v = issue(world, holder)
    response = post_json(
        world.client(world.users[Role.INSTITUTION]), f"{V}/bind", {"serial": v.serial, "enrolment_id": b.pk}
    )
    assert response.status_code == 422
    details = response.json()["details"]
    assert [(d["rule"], d["field"]) for d in details] == [("G01", "券号")]
    assert "不得转让" in details[0]["message"]


def test_api_issue_then_list(world: World) -> None:
    client = world.client(world.users[Role.HR_ADMIN])
    response = post_json(
        client,
        V,
        {
            "id_number": world.zz_person.id_number,
            "region_id": world.jinshui.pk,
            "expires_on": (today() + dt.timedelta(days=10)).isoformat(),
            "occupation_code": "",
        },
    )
    assert response.status_code == 201, response.content
    got = response.json()
    assert got["serial"] == f"410105-{today().year}-000001" and got["id_number"] == world.zz_person.id_number
    assert got["state"] == "issued" and got["state_label"] == "已发放"
    listed = client.get(V).json()
    assert [i["serial"] for i in listed["items"]] == [got["serial"]]
    bad = post_json(
        client, V, {"id_number": "123", "region_id": world.jinshui.pk, "expires_on": "2099-01-01"}
    )
    assert bad.status_code == 422 and bad.json()["details"][0]["rule"] == "B01"


def test_revoke_page_needs_a_reason(world: World) -> None:
    v = issue(world, world.zz_person)
    client = world.client(world.users[Role.HR_ADMIN])
    response = client.post(f"/vouchers/{v.pk}/revoke/", {"reason": ""}, follow=True)
    assert "“作废原因”：请填写作废原因" in page_messages(response)
    assert Voucher.objects.get(pk=v.pk).state == VoucherState.ISSUED
    client.post(f"/vouchers/{v.pk}/revoke/", {"reason": "误发"})
    assert Voucher.objects.get(pk=v.pk).state == VoucherState.REVOKED


def test_a10_api_bind_to_an_ended_class_is_refused_with_its_reason(world: World) -> None:
    e = enrolment(world, state=ClassState.ENDED)
    v = issue(world, e.person)
    response = post_json(
        world.client(world.users[Role.INSTITUTION]), f"{V}/bind", {"serial": v.serial, "enrolment_id": e.pk}
    )
    assert response.status_code == 422
    assert [(d["rule"], d["field"]) for d in response.json()["details"]] == [("A10", "培训班")]
    assert Voucher.objects.get(pk=v.pk).state == VoucherState.ISSUED
