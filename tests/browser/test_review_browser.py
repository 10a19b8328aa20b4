"""The review loop in headless Chromium against `fazhi serve` run for real (uvicorn on a free port),
over real nights: a county site served on 127.0.0.1 changes between nights, and each night is
crawled by the Scrapy engine and judged as `fazhi run` does.

Night 1: a reviewer dismisses a negative hit and waives a unit's missing report. Night 2 (the
site unchanged) keeps both. Night 3: the hit's page says something else, and the hit reopens.
A unit user sees only its own unit and answers 已整改 with the address of a 权责清单 it is about
to publish; night 4 crawls it and says that the address counts. Forged, replayed, unknown,
expired and wrongly logged-in posts each get a clear message and store nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from base64 import b64encode
from urllib.parse import quote

import pytest
from itsdangerous import TimestampSigner
from small_county import page, write_config

from browser.cdp import CHROMIUM, Browser
from county.config import load_config
from crawler.siteserver import Reply, SiteServer
from fazhi.jobs import check_step, crawl_step
from storage.db import latest_run, open_engine, run_findings, session_factory
from storage.review import all_verdicts
from web.app import SESSION_SECONDS, create_app
from web.users import add_user

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs headless Chromium at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)"
)
uvicorn = pytest.importorskip("uvicorn")

SECRET = "browser-test-secret"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
HIT_PATH = "/xwzx/tb1.html"
FIX_PATH = "/sfj/qzqd.html"
NIGHTS = {1: dt.date(2021, 10, 11), 2: dt.date(2021, 10, 12), 3: dt.date(2021, 10, 13), 4: dt.date(2021, 10, 14)}
POWER_LIST = f"""<html><head><meta name="PubDate" content="2021-10-13"><title>县司法局权责清单</title></head>
<body><h1>县司法局权责清单（2021年版）</h1><table>
<tr><th>事项名称</th><th>法律依据</th><th>实施主体</th><th>监督方式</th><th>责任方式</th></tr>
<tr><td>行政处罚</td><td>《中华人民共和国行政处罚法》</td><td>县司法局</td><td>县政府监督</td><td>依法追责</td></tr>
</table></body></html>"""


def routes(night: int) -> dict:
    hit_text = "通报了3起不作为乱作为典型问题。" if night < 3 else "经复查，通报所列问题已整改完毕，现予更正。"
    fix_link = f'<a href="{FIX_PATH}">权责清单</a>' if night >= 4 else ""
    found = {
        "/": page('<h1>测试县人民政府</h1><a href="/sfj/index.html">县司法局</a><a href="/jyj/index.html">县教育局</a>'
                  f'<a href="/xwzx/index.html">新闻中心</a>'),
        "/xwzx/index.html": page(f'<h1>新闻中心</h1><a href="{HIT_PATH}">县纪委监委通报3起不作为乱作为典型问题</a>'),
        HIT_PATH: Reply(f"<html><head><meta name='PubDate' content='2021-09-01'><title>县纪委监委通报3起不作为乱作为典型问题</title>"
                        f"</head><body><h1>县纪委监委通报3起不作为乱作为典型问题</h1><p>{hit_text}</p></body></html>".encode(),
                        content_type="text/html; charset=utf-8"),
        "/sfj/index.html": page(f"<h1>县司法局</h1>{fix_link}"),
        "/jyj/index.html": page("<h1>县教育局</h1>"),
    }
    if night >= 4:
        found[FIX_PATH] = Reply(POWER_LIST.encode(), content_type="text/html; charset=utf-8")
    return found


class Site:
    """The county's site, its store, and `fazhi serve` over that store, one night after another."""

    def __init__(self, portal: SiteServer, config_path, db: str, server) -> None:
        self.portal, self.config_path, self.db, self.server = portal, config_path, db, server
        self.today = NIGHTS[1]

    def night(self, number: int) -> None:
        self.portal.routes = routes(number)
        config = load_config(self.config_path)
        run_id = crawl_step(config, self.db, FAST)
        check_step(config, self.db, NIGHTS[number], run_id)
        self.today = NIGHTS[number]

    def verdicts(self) -> list:
        with session_factory(open_engine(self.db))() as session:
            return all_verdicts(session, load_config(self.config_path).county)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.config.port}{path}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review-browser")
    with SiteServer(routes=routes(1)) as portal:
        holder: dict = {}
        config_path = write_config(folder, portal.url)
        db = f"sqlite:///{folder / 'store.db'}"
        with session_factory(open_engine(db))() as session:
            config = load_config(config_path)
            units = {unit.name for unit in config.units}
            add_user(session, "张审核", "reviewer", None, "review-pw", units, config.county)
            add_user(session, "司法局小李", "unit", "县司法局", "unit-pw", units, config.county)
        app = create_app(load_config(config_path), db, secret=SECRET, today=lambda: holder["site"].today)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            if not thread.is_alive():
                raise AssertionError("uvicorn did not start")
            time.sleep(0.05)
        holder["site"] = Site(portal, config_path, db, server)
        holder["site"].night(1)
        yield holder["site"]
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def log_in(browser: Browser, site: Site, name: str, password: str) -> None:
    browser.call("Network.clearBrowserCookies")
    browser.load(site.url("/login"))
    browser.act(f"""(() => {{ const f = document.querySelector('form[action="/login"]');
        f.name.value = {json.dumps(name)}; f.password.value = {json.dumps(password)}; f.submit(); }})()""")


