"""One fazhi job at a time: a second job on the same store or jobdir stops at once and changes nothing."""

from __future__ import annotations

import json
import subprocess
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text

from crawler.siteserver import SiteServer
from fazhi.cli import EXIT_BUSY, main
from small_county import blocked_routes, start_fazhi, wait_for_request, write_config
from storage.db import open_engine, session_factory
from storage.models import Run

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def run_rows(db_url: str) -> list[tuple[int, str]]:
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        rows = [(run.id, run.status) for run in session.query(Run).order_by(Run.id)]
    engine.dispose()
    return rows


def crawl_while_blocked(tmp_path, db_url: str, second: list[str], other_county: str | None = None, **crawl) -> tuple[int, subprocess.Popen]:
    """Start `fazhi crawl` of a site that holds it up, run `fazhi SECOND` meanwhile (with the
    configuration of other_county, on the same site, if given), then let the crawl finish."""
    release = threading.Event()
    with SiteServer(routes=blocked_routes(release)) as server:
        config = write_config(tmp_path, server.url, **crawl)
        if other_county:
            config_of_second = write_config(tmp_path, server.url, name="other.toml", county=other_county, **crawl)
        else:
            config_of_second = config
        first = start_fazhi("crawl", "--config", str(config), "--db", db_url)
        try:
            wait_for_request(server, "/slow.html", first)
            code = main([second[0], "--config", str(config_of_second), *second[1:]])
        finally:
            release.set()
            first.wait(60)
    return code, first


def test_a_second_run_on_a_busy_store_stops_in_one_line_and_changes_nothing(tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path / 'fazhi.db'}"
    out = tmp_path / "reports"
    code, first = crawl_while_blocked(tmp_path, db_url, ["run", "--db", db_url, "--as-of", "2024-03-01", "--out", str(out)])

    assert code == EXIT_BUSY
    err = capsys.readouterr().err.strip()
    assert err == f"fazhi: 另一个 fazhi 任务正在使用数据库 {db_url} 中测试县的数据（进程 {first.pid}），本次未做任何改动"
    assert first.returncode == 0, first.stderr.read()
    assert run_rows(db_url) == [(1, "crawled")], "the second run created no run of its own"
    assert not out.exists() and not (tmp_path / "reports.nights").exists()


def county_runs(db_url: str) -> list[tuple[str, str]]:
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        rows = [(run.county, run.status) for run in session.query(Run).order_by(Run.id)]
    engine.dispose()
    return rows


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_another_county_on_the_same_store_runs_meanwhile(tmp_path, capsys, store, request):
    """Two counties sharing one store each have their own lock: the second crawls and is judged
    while the first is still crawling, and neither sees the other's run."""
    db_url = f"sqlite:///{tmp_path / 'city.db'}" if store == "sqlite" else request.getfixturevalue("pg_store")
    code, first = crawl_while_blocked(tmp_path, db_url, ["run", "--db", db_url, "--as-of", "2024-03-01", "--out", str(tmp_path / "jia")],
                                      other_county="郏县")

    assert code == 0, capsys.readouterr().err
    assert first.returncode == 0, first.stderr.read()
    assert county_runs(db_url) == [("测试县", "crawled"), ("郏县", "checked")]
    report = json.loads((tmp_path / "jia" / "findings.json").read_text(encoding="utf-8"))
    assert report["run"]["id"] == 2


def test_check_and_report_wait_for_no_one_either(tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path / 'fazhi.db'}"
    code, _first = crawl_while_blocked(tmp_path, db_url, ["check", "--db", db_url, "--as-of", "2024-03-01"])
    assert code == EXIT_BUSY and "本次未做任何改动" in capsys.readouterr().err
    assert run_rows(db_url) == [(1, "crawled")], "the running crawl was not judged half-way"


def test_two_crawls_sharing_a_jobdir_on_different_stores(tmp_path, capsys):
    jobdir = tmp_path / "job"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    code, first = crawl_while_blocked(tmp_path, f"sqlite:///{tmp_path / 'fazhi.db'}", ["crawl", "--db", other], jobdir=str(jobdir))

    assert code == EXIT_BUSY
    err = capsys.readouterr().err.strip()
    assert err == f"fazhi: 另一个 fazhi 任务正在使用抓取目录 jobdir {jobdir}（进程 {first.pid}），本次未做任何改动"
    assert first.returncode == 0
    assert not (tmp_path / "other.db").exists(), "the second crawl opened no store and started no run"


def test_the_lock_goes_with_the_job(tmp_path):
    """The kernel drops a killed job's lock: the next night needs no manual clean-up."""
    db_url = f"sqlite:///{tmp_path / 'fazhi.db'}"
    release = threading.Event()
    with SiteServer(routes=blocked_routes(release)) as server:
        config = write_config(tmp_path, server.url)
        first = start_fazhi("crawl", "--config", str(config), "--db", db_url)
        wait_for_request(server, "/slow.html", first)
        first.kill()
        first.wait(30)
        release.set()
        assert main(["crawl", "--config", str(config), "--db", db_url]) == 0
    assert run_rows(db_url)[-1] == (2, "crawled")


@pytest.fixture()
def pg_store():
    """A database of its own on the local PostgreSQL server, dropped afterwards."""
    name = f"fazhi_locks_{uuid.uuid4().hex[:8]}"
    server = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server here: the SQLite tests above still run
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432: {error}")
    yield f"{PG_SERVER}/{name}"
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


def test_a_postgresql_store_is_locked_across_processes(tmp_path, capsys, pg_store):
    code, first = crawl_while_blocked(tmp_path, pg_store, ["run", "--db", pg_store, "--as-of", "2024-03-01", "--out", str(tmp_path / "r")])

    assert code == EXIT_BUSY
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"fazhi: 另一个 fazhi 任务正在使用数据库 {pg_store} 中测试县的数据（进程 {first.pid}@")
    assert err.endswith("），本次未做任何改动") and "\n" not in err
    assert first.returncode == 0, first.stderr.read()
    assert run_rows(pg_store) == [(1, "crawled")]
    assert not (tmp_path / "r").exists()
    # the lock ended with the first job's session
    assert main(["check", "--config", str(tmp_path / "county.toml"), "--db", pg_store, "--as-of", "2024-03-01"]) == 0
