"""The demo, loaded once for the three modules that read it (test_demo, test_demo_progress, test_plans).

It takes seconds to load: it is loaded once for the package inside a transaction rolled back after the
package's last test, and each test runs in its own savepoint (pytest-django), so what one writes is undone
before the next. The whole package is one xdist group, so one worker loads it once.

A package-scoped fixture stays set up until the next test is outside the package: the modules that use it
are therefore run after the package's other tests (test_demo_production must see an empty database),
each keeping its own order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from jineng.demo.services import demo_load

HERE = Path(__file__).parent


@pytest.fixture(scope="package")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        assert demo_load() is True
        yield
        transaction.set_rollback(True)


def _in_package(item: pytest.Item) -> bool:
    return Path(str(item.path)).parent == HERE


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The package's tests share one worker; those using the demo come last and together, so that no
    # other test of the package runs while it is loaded (a stable sort keeps every other order).
    mine = [i for i, item in enumerate(items) if _in_package(item)]
    if not mine:
        return
    for i in mine:
        items[i].add_marker(pytest.mark.xdist_group("demo"))
    ordered = sorted((items[i] for i in mine), key=lambda item: "demo" in getattr(item, "fixturenames", ()))
    for i, item in zip(mine, ordered, strict=True):
        items[i] = item
