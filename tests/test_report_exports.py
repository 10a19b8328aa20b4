"""findings.json (the interface scripts rely on) and findings.xlsx (the 台账)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from browser.report_store import CONFIG, FORMULA_TITLE, HOSTILE_URL, LONG_UNIT, build_store
from reports.export_xlsx import HEADERS, sheet_name
from reports.render import write_reports

RUN_KEYS = {"id": int, "as_of": str, "started_at": str, "finished_at": str,
            "pages": int, "attachments": int, "fetch_errors": int,
            "complete": bool, "incomplete_reason": (str, type(None))}
FINDING_KEYS = {"indicator": str, "check": str, "unit": str, "status": str, "message": str,
                "responsible": list, "evidence": list, "review": dict}
# INTERFACE.md's four and verified_at, when the site last confirmed the document (README)
EVIDENCE_KEYS = {"url": str, "title": str, "published": (str, type(None)), "note": str, "verified_at": (str, type(None))}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    session, _, run2 = build_store(folder / "fazhi.db")
    write_reports(session, run2.id, CONFIG, folder / "out")
    session.close()
    return folder / "out"


def conforms(value: dict, schema: dict) -> list[str]:
    """Exactly these keys, each of the given type(s)."""
    problems = [f"keys {sorted(value)} != {sorted(schema)}"] if set(value) != set(schema) else []
    problems += [f"{key}: {type(value[key]).__name__}" for key, kind in schema.items()
                 if key in value and not isinstance(value[key], kind)]
    return problems


def test_findings_json_has_exactly_the_interface_structure(out):
    data = json.loads((out / "findings.json").read_text("utf-8"))
    assert set(data) == {"run", "findings"}
    assert conforms(data["run"], RUN_KEYS) == []
    assert data["run"]["as_of"] == "2021-09-30"
    assert dt.datetime.fromisoformat(data["run"]["started_at"]).utcoffset() == dt.timedelta(0), "times carry their zone"
    assert len(data["findings"]) == 10
    for entry in data["findings"]:
        assert conforms(entry, FINDING_KEYS) == []
        assert entry["status"] in {"pass", "fail", "warn", "unknown"}
        assert all(isinstance(name, str) for name in entry["responsible"])
        for item in entry["evidence"]:
            assert conforms(item, EVIDENCE_KEYS) == []  # the stored sha256 is not part of the interface
            if item["published"]:
                dt.date.fromisoformat(item["published"])


def test_findings_json_is_utf8_chinese_not_escaped(out):
    raw = (out / "findings.json").read_text("utf-8")
    assert "县司法局" in raw and "\\u" not in raw
    data = json.loads(raw)
    hits = next(f for f in data["findings"] if f["indicator"] == "D1")
    assert hits["responsible"] and hits["evidence"][0]["url"] == HOSTILE_URL


def test_workbook_has_overview_and_one_sheet_per_unit(out):
    book = load_workbook(out / "findings.xlsx")
    assert book.sheetnames[0] == "总览"
    assert set(book.sheetnames[1:]) == {"县政府", "县司法局", "县教育局", "下汤镇", LONG_UNIT[:31]}
    for sheet in book.worksheets:
        assert tuple(c.value for c in sheet[1]) == HEADERS
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:J")


def test_workbook_rows_dates_and_links(out):
    sheet = load_workbook(out / "findings.xlsx")["县司法局"]
    rows = [dict(zip(HEADERS, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    late = next(r for r in rows if r["证据标题"] == "鲁司罚决字〔2021〕2号")
    assert late["指标"] == "第52项" and late["状态"] == "未通过" and late["单位"] == "县司法局"
    assert late["检查项"].startswith("行政处罚、行政许可决定7个工作日内公开"), "the check's Chinese title, not its slug"
    assert late["发布日期"] == dt.datetime(2021, 5, 20)
    date_cell = next(r[7] for r in sheet.iter_rows(min_row=2) if r[5].value == "鲁司罚决字〔2021〕2号")
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    link_cell = next(r[6] for r in sheet.iter_rows(min_row=2) if r[5].value == "鲁司罚决字〔2021〕2号")
    assert link_cell.hyperlink.target == "http://www.lushan.test/bm/sfj/cf/2.html"
    # every finding of the unit is there, with no evidence as one row
    assert {(r["指标"], r["状态"]) for r in rows} == {("第52项", "未通过"), ("第49项", "无法判断"), ("第7项", "通过")}


def test_scraped_text_stays_text_and_unsafe_urls_are_not_links(out):
    sheet = load_workbook(out / "findings.xlsx")["县政府"]
    cell = next(r[5] for r in sheet.iter_rows(min_row=2) if r[5].value == FORMULA_TITLE)
    assert cell.data_type == "s"  # not a formula
    hostile = next(r[6] for r in sheet.iter_rows(min_row=2) if r[6].value == HOSTILE_URL)
    assert hostile.hyperlink is None


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [sheet_name(n, taken) for n in ("县司法局", "县司法局", "a/b:c*d?[e]\\f", "字" * 40, "字" * 40, "History")]
    assert names[0] == "县司法局" and names[1] != "县司法局"
    assert names[2] == "a_b_c_d__e__f"
    assert all(len(n) <= 31 for n in names) and len(set(names)) == len(names)
    assert names[5] != "History"


def test_findings_json_says_when_the_night_was_incomplete_and_why(tmp_path):
    from reports.export_json import write_findings_json
    from storage.models import Run

    run = Run(id=3, county="示范县", status="checked", completeness="incomplete",
              incomplete_reason="只读到上次完整运行（第 2 次）2,751 份文件中的 120 份")
    data = json.loads(write_findings_json(tmp_path / "findings.json", run, []).read_text("utf-8"))
    assert data["run"]["complete"] is False
    assert data["run"]["incomplete_reason"].startswith("只读到上次完整运行")
