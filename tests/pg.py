"""A fresh PostgreSQL database for a test session: ``from pg import pg_url``.

The server is the one on 127.0.0.1:5432 (trust auth); the database is created with a
random name and dropped afterwards. Without a server the tests skip, except under CI,
where a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid

import pytest

SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres", "connect_timeout": 3}


@pytest.fixture(scope="session")
def pg_url():
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(**SERVER, autocommit=True)
    except psycopg.OperationalError as error:
        message = f"no PostgreSQL server at {SERVER['host']}:{SERVER['port']} (user {SERVER['user']}): {str(error).strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"fazhi_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql+psycopg://{SERVER['user']}@{SERVER['host']}:{SERVER['port']}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
