"""A user's scope: the region subtree they see, narrowed to a department or an organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from jineng.accounts.models import User
from jineng.accounts.roles import DEPT_ROLES, ORG_ROLES, Role

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


def scope_of(user: User) -> Scope:
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
