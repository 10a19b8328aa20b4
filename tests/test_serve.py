"""`fazhi serve`: reviewers decide on findings in a browser, units answer for their own findings only,
and a forged, replayed, stale or anonymous post changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from browser.report_store import BASE, CONFIG, _run, build_store, second_run_findings
from storage.db import open_engine, session_factory, store_snapshot
from storage.review import all_verdicts
from web.app import SESSION_SECONDS, create_app
from web.users import add_user

TODAY = dt.date(2021, 9, 30)
HIT = f"{BASE}/xwzx/3.html"
NEGATIVE = {"indicator": "D1", "check": "negative-hits", "unit": "县政府"}
TOWNSHIP_REPORT = {"indicator": "93", "check": "rule-of-law-report", "unit": "下汤镇"}
POWER_LIST = {"indicator": "52", "check": "decision-publicity", "unit": "县司法局"}
EDUCATION = {"indicator": "93", "check": "rule-of-law-report", "unit": "县教育局"}


@pytest.fixture
def store(tmp_path):
    session, _run1, _run2 = build_store(tmp_path / "store.db")
    units = {unit.name for unit in CONFIG.units}
    add_user(session, "张审核", "reviewer", None, "review-pw", units)
    add_user(session, "司法局小李", "unit", "县司法局", "unit-pw", units, CONFIG.county)
    session.close()
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def client(store):
    return TestClient(create_app(CONFIG, store, secret="test-secret", today=lambda: TODAY))


def verdicts(store):
    with session_factory(open_engine(store))() as session:
        return all_verdicts(session, CONFIG.county)


def login(client, name, password):
    page = client.get("/login")
    return client.post("/login", data={"csrf": csrf_of(page.text), "name": name, "password": password}, follow_redirects=False)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def form_fields(client, unit: str, key: dict, evidence_url: str = "") -> dict:
    """The hidden fields of the review form for a finding (or one of its evidence items) on the unit's page."""
    soup = BeautifulSoup(client.get(f"/units/{unit}").text, "html.parser")
    for form in soup.find_all("form", action="/review"):
        fields = {field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")}
        if all(fields[name] == value for name, value in key.items()) and fields["evidence_url"] == evidence_url:
            return fields
    raise AssertionError(f"no review form for {key} {evidence_url} on {unit}")


def post_review(client, unit, key, evidence_url="", **answer):
    fields = form_fields(client, unit, key, evidence_url)
    return client.post("/review", data=fields | answer, follow_redirects=False)


def test_every_page_needs_a_login_and_a_wrong_password_gets_none(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    refused = login(client, "张审核", "wrong")
    assert refused.status_code == 401 and "用户名或密码错误" in refused.text
    assert client.get("/units/县司法局", follow_redirects=False).status_code == 303


def test_a_reviewer_dismisses_a_negative_hit_and_waives_an_item_and_the_counts_say_so(client, store):
    login(client, "张审核", "review-pw")
    assert post_review(client, "县政府", NEGATIVE, HIT, action="dismiss", reason="通报表扬，非负面").status_code == 303
    assert post_review(client, "下汤镇", TOWNSHIP_REPORT, action="waive", reason="本镇2020年撤并设立",
                       expires_on="2021-12-31").status_code == 303

    [dismissed, waived] = verdicts(store)
    assert (dismissed.evidence_url, dismissed.action, dismissed.user_name, dismissed.finding_status) == (HIT, "dismiss", "张审核", "warn")
    assert (waived.action, waived.expires_on) == ("waive", dt.date(2021, 12, 31))
    page = BeautifulSoup(client.get("/units/县政府").text, "html.parser")
    assert "误报" in page.find(id="D1-negative-hits").get_text()
    overview = BeautifulSoup(client.get("/").text, "html.parser")
    counts = {card.select_one(".what").get_text(): card.select_one(".num").get_text() for card in overview.select(".review-counts .card")}
    assert counts["已豁免"] == "1" and counts["误报"] == "0"  # one of the two hits is still to look at


def test_a_due_date_is_counted_in_working_days_past_the_national_day_holiday(client, store):
    login(client, "张审核", "review-pw")
    post_review(client, "县司法局", POWER_LIST, action="due", workdays="5")
    [due] = verdicts(store)
    assert due.due_on == dt.date(2021, 10, 13)  # 10-1..10-7 off, Saturday 10-9 a working day


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"action": "dismiss", "reason": " "}, "“误报”须填写理由"),
        ({"action": "waive", "reason": "不适用"}, "“豁免”须填写截止日期"),
        ({"action": "waive", "reason": "不适用", "expires_on": "2021-09-01"}, "已过"),
        ({"action": "due", "workdays": "0"}, "个工作日"),
        ({"action": "erase"}, "未知的复核操作"),
        ({"action": "fixed", "fix_url": f"{BASE}/a.html"}, "复核人员不能执行“已整改”"),
    ],
)
def test_an_incomplete_decision_is_refused_and_stores_nothing(client, store, answer, message):
    login(client, "张审核", "review-pw")
    refused = post_review(client, "县司法局", POWER_LIST, **answer)
    assert refused.status_code in (400, 403) and message in refused.text
    assert verdicts(store) == []


