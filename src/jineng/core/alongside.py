"""Database writes that run on a second thread, inside the caller's transaction, while the caller
computes something else.

Why: a 10,000-row roster is checked in Python (one core) and written by the database server (the other
core). Run one after the other, each core waits for the other; run together, the import takes about
as long as the longer of the two. The rows are written speculatively: if the check then finds a
problem, the caller cancels the writer and rolls the transaction back, so nothing is half-written.

The writer uses the caller's own connection (so it is in the same transaction and the rows vanish
with a rollback). The caller must not use the database until it has called ``result()`` or
``cancel()``: one connection serves one statement at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside the writer by ``Alongside.check`` once the caller has cancelled it."""


class Alongside(Generic[T]):
    """``work(check)`` on another thread; ``work`` calls ``check()`` between chunks of rows, which
    raises Cancelled once the caller has given up on the result."""

    def __init__(self, work: Callable[[Callable[[], None]], T], *, using: str = DEFAULT_DB_ALIAS) -> None:
        self._using = using
        self._connection = connections[using]
        self._cancelled = threading.Event()
        self._result: T | None = None
        self._error: BaseException | None = None
        self._done = False
        # Django refuses a connection used from a thread other than its own unless this is raised.
        self._connection.inc_thread_sharing()
        self._thread = threading.Thread(target=self._run, args=(work,), name="jineng-alongside", daemon=True)
        self._thread.start()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled

    def _run(self, work: Callable[[Callable[[], None]], T]) -> None:
        connections[self._using] = self._connection
        try:
            self._result = work(self.check)
        except BaseException as exc:  # handed to the caller's thread by result()
            self._error = exc
        finally:
            del connections[self._using]

    def _join(self) -> None:
        if not self._done:
            self._thread.join()
            self._connection.dec_thread_sharing()
            self._done = True

    def result(self) -> T:
        """Wait for the writer; its exception, if any, is raised here."""
        self._join()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stop the writer at its next check and wait for it; what it wrote is the caller's to roll
        back (by leaving its atomic block with an exception or set_rollback)."""
        self._cancelled.set()
        self._join()
