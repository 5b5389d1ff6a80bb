"""Operations tasks: things an operator runs to see that the queue works end to end."""

from __future__ import annotations

import socket
from typing import Any

from celery import shared_task, signals

ROUNDTRIP_SEPARATOR = " "

# The node name of the worker running in this process (celery@host), learnt when it starts: the
# task request carries only the bare host name under the solo pool, the node name under prefork.
_worker: dict[str, str] = {}


@signals.worker_init.connect
def _remember_worker(sender: Any = None, **kwargs: Any) -> None:
    if getattr(sender, "hostname", None):
        _worker["name"] = str(sender.hostname)


@signals.worker_process_init.connect
def _remember_worker_process(sender: Any = None, **kwargs: Any) -> None:
    if isinstance(sender, str) and sender:
        _worker["name"] = sender


@shared_task(bind=True, name="jineng.core.broker_roundtrip", ignore_result=False)
def broker_roundtrip(self: Any, nonce: str) -> str:
    """Echo ``nonce`` back with the name of the worker that ran it.

    Touches no database and no file: running it twice, or late, is harmless. The answer is
    ``"<nonce> <worker name>"`` (worker names never contain a space); read it with
    :func:`split_roundtrip`. Run eagerly (embedded mode) there is no worker: the answer names
    ``eager@<host>``.
    """
    if self.request.is_eager:
        worker = f"eager@{socket.gethostname()}"
    else:
        worker = _worker.get("name") or self.request.hostname or socket.gethostname()
    return f"{nonce}{ROUNDTRIP_SEPARATOR}{worker}"


def split_roundtrip(answer: str) -> tuple[str, str]:
    """``(nonce, worker name)`` from the answer of :func:`broker_roundtrip`."""
    nonce, _, worker = answer.rpartition(ROUNDTRIP_SEPARATOR)
    return nonce, worker
