"""Issue 13.4: one way to report a refusal on a page (core.feedback), one typed request user.

A scan of the source, so that a new view that swallows a refusal's per-row violations, or a new
copy of ``_user(request)`` with a type ignore, fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django import forms

from jineng.core.errors import Refusal
from jineng.core.feedback import SHOWN_VIOLATIONS, form_refused, refusal_lines
from jineng.policy.violations import Violation

SRC = Path(__file__).resolve().parents[2]  # src/jineng
REPORTERS = frozenset({"refused", "form_refused", "refusal_lines", "act", "act_returning"})
# The results-entry table puts each violation on the form of its own trainee's row.
ALLOWED = {("assessment/views.py", "results")}


def _app_modules() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py")) if "/tests/" not in str(p) and "/migrations/" not in str(p)]


def _handlers_not_reporting(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = str(path.relative_to(SRC))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        for node in ast.walk(func):
            if not (isinstance(node, ast.ExceptHandler) and node.type is not None):
                continue
            caught = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
            if "Refusal" not in caught:
                continue
            calls = {
                c.func.id if isinstance(c.func, ast.Name) else getattr(c.func, "attr", "")
                for c in ast.walk(node)
                if isinstance(c, ast.Call)
            }
            reraises = any(isinstance(n, ast.Raise) for n in ast.walk(node))
            if not (calls & REPORTERS) and not reraises and (rel, func.name) not in ALLOWED:
                found.append(f"{rel}:{node.lineno} ({func.name})")
    return found


def test_every_page_reports_a_refusal_through_core_feedback() -> None:
    views = [p for p in _app_modules() if p.name.startswith("views") or p.name.endswith("_views.py")]
    assert len(views) > 15
    problems = [h for p in views for h in _handlers_not_reporting(p)]
    assert problems == []


def test_no_view_drops_a_refusals_violations() -> None:
    # messages.error(request, exc.render()) shows the headline and drops the per-row violations.
    pattern = re.compile(r"messages\.error\(request, \w+\.render\(\)\)")
    offenders = [
        str(p.relative_to(SRC))
        for p in _app_modules()
        if p.name != "feedback.py" and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_one_typed_request_user() -> None:
    copies = [
        str(p.relative_to(SRC))
        for p in _app_modules()
        if re.search(r"def _user\(request", p.read_text(encoding="utf-8"))
    ]
    ignored = [
        f"{p.relative_to(SRC)}:{n}"
        for p in _app_modules()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if "request.user" in line and "# type: ignore" in line
    ]
    assert copies == [] and ignored == []


class _Form(forms.Form):
    name = forms.CharField(label="姓名")
    phone = forms.CharField(label="手机号")


def test_form_refused_puts_each_violation_next_to_its_field() -> None:
    form = _Form({"name": "李明", "phone": "1"})
    assert form.is_valid()
    exc = Refusal.from_violations(
        "花名册有 2 处问题",
        [
            Violation("B01", "GB 11643", "号码校验位不符", field="手机号", row=3),
            Violation("A14", "某条款", "无对应字段", field="不存在", row=4),
        ],
    )
    form_refused(form, exc)
    assert form.errors["phone"] == [exc.violations[0].render()]
    assert form.non_field_errors() == ["花名册有 2 处问题", exc.violations[1].render()]


def test_refusal_lines_are_the_headline_then_the_first_violations() -> None:
    many = [Violation("B01", "GB 11643", f"第{i}个", row=i) for i in range(SHOWN_VIOLATIONS + 5)]
    lines = refusal_lines(Refusal.from_violations("有问题", many))
    assert lines[0] == "有问题" and len(lines) == 1 + SHOWN_VIOLATIONS
    assert lines[1] == many[0].render()
