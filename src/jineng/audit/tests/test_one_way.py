"""One way to write the audit trail: every service calls jineng.audit.services itself.

No app keeps a private ``_event()`` wrapper around the writers (nine once did, each spelling out the
same region path, department and organisation), and nothing outside the audit app writes an Event row
itself: the writers alone check the kind, require the change's transaction and chain the hash. An
event's scope is derived in one place (jineng.audit.scope.scope_resolve), from the object's
``audit_scope()`` or the object given as ``scope=``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from jineng.audit import services

SRC = Path(services.__file__).resolve().parents[1]  # src/jineng
WRITERS = {"event_record", "events_record", "events_record_many", "events_record_objects"}
# A private helper named for events: _event, _events, _claim_event, _status_event, _user_event, …
WRAPPER_NAME = re.compile(r"^_(\w+_)?events?$")
ROW_WRITES = {"create", "bulk_create", "get_or_create", "update_or_create"}


def _app_sources() -> dict[str, ast.Module]:
    """Every module under src/jineng outside the audit app, tests and migrations left out."""
    return {
        str(path.relative_to(SRC)): ast.parse(path.read_text(encoding="utf-8"))
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.relative_to(SRC).parts[0] != "audit"
    }


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _only_a_writer_call(fn: ast.FunctionDef) -> bool:
    """A function whose body, docstring aside, is one call of a writer: a wrapper, whatever its name."""
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Expr | ast.Return):
        return False
    value = body[0].value
    return isinstance(value, ast.Call) and _name(value) in WRITERS


def _event_model_names(tree: ast.Module) -> set[str]:
    """The names a module binds to jineng.audit.models.Event (``Event``, ``Event as AuditEvent``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "jineng.audit.models":
            names |= {alias.asname or alias.name for alias in node.names if alias.name == "Event"}
    return names


def test_the_scan_sees_the_apps_and_their_calls_of_the_writers() -> None:
    # Given the sources outside the audit app
    sources = _app_sources()
    # Then the scan reads the apps (not the audit app) and finds their calls of the writers
    assert "training/services.py" in sources and "claims/bulk.py" in sources
    assert not any(module.startswith("audit/") for module in sources)
    calls = {
        (module, _name(node))
        for module, tree in sources.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _name(node) in WRITERS
    }
    assert {
        ("training/services.py", "event_record"),
        ("claims/bulk.py", "events_record_many"),
        ("vouchers/services.py", "events_record"),
    } <= calls


def test_no_app_wraps_the_audit_writers() -> None:
    # Given every module outside the audit app
    # When its functions are read
    wrappers = [
        f"{module}:{fn.lineno} {fn.name}"
        for module, tree in _app_sources().items()
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
        and (WRAPPER_NAME.match(fn.name) or (isinstance(fn, ast.FunctionDef) and _only_a_writer_call(fn)))
    ]
    # Then none is a private event helper: services call jineng.audit.services themselves
    assert wrappers == []


def test_the_wrapper_check_catches_a_wrapper() -> None:
    # Given the shape of the helpers that were removed
    tree = ast.parse(
        "def _event(actor, action, tc):\n"
        "    event_record(actor=actor, action=action, obj=tc, region_path=tc.region.path)\n"
        "def record_it(actor, action, tc):\n"
        '    """Renamed."""\n'
        "    return audit.event_record(actor=actor, action=action, obj=tc)\n"
    )
    first, second = (n for n in tree.body if isinstance(n, ast.FunctionDef))
    # Then both are caught: the first by its name, the second by its body
    assert WRAPPER_NAME.match(first.name) and _only_a_writer_call(first)
    assert not WRAPPER_NAME.match(second.name) and _only_a_writer_call(second)
    assert all(WRAPPER_NAME.match(n) for n in ("_events", "_claim_event", "_status_event", "_user_event"))
    assert not any(WRAPPER_NAME.match(n) for n in ("_withdraw", "event_list", "_eventual", "_prevent"))


def _row_writes(module: str, tree: ast.Module) -> list[str]:
    """Where a module builds an Event, or writes rows through ``Event.objects``."""
    names = _event_model_names(tree) | {"AuditEvent"}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id in names:
            found.append((node.lineno, f"{f.id}(…)"))
        elif (
            isinstance(f, ast.Attribute)
            and f.attr in ROW_WRITES
            and isinstance(f.value, ast.Attribute)
            and f.value.attr == "objects"
            and isinstance(f.value.value, ast.Name)
            and f.value.value.id in names
        ):
            found.append((node.lineno, f"{f.value.value.id}.objects.{f.attr}(…)"))
    return [f"{module}:{line} {what}" for line, what in sorted(found)]


def test_nothing_outside_the_audit_app_writes_an_event_row() -> None:
    # Given every module outside the audit app (orgs' views read the trail: reading is allowed)
    sources = _app_sources()
    assert any(_event_model_names(tree) for tree in sources.values())
    # When the places that build an Event or write its rows are sought
    problems = [where for module, tree in sources.items() for where in _row_writes(module, tree)]
    # Then there is none: only jineng.audit.services writes the trail
    assert problems == []


def test_the_row_check_catches_a_direct_write() -> None:
    # Given a module that imports the model under another name and writes rows with it
    tree = ast.parse(
        "from jineng.audit.models import Event as Trail\n"
        "def f():\n"
        "    Trail.objects.create(action='class.created')\n"
        "    Trail(action='class.created').save()\n"
        "    AuditEvent.objects.bulk_create([])\n"
        "    Trail.objects.filter(action='class.created').count()\n"
    )
    # Then the three writes are found, the read is not
    assert _row_writes("x.py", tree) == [
        "x.py:3 Trail.objects.create(…)",
        "x.py:4 Trail(…)",
        "x.py:5 AuditEvent.objects.bulk_create(…)",
    ]
