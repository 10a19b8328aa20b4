"""A city store built directly (no crawl), for the roll-up's tests: three counties sharing one store.

鲁山县 has two nights (report_store's: one gap fixed, one new); 郏县 one complete night; 叶县 an
incomplete night whose reason quotes a hostile URL; "=SUM(1,2)区" a name a spreadsheet would run."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from browser.report_store import CONFIG, build_store, finding
from county.deployment import County, Deployment
from reports.render import write_reports
from storage.models import Run

AS_OF = dt.date(2021, 9, 30)
HOSTILE_REASON = "首页 http://www.ye.test/<script>alert('reason')</script> 抓取失败"
FORMULA_COUNTY = "=SUM(1,2)区"


def county(slug: str, name: str) -> County:
    return County(slug, dataclasses.replace(CONFIG, county=name), Path(f"/etc/fazhi/{slug}.toml"))


DEPLOYMENT = Deployment(
    "平顶山市", None,
    (county("lushan", "鲁山县"), county("jiaxian", "郏县"), county("yexian", "叶县"), county("formula", FORMULA_COUNTY)),
    Path("/etc/fazhi/city.toml"),
)


def _night(session, name: str, findings: list, **run) -> Run:
    started = dt.datetime.combine(AS_OF, dt.time(18))
    night = Run(county=name, status="checked", as_of=AS_OF, started_at=started, finished_at=started + dt.timedelta(hours=1),
                start_urls=["http://gov.test/"], pages=300, **run)
    night.findings = findings
    session.add(night)
    session.commit()
    return night


def build_city(db_path: Path):
    """(session, {slug: newest run}) over a fresh SQLite store."""
    session, _lushan1, lushan2 = build_store(db_path)
    jiaxian = _night(session, "郏县", [
        finding("7", "power-list", "县司法局", "fail", "未找到本单位的权责清单"),
        finding("7", "power-list", "县教育局", "fail", "未找到本单位的权责清单"),
        finding("93", "rule-of-law-report", "县教育局", "pass", "按时公开"),
    ], completeness="complete")
    yexian = _night(session, "叶县", [
        finding("7", "power-list", "县司法局", "unknown", "本次抓取不完整，无法确认"),
        finding("93", "rule-of-law-report", "县教育局", "unknown", "本次抓取不完整，无法确认"),
    ], completeness="incomplete", incomplete_reason=HOSTILE_REASON)
    formula = _night(session, FORMULA_COUNTY, [finding("1", "approval-list", "县政府", "warn", "未标注事项编码")], completeness="complete")
    return session, {"lushan": lushan2, "jiaxian": jiaxian, "yexian": yexian, "formula": formula}


def write_county_reports(session, runs: dict[str, Run], out: Path) -> None:
    for entry in DEPLOYMENT.counties:
        write_reports(session, runs[entry.slug].id, entry.config, out / entry.slug)
