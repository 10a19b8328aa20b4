"""Which verdicts still hold on a later night, and how findings count once they are taken into account."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from bs4 import BeautifulSoup

from browser.report_store import BASE, CONFIG, build_store
from reports.model import EvidenceView, FindingView, compare, unit_page_name
from reports.render import write_reports
from reports.verdicts import bucket_counts, expired_waivers, review_of, reviews
from storage.review import Verdict, add_verdict, open_fix_answers

NIGHT = dt.date(2021, 9, 30)
HIT_A = "http://gov.test/xw/1.html"
HIT_B = "http://gov.test/xw/2.html"


def finding(status="warn", unit="县政府", indicator="D1", check="negative-hits", hits=((HIT_A, "a" * 64), (HIT_B, "b" * 64))):
    evidence = tuple(EvidenceView(url=url, title="通报", published=None, note="", sha256=sha) for url, sha in hits)
    return FindingView(indicator=indicator, check=check, unit=unit, status=status, message="发现负面信息",
                       responsible=(), evidence=evidence)


_clock = iter(range(1, 10_000))


def verdict(action, of=None, url=None, sha=None, status="warn", **fields) -> Verdict:
    of = of or finding()
    return Verdict(county="鲁山县", indicator=of.indicator, check=of.check, unit=of.unit, action=action, evidence_url=url,
                   evidence_sha256=sha, finding_status=status, reason=fields.pop("reason", "理由"), user_name="张审核",
                   created_at=dt.datetime(2021, 9, 1) + dt.timedelta(minutes=next(_clock)), **fields)


def test_a_finding_without_verdict_waits_for_review_and_a_passing_one_is_not_counted():
    assert review_of(finding(), [], NIGHT).bucket == "pending"
    assert review_of(finding(), [], NIGHT).standing.label == "待复核"
    assert review_of(finding(status="pass"), [], NIGHT).bucket is None


def test_a_dismissed_negative_hit_stays_dismissed_while_its_page_says_the_same():
    both = [verdict("dismiss", url=HIT_A, sha="a" * 64), verdict("dismiss", url=HIT_B, sha="b" * 64)]
    assert review_of(finding(), both[:1], NIGHT).bucket == "pending"  # hit B is still to look at
    review = review_of(finding(), both, NIGHT)
    assert review.bucket == "dismissed" and review.items[HIT_A].label == "误报"


def test_a_hit_whose_page_changed_reopens_and_says_so():
    both = [verdict("dismiss", url=HIT_A, sha="a" * 64), verdict("dismiss", url=HIT_B, sha="b" * 64)]
    changed = finding(hits=((HIT_A, "c" * 64), (HIT_B, "b" * 64)))

    review = review_of(changed, both, NIGHT)
    assert review.bucket == "pending"
    assert review.items[HIT_A].label == "已变化，需重新复核" and review.items[HIT_B].label == "误报"


def test_a_new_hit_keeps_the_finding_to_review_despite_verdicts_on_the_others():
    both = [verdict("dismiss", url=HIT_A, sha="a" * 64), verdict("dismiss", url=HIT_B, sha="b" * 64)]
    three = finding(hits=((HIT_A, "a" * 64), (HIT_B, "b" * 64), ("http://gov.test/xw/3.html", "d" * 64)))
    assert review_of(three, both, NIGHT).bucket == "pending"


def test_a_waiver_holds_through_its_last_day_and_is_listed_once_expired():
    gap = finding(status="fail", indicator="93", check="rule-of-law-report", unit="下汤镇", hits=())
    waiver = [verdict("waive", of=gap, status="fail", expires_on=NIGHT)]

    assert review_of(gap, waiver, NIGHT).bucket == "waived"
    expired = review_of(gap, waiver, NIGHT + dt.timedelta(days=1))
    assert (expired.bucket, expired.standing.label) == ("pending", "豁免已过期，需重新复核")
    assert expired_waivers([expired, review_of(gap, waiver, NIGHT)]) == [expired]


def test_a_finding_level_verdict_holds_while_the_status_is_the_same():
    gap = finding(status="fail", indicator="7", check="power-list", unit="县司法局", hits=())
    confirmed = [verdict("confirm", of=gap, status="fail")]
    assert review_of(gap, confirmed, NIGHT).bucket == "fail"

    doubtful = finding(status="unknown", indicator="7", check="power-list", unit="县司法局", hits=())
    assert review_of(doubtful, confirmed, NIGHT).standing.label == "已变化，需重新复核"


def test_the_newest_decision_is_in_force_and_the_older_stays_in_the_history():
    gap = finding(status="fail", indicator="7", check="power-list", unit="县司法局", hits=())
    history = [verdict("dismiss", of=gap, status="fail"), verdict("confirm", of=gap, status="fail")]
    review = review_of(gap, history, NIGHT)
    assert review.bucket == "fail" and [v.action for v in review.history] == ["dismiss", "confirm"]


def test_a_due_date_past_makes_the_confirmed_gap_overdue():
    gap = finding(status="fail", indicator="7", check="power-list", unit="县司法局", hits=())
    due = [verdict("due", of=gap, status="fail", due_on=dt.date(2021, 9, 20))]
    assert review_of(gap, due, dt.date(2021, 9, 20)).overdue is False
    assert review_of(gap, due, NIGHT).overdue and review_of(gap, due, NIGHT).bucket == "fail"


def test_a_units_answer_shows_until_a_reviewer_decides_again():
    gap = finding(status="fail", indicator="7", check="power-list", unit="县司法局", hits=())
    confirmed = verdict("confirm", of=gap, status="fail")
    fixed = verdict("fixed", of=gap, status="fail", fix_url="http://gov.test/sfj/qzqd.html")
    assert review_of(gap, [confirmed, fixed], NIGHT).answer is fixed
    assert review_of(gap, [confirmed, fixed], NIGHT).bucket == "fail"  # an answer is no decision
    assert review_of(gap, [confirmed, fixed, verdict("confirm", of=gap, status="fail")], NIGHT).answer is None


def test_every_finding_is_counted_once_apart_by_what_was_decided():
    findings = [
        finding(unit="县政府"),
        finding(unit="县教育局", status="fail"),
        finding(unit="下汤镇", status="fail", hits=()),
        finding(unit="县司法局", status="fail", hits=()),
        finding(unit="县财政局", status="pass"),
    ]
    decided = [
        verdict("dismiss", of=findings[0], status="warn"),
        verdict("waive", of=findings[1], status="fail", expires_on=dt.date(2022, 1, 1)),
        verdict("confirm", of=findings[2], status="fail"),
    ]
    counts = bucket_counts(reviews(findings, decided, NIGHT).values())
    assert counts == {"fail": 1, "waived": 1, "dismissed": 1, "pending": 1}


def test_the_static_report_counts_the_nights_findings_apart_by_decision_and_lists_expired_waivers(tmp_path):
    session, _run1, run2 = build_store(tmp_path / "store.db")
    add_verdict(session, Verdict(county="鲁山县", indicator="D1", check="negative-hits", unit="县政府", action="dismiss", reason="均为表扬通报",
                                 finding_status="warn", user_name="张审核"))
    add_verdict(session, Verdict(county="鲁山县", indicator="93", check="rule-of-law-report", unit="下汤镇", action="waive", reason="撤并",
                                 finding_status="unknown", expires_on=dt.date(2021, 9, 15), user_name="张审核"))
    write_reports(session, run2.id, CONFIG, tmp_path / "out")

    index = BeautifulSoup((tmp_path / "out" / "index.html").read_text("utf-8"), "html.parser")
    counts = {card.select_one(".what").get_text(): int(card.select_one(".num").get_text()) for card in index.select(".review-counts .card")}
    gaps = sum(1 for f in run2.findings if f.status != "pass")
    assert counts["误报"] == 1 and counts["已豁免"] == 0 and sum(counts.values()) == gaps
    assert "豁免已过期（1）：下汤镇 第93项" in index.get_text()
    unit = BeautifulSoup((tmp_path / "out" / unit_page_name("县政府")).read_text("utf-8"), "html.parser")
    assert "复核：误报（张审核" in unit.find(id="D1-negative-hits").get_text()


def test_findings_json_says_per_finding_what_was_decided(tmp_path):
    session, _run1, run2 = build_store(tmp_path / "store.db")
    add_verdict(session, Verdict(county="鲁山县", indicator="D1", check="negative-hits", unit="县政府", action="dismiss", reason="均为表扬通报",
                                 finding_status="warn", user_name="张审核", created_at=dt.datetime(2021, 10, 1, 1, 30)))
    write_reports(session, run2.id, CONFIG, tmp_path / "out")

    entries = {(e["indicator"], e["unit"]): e["review"] for e in json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))["findings"]}
    dismissed = entries[("D1", "县政府")]
    assert (dismissed["bucket"], dismissed["label"], dismissed["state_label"]) == ("dismissed", "误报", "误报")
    assert dismissed["verdict"] | {"reason": None} == {"action": "dismiss", "action_label": "误报", "reason": None, "by": "张审核",
                                                       "at": "2021-10-01T01:30:00+00:00", "evidence_url": None,
                                                       "expires_on": None, "due_on": None, "fix_url": None}
    assert entries[("93", "县教育局")]["bucket"] == "pending" and entries[("93", "县教育局")]["verdict"] is None
    assert entries[("7", "县教育局")]["bucket"] is None  # a passing finding has nothing to review


def test_a_fix_answer_shows_the_nights_judgement_of_its_address_or_waits_for_the_next_night():
    fixed = verdict("fixed", status="fail", fix_url="http://gov.test/sfj/qzqd.html")
    fixed.id = 7
    judged = {"verdict_id": 7, "url": fixed.fix_url, "state": "not_counted", "counts": False,
              "note": "整改链接已抓取，但仍不符合：未找到权责清单"}
    gap = finding(status="fail", indicator="7", check="power-list", unit="县司法局", hits=())

    assert review_of(gap, [fixed], NIGHT).fix_note == "答复晚于本次检查，下一次检查时判断"
    assert review_of(replace(gap, fix_check=judged), [fixed], NIGHT).fix_note == judged["note"]
    # a judgement made for an earlier answer says nothing of a newer one
    assert review_of(replace(gap, fix_check=judged | {"verdict_id": 3}), [fixed], NIGHT).fix_check is None
    assert review_of(gap, [], NIGHT).fix_note is None


def test_the_static_report_and_findings_json_show_the_nights_judgement_of_a_fix_address(tmp_path):
    session, _run1, run2 = build_store(tmp_path / "store.db")
    answer = add_verdict(session, Verdict(county="鲁山县", indicator="93", check="rule-of-law-report", unit="县教育局", action="fixed", reason="",
                                          fix_url=f"{BASE}/bm/jyj/nb2020-new.html", finding_status="fail", user_name="教育局小王",
                                          created_at=dt.datetime(2021, 9, 15, 2)))
    gap = next(f for f in run2.findings if (f.indicator, f.unit) == ("93", "县教育局"))
    gap.fix_check = {"verdict_id": answer.id, "url": answer.fix_url, "state": "fetch_failed", "counts": False,
                     "note": "整改链接未能抓取：HTTP 503"}
    session.commit()
    write_reports(session, run2.id, CONFIG, tmp_path / "out")

    unit = BeautifulSoup((tmp_path / "out" / unit_page_name("县教育局")).read_text("utf-8"), "html.parser")
    answered = unit.find(id="93-rule-of-law-report").select_one(".answer").get_text()
    assert "已整改（教育局小王" in answered and f"{BASE}/bm/jyj/nb2020-new.html" in answered
    assert "整改链接未能抓取：HTTP 503" in answered
    index = BeautifulSoup((tmp_path / "out" / "index.html").read_text("utf-8"), "html.parser")
    assert "整改链接未能抓取：HTTP 503" in index.find(id="fix-answers").find_next("table").get_text()
    entries = {(e["indicator"], e["unit"]): e["review"] for e in json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))["findings"]}
    assert entries[("93", "县教育局")]["fix_check"] == {"url": answer.fix_url, "state": "fetch_failed", "counts": False,
                                                       "note": "整改链接未能抓取：HTTP 503"}


def night_pair(old_status, new_status, verdicts_before=(), verdicts_after=(), **shape):
    """新发现 / 已整改 of one finding between two nights, each seen with its own decisions."""
    old, new = finding(status=old_status, **shape), finding(status=new_status, **shape)
    diff = compare([old], [new], object(), reviews([old], verdicts_before, NIGHT), reviews([new], verdicts_after, NIGHT))
    return diff


def test_a_dismissed_hit_is_no_new_finding_and_a_new_hit_beside_it_is():
    dismissed = [verdict("dismiss", url=HIT_A, sha="a" * 64)]
    one_hit = {"hits": ((HIT_A, "a" * 64),)}
    assert night_pair("pass", "warn", (), dismissed, **one_hit).new_gaps == []
    assert night_pair("pass", "warn", (), dismissed, **one_hit).other[0].after_review == "误报"
    # hit B turns up beside the dismissed hit A: status warn both nights, but now open again
    old, new = finding(hits=((HIT_A, "a" * 64),)), finding()
    diff = compare([old], [new], object(), reviews([old], dismissed, NIGHT), reviews([new], dismissed, NIGHT))
    assert diff.new_gaps == [new]


def test_a_gap_that_was_waived_is_not_fixed_and_a_pass_is_fixed_whatever_the_unit_answered():
    gap = {"indicator": "93", "check": "rule-of-law-report", "unit": "下汤镇", "hits": ()}
    waiver = [verdict("waive", of=finding(status="fail", **gap), status="fail", expires_on=dt.date(2021, 12, 31))]
    waived = night_pair("fail", "fail", (), waiver, **gap)
    assert waived.fixed == [] and waived.new_gaps == []
    assert (waived.other[0].before_review, waived.other[0].after_review) == ("待复核", "已豁免")

    answered = [verdict("fixed", of=finding(status="fail", **gap), status="fail", fix_url="http://gov.test/xtz/nb.html")]
    assert night_pair("fail", "fail", answered, answered, **gap).fixed == []  # an answer is no pass
    assert len(night_pair("fail", "pass", answered, answered, **gap).fixed) == 1
    assert night_pair("fail", "pass", waiver, waiver, **gap).fixed == []  # a waived gap that passes was set aside, not fixed


def test_a_gap_reopened_by_a_lapsed_waiver_is_listed_with_the_lapsed_waivers_not_as_new():
    gap = {"indicator": "93", "check": "rule-of-law-report", "unit": "下汤镇", "hits": ()}
    waiver = [verdict("waive", of=finding(status="fail", **gap), status="fail", expires_on=NIGHT - dt.timedelta(days=1))]
    old, new = finding(status="fail", **gap), finding(status="fail", **gap)
    diff = compare([old], [new], object(), reviews([old], waiver, NIGHT - dt.timedelta(days=1)), reviews([new], waiver, NIGHT))
    assert diff.new_gaps == [] and diff.other[0].after_review == "待复核"


def test_open_fix_answers_are_the_units_latest_answers_no_reviewer_decided_on_since(tmp_path):
    session, _run1, _run2 = build_store(tmp_path / "store.db")
    key = {"county": "鲁山县", "indicator": "93", "check": "rule-of-law-report", "unit": "县教育局"}
    add_verdict(session, Verdict(**key, action="fixed", fix_url=f"{BASE}/bm/jyj/a.html", user_name="教育局小王",
                                 created_at=dt.datetime(2021, 9, 1)))
    add_verdict(session, Verdict(**key | {"unit": "下汤镇"}, action="fixed", fix_url=f"{BASE}/xz/xtz/b.html", user_name="下汤镇",
                                 created_at=dt.datetime(2021, 9, 1)))
    add_verdict(session, Verdict(**key | {"unit": "下汤镇"}, action="confirm", user_name="张审核", created_at=dt.datetime(2021, 9, 2)))
    assert {k: v.fix_url for k, v in open_fix_answers(session, "鲁山县").items()} == {("93", "rule-of-law-report", "县教育局"): f"{BASE}/bm/jyj/a.html"}
