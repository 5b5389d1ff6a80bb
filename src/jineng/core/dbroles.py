"""The two PostgreSQL roles of a production install, and what each may do.

* The **owner** role owns the database, the schema's tables and sequences; it runs `manage.py
  migrate` (DATABASE_OWNER_URL) and nothing else.
* The **application** role is what the web processes and the workers connect as (DATABASE_URL). It
  owns nothing, so it cannot ALTER, DROP or DISABLE TRIGGER; on the append-only tables below it may
  only SELECT and INSERT; on READ_ONLY tables only SELECT; on every other table SELECT, INSERT,
  UPDATE and DELETE; on sequences USAGE and SELECT. No table grants it TRUNCATE.

`manage.py migrate` run with DATABASE_OWNER_URL connects as the owner and ends with
``privileges_grant`` over every table, so the tables of later migrations get their grants too; the
owner's default privileges (SELECT, INSERT only) cover a table made outside migrate until then.
`manage.py db_roles` prints the SQL that creates the roles (see deploy/README.md).

The embedded mode (SQLite) has no roles: there the triggers of the PostgreSQL migrations and these
grants do not exist, and the ORM's refusals are what keeps the trail append-only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps

# THE list of append-only models (app_label.ModelName): the application may only SELECT and INSERT.
# Each of them refuses UPDATE, DELETE and TRUNCATE by trigger on PostgreSQL (a test checks that the
# tables with those triggers are exactly these).
APPEND_ONLY = (
    "audit.Event",
    "ledger.JournalEntry",
    "ledger.Posting",
    "orgs.Sanction",
    "orgs.SanctionLiftSignature",
    "online.LearningEvent",
)
# Tables the application only reads: Django's record of applied migrations is written by migrate.
READ_ONLY = ("django_migrations",)
ROW_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_PRIVILEGES = "SELECT, INSERT"


def append_only_tables() -> list[str]:
    return sorted(apps.get_model(label)._meta.db_table for label in APPEND_ONLY)


def _partition_of(table: str, parents: set[str]) -> bool:
    """A month (or the default) partition of an append-only partitioned table: online_learningevent_202106."""
    parent, _, suffix = table.rpartition("_")
    return parent in parents and (suffix == "default" or (len(suffix) == 6 and suffix.isdigit()))


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def grant_statements(app_role: str, tables: Iterable[str], *, schema: str) -> list[str]:
    """What the owner runs so that ``app_role`` has exactly its privileges on ``tables``."""
    role = quote(app_role)
    append_only, read_only = set(append_only_tables()), set(READ_ONLY)
    sql = [
        # Tables and sequences the owner makes later start with the safe half (no UPDATE/DELETE):
        # the next grant pass gives an ordinary table the rest.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quote(schema)} GRANT {APPEND_PRIVILEGES} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quote(schema)} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    for table in sorted(tables):
        name = f"{quote(schema)}.{quote(table)}"
        # Revoked and granted in one transaction: no moment where the table is open or closed.
        sql.append(f"REVOKE ALL ON TABLE {name} FROM {role}")
        if table in read_only:
            privileges = "SELECT"
        elif table in append_only or _partition_of(table, append_only):
            privileges = APPEND_PRIVILEGES
        else:
            privileges = ROW_PRIVILEGES
        sql.append(f"GRANT {privileges} ON TABLE {name} TO {role}")
    sql.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {role}")
    return sql


def privileges_grant(connection: Any, app_role: str) -> int:
    """Give ``app_role`` its privileges on every table of the connection's schema, as the owner.
    Returns the number of tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        tables = connection.introspection.table_names(cursor)
        for statement in grant_statements(app_role, tables, schema=schema):
            cursor.execute(statement)
    return len(tables)


def current_role(connection: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return str(cursor.fetchone()[0])


def owner_powers(connection: Any) -> list[str]:
    """What the connection's role can do to the append-only tables that the application must not:
    in Chinese, one line per finding; none for a least-privilege application role."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        role, superuser = cursor.fetchone()
        if superuser:
            return [f"数据库角色 {role} 是超级用户"]
        for table in append_only_tables():
            cursor.execute(
                "SELECT pg_has_role(current_user, c.relowner, 'USAGE'), "
                "has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'), "
                "has_table_privilege(c.oid, 'TRUNCATE') "
                "FROM pg_class c WHERE c.oid = to_regclass(%s)",
                [table],
            )
            row = cursor.fetchone()
            if row is None:
                continue
            owns, update, delete, truncate = row
            if owns:
                found.append(f"数据库角色 {role} 是只追加表 {table} 的所有者（或属于其所有者角色）")
            else:
                powers = [
                    name
                    for name, has in (("UPDATE", update), ("DELETE", delete), ("TRUNCATE", truncate))
                    if has
                ]
                if powers:
                    found.append(f"数据库角色 {role} 对只追加表 {table} 有 {'/'.join(powers)} 权限")
    return found


def roles_sql(*, app_role: str, owner_role: str, owner_password: str | None, database: str) -> str:
    """The SQL a superuser runs once (psql -d <database>) to set up the two roles, or to split an
    install whose application role owned everything. Safe to run again."""
    app, owner, db = quote(app_role), quote(owner_role), quote(database)
    login = f" PASSWORD {literal(owner_password)}" if owner_password else ""
    return f"""-- 技能补贴系统的两个数据库角色（manage.py db_roles 生成）。以超级用户执行：
--   deploy/jineng-manage db_roles | runuser -u postgres -- psql -v ON_ERROR_STOP=1 -d {database}
-- 可重复执行。之后以所有者角色运行 deploy/jineng-manage migrate --noinput，授予应用角色各表权限。
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {literal(owner_role)}) THEN
        CREATE ROLE {owner} LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {literal(app_role)}) THEN
        CREATE ROLE {app} LOGIN;
    END IF;
END
$$;
-- 所有者角色：拥有数据库与全部表，只用于 migrate。
ALTER ROLE {owner} LOGIN{login};
-- 应用角色：网站与 worker 的连接；不是超级用户，不属于所有者角色。
ALTER ROLE {app} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
REVOKE {owner} FROM {app};
ALTER DATABASE {db} OWNER TO {owner};
-- 原先由应用角色拥有的表、序列与函数（单角色安装升级时）转给所有者角色。
REASSIGN OWNED BY {app} TO {owner};
ALTER SCHEMA public OWNER TO {owner};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE {db} TO {app};
GRANT USAGE ON SCHEMA public TO {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT {APPEND_PRIVILEGES} ON TABLES TO {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app};
"""
