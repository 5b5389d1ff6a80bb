"""The scope matrix: every page and every API operation, for every role, in scope and out of it.

The rule: a user outside a page's or endpoint's scope gets 403 (role without the capability) or 404
(object outside the user's region / department / organisation), and nothing changed — the counts of
every model of the project, the audit trail and the tokens' revocation stay as they were.

``test_every_route_is_in_the_matrix`` walks Django's URL resolver and the ninja routers: a page or
operation added without a row in MATRIX (or in PUBLIC) fails it, naming the route.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from jineng.accounts.models import ApiToken, User
from jineng.accounts.services import api_token_issue
from jineng.api import api
from jineng.audit.models import Event
from jineng.conftest import World, build_world
from jineng.core.roles import Role, can
from jineng.core.tests.matrix import API, EVERYONE, ROLES, Case, fixed, roles
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy.identity import make_credit_code, make_id_number
from jineng.regions.models import Department

pytestmark = pytest.mark.django_db

# The world builds 22 users; the production hasher would make each build take seconds.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One world for the module (this overrides conftest's per-test one: ~500 cases must stay fast).

    Built once inside a transaction that is rolled back after the module; each test runs in its own
    savepoint inside it (pytest-django's ``django_db``), so whatever a test writes is undone after it.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        built = build_world()
        # One session per user for the module, made as force_login makes it, rolled back with the world.
        for user in (*built.users.values(), *built.outsiders.values()):
            client = Client()
            client.force_login(user)
            _SESSIONS[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        try:
            yield built
        finally:
            _SESSIONS.clear()
        transaction.set_rollback(True)


# user pk → the key of the session the module's world logged that user in with.
_SESSIONS: dict[int, str] = {}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


# --------------------------------------------------------------------------------------------------
# What may change: a snapshot of every project model's row count, plus every token's revocation.


# Bookkeeping rows that a write may or may not add depending on what was written before it: a region's
# audit chain head is made by the first event in that region (audit.chain), whichever test came first.
NOT_COUNTED = frozenset({"audit.ChainHead"})


def project_models() -> list[Any]:
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("jineng.") and m._meta.label not in NOT_COUNTED
    ]


# (the registry's models, the database) → the project's models and the one statement counting their rows:
# made once instead of at each of the matrix's ~14,000 snapshots.
_COUNTING: dict[tuple[Any, ...], tuple[list[Any], str]] = {}


def _counting() -> tuple[list[Any], str]:
    key = (*apps.get_models(), connection.vendor)
    if key not in _COUNTING:
        models = project_models()
        counts = ", ".join(
            f"(SELECT COUNT(*) FROM {connection.ops.quote_name(m._meta.db_table)})" for m in models
        )
        _COUNTING[key] = (models, f"SELECT {counts}")
    return _COUNTING[key]


def snapshot() -> dict[str, Any]:
    models, counting = _counting()
    with connection.cursor() as cursor:
        cursor.execute(counting)
        row = cursor.fetchone()
    state: dict[str, Any] = {m._meta.label: n for m, n in zip(models, row, strict=True)}
    state["tokens.revoked_at"] = dict(ApiToken.objects.values_list("pk", "revoked_at"))
    return state


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Count deltas per model, and how many tokens that existed before had their revocation changed."""
    out: dict[str, int] = {}
    for key, value in after.items():
        if key == "tokens.revoked_at":
            touched = sum(1 for pk, at in before[key].items() if value.get(pk) != at)
            if touched:
                out[key] = touched
        elif before[key] != value:
            out[key] = value - before[key]
    return out


def assert_envelope(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["details"], list)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body


# --------------------------------------------------------------------------------------------------
# Objects each role has in scope, and objects outside it.


def own_org(w: World, u: User) -> Organisation:
    # The institution clerk's school, the evaluator's station, or for region staff a Zhengzhou school.
    return u.organisation if u.organisation_id else w.zz_school  # type: ignore[return-value]


def foreign_orgs(w: World, u: User) -> list[Organisation]:
    orgs = [w.xc_school]
    if u.role == Role.INSTITUTION:
        orgs.append(w.zz_station)  # same city, another organisation
    if u.role == Role.EVALUATOR:
        orgs.append(w.zz_school)
    return orgs


