"""Who owns the work of each task: the app that enqueues a task says, for the watchdog, which of its
objects' work is over and how to fail the others with a message their users see.

An app registers its tasks from its ``tasks.py`` (which the Celery app loads in every process, and the
watchdog loads before it looks), so the outbox itself knows no programme."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Owner:
    # Of these object ids, those whose work is over (done, refused, failed: nothing left to run).
    finished: Callable[[Sequence[int]], Collection[int]]
    # Fail these objects' work for good, in the caller's transaction, with a message the user reads.
    give_up: Callable[[Sequence[int]], None]


_owners: dict[str, Owner] = {}


def owner_register(
    task: str,
    *,
    finished: Callable[[Sequence[int]], Collection[int]],
    give_up: Callable[[Sequence[int]], None],
) -> None:
    _owners[task] = Owner(finished=finished, give_up=give_up)


def owner_of(task: str) -> Owner | None:
    if task not in _owners:
        # The watchdog may run in a process (manage.py) that has not loaded the apps' tasks yet.
        from jineng.celery import app

        app.loader.import_default_modules()
    return _owners.get(task)
