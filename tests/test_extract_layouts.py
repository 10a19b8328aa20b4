"""Extraction on the layouts other CMSs use: label tables, label lists, pagers, encodings, URLs."""

from __future__ import annotations

import datetime as dt

from crawler.encoding import decode_html
from crawler.extract import extract_page
from crawler.urls import in_domains, is_trap
from parsing.urls import canonical_url

URL = "http://www.example.gov.cn/xxgk/zfwj/index.html"


def test_disclosure_index_table_without_colons():
    page = extract_page(
        "<table><tr><th>索引号</th><td>000014349/2021-00012</td><th>主题分类</th><td>综合政务</td></tr>"
        "<tr><th>发布机构</th><td>示例县司法局</td><th>成文日期</th><td>2021年03月02日</td></tr>"
        "<tr><th>标题</th><td colspan=3>示例县司法局权责清单</td></tr>"
        "<tr><th>文号</th><td>示司〔 2021 〕 3 号</td><th>发布日期</th><td>2021年03月05日</td></tr></table>"
        "<div class='TRS_Editor'><p>根据机构改革情况，现将本局权责清单予以公布。</p></div>".encode(), URL)
    assert page.fields["索引号"] == "000014349/2021-00012"
    assert page.fields["发布机构"] == "示例县司法局"
    assert page.fields["文号"] == "示司〔2021〕3号"
    assert (page.published_on, page.published_source) == (dt.date(2021, 3, 5), "index")


def test_label_list_and_split_label_spans():
    page = extract_page(
        "<ul class='info'><li><span>发布机构：</span>示例县人民政府办公室</li><li><span>发布时间：</span><span>2020/6/8</span></li>"
        "<li>信息来源：示例县政府办</li></ul><div id='UCAP-CONTENT'><p>各乡镇人民政府，县直各单位：现将有关事项通知如下。</p></div>".encode(), URL)
    assert page.fields == {"发布机构": "示例县人民政府办公室", "发布时间": "2020/6/8", "信息来源": "示例县政府办"}
    assert (page.published_on, page.published_source) == (dt.date(2020, 6, 8), "header")
    assert page.text == "各乡镇人民政府，县直各单位：现将有关事项通知如下。"


def test_signature_date_only_when_nothing_better_and_written_in_words():
    body = "<div class='article'><p>现将2021年度重大行政决策事项目录予以公布。</p><p>示例县人民政府</p><p>二〇二一年三月十五日</p></div>"
    page = extract_page(body.encode(), URL)
    assert (page.published_on, page.published_source) == (dt.date(2021, 3, 15), "signature")
    listed = extract_page(body.encode(), URL, list_date=dt.date(2021, 3, 16))
    assert (listed.published_on, listed.published_source) == (dt.date(2021, 3, 16), "list")


def test_title_falls_back_from_meta_to_heading_to_title_tag():
    assert extract_page(b"<title>Site</title><meta name='ArticleTitle' content='A title here'><h1>Other</h1>", URL).title == "A title here"
    heading = "<title>示例县关于公布权责清单的通知_示例县人民政府</title><h1 class='logo'>示例县人民政府</h1><h2>示例县关于公布权责清单的通知</h2>"
    assert extract_page(heading.encode(), URL).title == "示例县关于公布权责清单的通知"
    assert extract_page("<title>示例县政务公开目录 - 示例县人民政府</title>".encode(), URL).title == "示例县政务公开目录"


def test_pager_scripts_and_page_counters():
    trs = extract_page(b"<script>createPageHTML(4, 0, \"index\", \"shtml\");</script>", URL)
    assert trs.pagination == [f"http://www.example.gov.cn/xxgk/zfwj/index_{n}.shtml" for n in (1, 2, 3)]
    counter = extract_page("<a href='list.jsp?pageNo=2&cat=5'>下一页</a> 共 3 页".encode(), "http://www.example.gov.cn/list.jsp?pageNo=1&cat=5")
    assert counter.pagination == [f"http://www.example.gov.cn/list.jsp?pageNo={n}&cat=5" for n in (1, 2, 3)]
    assert extract_page(b"<p>no pager</p>", URL).pagination == []


def test_encodings_declared_wrongly_or_not_at_all():
    text = "<title>关于印发行政执法公示制度的通知</title>"
    assert decode_html(text.encode("gbk")) == (text, "gb18030")
    assert decode_html(text.encode("gbk"), "utf-8") == (text, "gb18030")
    assert decode_html(text.encode("utf-8"), "gb2312") == (text, "utf-8")
    traditional = "<meta charset='big5'><title>關於印發行政執法公示制度的通知</title>"
    assert decode_html(traditional.encode("big5")) == (traditional, "big5hkscs")
    assert decode_html("café".encode("cp1252"), "iso-8859-1") == ("café", "cp1252")


def test_canonical_urls():
    assert canonical_url("HTTP://WWW.Example.gov.cn:80//xxgk//a.html;jsessionid=AB12?b=2&a=1&PHPSESSID=x#top") == (
        "http://www.example.gov.cn/xxgk/a.html?a=1&b=2"
    )
    assert canonical_url("http://www.example.gov.cn") == "http://www.example.gov.cn/"
    assert canonical_url("http://www.example.gov.cn/a.jsp?id=7&sid=99") == "http://www.example.gov.cn/a.jsp?id=7"


def test_traps_and_domains():
    assert is_trap("http://x.gov.cn/cal.php?date=2021-05-01")
    assert is_trap("http://x.gov.cn/a/b/a/b/c.html") and is_trap("http://x.gov.cn/x/x/x/")
    assert is_trap("http://x.gov.cn/list?year=2999", today=dt.date(2021, 9, 30))
    assert not is_trap("http://x.gov.cn/list?year=2020", today=dt.date(2021, 9, 30))
    assert not is_trap("http://x.gov.cn/xxgk/2021/05/t20210501_1.html")
    assert in_domains("http://bm.example.gov.cn/x", ["example.gov.cn"])
    assert not in_domains("http://example.gov.cn.evil.com/x", ["example.gov.cn"])
