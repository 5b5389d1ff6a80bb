"""The books have one door: outside ``jineng/ledger/`` no module uses a private (underscore) name of the
ledger, nor writes the ledger's tables itself — every entry goes through ``ledger.services``
(``entries_post`` and the operations built on it). Reading the models (a test counting entries) is fine.

An AST scan of the source tree and the benches, so that a new shortcut fails here, not in an audit."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]  # src/jineng
LEDGER = SRC / "ledger"
BENCH = SRC.parents[1] / "bench"
TABLE_MODELS = frozenset({"Account", "Fund", "JournalEntry", "Posting"})
TABLES = ("ledger_account", "ledger_fund", "ledger_journalentry", "ledger_posting")
# What writes or locks rows, on a manager or a queryset.
WRITES = frozenset(
    {
        "create",
        "bulk_create",
        "get_or_create",
        "update_or_create",
        "update",
        "bulk_update",
        "delete",
        "save",
        "select_for_update",
        "raw",
        "_insert",
        "_do_insert",
    }
)


# The database-role tests try to rewrite and empty the books as the application role, to prove the
# database refuses it: naming the tables in SQL is their point.
PROBES = frozenset({SRC / "core" / "tests" / "test_dbroles.py"})


def _outside_modules() -> list[Path]:
    files = [p for p in SRC.rglob("*.py") if LEDGER not in p.parents and p not in PROBES]
    files += sorted(BENCH.glob("*.py")) if BENCH.is_dir() else []
    return sorted(files)


def _model_under(node: ast.expr, models: set[str]) -> str:
    """``JournalEntry`` of ``JournalEntry.objects.filter(...).update``: the ledger model the chain of
    attributes and calls starts from, or ""."""
    while True:
        if isinstance(node, ast.Attribute | ast.Name) and _dotted(node) in models:
            return _dotted(node)
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return ""


def _dotted(node: ast.expr) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def violations_in(source: str, where: str) -> list[str]:
    """Every use of a private ledger name and every write to a ledger table in one module's source."""
    tree = ast.parse(source)
    found: list[str] = []
    ledger_modules: set[str] = set()  # local names bound to a module of jineng.ledger
    models_modules: set[str] = set()  # ... to jineng.ledger.models
    table_models: set[str] = set()  # ... to Account, Fund, JournalEntry, Posting
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jineng.ledger"):
            module = node.module or ""
            if any(part.startswith("_") for part in module.split(".")):
                found.append(f"{where}:{node.lineno} imports the private module {module}")
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name.startswith("_"):
                    found.append(f"{where}:{node.lineno} imports the private name {module}.{alias.name}")
                elif module == "jineng.ledger":
                    ledger_modules.add(local)
                    if alias.name == "models":
                        models_modules.add(local)
                elif module == "jineng.ledger.models" and alias.name in TABLE_MODELS:
                    table_models.add(local)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("jineng.ledger") and alias.asname:
                    ledger_modules.add(alias.asname)
                    if alias.name == "jineng.ledger.models":
                        models_modules.add(alias.asname)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            head = dotted.split(".")[0]
            if (head in ledger_modules and node.attr.startswith("_")) or (
                dotted.startswith("jineng.ledger.") and "._" in dotted
            ):
                found.append(f"{where}:{node.lineno} uses the private name {dotted}")
            if (
                isinstance(node.value, ast.Name)
                and node.value.id in models_modules
                and node.attr in TABLE_MODELS
            ):
                table_models.add(dotted)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in WRITES:
            root = _model_under(node.value, table_models)
            if root:
                found.append(f"{where}:{node.lineno} writes a ledger table: {root}….{node.attr}")
        elif isinstance(node, ast.Call):
            func = _dotted(node.func)
            if func in table_models:
                found.append(f"{where}:{node.lineno} builds a ledger row: {func}(…)")
            elif func not in ("isinstance", "issubclass"):
                for arg in node.args:
                    if _dotted(arg) in table_models:
                        found.append(f"{where}:{node.lineno} hands the ledger model {_dotted(arg)} to {func}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(table in node.value.lower() for table in TABLES)
        ):
            found.append(f"{where}:{node.lineno} names a ledger table in SQL: {node.value[:60]!r}")
    return sorted(found, key=lambda v: int(v.split(" ")[0].rsplit(":", 1)[1]))


def test_no_module_outside_the_ledger_uses_its_private_names_or_writes_its_tables() -> None:
    problems = []
    for path in _outside_modules():
        problems += violations_in(path.read_text(encoding="utf-8"), str(path.relative_to(SRC.parents[1])))
    assert problems == []


def test_the_scan_sees_each_kind_of_shortcut() -> None:
    # The scan itself, on the shortcuts claims/bulk.py took before the ledger had one posting API.
    source = """
from jineng.ledger import services as ledger
from jineng.ledger import models as lm
from jineng.ledger.models import Account, JournalEntry, Posting
from jineng.ledger.services import _fingerprint
import jineng.ledger.services as books

amount = ledger._money(c.amount, "金额")
books._replay(key, fp)
jineng.ledger.services._key(key)
_insert(JournalEntry, entries)
Posting.objects.bulk_create(rows)
Account.objects.filter(region=r).update(name="x")
lm.Fund.objects.create(region=r)
JournalEntry(region=r)
cursor.execute("INSERT INTO ledger_posting VALUES (1)")
"""
    assert [v.split(" ", 1)[1] for v in violations_in(source, "m.py")] == [
        "imports the private name jineng.ledger.services._fingerprint",
        "uses the private name ledger._money",
        "uses the private name books._replay",
        "uses the private name jineng.ledger.services._key",
        "hands the ledger model JournalEntry to _insert",
        "writes a ledger table: Posting….bulk_create",
        "writes a ledger table: Account….update",
        "writes a ledger table: lm.Fund….create",
        "builds a ledger row: JournalEntry(…)",
        "names a ledger table in SQL: 'INSERT INTO ledger_posting VALUES (1)'",
    ]
    # Reading is not writing: a test may count entries and sum postings.
    reads = """
from jineng.ledger.models import JournalEntry, Posting, EntryKind
n = JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count()
rows = list(Posting.objects.select_related("account").order_by("id"))
ok = isinstance(x, JournalEntry)
"""
    assert violations_in(reads, "m.py") == []