def test_a_forged_a_replayed_and_an_unknown_post_change_nothing(client, store):
    login(client, "张审核", "review-pw")
    fields = form_fields(client, "县司法局", POWER_LIST) | {"action": "confirm"}

    forged = client.post("/review", data=fields | {"csrf": "forged"})
    assert forged.status_code == 403 and "表单已失效或来源不明" in forged.text
    assert client.post("/review", data=fields, follow_redirects=False).status_code == 303
    replayed = client.post("/review", data=fields)
    assert replayed.status_code == 409 and "重复提交" in replayed.text
    unknown = client.post("/review", data=fields | {"check": "no-such-check"})
    assert unknown.status_code == 404 and "没有这条检查结果" in unknown.text
    assert len(verdicts(store)) == 1


def test_an_expired_session_must_log_in_again_and_its_post_changes_nothing(client, store, monkeypatch):
    login(client, "张审核", "review-pw")
    fields = form_fields(client, "县司法局", POWER_LIST) | {"action": "confirm"}
    later = dt.datetime.now().timestamp() + SESSION_SECONDS + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)

    expired = client.post("/review", data=fields)
    assert expired.status_code == 401 and "登录已过期" in expired.text
    assert verdicts(store) == []


def test_a_unit_user_sees_and_answers_only_its_own_unit(client, store):
    login(client, "司法局小李", "unit-pw")
    assert client.get("/", follow_redirects=False).headers["location"].endswith("/units/%E5%8E%BF%E5%8F%B8%E6%B3%95%E5%B1%80")
    assert client.get("/units/县司法局").status_code == 200
    assert client.get("/units/县教育局").status_code == 403
    assert client.get("/finding", params=EDUCATION).status_code == 403
    foreign = client.post("/review", data=form_fields_of_own_page(client) | EDUCATION | {"action": "fixed", "fix_url": f"{BASE}/x.html"})
    assert foreign.status_code == 403 and "无权" in foreign.text
    assert post_review(client, "县司法局", POWER_LIST, action="dismiss", reason="不是我们的").status_code == 403

    fixed = post_review(client, "县司法局", POWER_LIST, action="fixed", fix_url=f"{BASE}/bm/sfj/cf/2-new.html")
    assert fixed.status_code == 303
    [answer] = verdicts(store)
    assert (answer.action, answer.fix_url, answer.user_name) == ("fixed", f"{BASE}/bm/sfj/cf/2-new.html", "司法局小李")
    answered = BeautifulSoup(client.get("/units/县司法局").text, "html.parser").find(id="52-decision-publicity").get_text()
    assert "单位答复：已整改（司法局小李" in answered and "答复晚于本次检查，下一次检查时判断" in answered


