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
    return Verdict(id=11, indicator=KEY[0], check=KEY[1], unit=KEY[2], action="fixed", fix_url=url, user_name="司法局小李",
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
