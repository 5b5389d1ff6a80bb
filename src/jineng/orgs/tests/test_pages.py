"""The organisation pages: what each viewer sees of bank and phone, search, the Excel export, registration."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.test_scope_matrix import changes, snapshot
from jineng.orgs.models import Organisation
from jineng.policy.identity import make_credit_code

HEADER = ["名称", "统一社会信用代码", "类别", "所在区域", "主管部门", "状态"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCOUNT = "6222020200112233445"
ACCOUNT_MASKED = "6222***********3445"
PHONE = "13838105678"
PHONE_MASKED = "138****5678"


def workbook_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def org_form(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "郑州市新建职业培训学校",
        "credit_code": make_credit_code("52", "410100", 9),
        "kind": Organisation.Kind.PRIVATE_SCHOOL.value,
        "region": world.jinshui.pk,
        "department": world.zz_education.pk,
        "contact_name": "周强",
        "contact_phone": "13911112222",
        "bank_name": "郑州银行",
        "bank_account": "6230580000012345678",
        "address": "郑州市金水区花园路 1 号",
        **overrides,
    }


# --------------------------------------------------------------------------------------------------
# Masking on the detail page.


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.INSPECTOR, Role.FINANCE, Role.DEPT_FIRST])
def test_bank_account_and_phone_masked(world: World, role: Role) -> None:
    response = world.client(world.users[role]).get(f"/orgs/{world.zz_school.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert ACCOUNT_MASKED in page and PHONE_MASKED in page
    assert ACCOUNT not in page and PHONE not in page


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.HR_FIRST, Role.HR_SECOND, Role.INSTITUTION])
def test_bank_account_full_for_bureau_and_own_clerk(world: World, role: Role) -> None:
    page = world.client(world.users[role]).get(f"/orgs/{world.zz_school.pk}/").content.decode()
    assert ACCOUNT in page and PHONE in page


def test_detail_shows_the_change_history(world: World) -> None:
    page = world.client(world.users[Role.AUDITOR]).get(f"/orgs/{world.zz_school.pk}/").content.decode()
    # In Chinese (issue 18.5): the kind's label and the state's, not their codes
    assert "<td>机构已登记</td><td>正常</td>" in page
    assert "organisation.registered" not in page


def test_clerk_cannot_open_another_org(world: World) -> None:
    client = world.client(world.users[Role.INSTITUTION])
    assert client.get(f"/orgs/{world.zz_station.pk}/").status_code == 404
    assert client.get(f"/orgs/{world.xc_school.pk}/").status_code == 404


# --------------------------------------------------------------------------------------------------
# List and search.


def _listed(response: Any) -> list[str]:
    assert response.status_code == 200
    return [o.name for o in response.context["page"]]


def test_list_is_the_city(world: World) -> None:
    names = _listed(world.client(world.users[Role.HR_FIRST]).get("/orgs/"))
    assert sorted(names) == sorted([world.zz_school.name, world.zz_station.name])
    assert _listed(world.client(world.users[Role.INSTITUTION]).get("/orgs/")) == [world.zz_school.name]


def test_search_by_credit_code_and_by_name(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    assert _listed(client.get("/orgs/", {"q": world.zz_station.credit_code.lower()})) == [
        world.zz_station.name
    ]
    assert _listed(client.get("/orgs/", {"q": "技师"})) == [world.zz_school.name]
    assert _listed(client.get("/orgs/", {"q": world.xc_school.credit_code})) == []
    assert _listed(client.get("/orgs/", {"q": "许昌"})) == []
    assert _listed(client.get("/orgs/", {"kind": "appraisal_station"})) == [world.zz_station.name]


def test_register_link_only_for_admin(world: World) -> None:
    assert 'href="/orgs/new/"' in world.client(world.users[Role.HR_ADMIN]).get("/orgs/").content.decode()
    assert 'href="/orgs/new/"' not in world.client(world.users[Role.HR_FIRST]).get("/orgs/").content.decode()


# --------------------------------------------------------------------------------------------------
# Excel export.


def test_export(world: World) -> None:
    rows = workbook_rows(world.client(world.users[Role.HR_FIRST]).get("/orgs/", {"format": "xlsx"}))
    assert rows[0] == HEADER
    by_name = {r[0]: r for r in rows[1:]}
    assert sorted(by_name) == sorted([world.zz_school.name, world.zz_station.name])
    assert by_name[world.zz_school.name] == [
        "郑州商业技师学院",
        world.zz_school.credit_code,
        "技师学院",
        "郑州市",
        None,
        "正常",
    ]


def test_export_follows_filters_and_scope(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    rows = workbook_rows(client.get("/orgs/", {"format": "xlsx", "kind": "appraisal_station"}))
    assert [r[0] for r in rows[1:]] == [world.zz_station.name]
    rows = workbook_rows(world.client(world.users[Role.INSTITUTION]).get("/orgs/", {"format": "xlsx"}))
    assert [r[0] for r in rows[1:]] == [world.zz_school.name]
    rows = workbook_rows(world.client(world.outsiders[Role.AUDITOR]).get("/orgs/", {"format": "xlsx"}))
    assert sorted(r[0] for r in rows[1:]) == sorted(["许昌技师学院", "许昌职业技术学院"])


def test_export_forbidden_for_trainee(world: World) -> None:
    assert world.client(world.users[Role.TRAINEE]).get("/orgs/", {"format": "xlsx"}).status_code == 403


# --------------------------------------------------------------------------------------------------
# Registration page.


def test_new_org_registers_and_redirects(world: World) -> None:
    before = snapshot()
    response = world.client(world.users[Role.HR_ADMIN]).post("/orgs/new/", org_form(world))
    assert response.status_code == 302
    org = Organisation.objects.get(name="郑州市新建职业培训学校")
    assert response["Location"] == f"/orgs/{org.pk}/"
    assert org.region == world.jinshui and org.department == world.zz_education
    assert changes(before, snapshot()) == {"orgs.Organisation": 1, "audit.Event": 1}


def test_new_org_form_offers_only_what_is_in_scope(world: World) -> None:
    form = world.client(world.users[Role.HR_ADMIN]).get("/orgs/new/").context["form"]
    assert "许昌市" not in [r.name for r in form.fields["region"].queryset]
    assert world.xc_industry not in list(form.fields["department"].queryset)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"region": "xuchang"}, "region"),
        ({"department": "xc_industry"}, "department"),
    ],
)
def test_new_org_outside_scope_is_not_accepted(world: World, overrides: dict[str, str], field: str) -> None:
    data = org_form(world, **{k: getattr(world, v).pk for k, v in overrides.items()})
    before = snapshot()
    response = world.client(world.users[Role.HR_ADMIN]).post("/orgs/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert changes(before, snapshot()) == {}


def test_new_org_with_a_bad_credit_code_is_refused(world: World) -> None:
    before = snapshot()
    code = make_credit_code("52", "410100", 9)
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = world.client(world.users[Role.HR_ADMIN]).post("/orgs/new/", org_form(world, credit_code=bad))
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    assert changes(before, snapshot()) == {}


def test_new_org_with_a_taken_name_is_refused(world: World) -> None:
    before = snapshot()
    response = world.client(world.users[Role.HR_ADMIN]).post(
        "/orgs/new/", org_form(world, name=world.zz_school.name)
    )
    assert response.status_code == 200
    assert "已登记" in response.content.decode()
    assert changes(before, snapshot()) == {}
