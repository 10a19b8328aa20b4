"""The nightly job as an operator runs it: `fazhi run` / crawl / check / report with a config file."""

import json

import pytest

from fazhi.cli import main
from fazhi.sample_portal import PORTAL_CONFIG
from storage.db import open_engine, run_findings, session_factory
from storage.models import Run


@pytest.fixture()
def county_toml(sample_portal, tmp_path):
    path = tmp_path / "county.toml"
    path.write_text(PORTAL_CONFIG.read_text(encoding="utf-8").replace("{base}", sample_portal.base_url), encoding="utf-8")
    return path


def runs(db_url):
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        result = {run.id: (run.status, len(run_findings(session, run.id))) for run in session.query(Run)}
    engine.dispose()
    return result


def test_run_crawls_checks_and_reports_in_one_go(county_toml, tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path}/fazhi.db"
    out = tmp_path / "reports"
    assert main(["run", "--config", str(county_toml), "--db", db_url, "--as-of", "2021-09-30", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out / "index.html")
    report = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert report["run"]["as_of"] == "2021-09-30" and report["run"]["pages"] > 50
    assert {"7", "52", "93"} <= {finding["indicator"] for finding in report["findings"]}
    assert (out / "findings.xlsx").stat().st_size > 0


def test_steps_alone_and_a_failed_check_leaves_earlier_runs_untouched(county_toml, tmp_path, monkeypatch):
    db_url = f"sqlite:///{tmp_path}/fazhi.db"
    config = ["--config", str(county_toml), "--db", db_url]
    assert main(["crawl", *config]) == 0
    assert main(["check", *config, "--as-of", "2021-09-30"]) == 0
    assert main(["report", *config, "--out", str(tmp_path / "r1")]) == 0
    first = runs(db_url)
    assert first[1][0] == "checked" and first[1][1] > 30

    assert main(["crawl", *config]) == 0

    def broken(ctx, checks=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr("rules.engine.judge", broken)
    assert main(["check", *config, "--as-of", "2021-09-30"]) == 1
    after = runs(db_url)
    assert after[1] == first[1]
    assert after[2] == ("failed", 0)
    # the report still shows the last good run
    assert main(["report", *config, "--out", str(tmp_path / "r2")]) == 0
    assert json.loads((tmp_path / "r2" / "findings.json").read_text(encoding="utf-8"))["run"]["id"] == 1
