"""The one way to write the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models, transaction

from jineng.audit.models import Event


class AuditOutsideTransaction(RuntimeError):
    pass


def event_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    from_state: str = "",
    to_state: str = "",
    payload: dict[str, Any] | None = None,
    region_path: str = "",
    department_id: int | None = None,
    organisation_id: int | None = None,
) -> Event:
    """Append an event for ``obj``. Must run inside the transaction that makes the change, so that the
    change and its trail commit or roll back together."""
    _require_transaction(action)
    return Event.objects.create(
        **_fields(
            actor=actor,
            action=action,
            obj=obj,
            from_state=from_state,
            to_state=to_state,
            payload=payload,
            region_path=region_path,
            department_id=department_id,
            organisation_id=organisation_id,
        )
    )


def events_record(
    *,
    actor: Any,
    action: str,
    objs: Sequence[models.Model],
    to_state: str = "",
    payload: dict[str, Any] | None = None,
    region_path: str = "",
    organisation_id: int | None = None,
) -> int:
    """The same event for many objects in one insert (a roster creates thousands of persons at once)."""
    _require_transaction(action)
    rows = [
        Event(
            **_fields(
                actor=actor,
                action=action,
                obj=obj,
                to_state=to_state,
                payload=payload,
                region_path=region_path,
                organisation_id=organisation_id,
            )
        )
        for obj in objs
    ]
    Event.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _require_transaction(action: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(f"{action}: the event must be written inside the change's transaction")


def _fields(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    from_state: str = "",
    to_state: str = "",
    payload: dict[str, Any] | None = None,
    region_path: str = "",
    department_id: int | None = None,
    organisation_id: int | None = None,
) -> dict[str, Any]:
    user = actor if getattr(actor, "pk", None) else None
    return {
        "actor": user,
        "actor_label": (getattr(user, "label", "") or "系统") if user else "系统",
        "actor_role": getattr(user, "role", "") or "",
        "action": action,
        "object_type": obj._meta.label,
        "object_id": str(obj.pk),
        "object_label": str(obj)[:200],
        "from_state": from_state,
        "to_state": to_state,
        "payload": payload or {},
        "region_path": region_path,
        "department_id": department_id,
        "organisation_id": organisation_id,
    }
