"""The one way to write the audit trail.

Every write chains its events to their region's chain (jineng.audit.chain): it locks the region's
ChainHead row until the transaction ends, hashes each event onto the head's hash and moves the head.
A transaction that writes events of several regions one by one (event_record) locks their heads in
the order it writes; the bulk writers know their regions up front and lock them sorted. Two
transactions that lock two heads in opposite orders are ended by PostgreSQL's deadlock check (one
of them fails and rolls back); on SQLite writers are serialised by IMMEDIATE transactions anyway.

Every service writes its events through these functions, directly: no app keeps a helper of its own.
An event's scope (region path, department, organisation) is the object's own when its model says
where its events are seen (``audit_scope()``, see jineng.audit.scope), or that of the object given
as ``scope=``, or the three columns spelled out; ``scope_resolve`` is the one place that decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from jineng.audit import chain, kinds
from jineng.audit.models import ChainHead, Event
from jineng.audit.scope import EventScope, Scoped, scope_resolve

__all__ = [
    "AuditOutsideTransaction",
    "EventScope",
    "Scoped",
    "event_record",
    "events_record",
    "events_record_many",
    "events_record_objects",
]


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
    scope: EventScope | Scoped | None = None,
    region_path: str = "",
    department_id: int | None = None,
    organisation_id: int | None = None,
) -> Event:
    """Append an event for ``obj``. Must run inside the transaction that makes the change, so that the
    change and its trail commit or roll back together.

    Its scope: ``scope`` (an EventScope, or the object whose scope it takes: the class, for a leave
    record), or the three columns, or else ``obj``'s own (see jineng.audit.scope.scope_resolve)."""
    _require_transaction(action)
    where = scope_resolve(obj, scope, region_path, department_id, organisation_id)
    event = Event(
        at=timezone.now(),
        **_fields(
            actor=actor,
            action=action,
            obj=obj,
            from_state=from_state,
            to_state=to_state,
            payload=payload,
            region_path=where.region_path,
            department_id=where.department_id,
            organisation_id=where.organisation_id,
        ),
    )
    connection = connections[router.db_for_write(Event)]
    event.prev_hash = _heads_lock(connection, [where.region_path])[where.region_path]
    event.hash = chain.link(event.prev_hash, [_column(event, name) for name in chain.COLUMNS])
    event.save(force_insert=True)
    _heads_move(connection, {where.region_path: event.hash})
    return event


def _column(event: Event, name: str) -> Any:
    value = getattr(event, name)
    return chain.plain(value) if name == "payload" else value


def _heads_lock(connection: Any, regions: Iterable[str]) -> dict[str, str]:
    """Lock the heads of these regions' chains until the transaction ends (making the missing ones)
    and read their hashes. Sorted, so that two bulk writes over the same regions cannot deadlock."""
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    heads = {}
    with connection.cursor() as cursor:
        for region in sorted(set(regions)):
            # One statement locks an existing head and makes a new one (locked as well).
            cursor.execute(
                f"INSERT INTO {table} (region_path, hash) VALUES (%s, '') "
                f"ON CONFLICT (region_path) DO UPDATE SET hash = {table}.hash RETURNING hash",
                [region],
            )
            heads[region] = cursor.fetchone()[0]
    return heads


def _heads_move(connection: Any, heads: dict[str, str]) -> None:
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET hash = %s WHERE region_path = %s",
            [(digest, region) for region, digest in heads.items()],
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
    """The same event for many objects in one insert: see events_record_objects."""
    if not objs:
        _require_transaction(action)
        return 0
    return events_record_objects(
        actor=actor,
        action=action,
        object_type=objs[0]._meta.label,
        objects=[(obj.pk, str(obj)) for obj in objs],
        to_state=to_state,
        payload=payload,
        region_path=region_path,
        organisation_id=organisation_id,
    )


