"""The night after a unit answered 已整改: whether the address it gave was fetched and whether the
finding now passes with it (rules/fix_checks.py), decided at check time from the night's documents
and fetch errors, never by the report."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from rules.base import Doc, ErrorView
from rules.fix_checks import attach_fix_checks
from storage.models import Finding
from storage.review import Verdict

SITE = "http://gov.test"
FIX = f"{SITE}/sfj/qzqd.html"
STARTED = dt.datetime(2021, 9, 30, 18, 0)
KEY = ("7", "power-list", "县司法局")


def answer(url: str = FIX, at: dt.datetime = STARTED - dt.timedelta(days=1)) -> Verdict:
    return Verdict(id=11, county="鲁山县", indicator=KEY[0], check=KEY[1], unit=KEY[2], action="fixed", fix_url=url, user_name="司法局小李",
                   created_at=at)


def judged(status: str, evidence=(), documents=(), errors=(), given: Verdict | None = None) -> dict | None:
    finding = Finding(indicator=KEY[0], check=KEY[1], unit=KEY[2], status=status, message="未找到本单位的权责清单",
                      evidence=[{"url": url} for url in evidence])
    night = SimpleNamespace(documents=[Doc(url=url, title="", parent_url=parent) for url, parent in documents],
                            errors=[ErrorView(url, "县司法局", reason) for url, reason in errors])
    attach_fix_checks([finding], {KEY: given or answer()}, night, STARTED)
    return finding.fix_check


def test_a_pass_with_the_fix_address_among_its_evidence_counts():
    check = judged("pass", evidence=[FIX], documents=[(FIX, None)])
    assert check == {"verdict_id": 11, "url": FIX, "state": "counted", "counts": True, "note": "整改链接已抓取并计入：本项已通过"}


def test_an_attachment_linked_from_the_fix_address_counts_for_it():
    sheet = f"{SITE}/sfj/qzqd.xlsx"
    assert judged("pass", evidence=[sheet], documents=[(FIX, None), (sheet, FIX)])["state"] == "counted"


def test_a_pass_on_another_page_fixes_the_gap_but_does_not_credit_the_address():
    check = judged("pass", evidence=[f"{SITE}/sfj/other.html"], documents=[(FIX, None)])
    assert (check["state"], check["counts"]) == ("passed_elsewhere", True)
    assert "整改链接未计入" in check["note"]


def test_a_fetched_address_that_still_fails_says_why_with_the_findings_message():
    check = judged("fail", documents=[(FIX, None)])
    assert (check["state"], check["counts"]) == ("not_counted", False)
    assert check["note"] == "整改链接已抓取，但仍不符合：未找到本单位的权责清单"


def test_an_address_that_failed_to_fetch_says_so_with_the_reason():
    check = judged("unknown", errors=[(FIX, "HTTP 503")])
    assert check["state"] == "fetch_failed" and check["note"].startswith("整改链接未能抓取：HTTP 503")


@pytest.mark.parametrize(("at", "why"), [
    (STARTED - dt.timedelta(days=1), "请确认该网页仍在"),
    (STARTED + dt.timedelta(hours=1), "答复晚于本次抓取开始"),
])
def test_an_address_outside_the_nights_crawl_says_so(at, why):
    check = judged("fail", documents=[(f"{SITE}/sfj/index.html", None)], given=answer(at=at))
    assert check["state"] == "not_crawled" and check["note"].startswith("整改链接不在本次抓取中") and why in check["note"]


def test_urls_compare_in_canonical_form():
    check = judged("pass", evidence=[FIX], documents=[(FIX, None)], given=answer(url="HTTP://GOV.TEST:80/sfj/qzqd.html#top"))
    assert check["state"] == "counted"


def test_findings_without_an_open_fix_answer_get_no_judgement():
    finding = Finding(indicator="93", check="rule-of-law-report", unit="县司法局", status="fail", message="", evidence=[])
    attach_fix_checks([finding], {KEY: answer()}, SimpleNamespace(documents=[], errors=[]), STARTED)
    assert finding.fix_check is None


def test_real_nights_judge_a_fix_address_the_normal_crawl_reaches(tmp_path):
    """Four nights of a county site on 127.0.0.1, crawled and checked as `fazhi run` does: the 县司法局
    answers 已整改 with an address; the next nights find it failing, then lacking fields, then right."""
    from small_county import page, write_config

    from county.config import load_config
    from crawler.siteserver import Reply, SiteServer
    from fazhi.jobs import check_step, crawl_step
    from storage.db import latest_run, open_engine, run_findings, session_factory
    from storage.review import add_verdict

    table = "<tr><th>事项名称</th><th>法律依据</th><th>实施主体</th><th>监督方式</th><th>责任方式</th></tr>"
    lists = {
        2: Reply(b"busy", status=503),
        3: Reply("<html><head><meta name='PubDate' content='2021-10-12'><title>县司法局权责清单</title></head>"
                 "<body><h1>县司法局权责清单</h1><p>见附件</p></body></html>".encode(), content_type="text/html; charset=utf-8"),
        4: Reply(f"<html><head><meta name='PubDate' content='2021-10-13'><title>县司法局权责清单</title></head>"
                 f"<body><h1>县司法局权责清单</h1><table>{table}<tr><td>行政处罚</td><td>行政处罚法</td><td>县司法局</td>"
                 f"<td>县政府监督</td><td>依法追责</td></tr></table></body></html>".encode(), content_type="text/html; charset=utf-8"),
    }

    def routes(night: int) -> dict:
        linked = '<a href="/sfj/qzqd.html">权责清单</a>' if night > 1 else ""
        found = {"/": page('<h1>测试县人民政府</h1><a href="/sfj/index.html">县司法局</a>'),
                 "/sfj/index.html": page(f"<h1>县司法局</h1>{linked}")}
        return found | ({"/sfj/qzqd.html": lists[night]} if night in lists else {})

    with SiteServer(routes=routes(1)) as site:
        config = load_config(write_config(tmp_path, site.url))
        db = f"sqlite:///{tmp_path / 'store.db'}"
        fix = site.url + "sfj/qzqd.html"
        states = []
        for night in (1, 2, 3, 4):
            site.routes = routes(night)
            check_step(config, db, dt.date(2021, 10, 10 + night), crawl_step(config, db, {"DOWNLOAD_DELAY": 0}))
            with session_factory(open_engine(db))() as session:
                if night == 1:
                    add_verdict(session, Verdict(county=config.county, indicator=KEY[0], check=KEY[1], unit=KEY[2], action="fixed", fix_url=fix,
                                                 reason="", user_name="司法局小李"))
                finding = next(f for f in run_findings(session, latest_run(session, config.county, ("checked",)).id)
                               if (f.indicator, f.check, f.unit) == KEY)
                states.append((finding.status, (finding.fix_check or {}).get("state"), (finding.fix_check or {}).get("note", "")))
    assert [state[:2] for state in states] == [("fail", None), ("unknown", "fetch_failed"), ("warn", "not_counted"), ("pass", "counted")]
    assert states[1][2].startswith("整改链接未能抓取：") and states[2][2].startswith("整改链接已抓取，但仍不符合：")
