"""Writes on a second thread in the caller's transaction (core.alongside): the roster import's writer."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import transaction

from jineng.core.alongside import Alongside, Cancelled
from jineng.regions.models import Region

pytestmark = pytest.mark.django_db


def _add(name: str) -> Callable[[Callable[[], None]], int]:
    def work(check: Callable[[], None]) -> int:
        check()
        return Region.objects.create(name=name, kind="province", path=f"/{name}/").pk

    return work


def test_the_writer_writes_in_the_callers_transaction() -> None:
    # Given a writer started inside an atomic block
    with transaction.atomic():
        pk = Alongside(_add("甲省")).result()
        # then what it wrote is visible to the caller before commit,
        assert Region.objects.get(pk=pk).name == "甲省"
        transaction.set_rollback(True)
    # and goes with the caller's rollback.
    assert not Region.objects.filter(pk=pk).exists()


def test_a_cancelled_writer_stops_at_its_next_check() -> None:
    started, go_on = threading.Event(), threading.Event()
    seen: list[str] = []

    def work(check: Callable[[], None]) -> int:
        started.set()
        go_on.wait(5)
        try:
            check()
        except Cancelled:
            seen.append("cancelled")
            raise
        seen.append("went on")
        return 1

    with transaction.atomic():
        writer = Alongside(work)
        started.wait(5)
        # When the caller cancels while the writer works,
        threading.Timer(0.05, go_on.set).start()
        writer.cancel()
    # then the writer stopped at its check, and cancel() returned after it had.
    assert seen == ["cancelled"]


def test_the_writers_exception_reaches_the_caller() -> None:
    def work(check: Callable[[], None]) -> int:
        raise ValueError("bad row")

    with transaction.atomic(), pytest.raises(ValueError, match="bad row"):
        Alongside(work).result()


def test_the_connection_is_the_callers_own_again_afterwards() -> None:
    with transaction.atomic():
        Alongside(_add("乙省")).result()
        # The caller goes on using its connection as before (Django checks which thread uses it).
        assert Region.objects.filter(name="乙省").count() == 1
