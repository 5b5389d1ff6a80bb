"""Writing rows by the thousand: plain tuples into a table, and ids reserved ahead of the rows.

A roster of 10,000 trainees or a batch of a million claim lines as model instances (bulk_create) cost
more than judging them; these write the values as the fields hold them, without an instance or a bound
parameter per value.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, connections, models, router
from django.db.models.expressions import RawSQL


def copy_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows into ``model``'s table: COPY on PostgreSQL (psycopg formats the rows in C),
    executemany on SQLite. ``names`` are field names or attnames (``person`` or ``person_id``); values
    are given as the fields hold them (dates, datetimes, bools, the ids of foreign keys)."""
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    concrete = {key: f for f in model._meta.concrete_fields for key in (f.name, f.attname)}
    fields = [concrete[name] for name in names]
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # SQLite keeps datetimes as naive UTC text: Django's conversion, not the sqlite3 module's.
        stamps = {i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"}
        if stamps:
            adapt = connection.ops.adapt_datetimefield_value
            rows = [tuple(adapt(v) if i in stamps else v for i, v in enumerate(row)) for row in rows]
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """On PostgreSQL, ``n`` ids from the table's sequence in one query, so that rows can go in with
    their ids and their children with them, without reading the new ids back. Elsewhere none: SQLite
    hands out ids only as rows go in (the caller inserts, then reads them back)."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or n == 0:
        return []
    with connection.cursor() as cursor:
        # The sequence is looked up once (MATERIALIZED): inlined, the lookup ran for every id and cost
        # five times the nextval calls themselves.
        cursor.execute(
            "WITH seq AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS s) "
            "SELECT nextval(seq.s) FROM seq, generate_series(1, %s)",
            [model._meta.db_table, n],
        )
        return [row[0] for row in cursor.fetchall()]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch runs. A roster or a batch of claims makes hundreds of
    thousands to millions of small objects (cells, rows, facts, lines), none of them in a cycle, which
    reference counting frees anyway; the collector walked them again and again as they piled up (a
    fifth of a million-line claims run; a tenth of a roster import, and most of its run-to-run
    spread). Whoever turned it off turns it back on, so overlapping batches in one process leave it on."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def id_list(ids: Iterable[int], otherwise: Any) -> Any:
    """The right-hand side of ``__in`` for a batch's thousands of ids (classes, claims, persons).

    On PostgreSQL the ids go as one string that the server splits (psycopg binds a long list value by
    value in Python, and the planner then walks the index rather than hashing the whole table, as it
    does for the equivalent sub-select; a thousand separate parameters cost more to quote and parse than
    the rows they select); SQLite caps the number of parameters, so there ``otherwise`` (the same ids
    as a sub-select, or the list itself when it is short) is used."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(string_to_array(%s, ','))::bigint", [",".join(str(i) for i in ids)])
    return otherwise
