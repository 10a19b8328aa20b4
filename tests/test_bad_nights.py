"""A bad night is not a bad county: each kind of outage measured on the sample portal,
served after a healthy night on the same store, flips no finding from pass to fail
(CHECKS.md Statuses), and a night that read too little says so and exits with 3."""

from __future__ import annotations

import sqlite3

import pytest

from county.config import load_config
from fazhi.cli import main
from fazhi.sample_portal import PORTAL_CONFIG
from reports.model import build_report
from storage.db import open_engine, run_fetch_errors, run_findings, session_factory
from storage.models import Run
from bad_portal import DROP, MAINTENANCE, SHELL, BadPortal, cut_short, html_answer, path_of

HEALTHY_AS_OF = "2021-09-29"
AS_OF = "2021-09-30"
SECTION = "/bm/sfj/"  # 县司法局, whose 2020 法治政府建设情况报告 passes on a healthy night
REPORT_93 = ("93", "rule-of-law-report", "县司法局")
NEGATIVE_HITS = {("27", "normative-doc-negative"), ("D1", "negative-hits")}
# a start URL as an operator may write it: its 500 must still be known as the start page's
QUERY_START = "/?b=2&a=1"


@pytest.fixture(scope="module")
def portal():
    front = BadPortal()
    yield front
    front.stop()


def write_config(portal: BadPortal, folder, start_path: str = "/"):
    text = PORTAL_CONFIG.read_text(encoding="utf-8").replace("{base}", portal.base_url)
    text = text.replace(f'start_urls = ["{portal.base_url}/"]', f'start_urls = ["{portal.base_url}{start_path}"]')
    path = folder / "county.toml"
    path.write_text(text, encoding="utf-8")
    return path


def healthy_night(portal: BadPortal, folder, start_path: str = "/") -> tuple:
    config = write_config(portal, folder, start_path)
    store = folder / "healthy.db"
    portal.misbehave = None
    assert main(["run", "--config", str(config), "--db", f"sqlite:///{store}", "--as-of", HEALTHY_AS_OF, "--out", str(folder / "r1")]) == 0
    return config, store


@pytest.fixture(scope="module")
def healthy(portal, tmp_path_factory):
    return healthy_night(portal, tmp_path_factory.mktemp("healthy"))


@pytest.fixture(scope="module")
def healthy_query_start(portal, tmp_path_factory):
    return healthy_night(portal, tmp_path_factory.mktemp("healthy-query"), QUERY_START)


class Night:
    def __init__(self, exit_code: int, db_url: str, out):
        self.exit_code = exit_code
        self.db_url = db_url
        self.out = out
        engine = open_engine(db_url)
        with session_factory(engine)() as session:
            first, second = session.query(Run).order_by(Run.id).all()[:2]
            self.before = {(f.indicator, f.check, f.unit): f.status for f in run_findings(session, first.id)}
            self.after = {(f.indicator, f.check, f.unit): f for f in run_findings(session, second.id)}
            self.errors = {error.url: error.reason for error in run_fetch_errors(session, second.id)}
        engine.dispose()

    def status(self, key) -> str | None:
        found = self.after.get(key)
        return found.status if found else None

    def turned_fail(self) -> list:
        """Findings that passed on the healthy night and fail, or fell silent, tonight."""
        return [key for key, status in self.before.items() if status == "pass" and self.status(key) in ("fail", None)]

    def index(self) -> str:
        return (self.out / "index.html").read_text(encoding="utf-8")


def bad_night(portal: BadPortal, healthy_run: tuple, tmp_path, misbehave) -> Night:
    config, healthy_store = healthy_run
    store = tmp_path / "fazhi.db"
    source, target = sqlite3.connect(healthy_store), sqlite3.connect(store)
    source.backup(target)
    source.close()
    target.close()
    portal.misbehave = misbehave
    try:
        code = main(["run", "--config", str(config), "--db", f"sqlite:///{store}", "--as-of", AS_OF, "--out", str(tmp_path / "r2")])
    finally:
        portal.misbehave = None
    return Night(code, f"sqlite:///{store}", tmp_path / "r2")


def at_start(answer):
    return lambda path, real: answer if path_of(path) == "/" else real


def in_section(change):
    return lambda path, real: change(real) if path_of(path).startswith(SECTION) else real


def assert_all_unknown_and_incomplete(night: Night) -> None:
    assert night.turned_fail() == []
    assert {finding.status for finding in night.after.values()} == {"unknown"}
    assert night.exit_code == 3
    assert "本次抓取不完整" in night.index()


def test_start_page_answering_an_empty_200_makes_every_finding_unknown(portal, healthy, tmp_path):
    night = bad_night(portal, healthy, tmp_path, at_start(html_answer(b"")))
    assert_all_unknown_and_incomplete(night)
    assert "空白页面" in night.errors[portal.base_url + "/"]


def test_start_page_answering_404_makes_every_finding_unknown(portal, healthy, tmp_path):
    night = bad_night(portal, healthy, tmp_path, at_start(html_answer(b"<h1>404</h1>", 404)))
    assert_all_unknown_and_incomplete(night)
    assert "HTTP 404" in night.after[REPORT_93].message


