"""The audit trail's hash chain: one chain per region (an event's ``region_path``).

Each event carries ``prev_hash`` (the ``hash`` of the event before it in its region's chain, "" for
the first) and ``hash`` = sha256 over a canonical serialisation of its own columns and ``prev_hash``.
Changing, removing or inserting an event anywhere in a chain breaks a link that ``manage.py
audit_verify`` finds: the triggers and the database roles stop the application from rewriting the
trail; the chain shows whether anyone (the tables' owner included) did.

The hash is computed in Python at insert time, by the one process that writes the row (the
application's database role may only INSERT into audit_event). The canonical form is chosen so that
the values read back from either database give the same bytes as the values written: the time in
UTC with microseconds, the payload as sorted-key JSON with integral floats written as integers
(PostgreSQL's jsonb prints 1e16 as 10000000000000000, which reads back as an int).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# The columns that are hashed, in this order, after the previous hash. Changing the list or the form
# changes every hash: it would need a new VERSION and a migration that re-chains the trail.
VERSION = 1
COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "from_state",
    "to_state",
    "payload",
    "region_path",
    "department_id",
    "organisation_id",
)
_AT = COLUMNS.index("at")
_PAYLOAD = COLUMNS.index("payload")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode


def stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value: Any) -> Any:
    """A payload as the database gives it back: str keys, lists for tuples, integral floats as ints."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parts(values: Sequence[Any]) -> list[str]:
    """Each of COLUMNS' ``values`` (``at`` a datetime, ``payload`` already ``plain``) in its canonical
    JSON form. A bulk write encodes the columns its events share once and only the rest per event."""
    return [_dumps(stamp(v) if i == _AT else v) for i, v in enumerate(values)]


def encode(value: Any) -> str:
    """One column's canonical JSON form (not ``at``: see ``parts``)."""
    return _dumps(value)


def link_parts(prev_hash: str, encoded: Sequence[str]) -> str:
    # The JSON array [VERSION, prev_hash, *columns], written out: the encoder joins the items of a
    # list with "," and nothing else (separators above), so this is the same text as _dumps(list).
    text = f"[{VERSION},{_dumps(prev_hash)},{','.join(encoded)}]"
    return hashlib.sha256(text.encode()).hexdigest()


def link(prev_hash: str, values: Sequence[Any]) -> str:
    """The hash of an event whose COLUMNS hold ``values`` (``at`` a datetime, ``payload`` already
    ``plain``), chained to ``prev_hash``."""
    return link_parts(prev_hash, parts(values))


@dataclass(frozen=True)
class Break:
    """The first link of a chain that does not hold."""

    event_id: int | None  # None: the chain's head does not match its last event
    region_path: str
    what: str
    expected: str
    found: str


@dataclass
class Report:
    events: int
    chains: int
    breaks: list[Break]


def verify(
    events: Iterable[tuple[int, str, str, Sequence[Any]]], heads: dict[str, str], *, regions: set[str] | None
) -> Report:
    """Walk ``events`` — (id, prev_hash, hash, values of COLUMNS) in id order — keeping the last hash
    of each chain, and report the first broken link of each chain. After a break the walk goes on
    from the stored hash, so that one changed event is reported once, not with every event after it.
    ``heads`` (region → the chain head's hash) must match each chain's last event."""
    last: dict[str, str] = {}
    broken: dict[str, Break] = {}
    count = 0
    region_at = COLUMNS.index("region_path")
    for event_id, prev_hash, stored, values in events:
        count += 1
        region = values[region_at]
        expected_prev = last.get(region, "")
        last[region] = stored
        if region in broken:
            continue
        if prev_hash != expected_prev:
            broken[region] = Break(event_id, region, "prev_hash", expected_prev, prev_hash)
            continue
        computed = link(prev_hash, [plain(v) if i == _PAYLOAD else v for i, v in enumerate(values)])
        if computed != stored:
            broken[region] = Break(event_id, region, "hash", computed, stored)
    for region in sorted(set(heads) | set(last)):
        if region in broken or (regions is not None and region not in regions):
            continue
        head, tail = heads.get(region, ""), last.get(region, "")
        if head != tail:
            broken[region] = Break(None, region, "head", tail, head)
    ordered = sorted(broken.values(), key=lambda b: (b.event_id is None, b.event_id or 0, b.region_path))
    return Report(events=count, chains=len(last), breaks=ordered)


def rows(values: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, str, str, tuple[Any, ...]]]:
    """(id, prev_hash, hash, *COLUMNS) rows as ``verify`` takes them."""
    for row in values:
        yield row[0], row[1], row[2], row[3:]