def review_form(finding: dict, evidence_url: str = "") -> str:
    """A JavaScript expression for the review form of a finding (or one of its evidence items)."""
    wanted = json.dumps(finding | {"evidence_url": evidence_url}, ensure_ascii=False)
    return f"""Array.from(document.querySelectorAll('form.review')).find(f =>
        Object.entries({wanted}).every(([name, value]) => f.elements[name].value === value))"""


def submit(browser: Browser, form: str, **fields: str) -> None:
    sets = "".join(f"f.elements[{json.dumps(name)}].value = {json.dumps(value, ensure_ascii=False)};" for name, value in fields.items())
    browser.act(f"(() => {{ const f = {form}; {sets} f.submit(); }})()")


def text(browser: Browser, selector: str) -> str:
    return browser.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{textContent: ''}}).textContent")


def unit_page(browser: Browser, site: Site, unit: str) -> None:
    browser.load(site.url(f"/units/{quote(unit)}"))


NEGATIVE = {"indicator": "D1", "check": "negative-hits", "unit": "县人民政府"}
REPORT = {"indicator": "93", "check": "rule-of-law-report", "unit": "县教育局"}
POWER = {"indicator": "7", "check": "power-list", "unit": "县司法局"}


def test_a_reviewer_dismisses_a_hit_and_waives_an_item_and_the_next_night_keeps_both(site, browser):
    hit = site.portal.url.rstrip("/") + HIT_PATH
    log_in(browser, site, "张审核", "review-pw")
    assert "复核总览" in text(browser, "main h1")
    unit_page(browser, site, "县人民政府")
    submit(browser, review_form(NEGATIVE, hit), action="dismiss", reason="通报的是外县问题，非本县")
    assert browser.errors() == []
    unit_page(browser, site, "县教育局")
    submit(browser, review_form(REPORT), action="waive", reason="本局2021年撤并，报告由县政府统一发布", expires_on="2021-12-31")
    assert [(v.action, v.user_name) for v in site.verdicts()] == [("dismiss", "张审核"), ("waive", "张审核")]

    site.night(2)
    unit_page(browser, site, "县人民政府")
    assert text(browser, "#D1-negative-hits .item-verdict") == "误报"
    assert "复核：误报" in text(browser, "#D1-negative-hits .verdict")
    unit_page(browser, site, "县教育局")
    assert "复核：已豁免" in text(browser, "#\\39 3-rule-of-law-report .verdict")

    site.night(3)  # the hit's page now says something else
    unit_page(browser, site, "县人民政府")
    assert text(browser, "#D1-negative-hits .item-verdict") == "已变化，需重新复核"
    unit_page(browser, site, "县教育局")
    assert "复核：已豁免" in text(browser, "#\\39 3-rule-of-law-report .verdict")


