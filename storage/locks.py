"""One fazhi job at a time per county of a store, per crawl jobdir and per report folder.

Two nightly runs on one store used to interleave: the second stored nothing, was
judged anyway and its empty report replaced the good one. Every step therefore
takes its county's store lock before it writes, and does not wait for it: a second
job of the same county stops at once, with one line naming the holder, before it
changes anything. Counties sharing a store each have their own lock, so a city's
counties run at the same time while none of them runs twice.

SQLite stores and folders are locked with flock(2) on a file beside them (the
kernel drops the lock when the holder dies, even by SIGKILL): one file per county,
``<db>.<county>.lock``; a PostgreSQL store with a session advisory lock keyed by the
schema and the county, on a connection held for the job, so that jobs on different
machines exclude each other too. The locks are reentrant within one process,
because `fazhi run` holds the store lock across steps that each take it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path

from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storage.db import StoreError, _first_line, _shown, open_engine

# the first key of fazhi's advisory locks, so that they cannot collide with other applications' locks
ADVISORY_SPACE = 0x66617A68  # "fazh"
_held: set[str] = set()  # locks this process holds: taking one again is a no-op
# a county name that can be part of a lock file's name as it is (Chinese names are)
_PLAIN_NAME = re.compile(r"\w[\w-]{0,40}")


class Busy(Exception):
    """Another fazhi job holds the lock; the message is one line for the operator."""


def _busy(what: str, holder: str) -> Busy:
    return Busy(f"另一个 fazhi 任务正在使用{what}（进程 {holder or '未知'}），本次未做任何改动")


@contextmanager
def store_lock(db_url: str, county: str) -> Iterator[None]:
    """Hold the county's part of the store named by db_url for this job, or raise Busy at once."""
    try:
        url = make_url(db_url)
    except exc.ArgumentError:
        yield  # open_engine reports the bad URL in the words the operator knows
        return
    what = f"数据库 {_shown(db_url)} 中{county}的数据"
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        lock_file = Path(os.path.abspath(f"{url.database}.{_file_part(county)}.lock"))
        if not lock_file.parent.is_dir():
            open_engine(db_url)  # raises the store's own one-line error: its folder does not exist
        with _once_per_process(str(lock_file), partial(_file_lock, lock_file, what, StoreError)):
            yield
    elif url.get_backend_name() == "postgresql":
        key = f"{url.render_as_string(hide_password=True)}#{county}"
        with _once_per_process(key, partial(_advisory_lock, db_url, county, what)):
            yield
    else:
        yield


def _file_part(county: str) -> str:
    """The county in its lock file's name: as it is when that is safe, else a readable part and a hash."""
    if _PLAIN_NAME.fullmatch(county):
        return county
    readable = re.sub(r"[^\w-]+", "_", county)[:20]
    return f"{readable}-{hashlib.sha256(county.encode('utf-8')).hexdigest()[:8]}"


@contextmanager
def folder_lock(folder: Path, what: str, unusable: type[Exception]) -> Iterator[None]:
    """Hold `folder` (a crawl's jobdir, a report folder) for this job; the lock file lies beside it,
    because the crawler deletes a finished jobdir with everything in it. `unusable` is raised when
    the lock file cannot be created."""
    folder = Path(os.path.abspath(folder))
    lock_file = folder.with_name(folder.name + ".lock")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise unusable(f"无法创建 {folder.parent}：{error.strerror or error}") from error
    with _once_per_process(str(lock_file), partial(_file_lock, lock_file, f"{what} {folder}", unusable)):
        yield


@contextmanager
def _once_per_process(key: str, acquire: Callable[[], AbstractContextManager]) -> Iterator[None]:
    if key in _held:
        yield
        return
    with acquire():
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)


@contextmanager
def _file_lock(path: Path, what: str, unusable: type[Exception]) -> Iterator[None]:
    try:
        handle = open(path, "a+", encoding="utf-8")
    except OSError as error:
        raise unusable(f"无法创建锁文件 {path}：{error.strerror or error}") from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise _busy(what, handle.read().strip()) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _advisory_lock(db_url: str, county: str, what: str) -> Iterator[None]:
    holder_name = f"fazhi {os.getpid()}@{socket.gethostname()}"
    engine = create_engine(db_url, poolclass=NullPool, connect_args={"application_name": holder_name[:63]})
    try:
        # autocommit: a connection idle in a transaction for a night-long crawl would hold back VACUUM
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    except (exc.OperationalError, exc.InterfaceError) as error:
        engine.dispose()
        raise StoreError(f"无法打开数据库 {_shown(db_url)}：{_first_line(error)}") from error
    # the schema is part of the key: two stores in one database, each in its own schema, are two stores;
    # so is the county: counties sharing one store run at once
    key = "hashtext(coalesce(current_schema(), '') || '/' || :county) & 2147483647"
    values = {"space": ADVISORY_SPACE, "county": county}
    try:
        if not connection.scalar(text(f"SELECT pg_try_advisory_lock(:space, {key})"), values):
            holder = connection.scalar(
                text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    f" WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :space AND l.objid::bigint = {key}"
                    " AND l.objsubid = 2"
                    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                values,
            )
            raise _busy(what, (holder or "").removeprefix("fazhi "))
        yield
    finally:
        connection.close()  # ending the session releases its advisory lock
        engine.dispose()
