"""Reading the environment. Every bad value stops the start with a message that names the variable.

Two modes: ``embedded`` (default: one SQLite file under var/, Celery eager in-process, for a county
bureau's single box and for the demo) and ``production`` (PostgreSQL + Redis + Celery workers, every
secret from the environment).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

MODES = ("embedded", "production")


def _fail(var: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"配置错误 {var}: {problem}")


def env_str(var: str, default: str | None = None) -> str | None:
    value = os.environ.get(var)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(var: str, default: bool) -> bool:
    raw = env_str(var)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise _fail(var, f"应为 true/false，实际为 {raw!r}")


def env_int(var: str, default: int, *, minimum: int = 0) -> int:
    raw = env_str(var)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _fail(var, f"应为整数，实际为 {raw!r}") from None
    if value < minimum:
        raise _fail(var, f"不得小于 {minimum}，实际为 {value}")
    return value


def env_list(var: str, default: list[str]) -> list[str]:
    raw = env_str(var)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def check_url(var: str, value: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        raise _fail(var, f"协议应为 {' / '.join(schemes)}，实际为 {parsed.scheme or '(空)'!r}")
    if parsed.scheme in ("postgres", "postgresql"):
        # No host is allowed: postgres:///jineng reaches the local server through its Unix socket.
        if not parsed.path.strip("/"):
            raise _fail(var, "缺少数据库名，如 postgres://user:pass@host:5432/jineng")
    elif not parsed.hostname and parsed.scheme != "sqlite":
        raise _fail(var, "缺少主机名")
    try:
        parsed.port  # noqa: B018 - urlparse checks the port only when it is read
    except ValueError:
        raise _fail(var, "端口应为 0–65535 的整数") from None
    return value


@dataclass(frozen=True)
class Config:
    mode: str
    base_dir: Path
    var_dir: Path
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database_url: str | None
    database_owner_url: str | None
    redis_url: str | None
    secure_proxy: bool
    celery_eager: bool


INSECURE_EMBEDDED_KEY = "jineng-embedded-only-not-a-secret-" + "x" * 30


def load(base_dir: Path) -> Config:
    mode = env_str("JINENG_MODE", "embedded") or "embedded"
    if mode not in MODES:
        raise _fail("JINENG_MODE", f"应为 {' / '.join(MODES)}，实际为 {mode!r}")
    production = mode == "production"
    var_dir = Path(env_str("JINENG_VAR_DIR") or base_dir / "var")

    database_url = env_str("DATABASE_URL")
    if database_url is not None:
        check_url("DATABASE_URL", database_url, ("postgres", "postgresql", "sqlite"))
    # The role that owns the tables and runs migrations; DATABASE_URL is then the application's role
    # with least privilege (jineng.core.dbroles). Read by `manage.py migrate` and `db_roles` only.
    database_owner_url = env_str("DATABASE_OWNER_URL")
    if database_owner_url is not None:
        check_url("DATABASE_OWNER_URL", database_owner_url, ("postgres", "postgresql"))
        app_role = urlparse(database_url or "").username
        if not app_role or not (database_url or "").startswith("postgres"):
            raise _fail(
                "DATABASE_URL",
                "设置了 DATABASE_OWNER_URL 时须是写明应用角色用户名的 PostgreSQL 连接，如 postgres://jineng@/jineng",
            )
        if urlparse(database_owner_url).username in (None, "", app_role):
            raise _fail(
                "DATABASE_OWNER_URL",
                f"须写明所有者角色的用户名，且不同于应用角色 {app_role}，如 postgres://jineng_owner@/jineng",
            )
    redis_url = env_str("REDIS_URL")
    if redis_url is not None:
        check_url("REDIS_URL", redis_url, ("redis", "rediss"))

    secret_key = env_str("SECRET_KEY")
    if production:
        if database_url is None or not database_url.startswith("postgres"):
            raise _fail(
                "DATABASE_URL", "生产模式必须设置 PostgreSQL 连接，如 postgres://user:pass@host:5432/jineng"
            )
        if redis_url is None:
            raise _fail("REDIS_URL", "生产模式必须设置 Redis 连接，如 redis://127.0.0.1:6379/0")
        if secret_key is None or len(secret_key) < 50 or len(set(secret_key)) < 5:
            raise _fail("SECRET_KEY", "生产模式必须设置至少 50 个字符的随机密钥")
        if secret_key == INSECURE_EMBEDDED_KEY or secret_key.startswith("django-insecure"):
            raise _fail("SECRET_KEY", "生产模式不得使用示例或嵌入模式的密钥，请生成新的随机密钥")
        allowed_hosts = env_list("ALLOWED_HOSTS", [])
        if not allowed_hosts:
            raise _fail("ALLOWED_HOSTS", "生产模式必须列出站点域名，以逗号分隔")
        if "*" in allowed_hosts:
            raise _fail("ALLOWED_HOSTS", "生产模式不得使用通配符 *，请逐个列出站点域名")
    else:
        secret_key = secret_key or INSECURE_EMBEDDED_KEY
        allowed_hosts = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

    debug = env_bool("JINENG_DEBUG", False)
    if production and debug:
        raise _fail("JINENG_DEBUG", "生产模式不得开启调试（会在错误页泄露配置与数据）")
    csrf_trusted_origins = env_list("CSRF_TRUSTED_ORIGINS", [])
    for origin in csrf_trusted_origins:
        if urlparse(origin).scheme not in ("http", "https") or not urlparse(origin).netloc:
            raise _fail(
                "CSRF_TRUSTED_ORIGINS",
                f"每项应为带协议的来源，如 https://jineng.example.gov.cn，实际为 {origin!r}",
            )

    return Config(
        mode=mode,
        base_dir=base_dir,
        var_dir=var_dir,
        debug=debug,
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        csrf_trusted_origins=csrf_trusted_origins,
        database_url=database_url,
        database_owner_url=database_owner_url,
        redis_url=redis_url,
        secure_proxy=env_bool("JINENG_BEHIND_TLS_PROXY", production),
        # Eager unless a broker is configured: the embedded default runs tasks in-process.
        celery_eager=env_bool("CELERY_TASK_ALWAYS_EAGER", not production),
    )
