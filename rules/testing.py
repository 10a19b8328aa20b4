"""Running a check's YAML test cases (sqlfluff-style: cases as data beside the rule).

A case file ``rules/checks/<module>.yaml`` looks like::

    check: power-list            # slug of the check in <module>.py
    cases:
      - id: variant-title-passes
        as_of: 2021-09-30
        documents:               # url, title, published, text, fields, tables, kind, http_status, list_date, parent_url, link_text
          - {url: "http://gov.test/bm/sfj/1.html", title: "县司法局权责清单（2021年版）", published: 2021-03-01}
        errors: ["http://gov.test/bm/sfj/list.html"]   # optional fetch errors
        units: [...]             # optional; default: DEFAULT_UNITS below
        expect:
          - {unit: 县司法局, status: pass}
          - {unit: 县教育局, status: fail, message_contains: "权责清单", evidence: 0}

Every unit a check reports on must be listed in ``expect`` unless ``partial: true``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from county.config import CalendarSettings, parse_config
from county.units import attribute_url, attribution
from rules.base import CheckContext, Doc, ErrorView, Result

BASE = "http://gov.test"

DEFAULT_UNITS: list[dict[str, Any]] = [
    {"name": "县政府", "aliases": ["鲁山县人民政府", "县人民政府"], "url_prefixes": [f"{BASE}/"], "roles": ["county"]},
    {"name": "县司法局", "aliases": ["鲁山县司法局"], "url_prefixes": [f"{BASE}/bm/sfj/"], "roles": ["department", "enforcement"]},
    {"name": "县教育局", "aliases": ["鲁山县教育局"], "url_prefixes": [f"{BASE}/bm/jyj/"], "roles": ["department"]},
    {"name": "县市场监管局", "aliases": ["鲁山县市场监督管理局"], "url_prefixes": [f"{BASE}/bm/scjgj/"], "roles": ["department", "enforcement"]},
    {"name": "下汤镇", "aliases": ["鲁山县下汤镇人民政府"], "url_prefixes": [f"{BASE}/xz/xtz/"], "roles": ["township"]},
]


def load_cases(path: Path) -> tuple[str, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["check"], data["cases"]


def context_for_case(case: dict[str, Any], catalogue, extra_calendar: CalendarSettings | None = None) -> CheckContext:
    from rules.workdays import WorkCalendar

    config = parse_config(
        {
            "county": {"name": "鲁山县"},
            "crawl": {"start_urls": [f"{BASE}/"], "allowed_domains": ["gov.test"]},
            "units": case.get("units", DEFAULT_UNITS),
            "calendar": case.get("calendar", {}),
            "major_decisions": {"titles": case.get("major_decisions", [])},
        }
    )
    documents = [_doc(entry, config) for entry in case.get("documents", [])]
    errors = [ErrorView(_absolute(url), attribute_url(_absolute(url), config), "HTTP 500") for url in case.get("errors", [])]
    return CheckContext(
        as_of=_date(case["as_of"]),
        config=config,
        documents=documents,
        errors=errors,
        calendar=WorkCalendar(config.calendar.extra_holidays, config.calendar.extra_workdays),
        catalogue=catalogue,
        start_failed=bool(case.get("start_failed", False)),
    )


def _doc(entry: dict[str, Any], config) -> Doc:
    fields = dict(entry.get("fields", {}))
    url = _absolute(entry["url"])
    credited = attribution(url, fields | dict(entry.get("meta", {})), config)
    return Doc(
        url=url,
        title=entry.get("title", ""),
        kind=entry.get("kind", "page"),
        published_on=_date(entry.get("published")),
        text=entry.get("text", ""),
        fields=fields,
        meta=dict(entry.get("meta", {})),
        tables=entry.get("tables", []),
        unit=credited.unit,
        unit_reason=credited.reason,
        http_status=entry.get("http_status", 200),
        parent_url=_absolute(entry["parent_url"]) if entry.get("parent_url") else None,
        link_text=entry.get("link_text"),
        extension=entry.get("extension"),
        list_date=_date(entry.get("list_date")),
    )


def _absolute(url: str) -> str:
    return url if "://" in url else BASE + url


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def compare(case: dict[str, Any], results: list[Result]) -> list[str]:
    """Differences between a case's expectations and the results, as readable lines."""
    problems: list[str] = []
    by_unit: dict[str, list[Result]] = {}
    for result in results:
        by_unit.setdefault(result.unit, []).append(result)
    expected_units = {expect["unit"] for expect in case["expect"]}
    for expect in case["expect"]:
        found = by_unit.get(expect["unit"], [])
        if expect.get("status") == "none":
            if found:
                problems.append(f"{expect['unit']}: expected no finding, got {[r.status for r in found]}")
            continue
        if len(found) != 1:
            problems.append(f"{expect['unit']}: expected one finding, got {len(found)}")
            continue
        problems.extend(_compare_one(expect, found[0]))
    if not case.get("partial"):
        extra = sorted(set(by_unit) - expected_units)
        if extra:
            problems.append(f"unexpected findings for {extra}: {[by_unit[u][0].status for u in extra]}")
    return problems


def _compare_one(expect: dict[str, Any], result: Result) -> list[str]:
    problems = []
    label = f"{expect['unit']} ({result.message})"
    if result.status != expect["status"]:
        problems.append(f"{label}: status {result.status}, expected {expect['status']}")
    for fragment in _as_list(expect.get("message_contains")):
        if fragment not in result.message:
            problems.append(f"{label}: message lacks {fragment!r}")
    if "evidence" in expect and len(result.evidence) != expect["evidence"]:
        problems.append(f"{label}: {len(result.evidence)} evidence entries, expected {expect['evidence']}")
    for url in _as_list(expect.get("evidence_urls")):
        url = _absolute(url)
        if url not in [item.url for item in result.evidence]:
            problems.append(f"{label}: evidence lacks {url}")
    for fragment in _as_list(expect.get("note_contains")):
        if not any(fragment in item.note for item in result.evidence):
            problems.append(f"{label}: no evidence note contains {fragment!r}")
    return problems


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
