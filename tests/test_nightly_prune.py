"""The store stays bounded: each nightly run applies [store] keep_runs once its check has succeeded."""

from __future__ import annotations

from sqlalchemy import func, select

from crawler.siteserver import SiteServer
from fazhi.cli import main
from small_county import county_routes, write_config
from storage.db import open_engine, session_factory
from storage.models import Document, Finding, Run


def night(tmp_path, db_url: str, number: int, command: str = "run") -> None:
    with SiteServer(routes=county_routes(number)) as server:
        config = write_config(tmp_path, server.url)
        with config.open("a", encoding="utf-8") as toml:
            toml.write("[store]\nkeep_runs = 2\n")
        args = ["--config", str(config), "--db", db_url]
        if command == "run":
            args += ["--as-of", "2024-03-01", "--out", str(tmp_path / "reports")]
        assert main([command, *args]) == 0


def per_run(db_url: str, model) -> dict[int, int]:
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        counts = dict(session.execute(select(Run.id, func.count(model.id)).outerjoin(model).group_by(Run.id)).all())
    engine.dispose()
    return counts


def test_three_nights_keep_the_documents_of_two_and_the_findings_of_all(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'fazhi.db'}"
    for number in (1, 2, 3):
        night(tmp_path, db_url, number)

    documents, findings = per_run(db_url, Document), per_run(db_url, Finding)
    assert documents[1] == 0 and documents[2] > 0 and documents[3] > 0
    assert all(findings[run] > 0 for run in (1, 2, 3)), "the trend and 新发现/已整改 still have every night"


def test_unchecked_crawls_never_cost_the_night_the_report_compares_with(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'fazhi.db'}"
    night(tmp_path, db_url, 1)
    night(tmp_path, db_url, 2, command="crawl")
    night(tmp_path, db_url, 3, command="crawl")
    night(tmp_path, db_url, 4)

    documents = per_run(db_url, Document)
    assert documents[2] == 0, "the oldest unchecked crawl is pruned"
    assert documents[1] > 0, "night 1 is the last checked night before tonight: the report compares with it"
    assert documents[3] > 0 and documents[4] > 0
