"""findings.json (the interface scripts rely on) and findings.xlsx (the 台账)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from browser.report_store import CONFIG, FORMULA_TITLE, HOSTILE_URL, LONG_UNIT, build_store
from reports.export_xlsx import HEADER_ROW, HEADERS, sheet_name
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


def ledger_rows(sheet) -> list[dict]:
    return [dict(zip(HEADERS, (c.value for c in row))) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def test_the_ledger_has_one_row_per_finding_an_evidence_sheet_instructions_and_a_sheet_per_unit(out):
    book = load_workbook(out / "findings.xlsx")
    assert book.sheetnames[:3] == ["台账", "填写说明", "证据"]
    assert set(book.sheetnames[3:]) == {"县政府", "县司法局", "县教育局", "下汤镇", LONG_UNIT[:31]}
    ledger = book["台账"]
    assert [c.value for c in ledger[HEADER_ROW]] == list(HEADERS)
    assert HEADERS[:11] == ("序号", "指标", "检查项", "责任单位", "状态", "问题", "整改要求", "期限", "复核意见", "整改情况", "证据")
    rows = ledger_rows(ledger)
    assert [r["序号"] for r in rows] == list(range(1, 11))  # 10 findings, one row each, evidence or not
    late = next(r for r in rows if r["指标"] == "第52项")
    assert late["责任单位"] == "县司法局" and late["状态"].startswith("未通过") and "（待复核）" in late["状态"]
    assert late["检查项"].startswith("行政处罚、行政许可决定7个工作日内公开"), "the check's Chinese title, not its slug"
    assert late["整改要求"] and "http://www.lushan.test/bm/sfj/cf/2.html" in late["证据"]
    assert json.loads(late["结果键"])["key"] == ["52", "decision-publicity", "县司法局"]
    assert ledger.column_dimensions["L"].hidden
    assert {r["序号"] for r in ledger_rows(book["县司法局"])} == {r["序号"] for r in rows if r["责任单位"] == "县司法局"}
    instructions = " ".join(str(c.value) for c in book["填写说明"]["A"] if c.value)
    for form in ("确认", "误报：理由", "豁免至YYYY-MM-DD：理由", "限期N个工作日", "已整改：网址", "fazhi review import"):
        assert form in instructions


def test_the_ledger_title_says_as_of_when_and_whether_the_crawl_was_complete(out, tmp_path):
    title = load_workbook(out / "findings.xlsx")["台账"]["A1"].value
    assert "鲁山县" in title and "数据截至 2021-09-30" in title and "第 2 次检查" in title and "抓取完整" in title
    session, _, run2 = build_store(tmp_path / "fazhi.db")
    run2.completeness, run2.incomplete_reason = "incomplete", "只读到上次 812 份文件中的 120 份"
    session.commit()
    write_reports(session, run2.id, CONFIG, tmp_path / "out")
    assert "抓取不完整：只读到上次 812 份文件中的 120 份" in load_workbook(tmp_path / "out" / "findings.xlsx")["台账"]["A1"].value


def test_every_sheet_prints_a4_landscape_one_page_wide_with_its_header_row_on_every_page(out):
    book = load_workbook(out / "findings.xlsx")
    for sheet in book.worksheets:
        assert (int(sheet.page_setup.paperSize), sheet.page_setup.orientation) == (9, "landscape"), sheet.title  # 9: A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1, sheet.title
        assert sheet.page_setup.fitToHeight == 0, sheet.title
        if sheet.title != "填写说明":
            assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}", sheet.title
            assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
            assert "L" not in sheet.print_area, "the hidden key is not printed"


def test_the_evidence_sheet_lists_every_item_with_a_link_and_its_date(out):
    sheet = load_workbook(out / "findings.xlsx")["证据"]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1))
    late = next(r for r in rows if r[3].value == "鲁司罚决字〔2021〕2号")
    assert late[0].value == 1 and late[4].value == "http://www.lushan.test/bm/sfj/cf/2.html"
    assert late[5].hyperlink.target == "http://www.lushan.test/bm/sfj/cf/2.html"
    assert late[6].is_date and late[6].value == dt.datetime(2021, 5, 20) and late[6].number_format == "yyyy-mm-dd"
    assert len(rows) == 8


def test_scraped_text_stays_text_and_unsafe_urls_are_not_links(out):
    sheet = load_workbook(out / "findings.xlsx")["证据"]
    cell = next(r[3] for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[3].value == FORMULA_TITLE)
    assert cell.data_type == "s" and cell.quotePrefix  # not a formula, and stays text when edited
    hostile = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[4].value == HOSTILE_URL)
    assert hostile[5].hyperlink is None and hostile[5].value == "不可链接"


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
