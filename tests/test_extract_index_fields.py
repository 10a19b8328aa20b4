"""Index-table fields in the layouts real disclosure templates use (issue 13).

Markup and values are those of real pages: the 邯郸市 disclosure detail page saved in
kevin3691/renmin (src/main/webapp/WEB-INF/views/affairs/details.jsp at 856b8173, a browser save of
hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html) and the 柘城县 pages in
tests/fixtures/real/. Where a layout is written out here, its labels, values and tags are the
page's; only the arrangement of cells is the layout's (no saved page of it was found).
"""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.extract import extract_page, publisher

URL = "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html"
TITLE = "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知"
# the 邯郸市 page's own index block, as saved
HANDAN_INDEX = """<div class="top cf"><div class="top-l fl">
<p><strong>索引号</strong>：000014348/2020-35147</p>
<p><strong>发布机构</strong>：邯郸市教育局</p>
<p><strong>名称</strong>：邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知</p>
<p><strong>文号</strong>：无</p></div>
<div class="top-r fr"><p><strong>主题分类</strong>：教育</p>
<p><strong>发布日期</strong>：2020年08月02日</p>
<p style="height: 40px;"></p></div><div style="clear: both;"></div></div>"""
BODY = "<div class='TRS_Editor'><p>各县（市、区）教育局，市直各学校：现将《全市教育系统安全专项整治三年行动实施方案》印发给你们，请认真贯彻落实。</p></div>"
EXPECTED = {"索引号": "000014348/2020-35147", "发布机构": "邯郸市教育局", "主题分类": "教育", "发布日期": "2020年08月02日"}


def page(index: str):
    html = f"<html><head><title>{TITLE}</title></head><body>{index}<h1>{TITLE}</h1>{BODY}</body></html>"
    return extract_page(html.encode(), URL)


@pytest.mark.parametrize(
    "index",
    [
        pytest.param(HANDAN_INDEX, id="as saved: <strong>label</strong>：value"),
        pytest.param(
            "<table class='xxgk'><tr><td>索引号</td><td>发布机构</td><td>主题分类</td><td>发布日期</td></tr>"
            "<tr><td>000014348/2020-35147</td><td>邯郸市教育局</td><td>教育</td><td>2020年08月02日</td></tr></table>",
            id="columns: a row of labels over a row of values"),
        pytest.param(
            "<table><tr><th>索引号</th><th>发布机构</th></tr><tr><td>000014348/2020-35147</td><td>邯郸市教育局</td></tr>"
            "<tr><th>主题分类</th><th>发布日期</th></tr><tr><td>教育</td><td>2020年08月02日</td></tr></table>",
            id="columns: label rows and value rows alternating"),
        pytest.param(
            "<dl class='xxgk'><dt>索引号：</dt><dd>000014348/2020-35147</dd><dt>发布机构：</dt><dd>邯郸市教育局</dd>"
            "<dt>主题分类：</dt><dd>教育</dd><dt>发布日期：</dt><dd>2020年08月02日</dd></dl>",
            id="dt/dd"),
        pytest.param(
            "<ul class='xxgk'><li><label>索引号</label><span>000014348/2020-35147</span></li>"
            "<li><label>发布机构</label><span>邯郸市教育局</span></li><li><label>主题分类</label><span>教育</span></li>"
            "<li><label>发布日期</label><span>2020年08月02日</span></li></ul>",
            id="li: label and value elements, no colon"),
        pytest.param(
            "<div class='xxgk'><div class='row'><div class='l'>索 引 号：</div><div class='r'>000014348/2020-35147</div></div>"
            "<div class='row'><div class='l'>发布机构：</div><div class='r'>邯郸市教育局</div></div>"
            "<div class='row'><div class='l'>主题分类：</div><div class='r'>教育</div></div>"
            "<div class='row'><div class='l'>发布日期：</div><div class='r'>2020年08月02日</div></div></div>",
            id="div rows, a spaced-out label"),
        pytest.param(
            "<div class='info'>索　引　号：000014348/2020-35147　发布机构：邯郸市教育局<br>主题分类：教育　发布日期：2020年08月02日</div>",
            id="spaced-out labels in a header line"),
    ],
)
def test_every_layout_gives_the_same_fields(index):
    extracted = page(index)
    assert {label: extracted.fields.get(label) for label in EXPECTED} == EXPECTED
    assert (publisher(extracted.fields), extracted.published_on) == ("邯郸市教育局", dt.date(2020, 8, 2))


def test_a_catalogue_under_a_label_row_is_not_the_pages_fields():
    # the columns the 柘城县 disclosure guide (tests/fixtures/real/disclosure_guide_01.html) lists for its catalogue
    catalogue = (
        "<table><tr><td>索引号</td><td>信息名称</td><td>公开形式</td><td>生成日期</td><td>发布机构</td></tr>"
        "<tr><td>000014348/2020-35147</td><td>关于印发安全专项整治三年行动实施方案的通知</td><td>网站</td><td>2020-08-02</td><td>邯郸市教育局</td></tr>"
        "<tr><td>000014348/2020-35100</td><td>关于做好暑期安全工作的通知</td><td>网站</td><td>2020-07-10</td><td>邯郸市财政局</td></tr></table>"
    )
    extracted = page(catalogue)
    assert publisher(extracted.fields) is None and "生成日期" not in extracted.fields


def test_only_the_published_labels_give_the_published_date():
    signed_only = page("<table><tr><td>索引号</td><td>发布机构</td><td>成文日期</td><td>生效日期</td></tr>"
                       "<tr><td>000014348/2020-35147</td><td>邯郸市教育局</td><td>2020年07月28日</td><td>2020年09月01日</td></tr></table>")
    assert signed_only.fields["成文日期"] == "2020年07月28日" and signed_only.fields["生效日期"] == "2020年09月01日"
    # 成文日期 is the signing date: CHECKS.md takes it only when nothing better says when it was published
    assert (signed_only.published_on, signed_only.published_source) == (dt.date(2020, 7, 28), "signature")
    both = page("<table><tr><td>成文日期</td><td>发布日期</td><td>生效日期</td></tr>"
                "<tr><td>2020年07月28日</td><td>2020年08月02日</td><td>2020年09月01日</td></tr></table>")
    assert (both.published_on, both.published_source) == (dt.date(2020, 8, 2), "index")


def test_a_name_label_ends_where_the_header_date_begins():
    # 来源：人民网-文化频道 2019年06月15日08:18 — the name, then the header's own date
    extracted = page("<div class='info'>来源：邯郸市教育局 2020年08月02日 10:20　浏览次数：12</div>")
    assert (publisher(extracted.fields), extracted.published_on) == ("邯郸市教育局", dt.date(2020, 8, 2))
