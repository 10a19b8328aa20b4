"""Extraction on real government pages (tests/fixtures/real/, see MANIFEST.md there)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.extract import extract_page, normalise

REAL = Path(__file__).parent / "fixtures" / "real"
BASE = "http://www.zhecheng.gov.cn/xxgk/xxgkml/gsgg/index.html"
D = dt.date

# file: (title, published date, source of the date)
ARTICLES = {
    "annual_report_01.html": ("柘城县发改委2017政府信息公开工作年度报告", D(2018, 4, 2), "header"),
    "comment_notice_01.html": ("县政府办公室关于《关于全面推进政务公开工作的实施意见》（征求意见稿）的意见征集公告", D(2017, 7, 31), "header"),
    "comment_notice_02.html": ("柘城县为切实制定好《2018年度目标管理办法》的征求意见", D(2018, 3, 13), "header"),
    "disclosure_guide_01.html": ("柘城县信息公开指南", D(2017, 3, 2), "header"),
    "disclosure_policy_doc_01.html": ("柘城县人民政府办公室关于推进重点领域政府信息公开工作的通知", D(2015, 10, 9), "header"),
    "gov_document_01.html": ("柘城县人民政府办公室关于表彰创建“四好农村路”示范段先进乡镇的通报", D(2018, 7, 3), "header"),
    "notice_article_01.html": ("柘城县人民政府办公室关于2018年端午节放假安排的通知", D(2018, 6, 11), "header"),
    "policy_interpretation_01.html": ("大力简政放权！河南再取消和调整345项行政职权事项", D(2018, 7, 23), "header"),
    "procurement_result_01.html": (
        "芷江侗族自治县公路建设养护中心、芷江侗族自治县扶贫开发服务有限责任公司贫困县乡村基础设施建设二期项目安防工程十标成交公告",
        D(2021, 6, 10), "index"),
    "trs_penalty_notice_01.html": ("平潭综合实验区财政金融局行政处罚决定", D(2022, 6, 8), "meta"),
    "derived/comment_notice_01.gbk.html": (
        "县政府办公室关于《关于全面推进政务公开工作的实施意见》（征求意见稿）的意见征集公告", D(2017, 7, 31), "header"),
}

# list and column pages: (title, first dated entry's date, number of dated entries)
LISTS = {
    "annual_report_list_01.html": ("信息公开年报", D(2018, 4, 2), 15),
    "comment_list_01.html": ("意见征集", D(2018, 7, 13), 15),
    "empirecms_list_utf8_01.html": ("公示公告", D(2018, 6, 12), 15),
    "empirecms_list_utf8_02.html": ("公示公告", D(2014, 7, 18), 3),
    "dept_subsite_index_01.html": ("县司法局", D(2018, 5, 14), 15),
    "trs_list_js_pager_01.html": ("政府信息公开年报", D(2026, 3, 10), 10),
}


def page(name: str):
    return extract_page((REAL / name).read_bytes(), BASE)


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_article_title_and_published_date(name):
    title, published, source = ARTICLES[name]
    result = page(name)
    assert result.title == title
    assert (result.published_on, result.published_source) == (published, source)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_pages_carry_entry_dates_and_no_invented_publication_date(name):
    title, first, count = LISTS[name]
    result = page(name)
    dated = [link for link in result.links if link.list_date]
    assert result.title == title
    assert dated[0].list_date == first and len(dated) == count
    assert result.published_on is None  # the newest entry's date is not the list's own


def test_pages_without_dates_have_none():
    for name in ("homepage_01.html", "township_subsite_index_01.html", "dept_township_index_01.html"):
        assert page(name).published_on is None
    assert page("homepage_01.html").title == "公司网站"  # the CMS default title, as the site shows it


def test_document_number_split_across_spans_is_normalised():
    text = page("gov_document_01.html").text
    assert "柘政办〔2018〕45号" in text
    assert text.rstrip().endswith("责任编辑：赵丹") and "2018年6月19日" in text
    assert "分享" not in text and "首页" not in text  # navigation and share buttons are not the body


def test_split_signature_date_and_comment_window_read_as_written():
    penalty = page("trs_penalty_notice_01.html")
    assert penalty.text.endswith("平潭综合实验区财政金融局\n2022年6月8日")
    assert penalty.meta["ContentSource"] == "平潭综合实验区财政金融局"
    assert penalty.meta["SiteIDCode"] == "3590000001"
    assert "意见征集时间：2017年8月1日至8月3日" in page("comment_notice_01.html").text


def test_header_fields():
    fields = page("gov_document_01.html").fields
    assert fields["发布日期"] == "2018-07-03 17:40:22"
    assert fields["来源"] == "商丘市采购网"
    assert fields["作者"] == "赵丹"
    assert "浏览次数" not in fields
    assert page("trs_penalty_notice_01.html").fields["来源"] == "平潭综合实验区财政金融局"


def test_summary_tables_become_rows_of_cells():
    tables = page("procurement_result_01.html").tables
    cells = [cell for table in tables for row in table for cell in row]
    assert "采购项目名称" in cells and "公告时间" in cells
    assert page("procurement_result_01.html").fields["公告时间"].startswith("2021年06月10日")


def test_gbk_page_decodes_the_same_as_its_utf8_original():
    original = page("comment_notice_01.html")
    gbk = page("derived/comment_notice_01.gbk.html")
    assert gbk.encoding == "gb18030"
    assert gbk.text == original.text


def test_links_resolve_against_the_page_url():
    links = page("empirecms_list_utf8_01.html").links
    urls = {link.url for link in links}
    assert "http://www.zhecheng.gov.cn/xxgk/xxgkml/gsgg/index_2.html" in urls
    assert "http://www.zhecheng.gov.cn/xxgk/xxgkml/gsgg/2018-07-23/10172.html" in urls


def test_normalise_drops_spaces_only_next_to_chinese():
    assert normalise("柘政办〔 2018 〕 45 号") == "柘政办〔2018〕45号"
    assert normalise("2017 年8月 1 日至 8 月 3 日") == "2017年8月1日至8月3日"
    assert normalise("2018-07-03  17:40:22\u3000") == "2018-07-03 17:40:22"
    assert normalise("Open  Government Data") == "Open Government Data"