def registered_by_clerk(w: World) -> Person:
    """A Zhengzhou person registered by the Zhengzhou institution clerk (the only ones they see)."""
    return person_register(
        actor=w.users[Role.INSTITUTION],
        id_number=make_id_number("410103", dt.date(1995, 3, 4), 7),
        name="张伟",
        region=w.erqi,
    )


def own_person(w: World, u: User) -> Person | None:
    if u.role == Role.EVALUATOR:
        return None  # an evaluation body registers nobody, so sees nobody until classes exist
    if u.role == Role.INSTITUTION:
        return registered_by_clerk(w)
    if u.role in (Role.DEPT_FIRST, Role.DEPT_SECOND):
        return on_department_roster(w)
    return w.zz_person  # also the Zhengzhou trainee's own record


def on_department_roster(w: World) -> Person:
    """A trainee of a class of the Zhengzhou 工信局: the only persons its reviewers see."""
    from jineng.supervision.tests.factory import make_class

    return make_class(w, trainees=1, department=w.zz_industry).enrolments.get().person


def foreign_persons(w: World, u: User) -> list[Person]:
    persons = [w.xc_person]
    if u.role in (Role.INSTITUTION, Role.EVALUATOR, Role.DEPT_FIRST, Role.DEPT_SECOND):
        # in the city, but not registered by this organisation / on no roster of this department
        persons.append(w.zz_person)
    if u.role == Role.TRAINEE:
        persons.append(registered_by_clerk(w))  # a neighbour in the same city
    return persons


def own_token(w: World, u: User) -> ApiToken:
    # A role that may not hold tokens is pointed at a colleague's token: it must still get 403.
    owner = u if can(u.role, "token.manage") else w.users[Role.HR_ADMIN]
    token, _ = api_token_issue(actor=owner, name="本机构培训管理系统对接")
    return token


def foreign_tokens(w: World, u: User) -> list[ApiToken]:
    other = w.users[Role.HR_ADMIN if u.role != Role.HR_ADMIN else Role.INSTITUTION]
    outsider = w.outsiders[u.role if can(u.role, "token.manage") else Role.HR_ADMIN]
    return [own_token(w, other), own_token(w, outsider)]


def person_data(w: World, u: User, *, page: bool = False, region: Any = None) -> dict[str, Any]:
    region = region or w.erqi
    data = {
        "id_number": make_id_number("410103", dt.date(1992, 7, 8), 31),
        "name": "陈静",
        "phone": "13700001234",
    }
    if page:
        return {**data, "region": region.pk}
    return {**data, "region_id": region.pk}


def org_data(
    w: World, u: User, *, page: bool = False, region: Any = None, dept: Any = None
) -> dict[str, Any]:
    region = region or w.zhengzhou
    dept = dept if dept is not None else w.zz_industry
    data = {
        "name": "郑州市新建职业培训学校",
        "credit_code": make_credit_code("52", "410100", 9),
        "kind": Organisation.Kind.PRIVATE_SCHOOL.value,
        "contact_name": "周强",
        "contact_phone": "13911112222",
        "bank_name": "郑州银行",
        "bank_account": "6230580000012345678",
    }
    if page:
        return {**data, "region": region.pk, "department": dept.pk}
    return {**data, "region_id": region.pk, "department_id": dept.pk}


# --------------------------------------------------------------------------------------------------
# The matrix.

CAL_Q = "start=2024-09-30&days=5"  # across the National Day holiday

