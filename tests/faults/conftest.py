"""Fixtures of the fault tests: servers of their own, and the app pointed at them."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from settings.celery import app as celery_app
from tests.faults.servers import RedisServer, redis_server

# Every fault test needs PostgreSQL (worker processes share its test database) and runs where
# `make test` has started Redis.
FAULT_MARKS = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): worker processes share the test database",
    ),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is unset: `make test` starts Redis and the fault tests run there",
    ),
]


def test_database_url() -> str:
    """A URL of the test database (pytest-django's `test_…`), for processes the test starts."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


test_database_url.__test__ = False  # type: ignore[attr-defined]  # not a test


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of this test's own, which it may stop and start again."""
    with redis_server(tmp_path / "redis") as server:
        yield server


@contextmanager
def celery_pointed_at(url: str, *, eager: bool) -> Iterator[None]:
    """Point the Celery app of this process at broker `url` (and run tasks eagerly or not).

    The app reads the settings once (on first use), and keeps a producer pool for the broker
    it first used: both are swapped here and put back afterwards. Celery prefers the
    CELERY_BROKER_URL variable (which `make test` exports) to its configuration, so that is
    swapped too.
    """
    conf = celery_app.conf
    saved: dict[str, Any] = {
        "broker_url": conf.get("broker_url"),
        "task_always_eager": conf.task_always_eager,
    }
    saved_variable = os.environ.get("CELERY_BROKER_URL")
    pools = (celery_app._pool, celery_app.amqp._producer_pool)
    os.environ["CELERY_BROKER_URL"] = url
    conf.broker_url = url
    conf.task_always_eager = eager
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        for name, value in saved.items():
            setattr(conf, name, value)
        if saved_variable is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_variable
        celery_app._pool, celery_app.amqp._producer_pool = pools


@pytest.fixture
def app_on_redis(settings: Any) -> Callable[..., Any]:
    """Point the cache (so the sessions) and the Celery broker of this process at a Redis."""

    @contextmanager
    def point(url: str, *, eager: bool) -> Iterator[None]:
        # Celery first: it may not have read the settings yet, and must keep the real ones.
        with celery_pointed_at(url, eager=eager):
            # REDIS_URL is set, so the settings chose their Redis cache: keep it, move it.
            assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
            settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
            settings.CELERY_BROKER_URL = url
            settings.CELERY_TASK_ALWAYS_EAGER = eager
            yield

    return point
