"""The Celery wiring: eager in-process by default, and a real worker round trip through Redis."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import CommandError, call_command

from jineng.celery import app
from jineng.core.tasks import broker_roundtrip, split_roundtrip


@pytest.fixture
def redis_url() -> str:
    """REDIS_URL, or a skip with the reason — except under CI=true, where a skip would hide the test."""
    url = os.environ.get("REDIS_URL", "").strip()
    if url:
        return url
    reason = "REDIS_URL 未设置：真实 Redis 往返测试只在提供 Redis 时运行（.ci/run 会设置）"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true 时不得跳过：{reason}")
    pytest.skip(reason)


def _drop_connections() -> None:
    """Forget the broker pool and result backend built from the previous configuration.

    Only forgotten, not closed: kombu keeps one pool per broker URL for the whole process.
    """
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def celery_conf(**overrides: Any) -> Iterator[None]:
    """Run against another broker / result backend / eagerness, and put everything back after."""
    saved = {key: app.conf[key] for key in overrides}
    app.conf.update(overrides)
    _drop_connections()
    try:
        yield
    finally:
        _drop_connections()
        app.conf.update(saved)


# --- (a) the embedded default: eager, in-process --------------------------------------------------


def test_default_mode_is_eager() -> None:
    assert app.conf.task_always_eager is True
    assert app.conf.task_eager_propagates is True
    assert app.conf.task_serializer == "json"
    assert "jineng.core.broker_roundtrip" in app.tasks


def test_roundtrip_runs_in_process_when_eager() -> None:
    nonce = secrets.token_hex(8)
    result = broker_roundtrip.delay(nonce)
    nonce_back, worker = split_roundtrip(result.get(timeout=1))
    assert nonce_back == nonce
    assert worker.startswith("eager@")


def test_roundtrip_is_idempotent_and_keeps_odd_nonces() -> None:
    for nonce in ("x", "带空格 的 nonce", "a@b"):
        first = broker_roundtrip.apply(args=[nonce]).get()
        assert first == broker_roundtrip.apply(args=[nonce]).get()
        assert split_roundtrip(first)[0] == nonce


def test_check_worker_in_eager_mode() -> None:
    out = StringIO()
    call_command("check_worker", "--timeout", "2", stdout=out)
    assert out.getvalue().startswith("OK 嵌入模式")


def test_check_worker_without_worker_fails_in_chinese() -> None:
    # An in-memory broker nobody consumes from: exactly what an operator sees when the worker is down.
    with (
        celery_conf(
            task_always_eager=False, broker_url="memory://localhost/", result_backend="cache+memory://"
        ),
        pytest.raises(CommandError, match="没有任何 Celery worker 应答") as refused,
    ):
        call_command("check_worker", "--timeout", "0.5")
    assert "jineng-worker" in str(refused.value)


def test_check_worker_with_unreachable_broker() -> None:
    with (
        celery_conf(
            task_always_eager=False,
            broker_url="redis://:topsecret@127.0.0.1:1/0",
            result_backend="cache+memory://",
            broker_transport_options={"max_retries": 0},
        ),
        pytest.raises(CommandError, match="无法把任务送进消息队列") as refused,
    ):
        call_command("check_worker", "--timeout", "1")
    assert "REDIS_URL" in str(refused.value)
    assert "redis://127.0.0.1:1/0" in str(refused.value)
    assert "topsecret" not in str(refused.value)


def test_check_worker_rejects_bad_timeout() -> None:
    with pytest.raises(CommandError, match="--timeout"):
        call_command("check_worker", "--timeout", "0")


# --- (b) a real worker, a real Redis ----------------------------------------------------------------


@contextmanager
def real_worker(redis_url: str) -> Iterator[Any]:
    # The solo pool runs the task in the worker thread of this process; the task touches no database,
    # so pytest-django's database blocker never fires.
    with (
        celery_conf(
            task_always_eager=False,
            broker_url=redis_url,
            result_backend=redis_url,
            worker_hijack_root_logger=False,
        ),
        start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=20) as worker,
    ):
        yield worker


@pytest.mark.redis
def test_roundtrip_through_redis_and_a_real_worker(redis_url: str) -> None:
    with real_worker(redis_url) as worker:
        nonce = secrets.token_hex(8)
        result = broker_roundtrip.delay(nonce)
        answer = result.get(timeout=20)
        result.forget()
    nonce_back, worker_name = split_roundtrip(answer)
    assert nonce_back == nonce
    assert worker_name == worker.hostname


@pytest.mark.redis
def test_check_worker_against_a_real_worker(redis_url: str) -> None:
    out = StringIO()
    with real_worker(redis_url) as worker:
        call_command("check_worker", "--timeout", "20", stdout=out)
    assert out.getvalue().startswith(f"OK worker {worker.hostname} 已应答")