def events_record_objects(
    *,
    actor: Any,
    action: str,
    object_type: str,
    objects: Sequence[tuple[Any, str]],
    to_state: str = "",
    payload: dict[str, Any] | None = None,
    region_path: str = "",
    organisation_id: int | None = None,
) -> int:
    """The same event for many objects of one model, given as (pk, label) pairs, in one insert (a
    roster registers thousands of persons at once).

    Only the object differs from one event to the next: the rest is converted for the database once,
    and the rows go in as plain values (COPY on PostgreSQL, executemany on SQLite). The caller passes
    what ``str(obj)`` would give, so that thousands of rows it has just written need not be made into
    model instances only to be labelled (that cost more than the inserts)."""
    _require_transaction(action)
    if not objects:
        return 0
    same = _fields(
        actor=actor,
        action=action,
        obj=None,
        to_state=to_state,
        payload=payload,
        region_path=region_path,
        organisation_id=organisation_id,
    )
    same["at"] = timezone.now()
    same["actor"] = same["actor"].pk if same["actor"] is not None else None
    connection = connections[router.db_for_write(Event)]
    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    per_object = ("object_type", "object_id", "object_label")
    per_event = ("prev_hash", "hash")
    values = [
        None if f.name in per_object + per_event else f.get_db_prep_save(same[f.name], connection)
        for f in fields
    ]
    first = next(i for i, f in enumerate(fields) if f.name in per_object)
    assert [f.name for f in fields[first : first + 3]] == list(per_object)
    assert [f.name for f in fields[-2:]] == list(per_event)
    head, tail = values[:first], values[first + 3 : -2]
    # The chain: the columns every event shares are encoded once, the object's three per event.
    same["actor_id"] = same["actor"]
    same["payload"] = chain.plain(same["payload"])
    encoded = chain.parts([same.get(name) for name in chain.COLUMNS])
    at = chain.COLUMNS.index("object_type")
    assert chain.COLUMNS[at : at + 3] == per_object
    before, after = ",".join(encoded[:at]), ",".join(encoded[at + 3 :])
    prev = _heads_lock(connection, [region_path])[region_path]
    rows = []
    for pk, label in objects:
        object_id, object_label = str(pk), label[:200]
        own = ",".join((chain.encode(object_type), chain.encode(object_id), chain.encode(object_label)))
        digest = chain.link_parts(prev, (before, own, after))
        rows.append((*head, object_type, object_id, object_label, *tail, prev, digest))
        prev = digest
    _write(connection, fields, rows)
    _heads_move(connection, {region_path: prev})
    return len(rows)


def _write(connection: Any, fields: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
    table = connection.ops.quote_name(Event._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def events_record_many(*, actor: Any, action: str, items: Sequence[dict[str, Any]]) -> int:
    """One event per item, each with its own object, states, payload and scope (``obj``, ``from_state``,
    ``to_state``, ``payload``, ``scope``, ``region_path``, ``department_id``, ``organisation_id``: the
    arguments of ``event_record``, the scope resolved as there), in one write inside the caller's
    transaction — the rows ``event_record`` would write one by one. The actor's columns and the time
    are converted once; per event only the payload goes through its field (JSON), the rest are plain
    strings and numbers. A batch of claims writes tens of thousands of events, where converting every
    column of every row cost more than the insert."""
    _require_transaction(action)
    if not items:
        return 0
    connection = connections[router.db_for_write(Event)]
    user = actor if getattr(actor, "pk", None) else None
    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    names = [f.name for f in fields]
    # The row below is built in the chain's column order, then the two hashes.
    assert [n if n != "actor" else "actor_id" for n in names] == [*chain.COLUMNS, "prev_hash", "hash"], names
    now = timezone.now()
    at = fields[0].get_db_prep_save(now, connection)
    actor_id = user.pk if user is not None else None
    label = (getattr(user, "label", "") or "系统") if user else "系统"
    role = getattr(user, "role", "") or ""
    payload_field = fields[10]
    # The time, the actor and the action are the same for every event: encoded once for the chain.
    before = ",".join(chain.parts([now, actor_id, label, role, action]))
    assert chain.COLUMNS[5] == "object_type"
    scopes = [
        scope_resolve(
            item["obj"],
            item.get("scope"),
            item.get("region_path", ""),
            item.get("department_id"),
            item.get("organisation_id"),
        )
        for item in items
    ]
    heads = _heads_lock(connection, {where.region_path for where in scopes})
    rows = []
    for item, where in zip(items, scopes, strict=True):
        obj = item["obj"]
        payload = item.get("payload") or {}
        region = where.region_path
        row = (
            obj._meta.label,
            str(obj.pk),
            str(obj)[:200],
            item.get("from_state", ""),
            item.get("to_state", ""),
            chain.plain(payload),
            region,
            where.department_id,
            where.organisation_id,
        )
        prev = heads[region]
        heads[region] = digest = chain.link_parts(prev, (before, *map(chain.encode, row)))
        rows.append(
            (
                at,
                actor_id,
                label,
                role,
                action,
                *row[:5],
                payload_field.get_db_prep_save(payload, connection),
                *row[6:],
                prev,
                digest,
            )
        )
    _write(connection, fields, rows)
    _heads_move(connection, heads)
    return len(rows)


def _require_transaction(action: str) -> None:
    # Every writer passes here first: an unregistered kind is refused before anything is written.
    kinds.require_registered(action)
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(f"{action}: the event must be written inside the change's transaction")


def _fields(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None,
    from_state: str = "",
    to_state: str = "",
    payload: dict[str, Any] | None = None,
    region_path: str = "",
    department_id: int | None = None,
    organisation_id: int | None = None,
) -> dict[str, Any]:
    """An event's columns; without ``obj`` the object's three are left to the caller."""
    user = actor if getattr(actor, "pk", None) else None
    return {
        "actor": user,
        "actor_label": (getattr(user, "label", "") or "系统") if user else "系统",
        "actor_role": getattr(user, "role", "") or "",
        "action": action,
        "object_type": obj._meta.label if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_label": str(obj)[:200] if obj is not None else "",
        "from_state": from_state,
        "to_state": to_state,
        "payload": payload or {},
        "region_path": region_path,
        "department_id": department_id,
        "organisation_id": organisation_id,
    }
