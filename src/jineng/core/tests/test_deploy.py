"""Production configuration: `check --deploy` is clean, bad settings stop the start with a Chinese
message, collectstatic works with the hashed storage, and the files in deploy/ agree with each other
and with .env.example.

Each check runs manage.py / gunicorn in a subprocess with a production environment and nothing of
the test process's own (CI exports DATABASE_URL and REDIS_URL). None of them connects to a database.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from jineng import config

BASE_DIR = Path(__file__).resolve().parents[4]
DEPLOY = BASE_DIR / "deploy"
ENV_EXAMPLE = BASE_DIR / ".env.example"
# Every variable the code reads, found in the code itself: config.env_*("NAME", …).
READ_VARIABLE = re.compile(r"""env_(?:str|bool|int|list)\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def random_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in config_variables() and not key.startswith(("CELERY_", "JINENG_", "DJANGO_"))
    }
    env.update(
        JINENG_MODE="production",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SECRET_KEY=random_key(),
        ALLOWED_HOSTS="jineng.example.gov.cn",
        JINENG_VAR_DIR=str(tmp_path / "var"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", *args], env)


def config_variables() -> set[str]:
    sources = [BASE_DIR / "src" / "jineng" / "config.py", DEPLOY / "gunicorn.conf.py"]
    return {name for path in sources for name in READ_VARIABLE.findall(path.read_text(encoding="utf-8"))}


def env_example() -> list[tuple[str, str, str]]:
    """(variable, value, the comment line just above it) for each KEY=value line of .env.example."""
    entries = []
    previous = ""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            entries.append((match[1], match[2], previous))
        previous = line
    return entries


# --- manage.py with the production settings --------------------------------------------------------


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_fails_on_a_warning(tmp_path: Path) -> None:
    # The same check does fail when something is off: the embedded settings are not fit to deploy.
    env = production_env(tmp_path, JINENG_MODE=None, DATABASE_URL=None, REDIS_URL=None, SECRET_KEY=None)
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode != 0
    assert "security.W" in done.stderr


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"JINENG_MODE": "bogus"}, "JINENG_MODE"),
        ({"JINENG_DEBUG": "maybe"}, "JINENG_DEBUG"),
        # the owner's connection beside an application URL that does not name its role
        ({"DATABASE_OWNER_URL": "postgres://owner@/x", "DATABASE_URL": "postgres:///x"}, "DATABASE_URL"),
        # the owner's connection as the application's own role
        ({"DATABASE_OWNER_URL": "postgres://u:p@127.0.0.1:5432/x"}, "DATABASE_OWNER_URL"),
        ({"DATABASE_OWNER_URL": "mysql://owner@127.0.0.1/x"}, "DATABASE_OWNER_URL"),
    ],
)
def test_bad_configuration_stops_with_a_chinese_message(
    tmp_path: Path, changes: dict[str, str | None], variable: str
) -> None:
    done = manage("check", env=production_env(tmp_path, **changes))
    assert done.returncode != 0
    assert f"配置错误 {variable}:" in done.stderr
    assert re.search(r"[\u4e00-\u9fff]", done.stderr.split(f"配置错误 {variable}:", 1)[1])
    # One message for the operator, not a traceback to dig it out of.
    assert "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) <= 3, done.stderr


def test_collectstatic_with_hashed_compressed_storage(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    done = manage("collectstatic", "--noinput", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    static_root = tmp_path / "var" / "static"
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/htmx/htmx.min.js", "jineng/app.css", "admin/css/base.css"):
        hashed = static_root / manifest[name]
        assert hashed.is_file() and hashed.name != Path(name).name
        assert hashed.with_name(hashed.name + ".gz").is_file()
    # Run again: nothing to copy, still fine (an upgrade runs it every time).
    again = manage("collectstatic", "--noinput", env=env)
    assert again.returncode == 0, again.stderr


# --- gunicorn ----------------------------------------------------------------------------------------


def gunicorn(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), *args], env)


def test_gunicorn_config(tmp_path: Path) -> None:
    done = gunicorn("--print-config", env=production_env(tmp_path, JINENG_WEB_WORKERS="3"))
    assert done.returncode == 0, done.stderr
    printed = dict(re.findall(r"^(\w+)\s+= (.*)$", done.stdout, re.MULTILINE))
    assert printed["bind"] == "['127.0.0.1:8000']"
    assert printed["workers"] == "3"
    assert printed["wsgi_app"] == "jineng.wsgi:application"
    assert printed["forwarded_allow_ips"] == "['127.0.0.1', '::1']"


def test_gunicorn_refuses_bad_configuration(tmp_path: Path) -> None:
    done = gunicorn("--check-config", env=production_env(tmp_path, JINENG_WEB_WORKERS="0"))
    assert done.returncode != 0
    assert "配置错误 JINENG_WEB_WORKERS" in done.stderr
    done = gunicorn("--check-config", env=production_env(tmp_path, SECRET_KEY="short"))
    assert done.returncode != 0
    assert "配置错误 SECRET_KEY" in done.stderr and "Traceback" not in done.stderr


# --- .env.example and deploy/ agree ------------------------------------------------------------------


