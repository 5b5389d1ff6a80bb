"""A bounded schemathesis pass over /api/v1, in-process: `make fuzz`, and a stage of .ci/run.

Builds the demo in a throw-away SQLite database (never the developer's own: JINENG_VAR_DIR and
DATABASE_URL are ignored; --database-url names an empty PostgreSQL database to use instead), signs in
as a few roles, and sends each role's generated requests straight to the WSGI application: every phase
(examples, coverage, fuzzing, stateful) with a fixed seed and a bounded number of examples. Two checks
only: no 5xx, and every response matches the schema the OpenAPI document declares for its status.
Exits 1 on any failure, with one line per distinct failure and a curl line to reproduce it.

    python .ci/api_fuzz.py [--seed N] [--max-examples N] [--roles zz_admin,zz_hr1] [--database-url URL]

The default (three roles, 3 examples, at most 70 s a role) is about 8,500 requests and four minutes
on this 2-core machine. The seed fixes what is generated; the time bound decides how far each role
gets, so a loaded machine tests a little less rather than running long.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Tokens for the roles that may hold one (API 令牌); a signed-in browser session for the others. The
# default: the bureau's admin (widest write surface), an institution (token), a reviewer (session,
# so the CSRF path too). Others: zzsy_jb tcjd_jb zz_czj zz_dc zz_sj xueyuan hn_admin.
ROLES = ("zz_admin", "zzsy_jb", "zz_hr1")
DEMO_PASSWORD = "Jineng@2021demo"
SESSION_HEADER = "HTTP_X_FUZZ_COOKIE"


def _setup(var_dir: str, database_url: str) -> Any:
    os.environ["JINENG_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "jineng.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo_load", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from django.core.wsgi import get_wsgi_application

    django_app = get_wsgi_application()

    # schemathesis' in-process client keeps a cookie jar of its own and drops a Cookie header given
    # in the config: a session role's cookie travels in this header and is put back here.
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if SESSION_HEADER in environ:
            environ["HTTP_COOKIE"] = environ.pop(SESSION_HEADER)
        return django_app(environ, start_response)

    return app


def _headers(username: str) -> dict[str, str]:
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from jineng.accounts.models import User
    from jineng.accounts.services import api_token_issue
    from jineng.core.roles import can

    user = User.objects.get(username=username)
    if can(user.role, "token.manage"):
        _, secret = api_token_issue(actor=user, name="api fuzz")
        return {"Authorization": f"Bearer {secret}"}
    client = Client()
    # Through the login page, as a person logs in (django-axes wants the request).
    if client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code != 302:
        raise SystemExit(f"演示账号 {username} 无法登录")
    csrf = _get_new_csrf_string()
    from django.conf import settings

    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return {"X-Fuzz-Cookie": cookie, "X-CSRFToken": csrf}


def _run_role(
    app: Any, username: str, seed: int, max_examples: int, max_time: int
) -> tuple[int, int, list[str]]:
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import Status, events, from_schema

    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "workers": 1,
            "max-time": max_time,
            "headers": _headers(username),
            "generation": {"max-examples": max_examples, "database": "none"},
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
            },
            "warnings": False,
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    requests = server_errors = 0
    failures: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.interactions)
            server_errors += sum(
                1
                for i in event.recorder.interactions.values()
                if i.response and i.response.status_code >= 500
            )
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status != Status.FAILURE or check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    interaction = event.recorder.interactions.get(case_id)
                    status = (
                        str(interaction.response.status_code) if interaction and interaction.response else "?"
                    )
                    key = (event.recorder.label, failure.code, failure.title)
                    if key in seen:
                        continue
                    seen.add(key)
                    failures.append(
                        f"  {username:9} {failure.code} [{status}] {event.recorder.label}: {failure.title}\n"
                        f"    {_shorten(check.failure_info.code_sample)}"
                    )
        elif isinstance(event, events.FatalError):
            failures.append(f"  {username:9} fatal: {event.exception!r}")
    return requests, server_errors, failures


def _shorten(text: str, limit: int = 600) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 字符）"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20210601)
    parser.add_argument("--max-examples", type=int, default=3)
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--max-time-per-role", type=int, default=70)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="jineng-fuzz-") as var_dir:
        app = _setup(var_dir, args.database_url)
        total_requests = total_5xx = 0
        all_failures: list[str] = []
        by_role: Counter[str] = Counter()
        for username in args.roles.split(","):
            t0 = time.monotonic()
            requests, server_errors, failures = _run_role(
                app, username, args.seed, args.max_examples, args.max_time_per_role
            )
            total_requests += requests
            total_5xx += server_errors
            all_failures += failures
            by_role[username] = len(failures)
            print(
                f"{username:9} {requests:6} requests {server_errors:5} 5xx {len(failures):4} distinct failures"
                f" {time.monotonic() - t0:6.1f}s",
                flush=True,
            )
    for line in all_failures:
        print(line)
    verdict = "failed" if all_failures else "passed"
    print(
        f"api fuzz {verdict}: {len(by_role)} roles, {total_requests} requests, "
        f"{total_5xx} 5xx responses, {len(all_failures)} distinct failures, seed {args.seed}, {time.monotonic() - started:.0f}s"
    )
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
