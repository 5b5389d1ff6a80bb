"""A user's scope: the region subtree they see, narrowed to a department or an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q

from jineng.core.roles import DEPT_ROLES, ORG_ROLES, Role


class ViewerRegion(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def path(self) -> str: ...


class Viewer(Protocol):
    """What scoping reads of a user. Defined here, below accounts, so that the apps accounts builds on
    (regions, organisations, people, audit) can scope their reads without importing accounts."""

    @property
    def is_authenticated(self) -> bool: ...
    @property
    def role(self) -> str: ...
    @property
    def region(self) -> ViewerRegion | None: ...
    @property
    def department_id(self) -> int | None: ...
    @property
    def organisation_id(self) -> int | None: ...
    @property
    def person_id(self) -> int | None: ...


# Matches nothing: a path never starts with this.
_NOWHERE = "\x00"


@dataclass(frozen=True)
class Scope:
    role: str
    region_id: int | None
    region_path: str
    department_id: int | None
    organisation_id: int | None
    person_id: int | None

    @property
    def is_department(self) -> bool:
        return self.role in DEPT_ROLES

    @property
    def is_organisation(self) -> bool:
        return self.role in ORG_ROLES

    def region_q(self, field: str = "region") -> Q:
        return Q(**{f"{field}__path__startswith": self.region_path})

    def contains_path(self, path: str) -> bool:
        return path.startswith(self.region_path)


def scope_of(user: Viewer) -> Scope:
    """Users without a role or region (e.g. a bare superuser) see nothing through the application."""
    region = user.region if user.is_authenticated else None
    path = region.path if region is not None and user.role else _NOWHERE
    return Scope(
        role=user.role or "",
        region_id=region.pk if region is not None else None,
        region_path=path,
        department_id=user.department_id,
        organisation_id=user.organisation_id,
        person_id=user.person_id if user.role == Role.TRAINEE else None,
    )
