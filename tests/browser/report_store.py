"""A store with two checked runs, built directly (no crawl), for the report tests.

Between run 1 and run 2: 县司法局 publishes its 权责清单 (已整改), 县教育局's
annual report goes missing (新发现), and a hostile page turns up as evidence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from county.catalogue import load_catalogue
from county.config import parse_config
from rules.base import registered_checks
from storage.db import open_engine, session_factory, store_snapshot
from storage.models import Finding, Run

BASE = "http://www.lushan.test"
HOSTILE_TITLE = "<script>alert('title')</script>行政处罚决定书"
HOSTILE_URL = "javascript:alert('url')"
HOSTILE_NOTE = '" onmouseover="alert(\'note\')" x="'
FORMULA_TITLE = "=1+1 行政处罚决定公示"
LONG_UNIT = "县政务服务和大数据服务中心（县行政审批服务中心、县公共资源交易中心）"
SNAPSHOT_PAGE = (
    "<html><head><meta charset=gbk><title>权责清单</title></head>"
    "<body><script>alert('snapshot')</script><h1>县司法局权责清单（2021年版）</h1></body></html>"
).encode("gbk")

CONFIG_DATA = {
        "county": {"name": "鲁山县"},
        "crawl": {"start_urls": [f"{BASE}/"], "allowed_domains": ["www.lushan.test"]},
        "units": [
            {"name": "县政府", "aliases": ["鲁山县人民政府"], "url_prefixes": [f"{BASE}/"], "roles": ["county"]},
            {"name": "县司法局", "url_prefixes": [f"{BASE}/bm/sfj/"], "roles": ["department", "enforcement"]},
            {"name": "县教育局", "url_prefixes": [f"{BASE}/bm/jyj/"], "roles": ["department"]},
            {"name": "下汤镇", "url_prefixes": [f"{BASE}/xz/xtz/"], "roles": ["township"]},
            {"name": LONG_UNIT, "url_prefixes": [f"{BASE}/bm/zwfw/"], "roles": ["department"]},
        ],
}
CONFIG = parse_config(CONFIG_DATA)


def write_config(path: Path) -> Path:
    """CONFIG as the TOML file an operator passes with --config."""
    def value(item) -> str:
        return json.dumps(item, ensure_ascii=False)  # a JSON string or list of strings is TOML too

    lines = [f'[county]\nname = {value(CONFIG_DATA["county"]["name"])}', "[crawl]"]
    lines += [f"{key} = {value(item)}" for key, item in CONFIG_DATA["crawl"].items()]
    for unit in CONFIG_DATA["units"]:
        lines += ["[[units]]", *(f"{key} = {value(item)}" for key, item in unit.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def finding(indicator: str, check: str, unit: str, status: str, message: str, evidence=()) -> Finding:
    """A finding as the engine stores it, with its check's title and remedy."""
    responsible = list(load_catalogue().get(indicator).responsible)
    check_class = {(c.indicator, c.slug): c for c in registered_checks()}.get((indicator, check))
    return Finding(indicator=indicator, check=check, unit=unit, status=status, message=message,
                   responsible=responsible, evidence=list(evidence),
                   title=check_class.title() if check_class else None,
                   remedy=(check_class.remedy or None) if check_class else None)


def evidence(url: str, title: str, published: str | None, note: str = "", sha256: str | None = None) -> dict:
    entry = {"url": url, "title": title, "published": published, "note": note}
    return entry | ({"sha256": sha256} if sha256 else {})


def _run(session, as_of: dt.date, findings: list[Finding], **counts) -> Run:
    started = dt.datetime.combine(as_of, dt.time(18, 0))
    run = Run(county="鲁山县", started_at=started, finished_at=started + dt.timedelta(hours=2),
              status="checked", as_of=as_of, start_urls=[f"{BASE}/"], **counts)
    run.findings = findings
    session.add(run)
    session.commit()
    return run


