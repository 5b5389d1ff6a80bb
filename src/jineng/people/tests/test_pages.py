"""The people pages: masking as the viewer may see, search by a full ID number, the Excel export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.test_scope_matrix import changes, snapshot
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy.identity import make_id_number

ZZ_ID = "410105198001011239"
ZZ_ID_MASKED = "4101**********1239"
HEADER = ["姓名", "身份证号", "性别", "出生日期", "手机号", "登记地"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --------------------------------------------------------------------------------------------------
# Masking.


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.INSPECTOR])
def test_list_masks_id_and_phone_for_reviewers(world: World, role: Role) -> None:
    response = world.client(world.users[role]).get("/people/")
    assert response.status_code == 200
    page = response.content.decode()
    assert ZZ_ID_MASKED in page and "138****5678" in page
    assert ZZ_ID not in page and "13812345678" not in page
    assert "王芳" not in page  # Xuchang


def test_list_shows_full_id_to_bureau_staff(world: World) -> None:
    page = world.client(world.users[Role.HR_FIRST]).get("/people/").content.decode()
    assert ZZ_ID in page and "13812345678" in page
    assert "王芳" not in page and world.xc_person.id_number not in page


def test_detail_masks_for_auditor_and_not_for_hr(world: World) -> None:
    url = f"/people/{world.zz_person.pk}/"
    masked = world.client(world.users[Role.AUDITOR]).get(url).content.decode()
    assert ZZ_ID_MASKED in masked and ZZ_ID not in masked
    full = world.client(world.users[Role.HR_FIRST]).get(url).content.decode()
    assert ZZ_ID in full


def test_trainee_sees_own_full_number(world: World) -> None:
    client = world.client(world.users[Role.TRAINEE])
    response = client.get("/people/me/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "李明" in page and ZZ_ID in page and "13812345678" in page
    assert client.get(f"/people/{world.zz_person.pk}/").status_code == 200
    assert client.get(f"/people/{world.xc_person.pk}/").status_code == 404
    assert client.get("/people/").status_code == 403


def test_trainee_gets_404_for_a_neighbour(world: World) -> None:
    neighbour = person_register(
        actor=None,
        id_number=make_id_number("410105", dt.date(1985, 2, 3), 5),
        name="赵六",
        region=world.jinshui,
    )
    assert world.client(world.users[Role.TRAINEE]).get(f"/people/{neighbour.pk}/").status_code == 404


# --------------------------------------------------------------------------------------------------
# Search.


@pytest.mark.parametrize("query", [ZZ_ID, ZZ_ID.lower(), " 410105 19800101 1239 "])
def test_search_by_full_id_number(world: World, query: str) -> None:
    response = world.client(world.users[Role.HR_FIRST]).get("/people/", {"q": query})
    assert [r["p"].name for r in response.context["rows"]] == ["李明"]


def test_search_by_full_id_number_keeps_it_masked(world: World) -> None:
    response = world.client(world.users[Role.AUDITOR]).get("/people/", {"q": ZZ_ID})
    assert [r["id"] for r in response.context["rows"]] == [ZZ_ID_MASKED]
    # The number is echoed back only where the auditor typed it (search box, export link), not in the table.
    page = response.content.decode()
    table = page[page.index("<table") : page.index("</table>")]
    assert ZZ_ID_MASKED in table and ZZ_ID not in table


def test_search_by_part_of_a_number_finds_nothing(world: World) -> None:
    # A partial number would let a masked viewer unmask digit by digit.
    response = world.client(world.users[Role.AUDITOR]).get("/people/", {"q": ZZ_ID[:10]})
    assert response.context["rows"] == []


def test_search_by_name_prefix(world: World) -> None:
    response = world.client(world.users[Role.HR_FIRST]).get("/people/", {"q": "李"})
    assert [r["p"].name for r in response.context["rows"]] == ["李明"]


def test_search_does_not_cross_the_border(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    assert client.get("/people/", {"q": world.xc_person.id_number}).context["rows"] == []
    assert client.get("/people/", {"q": "王"}).context["rows"] == []


# --------------------------------------------------------------------------------------------------
# Excel export.


def test_export_for_hr_has_full_numbers(world: World) -> None:
    rows = workbook_rows(world.client(world.users[Role.HR_FIRST]).get("/people/", {"format": "xlsx"}))
    assert rows[0] == HEADER
    assert len(rows) == 2
    name, id_number, sex, birth, phone, region = rows[1]
    assert (name, id_number, sex, phone, region) == ("李明", ZZ_ID, "男", "13812345678", "金水区")
    assert birth == dt.datetime(1980, 1, 1)  # a real Excel date, not text


def test_export_for_auditor_is_masked(world: World) -> None:
    rows = workbook_rows(world.client(world.users[Role.AUDITOR]).get("/people/", {"format": "xlsx"}))
    assert rows[0] == HEADER
    assert [r[:2] for r in rows[1:]] == [["李明", ZZ_ID_MASKED]]
    assert rows[1][4] == "138****5678"


def test_export_follows_the_search_and_the_scope(world: World) -> None:
    person_register(
        actor=None,
        id_number=make_id_number("410103", dt.date(1992, 7, 8), 31),
        name="陈静",
        region=world.erqi,
    )
    client = world.client(world.users[Role.HR_FIRST])
    rows = workbook_rows(client.get("/people/", {"format": "xlsx"}))
    assert sorted(r[0] for r in rows[1:]) == ["李明", "陈静"]
    rows = workbook_rows(client.get("/people/", {"format": "xlsx", "q": "陈"}))
    assert [r[0] for r in rows[1:]] == ["陈静"]
    xc_rows = workbook_rows(world.client(world.outsiders[Role.HR_FIRST]).get("/people/", {"format": "xlsx"}))
    assert [r[0] for r in xc_rows[1:]] == ["王芳"]


def test_export_of_a_clerk_is_their_own_registrations(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    person_register(
        actor=clerk,
        id_number=make_id_number("410103", dt.date(1995, 3, 4), 7),
        name="张伟",
        region=world.erqi,
    )
    rows = workbook_rows(world.client(clerk).get("/people/", {"format": "xlsx"}))
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["张伟"]
    assert "*" in rows[1][1]  # a clerk does not need the whole number back


def test_export_is_forbidden_without_capability(world: World) -> None:
    response = world.client(world.users[Role.FINANCE]).get("/people/", {"format": "xlsx"})
    assert response.status_code == 403


# --------------------------------------------------------------------------------------------------
# Registration page.


def test_new_person_form_offers_only_regions_in_scope(world: World) -> None:
    form = world.client(world.users[Role.HR_FIRST]).get("/people/new/").context["form"]
    names = sorted(r.name for r in form.fields["region"].queryset)
    assert names == sorted(["郑州市", "金水区", "二七区"])
    clerk_form = world.client(world.users[Role.INSTITUTION]).get("/people/new/").context["form"]
    assert "魏都区" not in [r.name for r in clerk_form.fields["region"].queryset]


def test_new_person_registers_and_redirects(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    number = make_id_number("410103", dt.date(1995, 3, 4), 7)
    before = snapshot()
    response = world.client(clerk).post(
        "/people/new/", {"name": "张伟", "id_number": number, "phone": "", "region": world.erqi.pk}
    )
    assert response.status_code == 302
    person = Person.objects.get(id_number=number)
    assert response["Location"] == f"/people/{person.pk}/"
    assert person.registered_by_organisation == world.zz_school
    assert changes(before, snapshot()) == {"people.Person": 1, "audit.Event": 1}


def test_new_person_with_a_bad_check_digit_is_refused_naming_b01(world: World) -> None:
    before = snapshot()
    response = world.client(world.users[Role.HR_FIRST]).post(
        "/people/new/",
        {"name": "李明", "id_number": ZZ_ID[:-1] + "8", "phone": "", "region": world.jinshui.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "B01" in page and "校验码" in page
    assert changes(before, snapshot()) == {}


def test_new_person_in_another_city_is_not_accepted(world: World) -> None:
    before = snapshot()
    response = world.client(world.users[Role.HR_FIRST]).post(
        "/people/new/",
        {
            "name": "陈静",
            "id_number": make_id_number("411002", dt.date(1992, 7, 8), 31),
            "phone": "",
            "region": world.weidu.pk,
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert changes(before, snapshot()) == {}
