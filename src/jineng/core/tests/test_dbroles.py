"""The append-only tables cannot be emptied or rewritten: on PostgreSQL a trigger refuses TRUNCATE
even to the owner, and the application's role (jineng.core.dbroles) owns nothing and may only SELECT
and INSERT on them.

The tests run as the test database's superuser, who owns the tables; an application role is made
in the test's transaction (a unique name; rolled back with it), given its privileges by the same
function `manage.py migrate` uses, and taken on with SET ROLE.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from jineng.audit.models import ChainHead, Event
from jineng.audit.services import event_record
from jineng.conftest import World, build_world
from jineng.core import dbroles
from jineng.core.checks import app_role_least_privilege
from jineng.core.roles import Role
from jineng.core.tests.test_deploy import manage, production_env
from jineng.ledger.models import JournalEntry, Posting
from jineng.ledger.tests.books import funded, owe
from jineng.online.services import events_ingest
from jineng.online.tests.factory import Log, at, enrolments, online_class, platform
from jineng.orgs.services import sanction_impose, sanction_lift_sign
from jineng.regions.models import Region

ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="database roles, privileges and triggers are PostgreSQL's"),
]
APPEND_ONLY = [
    "audit_event",
    "ledger_journalentry",
    "ledger_posting",
    "online_learningevent",
    "orgs_sanction",
    "orgs_sanctionliftsignature",
]


def on_postgres(test):  # type: ignore[no-untyped-def]
    for mark in postgres_only:
        test = mark(test)
    return test


def execute(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def as_role(role: str) -> Iterator[None]:
    execute(f"SET ROLE {dbroles.quote(role)}")
    try:
        yield
    finally:
        execute("RESET ROLE")


def refused(sql: str, match: str) -> None:
    # A savepoint each, so that the refusal leaves the test's transaction usable.
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        execute(sql)


@pytest.fixture
def app_role(db: None) -> str:
    role = f"jineng_app_{uuid.uuid4().hex[:12]}"
    execute(f"CREATE ROLE {role} NOLOGIN")
    dbroles.privileges_grant(connection, role)
    return role


@pytest.fixture
def books(world: World) -> JournalEntry:
    # A sanction with its first lift signature (I01), so that orgs' append-only tables hold rows too.
    sanction = sanction_impose(
        actor=None, organisation=world.zz_school, kind="blacklist", decision="问题突出", reference="督查通报"
    )
    sanction_lift_sign(actor=world.users[Role.HR_FIRST], sanction=sanction, reason="整改完成，申请解除")
    funded(world.zhengzhou, special_account="1000.00")
    # A platform's lesson event (D04), so that the partitioned event table holds rows too.
    org, clerk = platform(world)
    tc = online_class(world, platform_org=org)
    log = Log(tc, next(enrolments(tc))).add("session_start", at(dt.date(2021, 6, 7), 9), lesson=1)
    events_ingest(actor=clerk, sender=org, device=None, events=log.events)
    return owe(world.zhengzhou, world.zz_school, "300.00")


# --- TRUNCATE ------------------------------------------------------------------------------------------


@on_postgres
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_truncate_refused_to_the_owner_by_trigger(books: JournalEntry, table: str) -> None:
    # Given rows in the table, and a connection as the tables' owner (a superuser even)
    count = f"SELECT count(*) FROM {table}"
    with connection.cursor() as cursor:
        cursor.execute(count)
        before = cursor.fetchone()[0]
    assert before > 0
    # (the books' balance checks, deferred to commit, run now: TRUNCATE refuses a table that has some
    # pending, before any trigger)
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    # When it truncates the table / Then the trigger refuses, and every row is still there
    # (CASCADE: plain TRUNCATE of journal entries is refused anyway, postings refer to them)
    refused(f"TRUNCATE {table} CASCADE", f"{table} is append-only: TRUNCATE refused")
    with connection.cursor() as cursor:
        cursor.execute(count)
        assert cursor.fetchone()[0] == before


@on_postgres
def test_the_append_only_list_is_the_tables_with_the_triggers(db: None) -> None:
    # The one list in core.dbroles, and the triggers of the migrations, name the same tables; each of
    # them refuses UPDATE, DELETE (row triggers) and TRUNCATE (a statement trigger).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, bool_or(t.tgtype & 16 > 0), bool_or(t.tgtype & 8 > 0), bool_or(t.tgtype & 32 > 0) "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            # tgparentid = 0: a partitioned table's trigger, not its copies on each partition
            "WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND p.proname LIKE '%%append_only' "
            "GROUP BY c.relname ORDER BY 1"
        )
        found = cursor.fetchall()
    assert dbroles.append_only_tables() == APPEND_ONLY
    assert found == [(table, True, True, True) for table in APPEND_ONLY]


# --- the application role ------------------------------------------------------------------------------


@on_postgres
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_app_role_cannot_rewrite_or_empty_an_append_only_table(
    books: JournalEntry, app_role: str, table: str
) -> None:
    with as_role(app_role):
        for sql in (
            f"UPDATE {table} SET id = id",
            f"DELETE FROM {table}",
            f"TRUNCATE {table}",
        ):
            refused(sql, f"permission denied for table {table}")
        trigger = "audit_event_append_only" if table == "audit_event" else f"{table}_append_only"
        for sql in (
            f"ALTER TABLE {table} DISABLE TRIGGER {trigger}",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"DROP TRIGGER {trigger} ON {table}",
            f"ALTER TABLE {table} ADD COLUMN x int",
            f"ALTER TABLE {table} OWNER TO {app_role}",
            f"DROP TABLE {table}",
        ):
            refused(sql, f"must be owner of (table|relation) {table}")
        # It still reads them
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            assert cursor.fetchone()[0] > 0
    execute(f"SELECT 1 FROM {table} LIMIT 1")  # back as the owner, the transaction is fine


@on_postgres
def test_app_role_does_the_normal_work(app_role: str) -> None:
    # As the application role: the world is built through the services (inserts and updates of many
    # tables, their sequences, the audit events and their chain heads), the books are written, an
    # ordinary table's row is changed and deleted.
    with as_role(app_role):
        world = build_world()
        funded(world.zhengzhou, special_account="1000.00")
        entry = owe(world.zhengzhou, world.zz_school, "300.00")
        assert Posting.objects.filter(entry=entry).count() == 2
        with transaction.atomic():
            event = event_record(
                actor=None, action="region.created", obj=world.erqi, region_path=world.erqi.path
            )
        assert ChainHead.objects.get(region_path=world.erqi.path).hash == event.hash
        assert Region.objects.filter(pk=world.erqi.pk).update(name="二七") == 1
        execute("DELETE FROM django_session")
        # Django's record of migrations is the owner's: the application only reads it
        refused(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())", "permission denied"
        )
        assert Event.objects.filter(region_path=world.erqi.path).count() >= 2
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("审计链完整：")


@on_postgres
def test_grants_are_exactly_the_least_privilege(app_role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) "
            "FROM information_schema.role_table_grants WHERE grantee = %s GROUP BY table_name",
            [app_role],
        )
        grants = dict(cursor.fetchall())
    assert {t: grants[t] for t in APPEND_ONLY} == dict.fromkeys(APPEND_ONLY, "INSERT,SELECT")
    assert grants["django_migrations"] == "SELECT"
    assert grants["audit_chainhead"] == grants["regions_region"] == "DELETE,INSERT,SELECT,UPDATE"
    assert not [t for t, p in grants.items() if "TRUNCATE" in p or "TRIGGER" in p or "REFERENCES" in p]
    assert set(grants) == set(connection.introspection.table_names())


# --- the production check -------------------------------------------------------------------------------


def production() -> object:
    return override_settings(CONF=dataclasses.replace(settings.CONF, mode="production"))


@on_postgres
def test_check_refuses_the_owner_and_passes_the_app_role(app_role: str) -> None:
    with production():
        # The test database's superuser
        [error] = app_role_least_privilege(databases=["default"])
        assert error.id == "jineng.E001"
        assert error.msg.startswith("应用以最小权限角色连接数据库：数据库角色 ")
        assert "是超级用户" in error.msg
        # A role that owns the audit table (not a superuser)
        owner = f"jineng_owner_{uuid.uuid4().hex[:12]}"
        execute(f"CREATE ROLE {owner} NOLOGIN")
        execute(f"ALTER TABLE audit_event OWNER TO {owner}")
        with as_role(owner):
            [error] = app_role_least_privilege(databases=["default"])
            assert f"数据库角色 {owner} 是只追加表 audit_event 的所有者" in error.msg
        # An application role that was given too much on the books
        execute(f"GRANT UPDATE, TRUNCATE ON ledger_posting TO {app_role}")
        with as_role(app_role):
            [error] = app_role_least_privilege(databases=["default"])
            assert f"数据库角色 {app_role} 对只追加表 ledger_posting 有 UPDATE/TRUNCATE 权限" in error.msg
        execute(f"REVOKE UPDATE, TRUNCATE ON ledger_posting FROM {app_role}")
        # The least-privilege role passes
        with as_role(app_role):
            assert app_role_least_privilege(databases=["default"]) == []
    # Outside production (the embedded default, the tests) the check says nothing
    assert app_role_least_privilege(databases=["default"]) == []


# --- the whole path: db_roles, then migrate as the owner, then the app connects -------------------------


@on_postgres
@pytest.mark.django_db
def test_db_roles_then_migrate_as_owner(tmp_path: Path) -> None:
    # Given the SQL of `manage.py db_roles` run by a superuser on a new database
    tag = uuid.uuid4().hex[:10]
    database, app, owner = f"jineng_t_{tag}", f"jineng_t_app_{tag}", f"jineng_t_owner_{tag}"
    server = connection.settings_dict
    host, port = server["HOST"] or "127.0.0.1", server["PORT"] or 5432
    admin = dict(host=host, port=port, user=server["USER"] or "postgres", password=server["PASSWORD"] or None)
    app_url = f"postgres://{app}:app-pw@{host}:{port}/{database}"
    owner_url = f"postgres://{owner}:owner-pw'x@{host}:{port}/{database}"
    env = production_env(tmp_path, DATABASE_URL=app_url, DATABASE_OWNER_URL=owner_url)
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        printed = manage("db_roles", env=env)
        assert printed.returncode == 0, printed.stderr
        assert f'CREATE ROLE "{owner}" LOGIN' in printed.stdout
        assert f"ALTER ROLE \"{owner}\" LOGIN PASSWORD 'owner-pw''x'" in printed.stdout
        with psycopg.connect(dbname=database, autocommit=True, **admin) as conn:
            conn.execute(printed.stdout)
            conn.execute(f"ALTER ROLE \"{app}\" PASSWORD 'app-pw'")
            conn.execute(printed.stdout)  # again: it is safe to run twice
        # When `manage.py migrate` runs with both URLs
        migrated = manage("migrate", "--noinput", env=env)
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        assert f"已以所有者角色 {owner} 迁移，并授予应用角色 {app} 全部" in migrated.stdout
        # Then the deployment check passes for the application role, and refuses the owner's URL
        checked = manage("check", "--deploy", "--database", "default", "--fail-level", "WARNING", env=env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        site = {key: value for key, value in env.items() if key != "DATABASE_OWNER_URL"}
        as_owner = manage("check", "--database", "default", env={**site, "DATABASE_URL": owner_url})
        assert as_owner.returncode != 0
        assert (
            "jineng.E001" in as_owner.stderr and f"{owner} 是只追加表 audit_event 的所有者" in as_owner.stderr
        )
        # And the application's connection reads and inserts, but cannot empty, change or unguard the trail
        with psycopg.connect(app_url.replace("postgres://", "postgresql://")) as conn:
            assert conn.execute("SELECT count(*) FROM audit_event").fetchone() == (0,)
            for sql, message in (
                ("TRUNCATE audit_event", "permission denied"),
                ("UPDATE audit_event SET action = 'x'", "permission denied"),
                ("ALTER TABLE audit_event DISABLE TRIGGER ALL", "must be owner"),
                ("DROP TABLE ledger_posting", "must be owner"),
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match=message), conn.transaction():
                    conn.execute(sql)
            conn.execute("INSERT INTO audit_chainhead (region_path, hash) VALUES ('/t/', '')")
            conn.rollback()
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{app}"')
            conn.execute(f'DROP ROLE IF EXISTS "{owner}"')


def test_db_roles_refuses_one_role_for_both(tmp_path: Path) -> None:
    # (the same two URLs stop every command at start: test_deploy)
    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://jineng@/jineng",
        DATABASE_OWNER_URL="postgres://jineng_owner@/jineng",
    )
    done = manage("db_roles", "--owner-role", "jineng", env=env)
    assert done.returncode != 0
    assert "应用角色与所有者角色不能相同（都是 jineng）" in done.stderr
    printed = manage("db_roles", env=env)
    assert printed.returncode == 0, printed.stderr
    assert 'REASSIGN OWNED BY "jineng" TO "jineng_owner";' in printed.stdout
    assert 'ALTER DATABASE "jineng" OWNER TO "jineng_owner";' in printed.stdout
    assert "PASSWORD" not in printed.stdout


def test_grant_statements_name_each_table_once() -> None:
    sql = dbroles.grant_statements(
        'app"x', ["audit_event", "regions_region", "django_migrations"], schema="public"
    )
    assert sql == [
        'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT SELECT, INSERT ON TABLES TO "app""x"',
        'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT USAGE, SELECT ON SEQUENCES TO "app""x"',
        'REVOKE ALL ON TABLE "public"."audit_event" FROM "app""x"',
        'GRANT SELECT, INSERT ON TABLE "public"."audit_event" TO "app""x"',
        'REVOKE ALL ON TABLE "public"."django_migrations" FROM "app""x"',
        'GRANT SELECT ON TABLE "public"."django_migrations" TO "app""x"',
        'REVOKE ALL ON TABLE "public"."regions_region" FROM "app""x"',
        'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "public"."regions_region" TO "app""x"',
        'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "public" TO "app""x"',
    ]
