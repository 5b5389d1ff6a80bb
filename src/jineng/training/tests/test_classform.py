"""The 附件2 class form is defined once (training.classform): the page, the API and the services take
the same fields, and the page sets the enterprise and the online platform (issue 13.3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client

from jineng.audit.models import Event
from jineng.catalogue.services import online_platform_file
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.tests.test_scope_matrix import assert_envelope, changes, snapshot
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code
from jineng.regions.services import region_create
from jineng.training import classform, facts, services
from jineng.training.models import TrainingClass
from jineng.training.schemas import ClassIn
from jineng.training.tests.factories import START, class_input, draft_class, prepared_institution
from jineng.training.views import ClassForm

pytestmark = pytest.mark.django_db

API = "/api/v1"


@dataclasses.dataclass
class Partners:
    enterprise: Organisation  # 委托/学徒企业 the Zhengzhou clerk may name
    platform: Organisation  # 线上平台 he may name
    far_enterprise: Organisation  # an enterprise of another province
    far_platform: Organisation  # an online platform of another province


@pytest.fixture
def partners(world: World) -> Partners:
    hubei = region_create(actor=None, name="湖北省", kind="province", parent=None, code="420000")
    wuhan = region_create(actor=None, name="武汉市", kind="city", parent=hubei, code="420100")

    def org(name: str, kind: str, region: Any, serial: int) -> Organisation:
        return organisation_register(
            actor=None,
            name=name,
            credit_code=make_credit_code("91", region.code, serial),
            kind=kind,
            region=region,
        )

    return Partners(
        enterprise=org("郑州轨道交通公司", "enterprise", world.zhengzhou, 21),
        platform=org("河南职业技能线上学习平台", "online_platform", world.xuchang, 22),
        far_enterprise=org("武汉钢铁公司", "enterprise", wuhan, 23),
        far_platform=org("湖北技能学习平台", "online_platform", wuhan, 24),
    )


def page_data(world: World, **overrides: Any) -> dict[str, Any]:
    """What the clerk's browser posts for the factories' class (the page's names, the page's values)."""
    data = class_input(world, prepared_institution(world)).__dict__.copy()
    data.update(overrides)
    posted: dict[str, Any] = {}
    for f in classform.FIELDS:
        value = data[f.name]
        if value is None or value is False:
            continue  # an empty select, an unticked box: the browser sends nothing
        posted[classform.page_name(f)] = value.isoformat() if isinstance(value, dt.date) else value
    return posted


def api_body(world: World, **overrides: Any) -> dict[str, Any]:
    data = class_input(world, prepared_institution(world), **overrides).__dict__.copy()
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def options(html: str, name: str) -> dict[str, str]:
    """value → label of the <select name=...> on a page."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None, name
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0)))


# --------------------------------------------------------------------------------------------------
# One definition.


def test_page_api_and_service_take_the_fields_of_the_one_definition(world: World) -> None:
    defined = set(classform.NAMES)
    assert len(defined) == len(classform.NAMES) == 31
    # The page: its fields are the definition's, under the page's names (a picked row: region_id → region).
    page_to_input = {classform.page_name(f): f.name for f in classform.FIELDS}
    form = ClassForm(user=world.users["institution"])
    assert list(form.fields) == list(page_to_input)
    assert {page_to_input[name] for name in form.fields} == defined
    # The API: the body's fields and the OpenAPI document's ClassIn.
    assert set(ClassIn.model_fields) == defined
    schema = json.loads(Client().get(f"{API}/openapi.json").content)
    assert set(schema["components"]["schemas"]["ClassIn"]["properties"]) == defined
    # The services: their input, and each field they copy onto the class is one of the class's.
    assert {f.name for f in dataclasses.fields(services.ClassInput)} == defined
    resolved = {"region_id", "department_id", "occupation_code", "trade_name", "teacher_ids"}
    attributes = {f.attname for f in TrainingClass._meta.concrete_fields}
    assert defined - resolved <= attributes


