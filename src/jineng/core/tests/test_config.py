"""config.load(): every bad value stops the start with a Chinese message naming the variable."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jineng import config

VARIABLES = (
    "JINENG_MODE",
    "JINENG_VAR_DIR",
    "JINENG_DEBUG",
    "JINENG_BEHIND_TLS_PROXY",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CELERY_TASK_ALWAYS_EAGER",
)
GOOD_KEY = "k7#Qz9@pL2!vX4$wR8^mN1&bT6*yH3(jF5)dS0_gA-cE+uI=oP[K]lM{n}Z;x:V,q.B"[:60]
PRODUCTION = {
    "JINENG_MODE": "production",
    "DATABASE_URL": "postgres://jineng:secret@db.internal:5432/jineng",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "jineng.example.gov.cn",
}
BASE = Path("/srv/jineng")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    """A clean environment (CI exports DATABASE_URL and REDIS_URL); returns a setter."""
    for var in VARIABLES:
        monkeypatch.delenv(var, raising=False)

    def set_env(**values: str | None) -> None:
        for var, value in values.items():
            if value is None:
                monkeypatch.delenv(var, raising=False)
            else:
                monkeypatch.setenv(var, value)

    return set_env


def refused(var: str) -> AbstractContextManager[object]:
    # The message starts with 配置错误 and names the variable, so an operator can grep the log for it.
    return pytest.raises(ImproperlyConfigured, match=rf"^配置错误 {var}: .*[\u4e00-\u9fff]")


def test_embedded_defaults(env) -> None:
    conf = config.load(BASE)
    assert conf.mode == "embedded"
    assert conf.database_url is None and conf.redis_url is None
    assert conf.celery_eager is True
    assert conf.debug is False
    assert conf.var_dir == BASE / "var"
    assert "127.0.0.1" in conf.allowed_hosts


def test_full_production_env_loads(env) -> None:
    env(**PRODUCTION, CSRF_TRUSTED_ORIGINS="https://jineng.example.gov.cn", JINENG_VAR_DIR="/var/lib/jineng")
    conf = config.load(BASE)
    assert conf.mode == "production"
    assert conf.database_url == PRODUCTION["DATABASE_URL"]
    assert conf.redis_url == PRODUCTION["REDIS_URL"]
    assert conf.secret_key == GOOD_KEY
    assert conf.allowed_hosts == ["jineng.example.gov.cn"]
    assert conf.csrf_trusted_origins == ["https://jineng.example.gov.cn"]
    assert conf.var_dir == Path("/var/lib/jineng")
    assert conf.debug is False
    assert conf.secure_proxy is True
    assert conf.celery_eager is False


def test_production_accepts_local_socket_and_several_hosts(env) -> None:
    env(
        **{
            **PRODUCTION,
            "DATABASE_URL": "postgresql:///jineng",
            "ALLOWED_HOSTS": "a.example.gov.cn, b.example.gov.cn,",
        }
    )
    conf = config.load(BASE)
    assert conf.allowed_hosts == ["a.example.gov.cn", "b.example.gov.cn"]


@pytest.mark.parametrize(
    ("changes", "var"),
    [
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:////var/lib/jineng/jineng.sqlite3"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u:p@db/jineng"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u:p@db:5432/"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u:p@db:99999/jineng"}, "DATABASE_URL"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://"}, "REDIS_URL"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short-0123456789"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 80}, "SECRET_KEY"),
        ({"SECRET_KEY": config.INSECURE_EMBEDDED_KEY}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"JINENG_MODE": "bogus"}, "JINENG_MODE"),
        ({"JINENG_DEBUG": "maybe"}, "JINENG_DEBUG"),
        ({"JINENG_DEBUG": "true"}, "JINENG_DEBUG"),
        ({"JINENG_BEHIND_TLS_PROXY": "perhaps"}, "JINENG_BEHIND_TLS_PROXY"),
        ({"CELERY_TASK_ALWAYS_EAGER": "2"}, "CELERY_TASK_ALWAYS_EAGER"),
        ({"CSRF_TRUSTED_ORIGINS": "jineng.example.gov.cn"}, "CSRF_TRUSTED_ORIGINS"),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(f"{k}={val}" for k, val in v.items()),
)
def test_production_refuses(env, changes: dict[str, str | None], var: str) -> None:
    env(**{**PRODUCTION, **changes})
    with refused(var):
        config.load(BASE)


@pytest.mark.parametrize(
    ("values", "var"),
    [
        ({"JINENG_MODE": "bogus"}, "JINENG_MODE"),
        ({"JINENG_MODE": "Production"}, "JINENG_MODE"),
        ({"JINENG_DEBUG": "maybe"}, "JINENG_DEBUG"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"DATABASE_URL": "mysql://u:p@db/jineng"}, "DATABASE_URL"),
    ],
)
def test_embedded_refuses_bad_values_too(env, values: dict[str, str], var: str) -> None:
    env(**values)
    with refused(var):
        config.load(BASE)


def test_blank_values_count_as_unset(env) -> None:
    env(JINENG_MODE="  ", DATABASE_URL="", REDIS_URL=" ", JINENG_DEBUG="")
    conf = config.load(BASE)
    assert conf.mode == "embedded" and conf.database_url is None and conf.redis_url is None


def test_embedded_with_redis_stays_eager_unless_told(env) -> None:
    # CI runs the embedded suite with REDIS_URL set: tasks still run in-process there.
    env(REDIS_URL="redis://127.0.0.1:6379/15")
    assert config.load(BASE).celery_eager is True
    env(CELERY_TASK_ALWAYS_EAGER="false")
    assert config.load(BASE).celery_eager is False


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("Yes", True), ("on", True), ("0", False), ("OFF", False)]
)
def test_booleans(env, raw: str, expected: bool) -> None:
    env(JINENG_DEBUG=raw)
    assert config.load(BASE).debug is expected


def test_env_int(env, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.env_int("JINENG_TEST_INT", 3) == 3
    monkeypatch.setenv("JINENG_TEST_INT", "8")
    assert config.env_int("JINENG_TEST_INT", 3) == 8
    monkeypatch.setenv("JINENG_TEST_INT", "eight")
    with refused("JINENG_TEST_INT"):
        config.env_int("JINENG_TEST_INT", 3)
    monkeypatch.setenv("JINENG_TEST_INT", "0")
    with refused("JINENG_TEST_INT"):
        config.env_int("JINENG_TEST_INT", 3, minimum=1)
