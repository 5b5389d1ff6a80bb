"""Policy text lives in the profiles only: app code names no profile code and quotes no clause.

"App code" is every module under src/jineng except tests, migrations, the demo app (it loads the
documents' own tables and assigns profiles to regions, so it names them) and the profile files
themselves. Docstrings and comments may cite a document — they explain, they do not decide; a string
the code uses may not. Templates are app code too: a page shows a clause or a document's number from the
profile in its context (regions.selectors.rule_clause / profiles_in_view), never typed in; a template
comment ({# … #}) may cite one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jineng

ROOT = Path(jineng.__file__).parent
CODES = ("ZZHS21", "ZZ21", "HC21", "XC19", "XC23")
# A profile code as a word: "XC23", "XC23 二(三)", "ZZ21/HC21"; not part of a longer token.
CODE = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(CODES) + r")(?![A-Za-z0-9])")
# A clause as the documents number them, "六(二)3", "三（二）", "二(三)1" (with or without a document prefix).
CLAUSE = re.compile(r"[一二三四五六七八九十]+[(（][一二三四五六七八九十]+[)）]")
CLAUSE_NAME = re.compile(r"(^|_)CLAUSES?$")

# Justified exceptions, each with why it is not a policy document's text.
ALLOWED_NAMES = {
    # B01 quotes a national standard (GB 11643, the ID number checksum), no policy document's clause.
    "RULE_B01_CLAUSE",
    # The import templates' own format rules (the application's spreadsheet layout), no document's clause.
    "FORMAT_CLAUSE",
}
ALLOWED_TEXTS: set[tuple[str, str]] = set()


def app_modules() -> list[Path]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        parts = rel.split("/")
        if "tests" in parts or "migrations" in parts or parts[0] == "demo":
            continue
        if rel.startswith("policy/profiles/"):
            continue
        out.append(path)
    return out


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def findings(path: Path, rel: str | None = None) -> list[str]:
    rel = rel or path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        name = (
            node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        )
        if name and CLAUSE_NAME.search(name) and name not in ALLOWED_NAMES:
            out.append(f"{rel}:{node.lineno} names a clause constant {name}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if (rel, node.value) in ALLOWED_TEXTS:
                continue
            if CODE.search(node.value):
                out.append(f"{rel}:{node.lineno} names a profile code: {node.value[:60]!r}")
            elif CLAUSE.search(node.value):
                out.append(f"{rel}:{node.lineno} quotes a clause: {node.value[:60]!r}")
    return out


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}", re.S)


def templates() -> list[Path]:
    return sorted(p for p in ROOT.rglob("templates/**/*.html") if "tests" not in p.relative_to(ROOT).parts)


def template_findings(path: Path, rel: str | None = None) -> list[str]:
    rel = rel or path.relative_to(ROOT).as_posix()
    # Comments blanked, newlines kept, so that line numbers stay those of the file.
    text = TEMPLATE_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), path.read_text(encoding="utf-8"))
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if found := CODE.search(line):
            out.append(f"{rel}:{lineno} names a profile code: {found.group()}")
        elif found := CLAUSE.search(line):
            out.append(f"{rel}:{lineno} quotes a clause: {found.group()}")
    return out


def test_app_code_names_no_profile_code_and_quotes_no_clause() -> None:
    modules = app_modules()
    assert len(modules) > 100  # the scan sees the whole application, not an empty folder
    found = [f for path in modules for f in findings(path)]
    assert found == []


def test_the_scan_catches_each_kind_of_policy_text(tmp_path: Path) -> None:
    # Given a module that does each thing the rule forbids, and one that only explains in a docstring
    bad = tmp_path / "probe.py"
    bad_text = (
        '"""Cites XC23 二(三)1 in a docstring: allowed."""\n'
        'A10_CLAUSE = "本地"\n'
        'fallback = "ZZ21"\n'
        'quote = "依据 三（二） 的规定"\n'
        "clause = rules.C01_CLAUSE\n"
    )
    bad.write_text(bad_text, encoding="utf-8")
    found = findings(bad, "policy/_guard_probe.py")
    # Then every forbidden line is reported and the docstring is not
    assert found == [
        "policy/_guard_probe.py:2 names a clause constant A10_CLAUSE",
        "policy/_guard_probe.py:3 names a profile code: 'ZZ21'",
        "policy/_guard_probe.py:4 quotes a clause: '依据 三（二） 的规定'",
        "policy/_guard_probe.py:5 names a clause constant C01_CLAUSE",
    ]


def test_templates_name_no_profile_code_and_quote_no_clause() -> None:
    paths = templates()
    assert len(paths) > 50  # the scan sees every app's templates, not an empty folder
    found = [f for path in paths for f in template_findings(path)]
    assert found == []


def test_the_template_scan_catches_a_code_and_a_clause_and_spares_comments(tmp_path: Path) -> None:
    # Given a template that cites a document in a comment, then names a code and quotes a clause
    bad = tmp_path / "probe.html"
    bad.write_text(
        "{# F04: ZZ21 三(四) 享受30%—50%预拨补贴 #}\n"
        "<p>{{ clause }}</p>\n"
        "<p>依据 HC21 的规定</p>\n"
        "<p>整改期（六(二)3）</p>\n"
        "{# a comment\n over two lines: XC23 #}<p>ZZHS21 表1</p>\n",
        encoding="utf-8",
    )
    # Then the code and the clause are reported by line, and the comments are not
    assert template_findings(bad, "core/templates/probe.html") == [
        "core/templates/probe.html:3 names a profile code: HC21",
        "core/templates/probe.html:4 quotes a clause: 六(二)",
        "core/templates/probe.html:6 names a profile code: ZZHS21",
    ]