def test_api_body_keeps_its_names_types_and_defaults(world: World) -> None:
    """Existing clients send the same JSON: only the order the document lists the fields in moved."""
    schema = json.loads(Client().get(f"{API}/openapi.json").content)["components"]["schemas"]["ClassIn"]
    optional_int = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    shape = {
        name: (
            "integer?" if {k: v for k, v in p.items() if k in ("anyOf",)} == optional_int else p["type"],
            p.get("default", "-"),
        )
        for name, p in schema["properties"].items()
    }
    assert shape == {
        "region_id": ("integer", "-"),
        "department_id": ("integer", "-"),
        "contact_name": ("string", "-"),
        "contact_phone": ("string", "-"),
        "bank_name": ("string", "-"),
        "bank_account": ("string", "-"),
        "batch": ("string", "-"),
        "start_date": ("string", "-"),
        "end_date": ("string", "-"),
        "occupation_code": ("string", "-"),
        "trade_name": ("string", ""),
        "level": ("integer?", "-"),
        "target_certificate": ("string", "-"),
        "catalogue_item_id": ("integer?", "-"),  # F02: the 补贴标准目录 line (optional, added)
        "planned_trainees": ("integer", "-"),
        "total_hours": ("integer", "-"),
        "theory_hours": ("integer", "-"),
        "practical_hours": ("integer", "-"),
        "minutes_per_hour": ("integer", "-"),
        "mode": ("string", "-"),
        "delivery": ("string", "offline"),
        "online_hours": ("integer", 0),
        "offline_practical_hours": ("integer", 0),
        "funding_type": ("string", "-"),
        "programme": ("string", ""),
        "workstations": ("integer", "-"),
        "venue": ("string", "-"),
        "teacher_ids": ("array", "-"),
        "enterprise_id": ("integer?", "-"),
        "online_platform_id": ("integer?", "-"),
        "cross_city_approved": ("boolean", False),
    }
    assert set(schema["required"]) == {
        "region_id", "department_id", "contact_name", "contact_phone", "bank_name", "bank_account",
        "batch", "start_date", "end_date", "occupation_code", "target_certificate", "planned_trainees",
        "total_hours", "theory_hours", "practical_hours", "minutes_per_hour", "mode", "funding_type",
        "workstations", "venue", "teacher_ids",
    }  # fmt: skip
    assert schema["properties"]["start_date"]["format"] == "date"
    assert schema["properties"]["teacher_ids"]["items"] == {"type": "integer"}


# --------------------------------------------------------------------------------------------------
# The page sets the enterprise and the online platform.


