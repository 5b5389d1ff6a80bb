"""Issue 13.6: the apps form a graph without cycles, read from every import of every non-test module —
at module level, inside functions and under ``TYPE_CHECKING`` alike, since a function-level import
only hides a cycle.

Where a lower app needs something of a higher one, the lower app states the need and the higher app
provides it (claims.recoveries, provided by recovery), or reads through a relation the higher app
declares on its model (orgs.guards reading recovery's blacklist entry). The order the graph allows is
the README's architecture map."""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # src/jineng
# The project's own wiring (settings, urls, the API's assembly) sits above every app; the root's other
# modules (celery.py, config.py) import no app and every app may use them, so they are no node.
PROJECT = "<project>"
WIRING = {"api", "urls", "settings", "wsgi"}
BASE = {"celery", "config"}
# Lowest first; apps of one layer do not import each other. The README's architecture map says the same.
LAYERS = [
    ["policy"],
    ["core"],
    ["audit"],
    ["regions"],
    ["orgs"],
    ["people"],
    ["accounts"],
    ["workcal", "outbox"],
    ["catalogue"],
    ["training"],
    ["online"],
    ["supervision"],
    ["certificates"],
    ["assessment"],
    ["signoffs"],
    ["ledger"],
    ["claims"],
    ["recovery"],
    ["vouchers", "targets", "wagetraining", "grants", "evalsubsidy", "apprenticeship", "appraisal"],
    ["progress"],
    ["home", "demo"],
    [PROJECT],
]


def _apps() -> set[str]:
    return {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def _node(rel: Path, apps: set[str]) -> str:
    return rel.parts[0] if len(rel.parts) > 1 and rel.parts[0] in apps else PROJECT


@cache  # read once per run: four tests ask for it
def import_graph() -> dict[str, dict[str, list[str]]]:
    """app → app it imports → the import sites ("training/services.py:38")."""
    apps = _apps()
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts or rel.name == "conftest.py":
            continue
        source = _node(rel, apps)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] != "jineng" or len(parts) < 2:
                    continue
                if parts[1] in BASE:
                    continue
                target = parts[1] if parts[1] in apps else PROJECT
                if target != source:
                    site = f"{rel.as_posix()}:{node.lineno}"
                    if site not in graph[source][target]:
                        graph[source][target].append(site)
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(set(graph) | {w for targets in graph.values() for w in targets}):
        if v not in index:
            visit(v)
    return found


def _explain(graph: dict[str, dict[str, list[str]]], component: list[str]) -> str:
    inside = set(component)
    lines = [f"import cycle between {', '.join(component)}:"]
    for a in component:
        for b, sites in sorted(graph[a].items()):
            if b in inside:
                lines.append(f"  {a} → {b}: {', '.join(sites[:3])}")
    return "\n".join(lines)


def test_no_import_cycle_between_apps() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "\n".join(_explain(graph, c) for c in found)


def test_every_import_goes_down_the_layers() -> None:
    """Stricter than no cycle: a new app takes its place in LAYERS, and no import climbs."""
    rank = {app: i for i, layer in enumerate(LAYERS) for app in layer}
    assert set(rank) == _apps() | {PROJECT}, "every app has its layer"
    climbing = [
        f"{a} → {b}: {', '.join(sites[:3])}"
        for a, targets in sorted(import_graph().items())
        for b, sites in sorted(targets.items())
        if rank[b] >= rank[a]
    ]
    assert climbing == [], "\n".join(climbing)


def test_core_and_policy_import_no_app() -> None:
    """core (errors, roles, scope, uploads, xlsx…) and the pure policy package are the floor every app
    stands on; the project's wiring sits on top of everything."""
    assert {p.stem for p in ROOT.glob("*.py")} - {"__init__", "conftest"} == WIRING | BASE
    for name in BASE:
        tree = ast.parse((ROOT / f"{name}.py").read_text(encoding="utf-8"))
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        assert not [m for m in imported if m.startswith("jineng.")], name
    graph = import_graph()
    assert dict(graph.get("policy", {})) == {}
    assert set(graph.get("core", {})) <= {"policy"}, dict(graph["core"])
    assert not any(PROJECT in targets for targets in graph.values()), {
        app: targets[PROJECT] for app, targets in graph.items() if PROJECT in targets
    }


def test_the_graph_reads_function_level_imports_and_would_see_a_cycle(tmp_path: Path) -> None:
    """Given the checker, when two apps import each other (one inside a function), then it names both."""
    graph: dict[str, dict[str, list[str]]] = {
        "training": {"recovery": ["training/services.py:38"]},
        "recovery": {"claims": ["recovery/models.py:16"]},
        "claims": {"training": ["claims/entitle.py:33"]},
    }
    assert cycles(graph) == [["claims", "recovery", "training"]]
    assert cycles({"a": {"b": ["a.py:1"]}, "b": {}}) == []
    # The real graph does include imports made inside functions: recovery's AppConfig.ready imports
    # claims.recoveries inside ready().
    assert "recovery/apps.py:13" in import_graph()["recovery"]["claims"]
