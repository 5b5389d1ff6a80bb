"""Where an event is seen: its scope.

An event carries three scope columns, copied at write time so that an official's view of the trail is
one indexed filter: the region path (whose chain the event joins, and whose officials read it), the
department and the organisation. A model whose events are always scoped the same way says so once, in
its ``audit_scope()``; the writers in ``jineng.audit.services`` take it from the event's object, or
from the object passed as ``scope=`` (a leave record is seen where its class is seen).

This module imports no model, so that any app's models may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class EventScope:
    region_path: str = ""
    department_id: int | None = None
    organisation_id: int | None = None


class Scoped(Protocol):
    """A model that knows where its events are seen."""

    def audit_scope(self) -> EventScope: ...


NOWHERE = EventScope()


def scope_resolve(
    obj: Any,
    scope: EventScope | Scoped | None = None,
    region_path: str = "",
    department_id: int | None = None,
    organisation_id: int | None = None,
) -> EventScope:
    """The scope of an event about ``obj``: ``scope`` if given (an EventScope, or an object whose
    scope it is); else the three columns if any is given; else the object's own ``audit_scope()``;
    else none (an event of the whole installation, region path ``""``).

    Given both ``scope`` and a column, it refuses: one event, one scope, stated once."""
    spelled = bool(region_path) or department_id is not None or organisation_id is not None
    if scope is not None:
        if spelled:
            raise TypeError(
                "an event's scope is given once: scope=, or region_path/department_id/organisation_id"
            )
        return scope if isinstance(scope, EventScope) else scope.audit_scope()
    if spelled:
        return EventScope(region_path, department_id, organisation_id)
    own = getattr(obj, "audit_scope", None)
    return own() if own is not None else NOWHERE
