"""Counties sharing one store: each sees its own nights, findings, verdicts and users only, and
pruning one county never takes what another county still needs. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid

import pytest
from pg import pg_url  # noqa: F401 - the fixture
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from browser.report_store import CONFIG, evidence, finding
from reports.model import build_report
from reports.verdicts import reviews
from storage.db import earlier_findings, latest_run, open_engine, previous_complete_run, session_factory, store_snapshot
from storage.models import Document, Run, Snapshot
from storage.retention import prune
from storage.review import Verdict, add_verdict, all_verdicts
from web.app import create_app
from web.users import add_user

LUSHAN, JIAXIAN = "鲁山县", "郏县"
POWER_LIST = ("7", "power-list", "县司法局")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A fresh store: an SQLite file, or a schema of its own in the test PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'city.db'}"
        return
    url = request.getfixturevalue("pg_url")
    schema = f"city_{uuid.uuid4().hex[:8]}"
    with create_engine(url).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{url}?options=-csearch_path%3D{schema}"


@pytest.fixture
def session(store):
    engine = open_engine(store)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def night(session, county: str, as_of: dt.date, status: str, body: bytes, pages: int = 100) -> Run:
    """A judged night of `county`: its 县司法局 has a 权责清单 (pass) or not (fail); one document, its snapshot as evidence."""
    digest = store_snapshot(session, body, "http://gov.test/sfj/qzqd.html", "text/html")
    found = [evidence("http://gov.test/sfj/qzqd.html", "权责清单", "2021-03-01", sha256=digest)] if status == "pass" else []
    run = Run(county=county, status="checked", as_of=as_of, completeness="complete", start_urls=["http://gov.test/"], pages=pages,
              started_at=dt.datetime.combine(as_of, dt.time(18)))
    run.findings = [finding(*POWER_LIST, status, "找到权责清单" if found else "未找到权责清单", found)]
    run.documents = [Document(url="http://gov.test/sfj/qzqd.html", kind="page", http_status=200, title="权责清单", sha256=digest)]
    session.add(run)
    session.commit()
    return run


def interleaved(session) -> dict[str, list[Run]]:
    """Two counties' nights in turn: 鲁山县 fixes its gap, 郏县 opens one; 郏县's site is ten times larger."""
    first, last = dt.date(2021, 9, 29), dt.date(2021, 9, 30)
    lushan1 = night(session, LUSHAN, first, "fail", b"lushan-1")
    jiaxian1 = night(session, JIAXIAN, first, "pass", b"jiaxian-1", pages=1000)
    lushan2 = night(session, LUSHAN, last, "pass", b"lushan-2")
    jiaxian2 = night(session, JIAXIAN, last, "fail", b"jiaxian-2", pages=1000)
    return {LUSHAN: [lushan1, lushan2], JIAXIAN: [jiaxian1, jiaxian2]}


def config_of(county: str):
    return dataclasses.replace(CONFIG, county=county)


def test_each_county_compares_with_its_own_previous_night(session):
    runs = interleaved(session)

    assert latest_run(session, LUSHAN).id == runs[LUSHAN][1].id
    assert previous_complete_run(session, runs[LUSHAN][1]).id == runs[LUSHAN][0].id
    lushan = build_report(session, runs[LUSHAN][1].id, config_of(LUSHAN))
    jiaxian = build_report(session, runs[JIAXIAN][1].id, config_of(JIAXIAN))
    assert lushan.diff.previous.id == runs[LUSHAN][0].id
    assert [change.before.unit for change in lushan.diff.fixed] == ["县司法局"] and lushan.diff.new_gaps == []
    assert [gap.unit for gap in jiaxian.diff.new_gaps] == ["县司法局"] and jiaxian.diff.fixed == []
    assert [point.run_id for point in lushan.trend] == [run.id for run in runs[LUSHAN]]
    # where an outage's 无法判断 says an item was last seen: the county's own earlier nights only
    assert [run.id for run, _ in earlier_findings(session, runs[JIAXIAN][1], "县司法局", ("pass",))] == [runs[JIAXIAN][0].id]


def test_a_verdict_belongs_to_its_county_though_both_have_the_unit(session):
    runs = interleaved(session)
    add_verdict(session, Verdict(county=JIAXIAN, indicator="7", check="power-list", unit="县司法局", action="dismiss",
                                 reason="清单在市平台发布", finding_status="fail", run_id=runs[JIAXIAN][1].id, user_name="张审核"))
    runs[LUSHAN].append(night(session, LUSHAN, dt.date(2021, 10, 1), "fail", b"lushan-3"))

    jiaxian = build_report(session, runs[JIAXIAN][1].id, config_of(JIAXIAN))
    lushan = build_report(session, runs[LUSHAN][2].id, config_of(LUSHAN))
    assert reviews(jiaxian.findings, all_verdicts(session, JIAXIAN), jiaxian.run.as_of)[POWER_LIST].bucket == "dismissed"
    assert reviews(lushan.findings, all_verdicts(session, LUSHAN), lushan.run.as_of)[POWER_LIST].bucket == "pending"


def test_pruning_one_county_leaves_the_other_its_documents_and_snapshots(session):
    runs = interleaved(session)
    runs[LUSHAN].append(night(session, LUSHAN, dt.date(2021, 10, 1), "pass", b"lushan-3"))
    jiaxian_snapshots = {doc.sha256 for run in runs[JIAXIAN] for doc in run.documents}

    pruned = prune(session, keep_runs=2, county=LUSHAN)

    assert pruned.runs == 1
    kept = {doc.run_id for doc in session.query(Document)}
    assert kept == {runs[LUSHAN][1].id, runs[LUSHAN][2].id} | {run.id for run in runs[JIAXIAN]}
    assert jiaxian_snapshots <= {snapshot.sha256 for snapshot in session.query(Snapshot)}
    assert prune(session, keep_runs=2, county=JIAXIAN).runs == 0


def test_a_county_judged_incomplete_against_its_own_baseline_not_a_larger_neighbour(session):
    """郏县's site is ten times 鲁山县's: 鲁山县's complete-run baseline must be its own night."""
    runs = interleaved(session)
    baseline = previous_complete_run(session, runs[LUSHAN][1])
    assert (baseline.county, baseline.pages) == (LUSHAN, 100)


def test_serve_lets_in_the_county_users_and_city_reviewers_only(store, session):
    interleaved(session)
    units = {unit.name for unit in CONFIG.units}
    add_user(session, "郏县小王", "unit", "县司法局", "pw-1", units, JIAXIAN)
    add_user(session, "郏县审核", "reviewer", None, "pw-2", units, JIAXIAN)
    add_user(session, "市依法治市办", "reviewer", None, "pw-3", units)
    client = TestClient(create_app(config_of(LUSHAN), store, secret="s", today=lambda: dt.date(2021, 9, 30)))

    def login(name: str, password: str) -> int:
        page = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        return client.post("/login", data={"csrf": csrf, "name": name, "password": password}, follow_redirects=False).status_code

    assert login("郏县小王", "pw-1") == 401
    assert login("郏县审核", "pw-2") == 401
    assert login("市依法治市办", "pw-3") == 303
    overview = client.get("/")
    assert overview.status_code == 200 and "鲁山县" in overview.text
