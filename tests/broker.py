"""The Redis server on 127.0.0.1:6379 for tests of workers and shared politeness: ``from broker import redis_url``.

Tests keep apart from each other and from other users of the server by unique queue names
and keys (a test's own ports and deployment names), never by flushing a database. Without a server the tests
skip, except under CI, where a missing server is a failure (scripts/start-services.sh starts one).
"""

from __future__ import annotations

import os

import pytest

URL = os.environ.get("FAZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        message = f"no Redis server at {URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return URL
