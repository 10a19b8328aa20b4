"""The store stays bounded: old runs keep their findings, only the newest keep documents."""

import pytest
from sqlalchemy import text

from county.config import ConfigError, parse_config
from crawler.store import create_tables, save_links
from storage.db import open_engine, session_factory, store_snapshot
from storage.models import Document, FetchError, Finding, Run, Snapshot
from storage.retention import prune


def night(session, number: int, body: bytes, status: str = "checked") -> Run:
    run = Run(county="鲁山县", status=status, start_urls=["http://gov.test/"])
    session.add(run)
    session.flush()
    digest = store_snapshot(session, body, f"http://gov.test/{number}.html", "text/html")
    session.add(Document(run_id=run.id, url="http://gov.test/a.html", kind="page", http_status=200, title="页面", sha256=digest))
    session.add(FetchError(run_id=run.id, url="http://gov.test/xz/", reason="HTTP 500"))
    session.add(Finding(run_id=run.id, indicator="7", check="power-list", unit="县司法局", status="pass", message="找到",
                        evidence=[{"url": "http://gov.test/a.html", "title": "页面", "published": None, "note": "", "sha256": digest}]))
    session.commit()
    return run


@pytest.fixture()
def session(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'fazhi.db'}")
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_old_runs_keep_findings_but_lose_documents_and_orphaned_snapshots(session):
    runs = [night(session, n, f"<p>第{n}晚</p>".encode()) for n in range(1, 5)]
    create_tables(session.bind)
    save_links(session, [("http://gov.test/a.html", runs[0].documents[0].sha256, []), ("http://gov.test/a.html", runs[3].documents[0].sha256, [])])
    session.commit()

    pruned = prune(session, keep_runs=2, county="鲁山县")

    assert (pruned.runs, pruned.documents, pruned.snapshots) == (2, 2, 2)
    assert session.query(Run).count() == 4 and session.query(Finding).count() == 4
    assert sorted(doc.run_id for doc in session.query(Document)) == [runs[2].id, runs[3].id]
    assert sorted(error.run_id for error in session.query(FetchError)) == [runs[2].id, runs[3].id]
    kept = {doc.sha256 for doc in session.query(Document)}
    assert {snapshot.sha256 for snapshot in session.query(Snapshot)} == kept
    assert session.execute(text("SELECT count(*) FROM crawl_links")).scalar() == 1


def test_a_running_crawl_and_unchanged_snapshots_are_never_pruned(session):
    same = b"<p>unchanged</p>"
    runs = [night(session, n, same) for n in range(1, 4)]
    running = night(session, 4, b"<p>tonight</p>", status="running")
    prune(session, keep_runs=2, county="鲁山县")
    assert {doc.run_id for doc in session.query(Document)} == {runs[1].id, runs[2].id, running.id}
    assert session.query(Snapshot).count() == 2


@pytest.mark.parametrize("value", [1, "14", True])
def test_keep_runs_must_be_at_least_two(value):
    raw = {"county": {"name": "鲁山县"}, "crawl": {"start_urls": ["http://a.gov.cn/"], "allowed_domains": ["a.gov.cn"]},
           "units": [{"name": "县政府", "roles": ["county"]}], "store": {"keep_runs": value}}
    with pytest.raises(ConfigError, match="keep_runs"):
        parse_config(raw)


def test_the_last_complete_nights_keep_their_documents_through_a_long_outage(session):
    runs = [night(session, n, f"<p>第{n}晚</p>".encode()) for n in range(1, 6)]
    for outage in runs[2:]:
        outage.completeness = "incomplete"
    runs[0].completeness = runs[1].completeness = "complete"
    session.commit()
    prune(session, keep_runs=2, county="鲁山县")
    # nights 1 and 2 are what the next complete night is compared with and where items were last seen
    assert {doc.run_id for doc in session.query(Document)} == {run.id for run in (runs[0], runs[1], runs[3], runs[4])}