def test_clerk_creates_a_class_with_an_enterprise_and_an_online_platform_on_the_page(
    world: World, partners: Partners
) -> None:
    clerk = world.users["institution"]
    online_platform_file(
        actor=None,
        organisation=partners.platform,
        platform_listed=True,
        platform_filed_on=dt.date(2021, 1, 4),
        platform_approved_on=dt.date(2021, 1, 8),
    )
    client = world.client(clerk)

    response = client.post(
        "/classes/new/",
        page_data(
            world,
            mode="commissioned",
            enterprise_id=partners.enterprise.pk,
            delivery="blended",
            online_platform_id=partners.platform.pk,
            online_hours=20,
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    tc = TrainingClass.objects.get(created_by=clerk)
    assert response["Location"] == f"/classes/{tc.pk}/"
    assert (tc.mode, tc.delivery, tc.online_hours) == ("commissioned", "blended", 20)
    assert tc.enterprise == partners.enterprise
    assert tc.online_platform == partners.platform
    # D01 now sees the platform the page named: listed, so no refusal for want of one.
    assert facts.class_facts(tc).online_platform_listed is True
    # The class's pages show them, and its edit page has them chosen.
    detail = client.get(f"/classes/{tc.pk}/").content.decode()
    assert "委托培训（郑州轨道交通公司） · 线上+线下（河南职业技能线上学习平台）" in detail
    edit = client.get(f"/classes/{tc.pk}/edit/").content.decode()
    # A date input shows only an ISO value: in the locale's 2021/06/01 the edit page's dates were blank.
    assert '<input type="date" name="start_date" value="2021-06-01"' in edit
    assert re.search(rf'<option value="{partners.enterprise.pk}" selected>郑州轨道交通公司</option>', edit)
    assert re.search(
        rf'<option value="{partners.platform.pk}" selected>河南职业技能线上学习平台</option>', edit
    )


def test_the_page_offers_only_the_enterprises_and_platforms_the_clerk_may_name(
    world: World, partners: Partners
) -> None:
    client = world.client(world.users["institution"])
    html = client.get("/classes/new/").content.decode()
    # The province's enterprises / platforms; not another province's, nor a school or a station.
    assert options(html, "enterprise") == {"": "（不适用）", str(partners.enterprise.pk): "郑州轨道交通公司"}
    assert options(html, "online_platform") == {
        "": "（不适用）",
        str(partners.platform.pk): "河南职业技能线上学习平台",
    }
    data = page_data(world, enterprise_id=partners.far_enterprise.pk, online_platform_id=world.zz_school.pk)
    before = snapshot()
    response = client.post("/classes/new/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"enterprise", "online_platform"}
    assert changes(before, snapshot()) == {}


# --------------------------------------------------------------------------------------------------
# The API takes the same fields, and the page reads back what it wrote.


def test_what_the_api_writes_the_page_reads_back_field_for_field(world: World, partners: Partners) -> None:
    body = api_body(
        world,
        mode="enterprise_self",
        enterprise_id=partners.enterprise.pk,
        delivery="blended",
        online_platform_id=partners.platform.pk,
        online_hours=20,
        trade_name="",
        cross_city_approved=True,
        batch="2021-电工-API",
    )
    assert set(body) == set(classform.NAMES)
    client = world.client(world.users["institution"])

    response = client.post(f"{API}/classes", body, content_type="application/json")

    assert response.status_code == 201, response.content
    tc = TrainingClass.objects.get(pk=response.json()["id"])
    assert tc.enterprise_id == partners.enterprise.pk and tc.online_platform_id == partners.platform.pk
    initial = classform.page_initial(tc)
    read_back = {f.name: initial[classform.page_name(f)] for f in classform.FIELDS}
    read_back["start_date"] = read_back["start_date"].isoformat()
    read_back["end_date"] = read_back["end_date"].isoformat()
    assert read_back == body
    # Saving the edit page as it comes changes none of them.
    form = ClassForm(user=world.users["institution"], initial=initial)
    posted = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None and value is not False and value != "":  # what a browser leaves out
            posted[name] = value
    response = client.post(f"/classes/{tc.pk}/edit/", posted)
    assert response.status_code == 302, response.context["form"].errors
    tc.refresh_from_db()
    again = classform.page_initial(tc)
    assert again == initial
    assert Event.objects.filter(action="class.updated", object_id=str(tc.pk)).count() == 1


@pytest.mark.parametrize(
    ("field", "who", "message"),
    [
        ("enterprise_id", "far_enterprise", "“委托/学徒企业”：所选企业不是本省登记的企业"),
        ("enterprise_id", "station", "“委托/学徒企业”：所选企业不是本省登记的企业"),
        ("online_platform_id", "far_platform", "“线上平台”：所选平台不是本省登记的线上培训平台"),
        ("online_platform_id", "enterprise", "“线上平台”：所选平台不是本省登记的线上培训平台"),
    ],
    ids=[
        "enterprise-of-another-province",
        "station-as-enterprise",
        "platform-of-another-province",
        "enterprise-as-platform",
    ],
)
def test_the_api_names_no_enterprise_or_platform_the_page_would_not_offer(
    world: World, partners: Partners, field: str, who: str, message: str
) -> None:
    org = world.zz_station if who == "station" else getattr(partners, who)
    client = world.client(world.users["institution"])
    sent = api_body(world, **{field: org.pk})
    before = snapshot()

    response = client.post(f"{API}/classes", sent, content_type="application/json")

    body = assert_envelope(response, 422, "refused")
    assert body["message"] == message
    assert changes(before, snapshot()) == {}


def test_a_missing_row_is_refused_not_stored(world: World, partners: Partners) -> None:
    """Id 0 used to be taken for "none" by the check and then written as the foreign key."""
    with pytest.raises(Refusal) as refused:
        draft_class(world, enterprise_id=0)
    assert refused.value.render() == "“委托/学徒企业”：所选企业不是本省登记的企业"
    assert not TrainingClass.objects.exists()
    tc = draft_class(world, start_date=START)
    assert tc.enterprise_id is None and tc.online_platform_id is None


def test_18_8_departments_name_their_city_and_teachers_their_filed_occupation(world: World) -> None:
    from jineng.catalogue.models import Teacher
    from jineng.supervision.tests.factory import occupation

    Teacher.objects.create(
        organisation=world.zz_school, name="王建国", id_number="410105198001011239", occupation=occupation(),
        full_time=True,
    )  # fmt: skip
    html = world.client(world.users["institution"]).get("/classes/new/").content.decode()
    departments = set(options(html, "department").values())
    # Two cities' 市工信局 are told apart by their city.
    assert {"市工信局（郑州市）", "市工信局（许昌市）", "市教育局（郑州市）"} <= departments
    assert "王建国（电工·专职）" in boxes(html, "teachers").values()


def boxes(html: str, name: str) -> dict[str, str]:
    """value → label of the ticked-list <input type=checkbox name=...> on a page."""
    found = re.findall(
        rf'<label[^>]*><input type="checkbox" name="{name}" value="([^"]*)"[^>]*>\s*([^<]*)</label>', html
    )
    assert found, name
    return {value: label.strip() for value, label in found}


def test_18_8_departments_carry_their_region_and_teachers_their_occupation_for_the_page_to_narrow(
    world: World,
) -> None:
    """Given two cities' departments and a teacher filed for 电工, when the clerk opens the class form, then
    each department option says whose region it is filed under and each region option its path (app.js
    offers only the departments of the chosen region or above it), and the teachers are ticked boxes, each
    with its filed occupation's code (app.js lists the typed occupation's teachers first)."""
    from jineng.catalogue.models import Teacher
    from jineng.supervision.tests.factory import occupation

    teacher = Teacher.objects.create(
        organisation=world.zz_school, name="王建国", id_number="410105198001011239", occupation=occupation(),
        full_time=True,
    )  # fmt: skip
    html = world.client(world.users["institution"]).get("/classes/new/").content.decode()

    select = re.search(r'<select name="department"[^>]*>', html)
    assert select is not None
    assert 'data-narrow="within"' in select.group(0) and 'data-by="region"' in select.group(0)
    zz_path, xc_path = world.zz_industry.region.path, world.xc_industry.region.path
    assert f'value="{world.zz_industry.pk}" data-within="{zz_path}"' in html
    assert f'value="{world.xc_industry.pk}" data-within="{xc_path}"' in html
    assert re.search(rf'value="{world.zz_industry.region.pk}"( selected)? data-path="{zz_path}"', html)
    box = re.search(rf'<input type="checkbox" name="teachers" value="{teacher.pk}"[^>]*>', html)
    assert box is not None
    assert 'data-equal="6-31-01-03"' in box.group(0) and 'data-by="occupation_code"' in box.group(0)
    assert boxes(html, "teachers") == {str(teacher.pk): "王建国（电工·专职）"}


def test_18_8_the_institutions_listed_occupations_and_their_trades_are_offered(world: World) -> None:
    import datetime as dt

    from jineng.catalogue.models import InstitutionOccupation, Trade
    from jineng.supervision.tests.factory import occupation

    electrician = occupation()
    Trade.objects.create(occupation=electrician, name="维修电工")
    InstitutionOccupation.objects.create(
        organisation=world.zz_school, occupation=electrician, valid_from=dt.date(2020, 1, 1)
    )
    html = world.client(world.users["institution"]).get("/classes/new/").content.decode()
    assert 'list="occupation-list"' in html and 'list="trade-list"' in html
    assert '<option value="6-31-01-03">6-31-01-03 电工</option>' in html
    # Suggested only once 电工's code is typed (app.js: data-narrow on the datalist).
    assert '<datalist id="trade-list" data-narrow="equal" data-by="occupation_code">' in html
    assert '<option value="维修电工" data-equal="6-31-01-03">电工 · 维修电工</option>' in html
