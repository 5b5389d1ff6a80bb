"""Bad input is a Chinese 4xx in the error envelope, never a 500 (issue 12, item 7).

One test per cause the fuzz run found (a huge page, NUL characters, out-of-range years, nested or
control-character values turned into xlsx, one ID number registered by two requests at once, a body
over the upload limit), and the OpenAPI document that declares the envelope on every operation.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from io import BytesIO
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from openpyxl import load_workbook

from jineng.api import api
from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.pagination import MAX_PAGE
from jineng.core.roles import Role
from jineng.core.tests.test_scope_matrix import assert_envelope, changes, snapshot
from jineng.people.models import Person
from jineng.policy.identity import make_id_number

API = "/api/v1"
NEW_ID = make_id_number("410103", dt.date(1992, 7, 8), 31)


def new_person(world: World, **overrides: Any) -> dict[str, Any]:
    return {"id_number": NEW_ID, "name": "陈静", "region_id": world.erqi.pk, "phone": "", **overrides}


def server_errors_as_responses(client: Client) -> Client:
    client.raise_request_exception = False
    return client


# --------------------------------------------------------------------------------------------------
# A huge page number.


def test_a_page_number_past_the_bound_is_a_422_naming_page(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))

    response = client.get(f"{API}/people", {"page": str(10**30)})

    body = assert_envelope(response, 422, "validation_error")
    assert body["message"] == f"请求参数不合法：“page”不得大于 {MAX_PAGE}"
    assert body["details"][0]["loc"] == ["query", "page"]
    # The last allowed page is an empty page, not an error.
    response = client.get(f"{API}/people", {"page": str(MAX_PAGE)})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 1}
    # The pages clamp to the last page, as they always have.
    assert client.get("/people/", {"page": str(10**30)}).status_code == 200


# --------------------------------------------------------------------------------------------------
# NUL characters: PostgreSQL refuses them in text (a 500 there), SQLite stored them.


def test_nul_in_a_query_parameter_is_a_400_naming_it(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))

    response = client.get(f"{API}/people", {"q": "李\x00明"})

    body = assert_envelope(response, 400, "bad_request")
    assert body["message"] == "“q”含有空字符（\\x00），请删除后重试"
    assert body["details"] == [{"field": "q", "value": ""}]


def test_nul_in_a_path_parameter_is_a_400(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))

    response = client.get(f"{API}/organisations/%00")

    body = assert_envelope(response, 400, "bad_request")
    assert body["message"] == "“路径”含有空字符（\\x00），请删除后重试"


def test_nul_in_a_json_body_is_a_400_and_nothing_is_written(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))
    before = snapshot()

    response = client.post(
        f"{API}/people", new_person(world, name="陈\x00静"), content_type="application/json"
    )

    body = assert_envelope(response, 400, "bad_request")
    assert body["message"] == "“name”含有空字符（\\x00），请删除后重试"
    assert changes(before, snapshot()) == {}


def test_nul_in_a_form_field_is_a_400_page_and_nothing_is_written(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))
    before = snapshot()

    response = client.post(
        "/people/new/", {"id_number": NEW_ID, "name": "陈\x00静", "region": world.erqi.pk, "phone": ""}
    )

    assert response.status_code == 400
    assert "“name”含有空字符（\\x00），请删除后重试" in response.content.decode()
    assert changes(before, snapshot()) == {}


# --------------------------------------------------------------------------------------------------
# An integer past 64 bits.


def test_an_id_past_64_bits_is_refused_not_a_500(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.INSTITUTION]))
    before = snapshot()

    response = client.post(
        f"{API}/claims/runs",
        {"kind": "create", "ids": [10**20], "decision": "", "comment": ""},
        content_type="application/json",
    )

    if connection.vendor == "sqlite":
        # SQLite cannot bind the number at all (OverflowError).
        body = assert_envelope(response, 422, "out_of_range")
        assert body["message"] == "请求中的数值超出范围或文本超出长度，请核对后重试"
    else:
        # PostgreSQL compares it as a numeric: no such class, in scope or not.
        assert_envelope(response, 404, "not_found")
    assert changes(before, snapshot()) == {}


# --------------------------------------------------------------------------------------------------
# Years and months outside any date the database can hold.


@pytest.mark.parametrize(
    ("year", "message"),
    [("0", "“year”不得小于 2000"), ("-60311", "“year”不得小于 2000"), ("99999", "“year”不得大于 2100")],
)
def test_a_year_out_of_range_is_a_422_naming_year(world: World, year: str, message: str) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))

    response = client.get(f"{API}/vouchers/counts", {"region_id": world.zhengzhou.pk, "year": year})

    body = assert_envelope(response, 422, "validation_error")
    assert body["message"] == f"请求参数不合法：{message}"
    response = client.get(f"{API}/vouchers", {"year": year})
    assert_envelope(response, 422, "validation_error")


def test_a_month_out_of_range_is_a_422_naming_month(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))

    response = client.get(f"{API}/progress/reports", {"year": "2024", "month": "13"})

    body = assert_envelope(response, 422, "validation_error")
    assert body["message"] == "请求参数不合法：“month”不得大于 12"


def test_the_voucher_page_ignores_a_year_out_of_range(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))

    assert client.get("/vouchers/", {"year": "0"}).status_code == 200
    assert client.get("/vouchers/", {"year": "99999"}).status_code == 200


# --------------------------------------------------------------------------------------------------
# Values turned into xlsx.


def test_an_object_in_a_plan_import_cell_is_a_422_naming_the_cell(world: World) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_ADMIN]))
    before = snapshot()
    data = {
        "year": 2024,
        "region_id": world.zhengzhou.pk,
        "source": "郑人社〔2024〕1号",
        "title": "2024年目标任务",
        "layout": "region",
        "headers": ["地区", "补贴性培训"],
        "rows": [["二七区", {"人数": 100}]],
    }

    response = client.post(f"{API}/plans/import", data, content_type="application/json")

    body = assert_envelope(response, 422, "validation_error")
    assert body["message"] == "请求参数不合法：“rows.0.1”：单元格只能是文本、数字、布尔值或 null"
    assert changes(before, snapshot()) == {}


def test_a_name_with_control_characters_still_exports(world: World) -> None:
    # Given a person registered through the API with control characters in the name
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))
    response = client.post(
        f"{API}/people", new_person(world, name="陈\x01静\x0b"), content_type="application/json"
    )
    assert response.status_code in (201, 422), response.content
    created = response.status_code == 201

    # When the list is downloaded as a workbook
    response = client.get("/people/", {"format": "xlsx"})

    # Then it is a workbook that opens
    assert response.status_code == 200, response.content[:300]
    sheet = load_workbook(BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    if created:  # the characters an xlsx cannot hold are shown as U+FFFD (core/xlsx.py)
        assert "陈\ufffd静" in [r[0] for r in rows]  # (the service strips the trailing \x0b)


# --------------------------------------------------------------------------------------------------
# A body over the upload limit.


def test_a_body_over_the_limit_is_a_413(world: World, settings: Any) -> None:
    client = server_errors_as_responses(world.client(world.users[Role.HR_FIRST]))
    before = snapshot()
    body = json.dumps(new_person(world, phone="1" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)))

    response = client.post(f"{API}/people", body, content_type="application/json")

    envelope = assert_envelope(response, 413, "payload_too_large")
    assert envelope["message"] == "请求体过大：不得超过 6 MB，请分批提交或改用文件上传"
    assert changes(before, snapshot()) == {}


def test_json_sent_as_multipart_is_a_400(world: World) -> None:
    # A session's CSRF check reads the form; a body labelled multipart/form-data that is not one (no
    # boundary) failed there with a 500.
    client = server_errors_as_responses(Client(enforce_csrf_checks=True))
    client.force_login(world.users[Role.HR_FIRST])
    client.get("/")
    token = client.cookies["csrftoken"].value
    before = snapshot()

    response = client.post(
        f"{API}/people",
        json.dumps(new_person(world)),
        content_type="multipart/form-data",
        HTTP_X_CSRFTOKEN=token,
    )

    body = assert_envelope(response, 400, "bad_request")
    assert body["message"].startswith("请求体无法解析：Content-Type 为 multipart/form-data")
    assert changes(before, snapshot()) == {}


# --------------------------------------------------------------------------------------------------
# One ID number registered by several requests at the same moment (PostgreSQL: SQLite runs one
# writer at a time, so there is no race there).

THREADS = 8


def _register_at_once(world: World, names: list[str]) -> list[Any]:
    clients = []
    for _ in names:
        client = server_errors_as_responses(Client())
        client.force_login(world.users[Role.HR_FIRST])
        clients.append(client)
    barrier = threading.Barrier(len(names))
    responses: list[Any] = [None] * len(names)

    def run(i: int) -> None:
        try:
            barrier.wait()
            responses[i] = clients[i].post(
                f"{API}/people", new_person(world, name=names[i]), content_type="application/json"
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(names))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a registration hung"
    return responses


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the race exists only on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_one_number_registered_at_once_under_one_name_gives_one_person(world: World) -> None:
    responses = _register_at_once(world, ["陈静"] * THREADS)

    assert sorted({r.status_code for r in responses}) in ([201], [200, 201]), [
        (r.status_code, r.content[:200]) for r in responses
    ]
    person = Person.objects.get(id_number=NEW_ID)
    assert {r.json()["id"] for r in responses} == {person.pk}
    assert Event.objects.filter(action="person.registered", object_id=str(person.pk)).count() == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the race exists only on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_one_number_registered_at_once_under_two_names_refuses_the_other_name(world: World) -> None:
    names = ["陈静", "陈晶"] * (THREADS // 2)

    responses = _register_at_once(world, names)

    person = Person.objects.get(id_number=NEW_ID)
    for name, response in zip(names, responses, strict=True):
        if name == person.name:
            assert response.status_code in (200, 201), response.content
            assert response.json()["id"] == person.pk
        else:
            body = assert_envelope(response, 422, "refused")
            assert body["message"].startswith("“姓名”：该身份证号已登记，姓名与登记不一致，请核对")
    assert Person.objects.filter(id_number=NEW_ID).count() == 1


# --------------------------------------------------------------------------------------------------
# The OpenAPI document.


def test_every_operation_declares_the_error_envelope(world: World) -> None:
    document = json.loads(Client().get(f"{API}/openapi.json").content)

    envelope = document["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["required"] == ["code", "message", "details"]
    ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    assert len(operations) > 100
    for path, method, op in operations:
        expected = {"400", "404", "409", "413", "422", "429", "500"}
        if op.get("security"):
            expected |= {"401", "403"}
        declared = {
            status
            for status, response in op["responses"].items()
            if response.get("content", {}).get("application/json", {}).get("schema") == ref
        }
        assert expected <= declared, (method, path, expected - declared)
    # The public notices need no credentials, so declare no 401.
    assert "401" not in document["paths"][f"{API}/notices"]["get"]["responses"]


def test_no_two_schemas_share_a_name(world: World) -> None:
    assert api.get_openapi_schema().name_collisions == {}


def test_every_page_year_and_month_parameter_is_bounded(world: World) -> None:
    document = json.loads(Client().get(f"{API}/openapi.json").content)
    bounded = {"page": (1, MAX_PAGE), "year": (2000, 2100), "month": (1, 12)}
    seen = set()
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                if param["name"] not in bounded:
                    continue
                schema = param["schema"]
                variants = schema.get("anyOf", [schema])
                (number,) = [v for v in variants if v.get("type") == "integer"]
                assert (number.get("minimum"), number.get("maximum")) == bounded[param["name"]], (
                    method,
                    path,
                    param["name"],
                )
                seen.add(param["name"])
    assert seen == set(bounded)
