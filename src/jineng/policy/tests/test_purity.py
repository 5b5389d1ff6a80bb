"""The policy core stays pure Python: importing it (and using it) never loads Django or Celery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3]  # …/src

PROBE = """
import importlib, json, pkgutil, sys
import jineng.policy
names = sorted(
    m.name for m in pkgutil.walk_packages(jineng.policy.__path__, "jineng.policy.")
    if not m.name.startswith("jineng.policy.tests")
)
for name in names:
    importlib.import_module(name)
# Use the modules too, so that a lazy import inside a function would be caught as well.
import datetime as dt
from jineng.policy import gb2260, identity, profiles, workdays
profiles.all_profiles()
workdays.WorkCalendar().add_working_days(dt.date(2026, 9, 28), 5)
identity.parse_id_number("410105198001011239")
gb2260.code_for("金水区", within="4101")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "celery"))
print(json.dumps({"modules": names, "loaded": loaded}))
"""


def _run_probe() -> dict[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(SRC)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_policy_package_imports_without_django_or_celery() -> None:
    # Given a fresh interpreter with only src/ on the path
    # When every module of jineng.policy is imported and exercised
    probe = _run_probe()
    # Then neither django nor celery (nor any of their submodules) has been loaded
    assert probe["loaded"] == []
    # And the probe really walked the package's modules
    assert {
        "jineng.policy.profiles",
        "jineng.policy.workdays",
        "jineng.policy.identity",
        "jineng.policy.gb2260",
        "jineng.policy.violations",
    } <= set(probe["modules"])