def test_a_unit_user_sees_only_its_unit_and_the_next_night_judges_its_fix_address(site, browser):
    log_in(browser, site, "司法局小李", "unit-pw")
    assert text(browser, "main h1").startswith("县司法局")
    unit_page(browser, site, "县教育局")
    assert "无权查看或处理其他单位的检查结果" in text(browser, "main")
    fix = site.portal.url.rstrip("/") + FIX_PATH
    unit_page(browser, site, "县司法局")
    submit(browser, review_form(POWER), action="fixed", fix_url=fix)
    assert "答复晚于本次检查，下一次检查时判断" in text(browser, "#\\37 -power-list .answer")

    site.night(4)  # the unit published the list at that address, linked from its column
    log_in(browser, site, "张审核", "review-pw")
    unit_page(browser, site, "县司法局")
    assert browser.evaluate("document.getElementById('7-power-list') === null")  # passed: no longer a gap
    with session_factory(open_engine(site.db))() as session:
        night4 = run_findings(session, latest_run(session, load_config(site.config_path).county, ("checked",)).id)
        power = next(f for f in night4 if (f.indicator, f.check, f.unit) == tuple(POWER.values()))
    assert (power.status, power.fix_check["state"], power.fix_check["note"]) == ("pass", "counted", "整改链接已抓取并计入：本项已通过")
    browser.load(site.url("/"))
    assert "整改链接已抓取并计入：本项已通过" in browser.evaluate("document.getElementById('fix-answers').nextElementSibling.textContent")
    log_in(browser, site, "司法局小李", "unit-pw")
    assert fix in text(browser, "#fix-answers + table") and "整改链接已抓取并计入" in text(browser, "#fix-answers + table")


def test_forged_replayed_unknown_expired_and_wrongly_logged_in_posts_store_nothing(site, browser):
    before = len(site.verdicts())
    log_in(browser, site, "张审核", "wrong-password")
    assert "用户名或密码错误" in text(browser, "[role=alert]")

    log_in(browser, site, "张审核", "review-pw")
    unit_page(browser, site, "县司法局")
    late = {"indicator": "93", "check": "rule-of-law-report", "unit": "县司法局"}
    submit(browser, review_form(late), action="confirm", csrf="forged-token")
    assert "表单已失效或来源不明" in text(browser, "[role=alert]")

    unit_page(browser, site, "县司法局")
    submit(browser, review_form(late), action="confirm", check="no-such-check")
    assert "没有这条检查结果" in text(browser, "[role=alert]")

    unit_page(browser, site, "县司法局")
    fields = browser.evaluate(f"Object.fromEntries(new FormData({review_form(late)}))")
    submit(browser, review_form(late), action="confirm")
    assert len(site.verdicts()) == before + 1  # the one post that was meant
    browser.act(f"""(() => {{ const f = document.createElement('form'); f.method = 'post'; f.action = '/review';
        for (const [name, value] of Object.entries({json.dumps(fields | {"action": "confirm"}, ensure_ascii=False)})) {{
            const input = document.createElement('input'); input.name = name; input.value = value; f.appendChild(input); }}
        document.body.appendChild(f); f.submit(); }})()""")
    assert "重复提交" in text(browser, "[role=alert]")

    unit_page(browser, site, "县司法局")
    token = browser.evaluate("document.querySelector('input[name=csrf]').value")
    browser.call("Network.setCookie", {"name": "fazhi_session", "value": expired_session({"user": "张审核", "csrf": token}),
                                       "url": site.url("/")})
    submit(browser, review_form(late), action="due", workdays="5")
    assert "登录已过期" in text(browser, "[role=alert]")
    assert len(site.verdicts()) == before + 1


def expired_session(values: dict) -> str:
    """A session cookie as `fazhi serve` signs it, but signed longer ago than a session lasts."""

    class Long_ago(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - SESSION_SECONDS - 60

    return Long_ago(SECRET).sign(b64encode(json.dumps(values).encode())).decode()