@pytest.mark.parametrize(
    ("fix_url", "message"),
    [("", "须填写整改后发布的网址"), ("javascript:alert(1)", "须填写整改后发布的网址"),
     ("http://169.254.169.254/latest/meta-data", "不在本县检查的网站之内")],
)
def test_a_fix_answer_needs_a_url_on_the_countys_own_sites(client, store, fix_url, message):
    login(client, "司法局小李", "unit-pw")
    refused = post_review(client, "县司法局", POWER_LIST, action="fixed", fix_url=fix_url)
    assert refused.status_code == 400 and message in refused.text
    assert verdicts(store) == []


def form_fields_of_own_page(client) -> dict:
    return form_fields(client, "县司法局", POWER_LIST)


def test_a_findings_history_shows_each_night_and_each_action(client):
    login(client, "张审核", "review-pw")
    key = {"indicator": "7", "check": "power-list", "unit": "县司法局"}
    post_review(client, "县司法局", POWER_LIST, action="confirm")
    history = BeautifulSoup(client.get("/finding", params=key).text, "html.parser")
    nights = [[cell.get_text() for cell in row.find_all("td")][:3] for row in history.select("table.nights tbody tr")]
    assert nights == [["2021-09-01", "第 1 次", "未通过"], ["2021-09-30", "第 2 次", "通过"]]

    decided = BeautifulSoup(client.get("/finding", params=POWER_LIST).text, "html.parser")
    [action] = decided.select("table.actions tbody tr")
    assert "张审核" in action.get_text() and "未通过 → 确认" in action.get_text()


def next_night(store, hit_sha: str) -> None:
    """A third checked night: the same findings, the negative hit's page now hashing to hit_sha."""

    with session_factory(open_engine(store))() as session:
        findings = second_run_findings(store_snapshot(session, b"page", f"{BASE}/bm/sfj/qzqd.html", "text/html"), None)
        negative = next(f for f in findings if f.check == "negative-hits")
        negative.evidence = [item | ({"sha256": hit_sha} if item["url"] == HIT else {}) for item in negative.evidence]
        _run(session, dt.date(2021, 10, 1), findings)


def test_a_decision_stays_on_the_next_night_and_reopens_when_the_page_changed(client, store):
    next_night(store, "a" * 64)
    login(client, "张审核", "review-pw")
    post_review(client, "县政府", NEGATIVE, HIT, action="dismiss", reason="通报表扬，非负面")

    next_night(store, "a" * 64)
    assert item_verdicts(client) == ["待复核", "误报"]
    next_night(store, "b" * 64)
    assert item_verdicts(client) == ["待复核", "已变化，需重新复核"]


def item_verdicts(client) -> list[str]:
    """What each evidence item of the negative-hit finding stands at on the unit's page."""
    finding = BeautifulSoup(client.get("/units/县政府").text, "html.parser").find(id="D1-negative-hits")
    return [label.get_text() for label in finding.select(".item-verdict")]


def test_a_units_waiver_request_waits_for_a_reviewer_who_grants_it(client, store):
    login(client, "司法局小李", "unit-pw")
    assert "须填写理由" in post_review(client, "县司法局", POWER_LIST, action="waiver_request", reason="").text
    post_review(client, "县司法局", POWER_LIST, action="waiver_request", reason="本局2021年无行政处罚")
    asked = BeautifulSoup(client.get("/units/县司法局").text, "html.parser").find(id="52-decision-publicity").get_text()
    assert "单位答复：申请豁免" in asked and "本局2021年无行政处罚" in asked

    client.post("/logout", data={"csrf": csrf_of(client.get("/units/县司法局").text)})
    login(client, "张审核", "review-pw")
    post_review(client, "县司法局", POWER_LIST, action="waive", reason="同意", expires_on="2021-12-31")
    page = BeautifulSoup(client.get("/units/县司法局").text, "html.parser").find(id="52-decision-publicity").get_text()
    assert "复核：已豁免" in page and "单位答复" not in page
    assert [v.action for v in verdicts(store)] == ["waiver_request", "waive"]