CORE: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "", EVERYONE, fixed("/")),
    Case("GET", "regions/", roles("region.view"), fixed("/regions/")),
    Case("GET", "regions/departments/", roles("department.view"), fixed("/regions/departments/")),
    Case(
        "POST",
        "regions/departments/",
        roles("department.manage"),
        fixed("/regions/departments/"),
        data=lambda w, u: {"region": w.erqi.pk, "name": "区退役军人事务局", "kind": "industry"},
        foreign_data=lambda w, u: [{"region": w.weidu.pk, "name": "区退役军人事务局", "kind": "industry"}],
        ok=302,
        delta={"regions.Department": 1, "audit.Event": 1},
        scoped=True,
    ),
    # 18.11: the bureau's telephone that its public notices name.
    Case(
        "POST",
        "regions/",
        roles("region.contact"),
        fixed("/regions/"),
        data=lambda w, u: {"region": w.erqi.pk, "phone": f"0371-6{u.pk:07d}"},
        foreign_data=lambda w, u: [{"region": w.weidu.pk, "phone": "0374-1234567"}],
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", "regions/profiles/", roles("profile.view"), fixed("/regions/profiles/")),
    Case("GET", "regions/profiles/in-force/", roles("profile.view"), fixed("/regions/profiles/in-force/")),
    Case(
        "POST",
        "regions/profiles/in-force/",
        roles("profile.assign"),
        fixed("/regions/profiles/in-force/"),
        # 二七区 2021: a region of the subtree whose year is a document's own (no confirmation needed)
        data=lambda w, u: {"region": w.erqi.pk, "year": 2021, "profile": "ZZ21"},
        foreign_data=lambda w, u: [{"region": w.weidu.pk, "year": 2023, "profile": "XC23"}],
        ok=302,
        delta={"regions.ProfileAssignment": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case("GET", "orgs/", roles("org.view"), fixed("/orgs/")),
    Case("GET", "orgs/new/", roles("org.register"), fixed("/orgs/new/")),
    Case(
        "POST",
        "orgs/new/",
        roles("org.register"),
        fixed("/orgs/new/"),
        data=lambda w, u: org_data(w, u, page=True),
        foreign_data=lambda w, u: [
            org_data(w, u, page=True, region=w.xuchang),
            org_data(w, u, page=True, dept=w.xc_industry),
        ],
        ok=302,
        delta={"orgs.Organisation": 1, "audit.Event": 1},
        scoped=True,
        form=True,
    ),
    Case(
        "GET",
        "orgs/<int:org_id>/",
        roles("org.view"),
        lambda w, u: f"/orgs/{own_org(w, u).pk}/",
        foreign=lambda w, u: [f"/orgs/{o.pk}/" for o in foreign_orgs(w, u)],
        scoped=True,
    ),
    Case(
        "GET",
        "orgs/<int:org_id>/edit/",
        roles("org.edit"),
        lambda w, u: f"/orgs/{own_org(w, u).pk}/edit/",
        foreign=lambda w, u: [f"/orgs/{o.pk}/edit/" for o in foreign_orgs(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        "orgs/<int:org_id>/edit/",
        roles("org.edit"),
        lambda w, u: f"/orgs/{own_org(w, u).pk}/edit/",
        foreign=lambda w, u: [f"/orgs/{o.pk}/edit/" for o in foreign_orgs(w, u)],
        data=lambda w, u: {
            "contact_name": "周强",
            "contact_phone": "0371-12345678",
            "bank_account": "6230580000099",
        },
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", "people/", roles("person.view"), fixed("/people/")),
    Case("GET", "people/new/", roles("person.register"), fixed("/people/new/")),
    Case(
        "POST",
        "people/new/",
        roles("person.register"),
        fixed("/people/new/"),
        data=lambda w, u: person_data(w, u, page=True),
        foreign_data=lambda w, u: [person_data(w, u, page=True, region=w.weidu)],
        ok=302,
        delta={"people.Person": 1, "audit.Event": 1},
        scoped=True,
        form=True,
    ),
    Case("GET", "people/me/", roles("self.view"), fixed("/people/me/")),
    Case(
        "GET",
        "people/<int:person_id>/",
        roles("person.view", "self.view"),
        lambda w, u: (p := own_person(w, u)) and f"/people/{p.pk}/",
        foreign=lambda w, u: [f"/people/{p.pk}/" for p in foreign_persons(w, u)],
        scoped=True,
    ),
    Case("GET", "calendar/", roles("calendar.view"), fixed("/calendar/")),
    Case("GET", "calendar/compute/", roles("calendar.view"), fixed(f"/calendar/compute/?{CAL_Q}")),
    Case("GET", "calendar/years/new/", roles("calendar.edit"), fixed("/calendar/years/new/")),
    Case(
        "POST",
        "calendar/years/new/",
        roles("calendar.edit"),
        fixed("/calendar/years/new/"),
        data=lambda w, u: {
            "year": 2031,
            "source": "国务院办公厅关于2031年部分节假日安排的通知",
            "holidays": "2031-01-01 元旦",
            "workdays": "",
        },
        ok=302,
        delta={"workcal.CalendarYear": 1, "workcal.CalendarDay": 1, "audit.Event": 1},
    ),
    Case("GET", "audit/", roles("audit.view"), fixed("/audit/")),
    Case("GET", "account/tokens/", roles("token.manage"), fixed("/account/tokens/")),
    Case(
        "POST",
        "account/tokens/",
        roles("token.manage"),
        fixed("/account/tokens/"),
        data=lambda w, u: {"name": "本机构培训管理系统对接"},
        delta={"accounts.ApiToken": 1, "audit.Event": 1},
    ),
    Case(
        "POST",
        "account/tokens/<int:token_id>/revoke/",
        roles("token.manage"),
        lambda w, u: f"/account/tokens/{own_token(w, u).pk}/revoke/",
        foreign=lambda w, u: [f"/account/tokens/{t.pk}/revoke/" for t in foreign_tokens(w, u)],
        data=lambda w, u: {},
        ok=302,
        delta={"audit.Event": 1, "tokens.revoked_at": 1},
        scoped=True,
    ),
    # ---- API
    Case("GET", f"{API}/me", EVERYONE, fixed(f"{API}/me")),
    Case("GET", f"{API}/regions", roles("region.view"), fixed(f"{API}/regions")),
    Case(
        "GET",
        f"{API}/regions/{{region_id}}/profile",
        roles("region.view"),
        lambda w, u: f"{API}/regions/{w.jinshui.pk}/profile?year=2021",
        # Xuchang has a 2023 profile: a 404 here is the scope, not a missing assignment.
        foreign=lambda w, u: [
            f"{API}/regions/{w.xuchang.pk}/profile?year=2023",
            f"{API}/regions/{w.weidu.pk}/profile?year=2023",
        ],
        scoped=True,
    ),
    Case("GET", f"{API}/departments", roles("department.view"), fixed(f"{API}/departments")),
    Case("GET", f"{API}/profiles", roles("profile.view"), fixed(f"{API}/profiles")),
    Case("GET", f"{API}/profiles/{{code}}", roles("profile.view"), fixed(f"{API}/profiles/ZZ21")),
    Case("GET", f"{API}/organisations", roles("org.view"), fixed(f"{API}/organisations")),
    Case(
        "POST",
        f"{API}/organisations",
        roles("org.register"),
        fixed(f"{API}/organisations"),
        data=org_data,
        foreign_data=lambda w, u: [org_data(w, u, region=w.xuchang), org_data(w, u, dept=w.xc_industry)],
        ok=201,
        delta={"orgs.Organisation": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "GET",
        f"{API}/organisations/{{org_id}}",
        roles("org.view"),
        lambda w, u: f"{API}/organisations/{own_org(w, u).pk}",
        foreign=lambda w, u: [f"{API}/organisations/{o.pk}" for o in foreign_orgs(w, u)],
        scoped=True,
    ),
    Case("GET", f"{API}/people", roles("person.view"), fixed(f"{API}/people")),
    Case(
        "POST",
        f"{API}/people",
        roles("person.register"),
        fixed(f"{API}/people"),
        data=person_data,
        foreign_data=lambda w, u: [
            person_data(w, u, region=w.weidu),
            person_data(w, u, region=w.xuchang),
        ],
        ok=201,
        delta={"people.Person": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "GET",
        f"{API}/people/{{person_id}}",
        roles("person.view", "self.view"),
        lambda w, u: (p := own_person(w, u)) and f"{API}/people/{p.pk}",
        foreign=lambda w, u: [f"{API}/people/{p.pk}" for p in foreign_persons(w, u)],
        scoped=True,
    ),
    Case(
        "GET",
        f"{API}/calendar/add-working-days",
        roles("calendar.view"),
        fixed(f"{API}/calendar/add-working-days?{CAL_Q}"),
    ),
    Case(
        "GET", f"{API}/calendar/span-end", roles("calendar.view"), fixed(f"{API}/calendar/span-end?{CAL_Q}")
    ),
    Case(
        "GET",
        f"{API}/calendar/count",
        roles("calendar.view"),
        fixed(f"{API}/calendar/count?start=2024-09-30&end=2024-10-08"),
    ),
    Case("GET", f"{API}/calendar/coverage", roles("calendar.view"), fixed(f"{API}/calendar/coverage")),
    Case("GET", f"{API}/events", roles("audit.view"), fixed(f"{API}/events")),
)


def _app_modules() -> list[Any]:
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("jineng.") or config.name == "jineng.core":
            continue
        module = f"{config.name}.tests.scope_cases"
        if importlib.util.find_spec(f"{config.name}.tests") and importlib.util.find_spec(module):
            out.append(importlib.import_module(module))
    return out


def _app_cases() -> tuple[Case, ...]:
    """Rows contributed by each app's ``tests/scope_cases.py`` (CASES)."""
    out: tuple[Case, ...] = ()
    for module in _app_modules():
        out += tuple(module.CASES)
    return out


def _app_public() -> dict[str, tuple[str, int]]:
    """Pages an app serves to anyone (``PUBLIC`` in its scope_cases; a route with a parameter is
    exercised by the app's own tests, the others by test_public_routes)."""
    out: dict[str, tuple[str, int]] = {}
    for module in _app_modules():
        out.update(getattr(module, "PUBLIC", {}))
    return out


MATRIX: tuple[Case, ...] = CORE + _app_cases()

# Open to anyone, logged in or not; each is exercised in test_public_routes.
PUBLIC: dict[str, tuple[str, int]] = {
    "login/": ("GET", 200),
    "logout/": ("POST", 302),
    "healthz": ("GET", 200),
    "api/v1/openapi.json": ("GET", 200),
    "api/v1/docs": ("GET", 200),
    "api/v1/": ("GET", 404),  # ninja's root: only names the docs, answers 404 in the envelope
    **_app_public(),
}

# Routes not served by this project's own views.
SKIPPED_PREFIXES = ("admin/", "static/", "media/")


# --------------------------------------------------------------------------------------------------
# Coverage: the matrix must name every route that exists.


def _walk(patterns: list[Any], prefix: str = "") -> list[str]:
    routes: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            routes += _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            routes.append(prefix + str(p.pattern))
    return routes


def django_routes() -> list[str]:
    return [r for r in _walk(get_resolver().url_patterns) if not r.startswith(SKIPPED_PREFIXES)]


def api_operations() -> list[tuple[str, str]]:
    api.urls  # noqa: B018 - binds the routers, so that nested ones are listed too
    ops = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            route = "/".join(part.strip("/") for part in (prefix, path) if part.strip("/"))
            for op in path_view.operations:
                for method in op.methods:
                    ops.append((method.upper(), f"{API}/{route}".rstrip("/")))
    return ops


def _as_api_path(django_route: str) -> str:
    # "api/v1/regions/<region_id>/profile" → "/api/v1/regions/{region_id}/profile"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", django_route)


def uncovered(matrix: tuple[Case, ...]) -> list[str]:
    """Routes and operations that exist but have no row in ``matrix`` (nor in PUBLIC)."""
    page_routes = {c.route for c in matrix if not c.is_api}
    api_paths = {c.route for c in matrix if c.is_api}
    missing = []
    for route in django_routes():
        if route in PUBLIC:
            continue
        if route.startswith("api/v1/"):
            if _as_api_path(route) not in api_paths:
                missing.append(f"API route /{route}")
        elif route not in page_routes:
            missing.append(f"page /{route}")
    keys = {c.key for c in matrix}
    # An operation open to anyone is listed in PUBLIC under its route, with the method it answers.
    public_ops = {(m, _as_api_path(r)) for r, (m, _) in PUBLIC.items() if r.startswith("api/v1/")}
    for method, path in api_operations():
        if (method, path) not in keys and (method, path) not in public_ops:
            missing.append(f"API operation {method} {path}")
    return missing


def test_every_route_is_in_the_matrix() -> None:
    missing = uncovered(MATRIX)
    assert not missing, "no scope-matrix case for: " + "; ".join(missing)


def test_the_coverage_check_names_what_is_missing() -> None:
    without = tuple(
        c for c in MATRIX if c.route not in ("people/<int:person_id>/", f"{API}/people/{{person_id}}")
    )
    without = tuple(c for c in without if c.key != ("POST", f"{API}/people"))
    assert uncovered(without) == [
        "page /people/<int:person_id>/",
        "API route /api/v1/people/<person_id>",
        "API operation POST /api/v1/people",
        "API operation GET /api/v1/people/{person_id}",
    ]


def test_matrix_has_no_stale_rows() -> None:
    existing_pages = set(django_routes())
    existing_ops = set(api_operations())
    stale = [
        c.id
        for c in MATRIX
        if (c.is_api and c.key not in existing_ops) or (not c.is_api and c.route not in existing_pages)
    ]
    assert not stale, "scope-matrix rows for routes that no longer exist: " + "; ".join(stale)
    assert len({c.key for c in MATRIX}) == len(MATRIX), "duplicate rows in MATRIX"
    assert set(PUBLIC) <= existing_pages, set(PUBLIC) - existing_pages


def test_every_role_is_in_the_world(world: World) -> None:
    assert sorted(world.users) == sorted(ROLES)
    assert sorted(world.outsiders) == sorted(ROLES)


# --------------------------------------------------------------------------------------------------
# The matrix itself: every case × every role.


def send(client: Client, case: Case, url: str, data: dict[str, Any] | None) -> Any:
    if case.method == "GET":
        return client.get(url)
    if case.is_api:
        return client.generic(case.method, url, json.dumps(data or {}), content_type="application/json")
    return client.post(url, data or {})


def expect_refused(case: Case, response: Any, status: int) -> None:
    if case.is_api:
        assert_envelope(response, status, {403: "forbidden", 404: "not_found"}[status])
    else:
        assert response.status_code == status, (case.id, response.status_code)


def expect_form_refused(response: Any) -> None:
    """A page form only offers what is in scope: another city's choice is a form error, not a write."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    assert form.errors, "an out-of-scope choice must not pass the form"


def session_login(user: User) -> Client:
    """A client logged in as ``user`` by the session the world fixture opened for them (force_login's
    own session, made once per user rather than once per test: a login writes five rows). What a test
    does to the session row is rolled back with the test, like the rest of its writes."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = _SESSIONS[user.pk]
    return client


def token_login(user: User) -> Client:
    """How an institution's own system calls: a bearer token, no session, no CSRF cookie."""
    _, secret = api_token_issue(actor=user, name="矩阵测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def run_case(case: Case, role: str, world: World, login: Callable[[User], Client]) -> None:
    user = world.users[role]
    client = login(user)
    url = case.path(world, user)
    data = case.data(world, user) if case.data else None

    if role not in case.roles:
        # Role without the capability: 403 even for an object in the user's own region.
        url = url or case.path(world, world.users[Role.HR_ADMIN]) or "/"
        before = snapshot()
        response = send(client, case, url, data)
        expect_refused(case, response, 403)
        assert changes(before, snapshot()) == {}, case.id
        return

    # Out of scope first (so the in-scope write below does not mask a leak): 404, nothing changed.
    for foreign_url in case.foreign(world, user):
        before = snapshot()
        response = send(client, case, foreign_url, data)
        expect_refused(case, response, 404)
        assert changes(before, snapshot()) == {}, (case.id, foreign_url)
    for body in case.foreign_data(world, user):
        before = snapshot()
        response = send(client, case, url or "/", body)
        if case.form:
            expect_form_refused(response)
        else:
            expect_refused(case, response, 404)
        assert changes(before, snapshot()) == {}, (case.id, body)

    # The Xuchang twin of the same role asking for this user's object: 404, nothing changed.
    if case.scoped and url is not None:
        outsider = login(world.outsiders[role])
        before = snapshot()
        response = send(outsider, case, url, data)
        if case.form:
            expect_form_refused(response)
        else:
            expect_refused(case, response, 404)
        assert changes(before, snapshot()) == {}, (case.id, "outsider")

    if url is None:
        return  # nothing of this kind is in the role's scope

    # In scope: allowed, and only what the write is meant to change changed.
    before = snapshot()
    response = send(client, case, url, data)
    assert response.status_code == case.ok, (case.id, response.status_code, response.content[:300])
    if case.is_api:
        assert response["Content-Type"].startswith("application/json")
    diff = changes(before, snapshot())
    assert diff == case.delta, (case.id, diff)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=lambda c: c.id)
def test_scope(case: Case, role: str, world: World) -> None:
    run_case(case, role, world, session_login)


@pytest.mark.parametrize("role", sorted(roles("token.manage")))
def test_api_scope_by_token(role: str, world: World) -> None:
    """The same API rows, authenticated by token instead of session: the token carries the same scope."""
    for case in MATRIX:
        if case.is_api:
            run_case(case, role, world, token_login)


@pytest.mark.parametrize("case", MATRIX, ids=lambda c: c.id)
def test_anonymous(case: Case, world: World) -> None:
    client = Client()
    url = case.path(world, world.users[Role.HR_ADMIN]) or case.path(world, world.users[Role.TRAINEE]) or "/"
    data = case.data(world, world.users[Role.HR_ADMIN]) if case.data else None
    before = snapshot()
    response = send(client, case, url, data)
    if case.is_api:
        assert_envelope(response, 401, "unauthorized")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    assert changes(before, snapshot()) == {}


def test_public_routes(world: World) -> None:
    client = Client()
    for route, (method, status) in PUBLIC.items():
        if "<" in route:
            continue
        response = client.post(f"/{route}") if method == "POST" else client.get(f"/{route}")
        assert response.status_code == status, (route, response.status_code)
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_user_without_role_sees_nothing(world: World) -> None:
    """A bare account (no role, no region: the platform operator) is refused everywhere a capability is
    needed; the Django admin is the only place he works."""
    from jineng.accounts.services import operator_create

    bare = operator_create(actor=None, username="bare", password="Bare@pass-2026")
    client = world.client(bare)
    for case in MATRIX:
        if case.roles == EVERYONE or case.method != "GET":
            continue
        url = case.path(world, world.users[Role.HR_ADMIN]) or "/"
        response = client.get(url)
        assert response.status_code in (403, 404), (case.id, response.status_code)


# --------------------------------------------------------------------------------------------------
# Lists are scoped.


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return sorted(item["name"] for item in response.json()["items"])


def test_org_list_of_city_staff_is_the_city(world: World) -> None:
    expected = sorted(Organisation.objects.filter(region__name="郑州市").values_list("name", flat=True))
    assert expected == sorted([world.zz_school.name, world.zz_station.name])
    for role in (Role.HR_FIRST, Role.HR_ADMIN, Role.AUDITOR, Role.FINANCE, Role.DEPT_FIRST):
        names = _names(world.client(world.users[role]).get(f"{API}/organisations"))
        assert names == expected, role
        assert "许昌技师学院" not in names
    page = world.client(world.users[Role.HR_FIRST]).get("/orgs/").content.decode()
    assert world.zz_school.name in page and "许昌技师学院" not in page


def test_org_list_of_xuchang_staff_is_xuchang(world: World) -> None:
    names = _names(world.client(world.outsiders[Role.HR_FIRST]).get(f"{API}/organisations"))
    assert names == sorted(["许昌技师学院", "许昌职业技术学院"])


def test_org_list_of_clerk_is_own_org(world: World) -> None:
    assert _names(world.client(world.users[Role.INSTITUTION]).get(f"{API}/organisations")) == [
        world.zz_school.name
    ]
    assert _names(world.client(world.users[Role.EVALUATOR]).get(f"{API}/organisations")) == [
        world.zz_station.name
    ]
    # Searching by another org's credit code finds nothing.
    response = world.client(world.users[Role.INSTITUTION]).get(
        f"{API}/organisations", {"q": world.zz_station.credit_code}
    )
    assert response.json()["items"] == []


def test_people_lists_are_scoped(world: World) -> None:
    zz = _names(world.client(world.users[Role.HR_FIRST]).get(f"{API}/people"))
    assert zz == ["李明"]
    xc = _names(world.client(world.outsiders[Role.HR_FIRST]).get(f"{API}/people"))
    assert xc == ["王芳"]
    # A full Xuchang ID number does not reach across the border.
    response = world.client(world.users[Role.HR_FIRST]).get(f"{API}/people", {"q": world.xc_person.id_number})
    assert response.json()["items"] == []
    # The clerk sees the people their own institution registered, and nobody else.
    registered_by_clerk(world)
    assert _names(world.client(world.users[Role.INSTITUTION]).get(f"{API}/people")) == ["张伟"]
    assert _names(world.client(world.users[Role.EVALUATOR]).get(f"{API}/people")) == []


def test_region_list_is_the_subtree(world: World) -> None:
    names = _names_list(world.client(world.users[Role.HR_FIRST]).get(f"{API}/regions"))
    assert names == sorted(["郑州市", "金水区", "二七区"])
    page = world.client(world.users[Role.HR_FIRST]).get("/regions/").content.decode()
    assert "金水区" in page and "许昌市" not in page and "魏都区" not in page


def _names_list(response: Any) -> list[str]:
    assert response.status_code == 200
    return sorted(item["name"] for item in response.json())


def test_departments_of_dept_reviewer_are_their_own(world: World) -> None:
    for role in (Role.DEPT_FIRST, Role.DEPT_SECOND):
        response = world.client(world.users[role]).get(f"{API}/departments")
        assert [(d["id"], d["name"]) for d in response.json()] == [
            (world.zz_industry.pk, world.zz_industry.name)
        ]
        page = world.client(world.users[role]).get("/regions/departments/").content.decode()
        assert world.zz_industry.name in page and world.zz_education.name not in page
    response = world.client(world.users[Role.HR_FIRST]).get(f"{API}/departments")
    assert sorted(d["id"] for d in response.json()) == sorted(
        Department.objects.filter(region=world.zhengzhou).values_list("pk", flat=True)
    )


def test_events_of_auditor_stay_in_the_city(world: World) -> None:
    # Activity on both sides of the border.
    api_token_issue(actor=world.outsiders[Role.INSTITUTION], name="许昌对接")
    api_token_issue(actor=world.users[Role.INSTITUTION], name="郑州对接")
    xc_paths = [world.xuchang.path]
    for role in (Role.AUDITOR, Role.HR_ADMIN):
        client = world.client(world.users[role])
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            body = client.get(f"{API}/events", {"page": page}).json()
            items += body["items"]
            if len(items) >= body["count"]:
                break
            page += 1
        assert items, role
        ids = {i["id"] for i in items}
        xuchang_ids = set(
            Event.objects.filter(region_path__startswith=xc_paths[0]).values_list("pk", flat=True)
        )
        assert xuchang_ids, "the world has Xuchang events"
        assert not ids & xuchang_ids, role
        assert not any(i["object_label"] in ("许昌技师学院", "王芳") for i in items)
        # Nor by asking for a Xuchang object by id.
        response = client.get(
            f"{API}/events", {"object_type": "orgs.Organisation", "object_id": str(world.xc_school.pk)}
        )
        assert response.json()["items"] == []
    page_html = world.client(world.users[Role.AUDITOR]).get("/audit/").content.decode()
    assert "许昌技师学院" not in page_html and "郑州商业技师学院" in page_html


def test_world_is_pristine_after_the_matrix(world: World) -> None:
    """Runs last: every write of the cases above was rolled back with its test."""
    assert ApiToken.objects.count() == 0
    assert sorted(Person.objects.values_list("name", flat=True)) == ["李明", "王芳"]
    assert Organisation.objects.count() == 4
