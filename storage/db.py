"""Opening the store and the queries the other layers rely on."""

from __future__ import annotations

import fcntl
import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, exc, inspect, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage import review  # noqa: F401 - its tables are part of Base.metadata, so a new store has them
from storage.models import Base, Document, FetchError, Finding, PartialList, Run, Snapshot, utcnow
from storage.statuses import COMPLETE

DEFAULT_DB_URL = "sqlite:///fazhi.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# the schema every store had before fazhi used Alembic
BASELINE = "0001_baseline"
# the advisory lock (one bigint key, apart from storage.locks' two-key county locks) of a schema upgrade
SCHEMA_LOCK = 0x66617A68_00000001


class StoreError(Exception):
    """The store named by --db cannot be opened; the message is one line for the operator."""


def open_engine(url: str = DEFAULT_DB_URL) -> Engine:
    try:
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if not _at_head(engine):
            with _schema_lock(engine), engine.begin() as connection:
                _bring_to_head(connection)
    # CommandError: a revision this fazhi does not know, written by a newer one; OSError: no lock file beside it
    except (exc.ArgumentError, exc.NoSuchModuleError, exc.OperationalError, ImportError, CommandError, OSError) as error:
        raise StoreError(f"无法打开数据库 {_shown(url)}：{_first_line(error)}") from error
    return engine


def _at_head(engine: Engine) -> bool:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == _head()


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """Counties sharing a store start their jobs at once: one of them creates or upgrades the
    schema while the others wait, then find it done. Held until the upgrade is committed."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK})
    elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with open(os.path.abspath(engine.url.database + ".lock"), "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes, after the commit
            yield
    else:
        yield


def _bring_to_head(connection: Connection) -> None:
    """Any store, new, made before Alembic, or at an older revision, leaves at the newest revision."""
    current = MigrationContext.configure(connection).get_current_revision()
    if current == _head():
        return
    config = _alembic_config(connection)
    if current is None and not inspect(connection).has_table("runs"):
        Base.metadata.create_all(connection)
        command.stamp(config, "head")
        return
    if current is None:
        command.stamp(config, BASELINE)
    command.upgrade(config, "head")


def _alembic_config(connection: Connection) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def _head() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _shown(url: str) -> str:
    # the operator sees the URL in cron mail; a server password must not go with it
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return repr(url)


def _first_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).splitlines()[0] if str(original) else type(original).__name__


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the report read while a crawl writes; foreign keys make run deletion cascade
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def start_run(session: Session, county: str, start_urls: Sequence[str]) -> Run:
    run = Run(county=county, start_urls=list(start_urls), status="running")
    session.add(run)
    session.commit()
    return run


def finish_run(session: Session, run: Run, status: str, error: str | None = None) -> None:
    run.status = status
    run.error = error
    run.finished_at = utcnow()
    session.commit()


def latest_run(session: Session, county: str, statuses: Iterable[str] = ("crawled", "checked")) -> Run | None:
    """The county's newest run in one of these statuses; other counties sharing the store are not seen."""
    query = (
        select(Run)
        .where(Run.county == county, Run.status.in_(list(statuses)))
        .order_by(Run.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def previous_checked_run(session: Session, run: Run) -> Run | None:
    query = (
        select(Run)
        .where(Run.county == run.county, Run.status == "checked", Run.id < run.id)
        .order_by(Run.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def previous_complete_run(session: Session, run: Run) -> Run | None:
    """The county's newest judged run before `run` that was complete (CHECKS.md, "complete run");
    a run judged before completeness was recorded counts as complete, as it was then."""
    query = (
        select(Run)
        .where(Run.county == run.county, Run.status == "checked", Run.id < run.id, is_complete())
        .order_by(Run.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def is_complete():
    """A judged run counts as complete unless it was found incomplete (runs judged before
    completeness was recorded have none)."""
    return or_(Run.completeness.is_(None), Run.completeness == COMPLETE)


def earlier_findings(session: Session, run: Run, unit: str, statuses: Iterable[str], limit: int = 30) -> list[tuple[Run, Finding]]:
    """The unit's findings with these statuses in the county's judged runs before `run`, newest run first."""
    runs = (
        select(Run.id)
        .where(Run.county == run.county, Run.status == "checked", Run.id < run.id)
        .order_by(Run.id.desc())
        .limit(limit)
    )
    query = (
        select(Run, Finding)
        .join(Finding, Finding.run_id == Run.id)
        .where(Run.id.in_(runs), Finding.unit == unit, Finding.status.in_(list(statuses)))
        .order_by(Run.id.desc(), Finding.id)
    )
    return [(found_run, finding) for found_run, finding in session.execute(query)]


def parent_pages(session: Session, run_id: int) -> dict[str, str]:
    """The page each document of the run was linked from (kept while the run keeps its documents)."""
    query = select(Document.url, Document.parent_url).where(Document.run_id == run_id, Document.parent_url.is_not(None))
    return dict(session.execute(query).all())


def checked_runs(session: Session, county: str, limit: int = 30) -> list[Run]:
    """The county's newest judged runs, oldest first."""
    query = select(Run).where(Run.county == county, Run.status == "checked").order_by(Run.id.desc()).limit(limit)
    return list(reversed(session.scalars(query).all()))


def run_documents(session: Session, run_id: int) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.run_id == run_id).order_by(Document.id)))


def run_fetch_errors(session: Session, run_id: int) -> list[FetchError]:
    return list(session.scalars(select(FetchError).where(FetchError.run_id == run_id).order_by(FetchError.id)))


def run_partial_lists(session: Session, run_id: int) -> list[PartialList]:
    return list(session.scalars(select(PartialList).where(PartialList.run_id == run_id).order_by(PartialList.id)))


def run_findings(session: Session, run_id: int) -> list[Finding]:
    query = select(Finding).where(Finding.run_id == run_id).order_by(Finding.id)
    return list(session.scalars(query))


def replace_findings(session: Session, run: Run, findings: Iterable[Finding]) -> None:
    """Store a run's findings, replacing those of an earlier check of the same run."""
    session.query(Finding).filter(Finding.run_id == run.id).delete()
    for finding in findings:
        finding.run_id = run.id
        session.add(finding)
    session.commit()


def store_snapshot(session: Session, body: bytes, url: str, content_type: str | None) -> str:
    digest = hashlib.sha256(body).hexdigest()
    if session.get(Snapshot, digest) is None:
        session.add(Snapshot(sha256=digest, content=zlib.compress(body), content_type=content_type, url=url))
    return digest


def load_snapshot(session: Session, digest: str) -> tuple[bytes, str | None] | None:
    snapshot = session.get(Snapshot, digest)
    if snapshot is None:
        return None
    return zlib.decompress(snapshot.content), snapshot.content_type