def first_run_findings() -> list[Finding]:
    return [
        finding("7", "power-list", "县司法局", "fail", "未找到本单位的权责清单"),
        finding("7", "power-list", "县教育局", "pass", "找到权责清单",
                [evidence(f"{BASE}/bm/jyj/qzqd.html", "县教育局权责清单", "2021-03-01")]),
        finding("93", "rule-of-law-report", "县教育局", "pass", "2020年度法治政府建设情况报告按时公开",
                [evidence(f"{BASE}/bm/jyj/nb2020.html", "县教育局2020年法治政府建设情况报告", "2021-03-15")]),
        finding("1", "approval-list", "县政府", "warn", "行政审批事项清单未标注事项编码"),
        finding("49", "enforcement-disclosure", "县司法局", "fail", "缺少救济渠道"),
    ]


def second_run_findings(snapshot: str, pdf: str) -> list[Finding]:
    return [
        finding("7", "power-list", "县司法局", "pass", "找到权责清单，字段齐全",
                [evidence(f"{BASE}/bm/sfj/qzqd.html", "县司法局权责清单（2021年版）", "2021-09-10", sha256=snapshot)]),
        finding("7", "power-list", "县教育局", "pass", "找到权责清单",
                [evidence(f"{BASE}/bm/jyj/qzqd.html", "县教育局权责清单", "2021-03-01")]),
        finding("93", "rule-of-law-report", "县教育局", "fail", "未找到2020年度法治政府建设情况报告（应于3月31日前公开）"),
        finding("93", "rule-of-law-report", "下汤镇", "unknown",
                "未找到2020年度法治政府建设情况报告；但该单位有页面抓取失败（http://www.lushan.test/xz/xtz/list.html），无法确认是否缺失"),
        finding("1", "approval-list", "县政府", "warn", "行政审批事项清单未标注事项编码",
                [evidence(f"{BASE}/zwgk/spqd.html", "鲁山县行政审批事项清单", "2020-06-01", "无“编码”列")]),
        finding("49", "enforcement-disclosure", "县司法局", "unknown", "行政执法公示页面抓取失败"),
        finding("52", "decision-publicity", "县司法局", "fail", "2 项行政处罚决定公开逾期（共 5 项，3 项按时）", [
            evidence(f"{BASE}/bm/sfj/cf/2.html", "鲁司罚决字〔2021〕2号", "2021-05-20",
                     "决定日期 2021-05-06，公开日期 2021-05-20，相隔 10 个工作日（限 7 个）", pdf),
            evidence(f"{BASE}/bm/sfj/sgs/2021-06.xls", "2021年6月行政处罚双公示（第3行）", "2021-06-30",
                     "决定日期 2021-06-01，公开日期 2021-06-30，相隔 20 个工作日（限 7 个）"),
        ]),
        finding("D1", "negative-hits", "县政府", "warn", "发现 2 条需人工复核的负面信息", [
            evidence(HOSTILE_URL, HOSTILE_TITLE, "2021-05-20", HOSTILE_NOTE),
            evidence(f"{BASE}/xwzx/3.html", FORMULA_TITLE, None, "标题含“通报”"),
        ]),
        finding("7", "power-list", LONG_UNIT, "warn", "权责清单超过12个月未更新",
                [evidence(f"{BASE}/bm/zwfw/qzqd.html", "权责清单", "2020-01-02")]),
        finding("27", "normative-doc-negative", "县政府", "pass", "未发现规范性文件被通报、撤销的报道"),
    ]


def build_store(db_path) -> tuple:
    """(session, run1, run2) over a fresh SQLite store at db_path."""
    session = session_factory(open_engine(f"sqlite:///{db_path}"))()
    run1 = _run(session, dt.date(2021, 9, 1), first_run_findings(), pages=812, attachments=96, fetch_errors=0)
    snapshot = store_snapshot(session, SNAPSHOT_PAGE, f"{BASE}/bm/sfj/qzqd.html", "text/html")
    pdf = store_snapshot(session, b"%PDF-1.4 stub", f"{BASE}/bm/sfj/cf/2.pdf", "application/pdf")
    run2 = _run(session, dt.date(2021, 9, 30), second_run_findings(snapshot, pdf), pages=845, attachments=101, fetch_errors=1)
    return session, run1, run2
