"""Shared fixtures: a small world of two cities, and one user per real role, plus outsiders.

Built through the domain services, so every fixture object has its audit events like real data.
Zhengzhou holds the insiders; Xuchang holds a twin of each so that scope tests can check that a
Zhengzhou user sees none of Xuchang's rows (and the reverse).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.test import Client, override_settings

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy.identity import make_credit_code, make_id_number
from jineng.policy.profiles import profile_written_for
from jineng.regions.models import Department, Region
from jineng.regions.services import department_create, profile_assign, region_create

PASSWORD = "Test@pass-2026"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Under pytest-xdist (make test): tests that use the real Redis broker share its queue, so they run
    # one after the other on one worker.
    for item in items:
        if item.get_closest_marker("redis"):
            item.add_marker(pytest.mark.xdist_group("redis"))
    if getattr(config.option, "loadgroup", False):
        _name_the_groups(items)


def _name_the_groups(items: list[pytest.Item]) -> None:
    """--dist loadgroup sends the tests whose node id ends in "@<group>" to one worker. pytest-xdist 3.8
    writes that suffix into ``item._nodeid``, which pytest 9.2 no longer reads (the id is ``item._id``):
    every group was silently spread over all workers, each loading its shared fixture again. The suffix
    is written here, as xdist would, into the id pytest does read (and left alone where it is there)."""
    from _pytest.nodeid import NodeId

    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if not names:
            continue
        suffix = "@" + "_".join(sorted(names))
        if not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = NodeId.parse(item.nodeid + suffix)


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once() -> Iterator[None]:
    """WhiteNoise lists every static file each time a middleware chain is built, and the test client
    builds one per Client(): about 20 ms a client, a quarter of the scope matrix's time. The files do not
    change during a run, so the listing is made once per static URL and copied into each new chain;
    requests are then served exactly as in production (no per-request lookup, unlike its autorefresh)."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[str, dict[str, Any]] = {}

    def listed_once(self: Any) -> None:
        if self.static_prefix not in listed:
            before = dict(self.files)  # STATIC_ROOT's, added before the finders' (none unless collected)
            original(self)
            listed[self.static_prefix] = {u: f for u, f in self.files.items() if before.get(u) is not f}
        self.files.update(listed[self.static_prefix])

    WhiteNoiseMiddleware.add_files_from_finders = listed_once  # type: ignore[method-assign]
    try:
        yield
    finally:
        WhiteNoiseMiddleware.add_files_from_finders = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    # Production hashing (PBKDF2, a million rounds) made each world ~10 s to build; tests check who may
    # log in, not the strength of the hash.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_append_only_triggers() -> Iterator[None]:
    """Between transactional tests pytest-django empties every table with TRUNCATE, which the
    append-only tables refuse by trigger on PostgreSQL (audit 0005, ledger 0003). The flush, run as
    the test database's superuser, switches triggers off for its own transaction: the standard way a
    superuser loads or empties a database past its triggers (pg_restore --disable-triggers). The
    triggers themselves have no way around them for anyone else; the application role has no
    TRUNCATE privilege at all."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self: DatabaseOperations, style: Any, tables: Any, **options: Any) -> list[str]:
        sql = original(self, style, tables, **options)
        return ["SET LOCAL session_replication_role = replica", *sql] if sql else sql

    with mock.patch.object(DatabaseOperations, "sql_flush", sql_flush):
        yield


@dataclass
class World:
    henan: Region
    zhengzhou: Region
    jinshui: Region
    erqi: Region
    xuchang: Region
    weidu: Region
    zz_industry: Department
    zz_education: Department
    xc_industry: Department
    zz_school: Organisation
    zz_station: Organisation
    xc_school: Organisation
    zz_person: Person
    xc_person: Person
    users: dict[str, User] = field(default_factory=dict)  # role → Zhengzhou user
    outsiders: dict[str, User] = field(default_factory=dict)  # role → Xuchang user

    def client(self, user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c


def _users(
    world_region: Region, dept: Department, org: Organisation, station: Organisation, person: Person, tag: str
) -> dict[str, User]:
    users = {}
    for role in Role:
        users[role.value] = user_create(
            actor=None,
            username=f"{tag}_{role.value}",
            password=PASSWORD,
            display_name=f"{tag}{role.label}",
            role=role.value,
            region=world_region if role != Role.TRAINEE else person.region,
            department=dept if role in (Role.DEPT_FIRST, Role.DEPT_SECOND) else None,
            organisation=org if role == Role.INSTITUTION else station if role == Role.EVALUATOR else None,
            person=person if role == Role.TRAINEE else None,
        )
    return users


def build_world() -> World:
    henan = region_create(actor=None, name="河南省", kind="province", parent=None, code="410000")
    zhengzhou = region_create(actor=None, name="郑州市", kind="city", parent=henan, code="410100")
    jinshui = region_create(actor=None, name="金水区", kind="district", parent=zhengzhou, code="410105")
    erqi = region_create(actor=None, name="二七区", kind="district", parent=zhengzhou, code="410103")
    xuchang = region_create(actor=None, name="许昌市", kind="city", parent=henan, code="411000")
    weidu = region_create(actor=None, name="魏都区", kind="district", parent=xuchang, code="411002")
    zz_industry = department_create(actor=None, region=zhengzhou, name="市工信局", kind="industry")
    zz_education = department_create(actor=None, region=zhengzhou, name="市教育局", kind="industry")
    xc_industry = department_create(actor=None, region=xuchang, name="市工信局", kind="industry")
    zz_school = organisation_register(
        actor=None,
        name="郑州商业技师学院",
        credit_code=make_credit_code("12", "410100", 1),
        kind="technician_college",
        region=zhengzhou,
        bank_name="中国银行郑州分行",
        bank_account="6222020200112233445",
        contact_name="赵敏",
        contact_phone="13838105678",
    )
    zz_station = organisation_register(
        actor=None,
        name="中国陶瓷行业特有工种职业技能鉴定站河南分站",
        credit_code=make_credit_code("12", "410100", 2),
        kind="appraisal_station",
        region=zhengzhou,
    )
    xc_school = organisation_register(
        actor=None,
        name="许昌技师学院",
        credit_code=make_credit_code("12", "411000", 3),
        kind="technician_college",
        region=xuchang,
    )
    xc_station = organisation_register(
        actor=None,
        name="许昌职业技术学院",
        credit_code=make_credit_code("12", "411000", 4),
        kind="vocational_school",
        region=xuchang,
    )
    # Each city gets the profile its own document was written for (Zhengzhou 2021, Xuchang 2023).
    for city, year in ((zhengzhou, 2021), (xuchang, 2023)):
        written = profile_written_for(str(city.code), year)
        profile_assign(actor=None, region=city, year=year, profile_code=written.code)
    zz_person = person_register(
        actor=None, id_number="410105198001011239", name="李明", region=jinshui, phone="13812345678"
    )
    xc_person = person_register(
        actor=None,
        id_number=make_id_number("411002", dt.date(1990, 5, 6), 21),
        name="王芳",
        region=weidu,
        phone="13900001111",
    )
    world = World(
        henan,
        zhengzhou,
        jinshui,
        erqi,
        xuchang,
        weidu,
        zz_industry,
        zz_education,
        xc_industry,
        zz_school,
        zz_station,
        xc_school,
        zz_person,
        xc_person,
    )
    world.users = _users(zhengzhou, zz_industry, zz_school, zz_station, zz_person, "zz")
    world.outsiders = _users(xuchang, xc_industry, xc_school, xc_station, xc_person, "xc")
    return world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


# One fixture per real role (the Zhengzhou user), for tests that speak of a single role.
@pytest.fixture
def hr_admin(world: World) -> User:
    return world.users[Role.HR_ADMIN]


@pytest.fixture
def hr_first(world: World) -> User:
    return world.users[Role.HR_FIRST]


@pytest.fixture
def hr_second(world: World) -> User:
    return world.users[Role.HR_SECOND]


@pytest.fixture
def dept_first(world: World) -> User:
    return world.users[Role.DEPT_FIRST]


@pytest.fixture
def dept_second(world: World) -> User:
    return world.users[Role.DEPT_SECOND]


@pytest.fixture
def finance(world: World) -> User:
    return world.users[Role.FINANCE]


@pytest.fixture
def institution(world: World) -> User:
    return world.users[Role.INSTITUTION]


@pytest.fixture
def evaluator(world: World) -> User:
    return world.users[Role.EVALUATOR]


@pytest.fixture
def inspector(world: World) -> User:
    return world.users[Role.INSPECTOR]


@pytest.fixture
def auditor(world: World) -> User:
    return world.users[Role.AUDITOR]


@pytest.fixture
def trainee(world: World) -> User:
    return world.users[Role.TRAINEE]
