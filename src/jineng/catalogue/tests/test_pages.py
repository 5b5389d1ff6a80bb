"""Catalogue pages and API: what each role sees, masking, exports, status actions."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.catalogue.services import catalogue_import, teacher_file
from jineng.catalogue.tests.helpers import XLSX, sheet_rows, xlsx
from jineng.catalogue.tests.scope_cases import ELECTRICIAN, WELDER, occupation
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.policy.identity import make_id_number

pytestmark = pytest.mark.django_db
ZZ_ID = make_id_number("410105", dt.date(1981, 4, 5), 11)
XC_ID = make_id_number("411002", dt.date(1982, 4, 5), 12)


def _teachers(world: World) -> None:
    teacher_file(
        actor=None,
        organisation=world.zz_school,
        name="郑老师",
        id_number=ZZ_ID,
        occupation=occupation(WELDER),
    )
    teacher_file(
        actor=None,
        organisation=world.xc_school,
        name="许老师",
        id_number=XC_ID,
        occupation=occupation(WELDER),
    )


def test_occupations_page_shows_marks_and_exports(world: World) -> None:
    occupation("4-01-06-01")
    occupation(ELECTRICIAN)
    client = world.client(world.users[Role.INSTITUTION])
    page = client.get("/catalogue/", {"flag": "S"}).content.decode()
    assert "电子商务师" in page and 'title="数字职业">S' in page and "电工" not in page
    rows = sheet_rows(client.get("/catalogue/", {"format": "xlsx"}).content)
    assert rows[0][:4] == ["职业编码", "职业名称", "绿色职业(L)", "数字职业(S)"]
    assert ["4-01-06-01", "电子商务师", None, "是"] in [r[:4] for r in rows]
    detail = client.get(f"/catalogue/occupations/{ELECTRICIAN}/")
    assert detail.status_code == 200 and "电工" in detail.content.decode()
    assert client.get("/catalogue/occupations/9-99-99-99/").status_code == 404


def test_A15_clerk_sees_only_own_teachers_masked(world: World) -> None:
    _teachers(world)
    page = world.client(world.users[Role.INSTITUTION]).get("/catalogue/teachers/").content.decode()
    assert "郑老师" in page and "许老师" not in page
    assert ZZ_ID not in page and ZZ_ID[:4] + "**********" + ZZ_ID[-4:] in page
    hr = world.client(world.users[Role.HR_FIRST]).get("/catalogue/teachers/").content.decode()
    assert ZZ_ID in hr and "许老师" not in hr
    api = world.client(world.users[Role.INSTITUTION]).get("/api/v1/catalogue/teachers").json()
    assert [(t["name"], t["id_number"]) for t in api["items"]] == [
        ("郑老师", ZZ_ID[:4] + "*" * 10 + ZZ_ID[-4:])
    ]
    export = world.client(world.users[Role.INSTITUTION]).get("/catalogue/teachers/", {"format": "xlsx"})
    assert export["Content-Type"] == XLSX and ZZ_ID not in str(sheet_rows(export.content))


def test_A15_clerk_files_a_teacher_for_own_school_only(world: World) -> None:
    occupation(WELDER)
    client = world.client(world.users[Role.INSTITUTION])
    form = {"name": "周老师", "id_number": ZZ_ID, "occupation": WELDER, "full_time": "on"}
    response = client.post("/catalogue/teachers/", {**form, "organisation": world.xc_school.pk})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post("/catalogue/teachers/", {**form, "organisation": world.zz_school.pk})
    assert response.status_code == 302
    bad = client.post(
        "/catalogue/teachers/",
        {**form, "id_number": "410105198101010000", "organisation": world.zz_school.pk},
        follow=True,
    )
    assert "B01" in bad.content.decode()


def test_items_page_shows_province_and_own_city_only(world: World) -> None:
    occupation(ELECTRICIAN)
    occupation(WELDER)
    catalogue_import(
        actor=None,
        region=world.henan,
        year=2023,
        content=xlsx([[ELECTRICIAN, "电工", "", "五级", "职业技能等级证书", 80, 1500]]),
    )
    catalogue_import(
        actor=None,
        region=world.xuchang,
        year=2023,
        content=xlsx([[WELDER, "焊工", "", "五级", "职业技能等级证书", 80, 1500]]),
    )
    page = world.client(world.users[Role.AUDITOR]).get("/catalogue/items/").content.decode()
    assert "电工" in page and "焊工" not in page
    xc = world.client(world.outsiders[Role.AUDITOR]).get("/api/v1/catalogue/items").json()
    assert sorted(i["occupation"] for i in xc["items"]) == ["焊工", "电工"]


def test_C09_status_page_refuses_a_short_suspension_and_shows_status_on_detail(world: World) -> None:
    client = world.client(world.users[Role.HR_ADMIN])
    short = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        f"/catalogue/status/{world.zz_school.pk}/",
        {"action": "suspend", "rule": "C09", "reason": "满意度 80%", "until": short},
        follow=True,
    )
    assert "C09" in response.content.decode()
    assert Organisation.objects.get(pk=world.zz_school.pk).status == "active"
    client.post(
        f"/catalogue/status/{world.zz_school.pk}/",
        {"action": "suspend", "rule": "A12", "reason": "督查发现问题", "until": short},
    )
    detail = client.get(f"/orgs/{world.zz_school.pk}/").content.decode()
    assert "暂停" in detail and "A12：督查发现问题" in detail
    status_page = client.get("/catalogue/status/", {"status": "suspended"}).content.decode()
    assert world.zz_school.name in status_page and world.xc_school.name not in status_page


def test_institutions_page_and_api(world: World) -> None:
    occupation(WELDER)
    client = world.client(world.users[Role.HR_ADMIN])
    response = client.post(
        "/catalogue/institutions/", {"organisation": world.zz_school.pk, "occupation": WELDER}
    )
    assert response.status_code == 302
    response = client.post(
        "/catalogue/institutions/", {"organisation": world.zz_school.pk, "occupation": "9-99-99-99"}
    )
    assert response.context["form"].errors
    api = (
        world.client(world.users[Role.INSTITUTION])
        .get("/api/v1/catalogue/institutions", {"on": dt.date.today().isoformat()})
        .json()
    )
    assert [(e["organisation"], e["occupation_code"]) for e in api["items"]] == [
        (world.zz_school.name, WELDER)
    ]
    assert (
        world.client(world.outsiders[Role.INSTITUTION]).get("/api/v1/catalogue/institutions").json()["items"]
        == []
    )
    refused = client.post(
        "/api/v1/catalogue/institutions",
        {"organisation_id": world.zz_school.pk, "occupation_code": WELDER},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "A11" in refused.json()["message"]


def test_c09_status_page_gives_the_threshold_and_period_of_the_users_profile(world: World) -> None:
    # Given Zhengzhou under ZZ21 (stop opening) and Xuchang under XC23 (suspend assessment)
    zz21 = (
        "郑州2021：低于 85%（ZZ21 六(二)3 满意度调查，低于85%的停止培训开班），"
        "整改期 1 个月（ZZ21 六(二)3 给予为期一个月的整改期）"
    )
    xc23 = (
        "许昌2023：低于 85%（XC23 二(三)2 满意率低于85%的暂停结业考核），"
        "整改期 1 个月（XC23 二(三)2 开展至少一个月的全面整改）"
    )
    # When each bureau's admin opens the institutions' status page
    zz = world.client(world.users[Role.HR_ADMIN]).get("/catalogue/status/").content.decode()
    xc = world.client(world.outsiders[Role.HR_ADMIN]).get("/catalogue/status/").content.decode()
    # Then C09 quotes each one's own profile, and not the other's
    assert f"期满前不得恢复。{zz21}。退出为最终状态" in zz and "XC23" not in zz
    assert f"期满前不得恢复。{xc23}。退出为最终状态" in xc and "ZZ21" not in xc
