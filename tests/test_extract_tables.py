"""Tables as a reader sees them: a merged cell's value stands under its header, a print copy counts once."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from crawler.extract import extract_page, extract_tables

REAL = Path(__file__).resolve().parent / "fixtures" / "real"


def tables_of(html: str) -> list:
    return extract_tables(lxml.html.fromstring(html))


def test_a_row_spanning_cell_fills_the_rows_below_it():
    # the layout of the 浙江监管局 公开表: one 决定书文号 for two parties
    html = """<table><tr><th>序号</th><th>当事人</th><th>文号</th><th>处罚内容</th></tr>
    <tr><td>1</td><td>甲公司</td><td rowspan="2">浙金罚决字〔2024〕52号</td><td>罚款56万元</td></tr>
    <tr><td>2</td><td>陈某</td><td>警告</td></tr></table>"""
    assert tables_of(html) == [[["序号", "当事人", "文号", "处罚内容"],
                                ["1", "甲公司", "浙金罚决字〔2024〕52号", "罚款56万元"],
                                ["2", "陈某", "浙金罚决字〔2024〕52号", "警告"]]]


def test_a_two_row_header_spreads_its_group_over_the_columns_it_covers():
    html = """<table><tr><th rowspan="2">文号</th><th colspan="2">日期</th></tr>
    <tr><th>决定日期</th><th>公示日期</th></tr>
    <tr><td>X罚〔2024〕1号</td><td>2024-07-08</td><td>2024-07-10</td></tr></table>"""
    assert tables_of(html) == [[["文号", "日期", "日期"], ["文号", "决定日期", "公示日期"],
                                ["X罚〔2024〕1号", "2024-07-08", "2024-07-10"]]]


def test_a_span_written_carelessly_is_read_as_far_as_it_can_be():
    html = """<table><tr><td rowspan=" 2 ">a</td><td colspan="0">b</td></tr><tr><td>c</td></tr></table>"""
    assert tables_of(html) == [[["a", "b"], ["a", "c"]]]


def test_a_table_repeated_for_printing_is_one_table():
    page = extract_page((REAL / "saved" / "penalty_table_nfra_01.html").read_bytes(), "http://www.nfra.gov.cn/a.html")
    decision_tables = [table for table in page.tables if table[0][0] == "行政处罚决定书文号"]
    assert len(decision_tables) == 1
