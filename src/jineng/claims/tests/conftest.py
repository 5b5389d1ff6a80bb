from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_objection_allowance() -> Iterator[None]:
    """18.11: each test starts with a full hourly allowance of objections (counted in the cache)."""
    cache.clear()
    yield
    cache.clear()
