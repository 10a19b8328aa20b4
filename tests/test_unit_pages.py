"""A unit's page keeps its address from night to night, and a unit's first night
is its baseline rather than a list of 新发现."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote

from browser.report_store import finding
from bs4 import BeautifulSoup

from county.config import parse_config
from reports.model import unit_page_name
from reports.render import write_reports
from storage.db import open_engine, session_factory
from storage.models import Run

BASE = "http://www.lushan.test"
UNITS = [
    {"name": "县政府", "url_prefixes": [f"{BASE}/"], "roles": ["county"]},
    {"name": "县司法局", "url_prefixes": [f"{BASE}/bm/sfj/"], "roles": ["department", "enforcement"]},
    {"name": "县教育局", "url_prefixes": [f"{BASE}/bm/jyj/"], "roles": ["department"]},
]
ADDED = {"name": "县审计局", "url_prefixes": [f"{BASE}/bm/sjj/"], "roles": ["department"]}


def config_of(units: list[dict]):
    return parse_config({
        "county": {"name": "鲁山县"},
        "crawl": {"start_urls": [f"{BASE}/"], "allowed_domains": ["www.lushan.test"]},
        "units": units,
    })


def store(tmp_path: Path):
    return session_factory(open_engine(f"sqlite:///{tmp_path / 'fazhi.db'}"))()


def night(session, as_of: dt.date, findings) -> Run:
    started = dt.datetime.combine(as_of, dt.time(18, 0))
    run = Run(county="鲁山县", started_at=started, finished_at=started + dt.timedelta(hours=2), status="checked",
              as_of=as_of, start_urls=[f"{BASE}/"], pages=100, attachments=10, fetch_errors=0)
    run.findings = findings
    session.add(run)
    session.commit()
    return run


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def unit_links(out: Path) -> dict[str, str]:
    return {a.get_text(): a["href"] for a in soup(out / "units.html").select("table a[href^='units/']")}


def heading(out: Path, href: str) -> str:
    return soup(out / unquote(href)).h1.get_text()


def test_a_link_sent_yesterday_shows_the_same_unit_after_a_unit_is_added_in_front(tmp_path):
    session = store(tmp_path)
    first = night(session, dt.date(2021, 9, 29), [finding("7", "power-list", "县司法局", "fail", "未找到本单位的权责清单")])
    second = night(session, dt.date(2021, 9, 30), [finding("7", "power-list", "县司法局", "pass", "找到权责清单")])
    out = tmp_path / "out"
    write_reports(session, first.id, config_of(UNITS), out)
    yesterday = unit_links(out)
    write_reports(session, second.id, config_of([ADDED, *reversed(UNITS)]), out)
    session.close()

    today = unit_links(out)
    for name, href in yesterday.items():
        assert today[name] == href
        assert heading(out, href) == f"{name} · 整改清单"
    assert heading(out, today["县审计局"]) == "县审计局 · 整改清单"


def test_a_page_is_named_after_its_unit_and_linked_percent_encoded(tmp_path):
    session = store(tmp_path)
    run = night(session, dt.date(2021, 9, 30), [])
    write_reports(session, run.id, config_of(UNITS), tmp_path / "out")
    session.close()
    href = unit_links(tmp_path / "out")["县司法局"]
    assert href == "units/%E5%8E%BF%E5%8F%B8%E6%B3%95%E5%B1%80.html"
    assert (tmp_path / "out" / "units" / "县司法局.html").is_file()


def test_names_a_disk_or_web_server_cannot_take_as_they_are_still_get_their_own_page(tmp_path):
    awkward = ["县/乡 办公室", "县_乡_办公室", "县GIS中心", "县gis中心", "con", "..", "县#1%办"]
    units = [*UNITS, *({"name": name} for name in awkward)]
    session = store(tmp_path)
    run = night(session, dt.date(2021, 9, 30), [])
    out = tmp_path / "out"
    write_reports(session, run.id, config_of(units), out)
    session.close()

    links = unit_links(out)
    pages = {unquote(links[name]) for name in awkward}
    assert len(pages) == len(awkward)
    for name in awkward:
        page = Path(unquote(links[name]))
        assert page.parent == Path("units") and page.name.endswith(".html"), page
        assert not set(page.name) & set(' /\\:*?"<>|#%'), page
        assert heading(out, links[name]) == f"{name} · 整改清单"
    # lower case on disk: a case-insensitive disk must not merge 县GIS中心 into 县gis中心
    assert len({page.lower() for page in pages}) == len(awkward)
    assert unit_page_name("县GIS中心") == unit_page_name("县GIS中心") != unit_page_name("县gis中心")


def test_a_units_first_night_is_its_baseline_not_new_gaps(tmp_path):
    session = store(tmp_path)
    night(session, dt.date(2021, 9, 29), [
        finding("7", "power-list", "县政府", "pass", "找到权责清单"),
        finding("7", "power-list", "县司法局", "pass", "找到权责清单"),
    ])
    second = night(session, dt.date(2021, 9, 30), [
        finding("7", "power-list", "县政府", "pass", "找到权责清单"),
        finding("7", "power-list", "县司法局", "fail", "权责清单已撤下"),
        # a check the unit had no finding for the night before still counts: the late batch is new
        finding("52", "decision-publicity", "县司法局", "fail", "1 项行政处罚决定公开逾期"),
        finding("7", "power-list", "县审计局", "fail", "未找到本单位的权责清单"),
        finding("93", "rule-of-law-report", "县审计局", "fail", "未找到2020年度法治政府建设情况报告"),
    ])
    out = tmp_path / "out"
    write_reports(session, second.id, config_of([*UNITS, ADDED]), out)
    session.close()

    overview = soup(out / "index.html")
    new = [tuple(td.get_text(strip=True) for td in row.find_all("td")[:2])
           for row in overview.find(id="new").find_next("table").tbody.find_all("tr")]
    assert sorted(new) == [("第52项", "县司法局"), ("第7项", "县司法局")]
    first_units = overview.find(id="first-units")
    assert first_units.get_text().startswith("新增单位，首次检查") and first_units.a.get_text() == "县审计局"
    assert heading(out, first_units.a["href"]) == "县审计局 · 整改清单"
    cards = {card.select_one(".what").get_text(): card.select_one(".num").get_text() for card in overview.select(".card")}
    assert cards["新发现问题"] == "2" and cards["其他状态变化"] == "0"
