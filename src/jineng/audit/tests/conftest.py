"""The audit app's own tests write events of placeholder kinds (``t.a``, ``x.y``, ``test.midnight``):
what they test is the trail's mechanics, not any domain's kinds. They are registered for these tests
only, so that the registry the services use stays the real one."""

from __future__ import annotations

import pytest

from jineng.audit import kinds

PLACEHOLDERS = (
    ["t.a", "t.b", "t.c", "t.d", "t.many", "t.after", "x.y", "region.renamed"]
    + [f"t.{i}" for i in range(10)]
    + [f"test.{label}" for label in ("before", "midnight", "evening", "next")]
)


@pytest.fixture(autouse=True)
def _placeholder_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = {code: kinds.EventKind(code, f"测试事件 {code}") for code in PLACEHOLDERS}
    monkeypatch.setattr(kinds, "KINDS", {**kinds.KINDS, **extra})
