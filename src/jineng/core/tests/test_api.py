"""/api/v1 behaviour: one error envelope for every error, the OpenAPI document, masking, token writes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from jineng.accounts.models import User
from jineng.accounts.services import api_token_issue
from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.test_scope_matrix import assert_envelope, changes, snapshot
from jineng.people.models import Person
from jineng.policy.identity import make_credit_code, make_id_number

API = "/api/v1"
ZZ_ID = "410105198001011239"  # 李明, Zhengzhou (conftest)
ZZ_ID_MASKED = "4101**********1239"
NEW_ID = make_id_number("410103", dt.date(1992, 7, 8), 31)


def bearer(user: User, **client_kwargs: Any) -> Client:
    """A client that authenticates only by an API token, as an institution's own system would."""
    _, secret = api_token_issue(actor=user, name="对接测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **client_kwargs)


def new_person(world: World, **overrides: Any) -> dict[str, Any]:
    return {"id_number": NEW_ID, "name": "陈静", "region_id": world.erqi.pk, "phone": "", **overrides}


# --------------------------------------------------------------------------------------------------
# The envelope.


def test_unknown_path_is_a_404_envelope(world: World) -> None:
    assert_envelope(world.client(world.users[Role.HR_FIRST]).get(f"{API}/nope"), 404, "not_found")
    assert_envelope(Client().get(f"{API}/nope"), 404, "not_found")
    assert_envelope(Client().get(f"{API}/people/1/nope"), 404, "not_found")


def test_bad_query_param_is_a_422_validation_error(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    body = assert_envelope(client.get(f"{API}/people", {"page": "abc"}), 422, "validation_error")
    assert body["details"][0]["loc"] == ["query", "page"]
    body = assert_envelope(
        client.get(f"{API}/calendar/count", {"start": "2024-13-01", "end": "2024-12-31"}),
        422,
        "validation_error",
    )
    assert ["query", "start"] in [d["loc"] for d in body["details"]]
    body = assert_envelope(client.get(f"{API}/people/abc"), 422, "validation_error")
    assert body["details"][0]["loc"] == ["path", "person_id"]
    # Required query parameter missing.
    body = assert_envelope(client.get(f"{API}/regions/{world.zhengzhou.pk}/profile"), 422, "validation_error")
    assert ["query", "year"] in [d["loc"] for d in body["details"]]


def test_bad_body_is_a_422_validation_error_and_nothing_changed(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    before = snapshot()
    body = assert_envelope(
        client.post(f"{API}/people", {"name": 1}, content_type="application/json"), 422, "validation_error"
    )
    locs = [d["loc"][-1] for d in body["details"]]
    assert {"id_number", "name", "region_id"} <= set(locs)
    assert changes(before, snapshot()) == {}


def test_unauthenticated_is_a_401_envelope(world: World) -> None:
    for path in (f"{API}/me", f"{API}/people", f"{API}/people/{world.zz_person.pk}", f"{API}/events"):
        body = assert_envelope(Client().get(path), 401, "unauthorized")
        assert "令牌" in body["message"]
    before = snapshot()
    assert_envelope(
        Client().post(f"{API}/people", new_person(world), content_type="application/json"),
        401,
        "unauthorized",
    )
    assert changes(before, snapshot()) == {}


def test_forbidden_is_a_403_envelope_naming_the_roles(world: World) -> None:
    body = assert_envelope(world.client(world.users[Role.TRAINEE]).get(f"{API}/people"), 403, "forbidden")
    assert "人社局初审" in body["message"]
    body = assert_envelope(world.client(world.users[Role.FINANCE]).get(f"{API}/events"), 403, "forbidden")
    assert "审计" in body["message"]


def test_out_of_scope_is_a_404_envelope(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    body = assert_envelope(client.get(f"{API}/people/{world.xc_person.pk}"), 404, "not_found")
    assert "管辖范围" in body["message"]
    # Same answer as for an id that does not exist: existence does not leak.
    missing = assert_envelope(client.get(f"{API}/people/999999"), 404, "not_found")
    assert missing == body


def test_refusal_is_a_422_naming_the_rule(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    before = snapshot()
    wrong = ZZ_ID[:-1] + "8"
    response = client.post(
        f"{API}/people", new_person(world, id_number=wrong), content_type="application/json"
    )
    body = assert_envelope(response, 422, "refused")
    assert "B01" in body["message"]
    assert "校验码" in body["message"]
    assert body["details"][0]["rule"] == "B01"
    assert body["details"][0]["field"] == "身份证号"
    assert body["details"][0]["value"] == wrong
    assert body["details"][0]["clause"]
    assert changes(before, snapshot()) == {}


def test_refusal_for_a_known_number_under_another_name(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    before = snapshot()
    response = client.post(
        f"{API}/people", new_person(world, id_number=ZZ_ID, name="李四"), content_type="application/json"
    )
    body = assert_envelope(response, 422, "refused")
    assert body["details"][0]["rule"] == "B01"
    assert changes(before, snapshot()) == {}


def test_registering_again_returns_the_person_unchanged(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    before = snapshot()
    response = client.post(
        f"{API}/people", new_person(world, id_number=ZZ_ID, name="李明"), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["id"] == world.zz_person.pk
    assert changes(before, snapshot()) == {}


def test_registering_returns_201(world: World) -> None:
    client = world.client(world.users[Role.HR_FIRST])
    before = snapshot()
    response = client.post(f"{API}/people", new_person(world), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number"] == NEW_ID and body["region"] == "二七区" and body["birth_date"] == "1992-07-08"
    assert changes(before, snapshot()) == {"people.Person": 1, "audit.Event": 1}


def test_unexpected_exception_is_a_500_envelope_without_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret-internal-detail: connection string postgres://x")

    monkeypatch.setattr("jineng.people.api.persons_search", boom)
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.HR_FIRST])
    response = client.get(f"{API}/people")
    body = assert_envelope(response, 500, "internal_error")
    text = response.content.decode()
    assert "Traceback" not in text and "secret-internal-detail" not in text and "RuntimeError" not in text
    assert body["details"] == []
    # The detail goes to the log, for the operator.
    assert any("secret-internal-detail" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_openapi_document(world: World) -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert "/api/v1/people" in schema["paths"]
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/people"])
    assert "/api/v1/organisations/{org_id}" in schema["paths"]
    assert schema["info"]["title"] == "技能 Jineng API"
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page(world: World) -> None:
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_me(world: World) -> None:
    body = world.client(world.users[Role.DEPT_FIRST]).get(f"{API}/me").json()
    assert body["role"] == "dept_first" and body["role_label"] == "行业部门初审"
    assert body["region"] == "郑州市" and body["department"] == "市工信局" and body["organisation"] is None
    assert "person.view" in body["capabilities"] and "person.register" not in body["capabilities"]


# --------------------------------------------------------------------------------------------------
# Masking.


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.INSPECTOR])
def test_id_numbers_masked_for_reviewers(world: World, role: Role) -> None:
    client = world.client(world.users[role])
    items = client.get(f"{API}/people").json()["items"]
    assert [(p["name"], p["id_number"], p["phone"]) for p in items] == [("李明", ZZ_ID_MASKED, "138****5678")]
    detail = client.get(f"{API}/people/{world.zz_person.pk}").json()
    assert detail["id_number"] == ZZ_ID_MASKED
    assert ZZ_ID not in client.get(f"{API}/people").content.decode()


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.HR_FIRST, Role.HR_SECOND])
def test_id_numbers_full_for_bureau_staff(world: World, role: Role) -> None:
    client = world.client(world.users[role])
    items = client.get(f"{API}/people").json()["items"]
    assert [(p["id_number"], p["phone"]) for p in items] == [(ZZ_ID, "13812345678")]
    assert client.get(f"{API}/people/{world.zz_person.pk}").json()["id_number"] == ZZ_ID


def test_trainee_sees_own_full_number_and_nobody_else(world: World) -> None:
    client = world.client(world.users[Role.TRAINEE])
    assert client.get(f"{API}/people/{world.zz_person.pk}").json()["id_number"] == ZZ_ID
    assert_envelope(client.get(f"{API}/people/{world.xc_person.pk}"), 404, "not_found")
    assert_envelope(client.get(f"{API}/people"), 403, "forbidden")


def test_search_by_full_number_does_not_reveal_it(world: World) -> None:
    client = world.client(world.users[Role.AUDITOR])
    response = client.get(f"{API}/people", {"q": ZZ_ID.lower()})
    items = response.json()["items"]
    assert [p["name"] for p in items] == ["李明"]
    assert items[0]["id_number"] == ZZ_ID_MASKED


def _org(client: Client, org_id: int) -> dict[str, Any]:
    response = client.get(f"{API}/organisations/{org_id}")
    assert response.status_code == 200, response.content
    return response.json()


def test_bank_account_masked_for_auditor_full_for_bureau_and_own_clerk(world: World) -> None:
    school = world.zz_school.pk
    masked = _org(world.client(world.users[Role.AUDITOR]), school)
    assert masked["bank_account"] == "6222***********3445"
    assert masked["contact_phone"] == "138****5678"
    for role in (Role.INSPECTOR, Role.FINANCE, Role.DEPT_FIRST):
        assert _org(world.client(world.users[role]), school)["bank_account"] == "6222***********3445"
    for role in (Role.HR_FIRST, Role.HR_ADMIN, Role.INSTITUTION):
        full = _org(world.client(world.users[role]), school)
        assert full["bank_account"] == "6222020200112233445", role
        assert full["contact_phone"] == "13838105678", role
    # In the list too.
    items = world.client(world.users[Role.AUDITOR]).get(f"{API}/organisations").json()["items"]
    assert "6222020200112233445" not in json.dumps(items)


# --------------------------------------------------------------------------------------------------
# Writes by token and by session.


def test_token_write_by_institution_needs_no_csrf(world: World) -> None:
    clerk = world.users[Role.INSTITUTION]
    client = bearer(clerk, enforce_csrf_checks=True)
    before = snapshot()
    response = client.post(f"{API}/people", new_person(world), content_type="application/json")
    assert response.status_code == 201, response.content
    assert changes(before, snapshot()) == {"people.Person": 1, "audit.Event": 1}
    person = Person.objects.get(id_number=NEW_ID)
    assert person.registered_by == clerk and person.registered_by_organisation == world.zz_school
    event = Event.objects.get(action="person.registered", object_id=str(person.pk))
    assert event.actor == clerk and event.organisation_id == world.zz_school.pk
    # The clerk now sees that person (and only people of their own institution).
    assert [p["name"] for p in client.get(f"{API}/people").json()["items"]] == ["陈静"]


def test_token_write_outside_scope_is_404_and_nothing_changed(world: World) -> None:
    client = bearer(world.users[Role.INSTITUTION])
    before = snapshot()
    for region in (world.weidu, world.xuchang, world.henan):
        response = client.post(
            f"{API}/people", new_person(world, region_id=region.pk), content_type="application/json"
        )
        assert_envelope(response, 404, "not_found")
    assert_envelope(client.get(f"{API}/people/{world.xc_person.pk}"), 404, "not_found")
    assert_envelope(client.get(f"{API}/organisations/{world.xc_school.pk}"), 404, "not_found")
    assert_envelope(client.get(f"{API}/organisations/{world.zz_station.pk}"), 404, "not_found")
    assert changes(before, snapshot()) == {}


def test_token_of_role_without_capability_is_403(world: World) -> None:
    client = bearer(world.users[Role.EVALUATOR])
    before = snapshot()
    response = client.post(f"{API}/people", new_person(world), content_type="application/json")
    assert_envelope(response, 403, "forbidden")
    response = client.post(
        f"{API}/organisations",
        {"name": "某机构", "credit_code": "X", "kind": "enterprise", "region_id": world.zhengzhou.pk},
        content_type="application/json",
    )
    assert_envelope(response, 403, "forbidden")
    assert changes(before, snapshot()) == {}


def test_org_write_out_of_scope_is_404(world: World) -> None:
    client = world.client(world.users[Role.HR_ADMIN])
    data = {
        "name": "郑州市新建职业培训学校",
        "credit_code": make_credit_code("52", "410100", 9),
        "kind": "private_school",
        "region_id": world.zhengzhou.pk,
    }
    before = snapshot()
    for bad in ({"region_id": world.xuchang.pk}, {"department_id": world.xc_industry.pk}):
        response = client.post(f"{API}/organisations", {**data, **bad}, content_type="application/json")
        assert_envelope(response, 404, "not_found")
    body = assert_envelope(
        client.post(
            f"{API}/organisations",
            {**data, "credit_code": "91410100MA00000000"},
            content_type="application/json",
        ),
        422,
        "refused",
    )
    assert body["details"][0]["field"] == "统一社会信用代码"
    assert changes(before, snapshot()) == {}
    response = client.post(f"{API}/organisations", data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["region"] == "郑州市"
    assert changes(before, snapshot()) == {"orgs.Organisation": 1, "audit.Event": 1}


def test_session_write_needs_the_csrf_header(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.HR_FIRST])
    before = snapshot()
    response = client.post(f"{API}/people", new_person(world), content_type="application/json")
    assert response.status_code == 403
    assert set(response.json()) == {"code", "message", "details"}
    assert changes(before, snapshot()) == {}
    # With the token from the cookie, as the pages' htmx does.
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/people", new_person(world), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201, response.content
    # Reads need no CSRF header.
    assert client.get(f"{API}/people").status_code == 200


# --------------------------------------------------------------------------------------------------
# Errors that ninja produces on its own paths (CSRF, auth order, 405, unparsable body) still come
# back in the envelope, in Chinese.


def test_csrf_failure_is_explained_in_chinese(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.HR_FIRST])
    response = client.post(f"{API}/people", new_person(world), content_type="application/json")
    assert_envelope(response, 403, "csrf_failed")


def test_revoked_token_on_a_write_is_401_not_a_csrf_error(world: World) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer jn_revoked-or-made-up")
    response = client.post(f"{API}/people", new_person(world), content_type="application/json")
    assert_envelope(response, 401, "unauthorized")


def test_wrong_method_is_a_405_envelope(world: World) -> None:
    response = world.client(world.users[Role.HR_FIRST]).delete(f"{API}/people")
    assert_envelope(response, 405, "method_not_allowed")


def test_malformed_json_is_explained_in_chinese(world: World) -> None:
    response = world.client(world.users[Role.HR_FIRST]).post(
        f"{API}/people", "{not json", content_type="application/json"
    )
    assert_envelope(response, 400, "bad_request")
