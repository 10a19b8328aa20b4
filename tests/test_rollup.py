"""The roll-up's decisions: which counties and indicators are worst, what an incomplete night does
to a county's place, and the workbook's sheets, print setup and text cells."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from browser.rollup_store import AS_OF, DEPLOYMENT, FORMULA_COUNTY, HOSTILE_REASON, build_city
from reports.rollup import build_rollup
from reports.rollup_render import write_rollup


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rollup")
    session, runs = build_city(folder / "city.db")
    index = write_rollup(session, DEPLOYMENT, AS_OF, folder / "www")
    yield session, runs, index.parent
    session.close()


def test_worst_counties_rank_by_share_of_judged_findings_and_skip_incomplete_nights(city):
    session, _runs, _out = city
    rollup = build_rollup(session, DEPLOYMENT, AS_OF)
    assert [c.name for c in rollup.worst_counties] == ["郏县", "鲁山县"]
    assert [c.name for c in rollup.unranked] == ["叶县"]
    assert [r.indicator for r in rollup.worst_indicators][:3] == ["7", "52", "93"]
    assert rollup.worst_indicators[0].failing_counties == 1 and rollup.worst_indicators[0].counts["fail"] == 2


def test_rollup_json_gives_each_county_its_changes_coverage_and_report_link(city):
    _session, runs, out = city
    counties = {c["slug"]: c for c in json.loads((out / "rollup.json").read_text(encoding="utf-8"))["counties"]}
    lushan = counties["lushan"]
    assert lushan["report"] == "lushan/index.html" and lushan["run"]["id"] == runs["lushan"].id
    assert lushan["changes"]["fixed"] == 1 and lushan["changes"]["new"] >= 1
    assert [point["as_of"] for point in lushan["trend"]] == ["2021-09-01", "2021-09-30"]
    assert counties["jiaxian"]["changes"] is None, "its first night: nothing to compare with"
    assert counties["yexian"]["coverage"] == {"checked": 0, "unknown": 2, "total": 2}
    assert counties["yexian"]["note"] == f"抓取不完整：{HOSTILE_REASON}"


def test_text_from_the_store_stays_text_in_the_page(city):
    _session, _runs, out = city
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(" in html


def test_the_workbook_has_a_sheet_per_view_printable_on_a4_landscape_with_text_cells(city):
    _session, _runs, out = city
    book = load_workbook(out / "rollup.xlsx")
    assert book.sheetnames == ["县区一览", "县区×指标", "问题最多的指标", "趋势"]
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    counties = book["县区一览"]
    formula = counties.cell(row=5, column=1)
    assert (formula.value, formula.data_type) == (FORMULA_COUNTY, "s")
    matrix = book["县区×指标"]
    header = [cell.value for cell in matrix[1]]
    assert header[0] == "县（市、区）" and "第7项" in header
    jiaxian_power_list = matrix.cell(row=3, column=header.index("第7项") + 1).value
    assert jiaxian_power_list == "未通过 2/2"
