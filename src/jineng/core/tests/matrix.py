"""The shape of a scope-matrix row, shared by core's matrix and each app's ``tests/scope_cases.py``.

An app adds its pages and operations to the matrix by defining ``CASES: tuple[Case, ...]`` in
``jineng/<app>/tests/scope_cases.py``; ``test_scope_matrix`` collects them and fails on any route
that no row names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.roles import CAPABILITIES, Role

ROLES = [r.value for r in Role]
API = "/api/v1"
EVERYONE = frozenset(ROLES)

Path = Callable[[World, User], "str | None"]
Paths = Callable[[World, User], list[str]]
Data = Callable[[World, User], dict[str, Any]]
Datas = Callable[[World, User], list[dict[str, Any]]]


def _none(w: World, u: User) -> list[Any]:
    return []


def fixed(url: str) -> Path:
    return lambda w, u: url


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # a Django route ("people/<int:person_id>/") or an API path ("/api/v1/people/{person_id}")
    roles: frozenset[str]  # roles that may use it
    path: Path  # URL of an object in the user's scope (None: the role has nothing in scope)
    foreign: Paths = _none  # URLs of objects outside the user's scope → 404
    data: Data | None = None  # body of a write
    foreign_data: Datas = _none  # bodies naming something outside the scope → 404 (API) / form error
    ok: int = 200
    delta: dict[str, int] = field(default_factory=dict)  # what a successful write adds
    scoped: bool = False  # the path or body names a scoped object: a Xuchang twin must get 404
    form: bool = False  # a page form: an out-of-scope choice is a form error (the choice is not offered)

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.route)

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}"


def roles(*capabilities: str) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for cap in capabilities:
        out |= {r.value for r in CAPABILITIES[cap]}
    return out