def test_start_url_with_unsorted_query_that_answers_500_is_known_as_the_start_page(portal, healthy_query_start, tmp_path):
    night = bad_night(portal, healthy_query_start, tmp_path, lambda path, real: html_answer(b"error", 500) if "?" in path else real)
    assert_all_unknown_and_incomplete(night)
    assert "首页无法访问" in night.after[REPORT_93].message


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda real: html_answer(b""), "空白页面"),
        (lambda real: html_answer(MAINTENANCE), "维护"),
        (cut_short, "页面不完整"),
    ],
    ids=["empty-200", "maintenance-page", "cut-short"],
)
def test_a_section_answering_200_without_its_pages_leaves_its_unit_unknown_not_failed(portal, healthy, tmp_path, change, reason):
    night = bad_night(portal, healthy, tmp_path, in_section(change))
    assert night.before[REPORT_93] == "pass"
    assert night.status(REPORT_93) == "unknown"
    assert night.turned_fail() == []
    assert any(url.startswith(portal.base_url + SECTION) and reason in why for url, why in night.errors.items())
    # one section out of the county's is a fetch error, not an incomplete night
    assert night.exit_code == 0


def test_server_dying_after_the_start_page_is_an_incomplete_night(portal, healthy, tmp_path):
    night = bad_night(portal, healthy, tmp_path, lambda path, real: real if path_of(path) in ("/", "/robots.txt") else DROP)
    assert night.turned_fail() == []
    assert "fail" not in {finding.status for finding in night.after.values()}
    assert night.exit_code == 3
    index = night.index()
    assert "本次抓取不完整" in index and "抓取失败" in index
    assert index.index("本次抓取不完整") < index.index("检查结果")
    first_failed = next(iter(night.errors))
    assert f'<td class="url">{first_failed}</td>' in index  # the failed URLs are listed
    config = healthy[0]
    assert main(["check", "--config", str(config), "--db", night.db_url, "--as-of", AS_OF]) == 3


def test_the_night_after_an_incomplete_one_is_compared_with_the_last_complete_night(portal, healthy, tmp_path):
    night = bad_night(portal, healthy, tmp_path, lambda path, real: real if path_of(path) in ("/", "/robots.txt") else DROP)
    assert night.exit_code == 3
    config = healthy[0]
    assert main(["run", "--config", str(config), "--db", night.db_url, "--as-of", AS_OF, "--out", str(tmp_path / "r3")]) == 0
    engine = open_engine(night.db_url)
    with session_factory(engine)() as session:
        report = build_report(session, 3, load_config(config))
    engine.dispose()
    assert report.diff.previous.id == 1
    # the healthy portal did not change between the healthy nights: nothing new, nothing fixed
    assert report.diff.new_gaps == [] and report.diff.fixed == []


@pytest.mark.parametrize(
    "misbehave",
    [
        lambda path, real: real if path_of(path) == "/robots.txt" else html_answer(b""),
        lambda path, real: real if path_of(path) == "/robots.txt" else html_answer(SHELL),
    ],
    ids=["every-page-empty", "home-page-frame-only"],
)
def test_an_empty_site_is_not_nothing_published(portal, healthy, tmp_path, misbehave):
    night = bad_night(portal, healthy, tmp_path, misbehave)
    assert night.turned_fail() == []
    assert "fail" not in {finding.status for finding in night.after.values()}
    negative = {key: finding for key, finding in night.after.items() if key[:2] in NEGATIVE_HITS}
    assert len(negative) == 2 and {finding.status for finding in negative.values()} == {"unknown"}
    assert night.exit_code == 3
    assert "已整改（0）" in night.index() or "不与其他运行比较" in night.index()


LISTS_OF_THE_LIST = ("/xxgk/index.html", "/xxgk/qd/index.html")  # the two list pages linking the 公共服务事项清单


def test_a_county_item_whose_list_pages_failed_passes_when_its_own_page_answered(portal, healthy, tmp_path):
    # last night's evidence is fetched every night by its own address (crawler.seeds), lists or not
    night = bad_night(portal, healthy, tmp_path,
                      lambda path, real: html_answer(b"error", 500) if path_of(path) in LISTS_OF_THE_LIST else real)
    key = ("7", "public-service-list", "县政府")
    assert night.before[key] == night.status(key) == "pass"
    assert [path_of(item["url"]) for item in night.after[key].evidence] == ["/xxgk/qd/2021-04/1201.html"]
    assert night.turned_fail() == []


def test_a_county_item_behind_a_list_page_that_failed_is_unknown_saying_where_it_was_last_seen(portal, healthy, tmp_path):
    failing = (*LISTS_OF_THE_LIST, "/xxgk/qd/2021-04/1201.html")
    night = bad_night(portal, healthy, tmp_path, lambda path, real: html_answer(b"error", 500) if path_of(path) in failing else real)
    key = ("7", "public-service-list", "县政府")
    assert night.before[key] == "pass"
    assert night.status(key) == "unknown"
    message = night.after[key].message
    assert "第 1 次检查（数据截至 2021-09-29）曾在" in message and "/xxgk/qd/2021-04/1201.html" in message
    assert f"{portal.base_url}/xxgk/" in message and "抓取失败（HTTP 500）" in message
    assert night.turned_fail() == []
    assert night.exit_code == 0