def test_env_example_documents_every_variable() -> None:
    entries = env_example()
    documented = [name for name, _, _ in entries]
    assert len(documented) == len(set(documented)), "a variable is listed twice"
    read = config_variables() | {"JINENG_WORKER_CONCURRENCY"}  # the worker unit reads that one
    assert read - set(documented) == set(), "variables read but not in .env.example"
    assert set(documented) - read == set(), "variables in .env.example that nothing reads"
    for name, _, comment in entries:
        assert comment.startswith("# ") and len(comment) > 10, f"{name} has no comment line"


def test_env_example_is_safe_and_complete_once_the_key_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in config_variables():
        monkeypatch.delenv(name, raising=False)
    values = {name: value for name, value, _ in env_example()}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    # Copied unchanged, it refuses to start: the secret is the one value nobody may forget.
    with pytest.raises(Exception, match="配置错误 SECRET_KEY"):
        config.load(BASE_DIR)
    monkeypatch.setenv("SECRET_KEY", random_key())
    conf = config.load(BASE_DIR)
    assert conf.mode == "production" and conf.debug is False and conf.celery_eager is False


def test_deploy_files_agree() -> None:
    values = {name: value for name, value, _ in env_example()}
    web = (DEPLOY / "jineng-web.service").read_text()
    worker = (DEPLOY / "jineng-worker.service").read_text()
    beat = (DEPLOY / "jineng-beat.service").read_text()
    nginx = (DEPLOY / "nginx-jineng.conf").read_text()
    readme = (DEPLOY / "README.md").read_text()

    for unit in (web, worker, beat):
        assert "EnvironmentFile=/etc/jineng/jineng.env" in unit
        assert "User=jineng" in unit and "WorkingDirectory=/srv/jineng" in unit
        assert f"ReadWritePaths={values['JINENG_VAR_DIR']}" in unit
    assert "ExecStart=/srv/jineng/.venv/bin/gunicorn -c /srv/jineng/deploy/gunicorn.conf.py" in web
    assert "ExecStart=/srv/jineng/.venv/bin/celery -A jineng.celery worker" in worker
    assert "${JINENG_WORKER_CONCURRENCY}" in worker
    # one scheduler, keeping its last-run file in the writable data folder
    assert "ExecStart=/srv/jineng/.venv/bin/celery -A jineng.celery beat" in beat
    assert f"--schedule {values['JINENG_VAR_DIR']}/celerybeat-schedule" in beat

    assert "proxy_pass http://jineng_web;" in nginx and "server 127.0.0.1:8000;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert f"alias {values['JINENG_VAR_DIR']}/static/;" in nginx
    assert "ssl_certificate " in nginx and "return 301 https://" in nginx

    for step in (
        "createdb",
        "adduser --system --group --no-create-home jineng_owner",
        "deploy/jineng-manage db_roles | runuser -u postgres -- psql -v ON_ERROR_STOP=1 -d jineng",
        "migrate --noinput",
        "collectstatic --noinput",
        "check --deploy --database default --fail-level WARNING",
        "audit_verify",
        "systemctl enable --now jineng-web jineng-worker jineng-beat",
        "check_worker",
    ):
        assert step in readme, step
    assert os.access(DEPLOY / "jineng-manage", os.X_OK)
    # the two roles of .env.example are the ones the README sets up
    assert values["DATABASE_URL"] == "postgres://jineng@/jineng"
    assert values["DATABASE_OWNER_URL"] == "postgres://jineng_owner@/jineng"
    assert "/etc/jineng/owner.env" in readme


@pytest.mark.skipif(os.geteuid() != 0, reason="jineng-manage switches users with runuser: root only")
def test_jineng_manage_gives_the_owner_connection_to_migrate_only() -> None:
    # Given a checkout whose python only tells who runs it and with which owner URL, and the two
    # environment files (the owner's password only in the root-only one)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        root = Path(tmp)
        os.chmod(root, 0o755)  # the other system user must reach the fake python
        (root / "deploy").mkdir()
        (root / ".venv" / "bin").mkdir(parents=True)
        shutil.copy(DEPLOY / "jineng-manage", root / "deploy" / "jineng-manage")
        python = root / ".venv" / "bin" / "python"
        python.write_text('#!/bin/sh\necho "$(id -un) ${DATABASE_OWNER_URL:-none} $2"\n')
        python.chmod(0o755)
        (root / "jineng.env").write_text(
            "DATABASE_URL=postgres://jineng@/jineng\nDATABASE_OWNER_URL=postgres://jineng_owner@/jineng\n"
        )
        (root / "owner.env").write_text("DATABASE_OWNER_URL=postgres://jineng_owner:s3cret@db:5432/jineng\n")
        env = {
            "PATH": os.environ["PATH"],
            "JINENG_ENV_FILE": str(root / "jineng.env"),
            "JINENG_OWNER_ENV_FILE": str(root / "owner.env"),
            "JINENG_USER": "root",
            "JINENG_OWNER_USER": "nobody",
        }

        def manage_as(command: str) -> str:
            done = run([str(root / "deploy" / "jineng-manage"), command], env)
            assert done.returncode == 0, done.stderr
            return done.stdout.strip()

        # When migrate and db_roles run: as the owner's system user, with the owner's connection
        assert manage_as("migrate") == "nobody postgres://jineng_owner:s3cret@db:5432/jineng migrate"
        assert manage_as("db_roles") == "nobody postgres://jineng_owner:s3cret@db:5432/jineng db_roles"
        # And any other command: as the site's user, without it
        assert manage_as("check") == "root none check"
        assert manage_as("shell") == "root none shell"
