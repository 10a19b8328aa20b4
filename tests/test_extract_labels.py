"""Labelled fields and published dates as real templates write them (issue 13), and the hand labels
of tests/fixtures/real/labels.yaml page by page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from crawler.extract import extract_page, normalise, publisher

REAL = Path(__file__).parent / "fixtures" / "real"
LABELS = yaml.safe_load((REAL / "labels.yaml").read_text(encoding="utf-8"))
URL = "http://www.example.gov.cn/art/a.html"


def page(body: str, head: str = "<title>一篇公告_示例县人民政府</title>"):
    html = f"<html><head>{head}</head><body><h1>一篇公告</h1>{body}<div class='content'><p>正文内容，共二十个字以上的一段正文。</p></div></body></html>"
    return extract_page(html.encode(), URL)


FIELDS = ("title", "published", "publisher")


def _known_miss(name: str) -> str | None:
    """Why the page is expected to fail today: its labels' known_wrong fields (strict, so a fix must drop them)."""
    wrong = LABELS[name].get("known_wrong")
    return f"fazhi reads {', '.join(wrong)} wrong" if wrong else None


def _case(name: str):
    reason = _known_miss(name)
    return pytest.param(name, marks=pytest.mark.xfail(reason=reason, strict=True)) if reason else name


def _read(name: str) -> dict:
    got = extract_page((REAL / name).read_bytes(), URL)
    return {"title": normalise(got.title), "published": got.published_on, "publisher": publisher(got.fields)}


def _labelled(name: str) -> dict:
    want = LABELS[name]
    return {"title": normalise(want["title"]), "published": want["published"], "publisher": want["publisher"]}


@pytest.mark.parametrize("name", [_case(name) for name in sorted(LABELS)])
def test_real_page_matches_its_labels(name):
    assert _read(name) == _labelled(name)


@pytest.mark.parametrize("name", sorted(name for name in LABELS if LABELS[name].get("known_wrong")))
def test_known_wrong_lists_exactly_the_fields_fazhi_misses(name):
    got, want = _read(name), _labelled(name)
    assert sorted(field for field in FIELDS if got[field] != want[field]) == sorted(LABELS[name]["known_wrong"])


@pytest.mark.parametrize(
    ("header", "published", "source"),
    [
        # a date in a span beside a 来源 span
        ('<div class="art-meta"><span class="pub-time">2020-10-04 20:30</span> <span>来源: 长江网</span></div>',
         dt.date(2020, 10, 4), "长江网"),
        # date and 来源 in one cell, a space before the label
        ("<div>2019年06月15日08:18&nbsp;&nbsp;来源：<a href='/'>人民网-文化频道</a></div>", dt.date(2019, 6, 15), "人民网-文化频道"),
        # labels after a script and between bars
        ('<td><script>var a = 1;</script> 来源: 县司法局 | 发布时间: 2018-05-17 | 浏览次数: 12</td>', dt.date(2018, 5, 17), "县司法局"),
        ("<div>来源：本站原创&nbsp;&nbsp;作者：办公室<br>时间：2019年10月31日 23:00</div>", dt.date(2019, 10, 31), "本站原创"),
        ("<div>发表于 2021-03-02 来源：县委宣传部</div>", dt.date(2021, 3, 2), "县委宣传部"),
        ("<div>发布：2021-03-02</div>", dt.date(2021, 3, 2), None),
        # source newlines inside an inline element do not end the value
        ("<div><span>\n来源：\n<em> 新华网</em>\n</span></div>", None, "新华网"),
    ],
)
def test_header_lines_give_every_field(header, published, source):
    extracted = page(header)
    assert (extracted.published_on, publisher(extracted.fields)) == (published, source)


@pytest.mark.parametrize(
    ("header", "source"),
    [
        # the element after the label is the value; the next one's text is not glued on
        ('<div>2020-02-29 18:34:31　来源: <a href="/s">新华社</a>\n<a href="/j" class="post_jubao">举报</a></div>', "新华社"),
        ('<div>2024-05-13 09:16　来源: <a href="/m">北青网-北京青年报</a>\n<img src="ip.svg">北京\n&nbsp;<a href="/t">举报</a></div>',
         "北青网-北京青年报"),
        ('<div><span>来源：<a href="/c">央视新闻客户端</a>\n</span> <span><a href="/">中国青年网</a></span></div>', "央视新闻客户端"),
        # the labels real sites use beside 来源, with and without a colon
        ("<div>来源于：<!-- 文章来源 begin -->东区办事处<!-- 文章来源 end --></div>", "东区办事处"),
        ("<div>2020-11-23 10:22:14&nbsp;&nbsp;出处：快科技 作者：<a href='/a'>宪瑞</a></div>", "快科技"),
        ("<p>正文最后一段。</p><p>（本文来源：经济日报 作者：研究员某某）</p>", "经济日报"),
        ("<div>稿件来源：县融媒体中心</div>", "县融媒体中心"),
        ('<div>发表于<span>2014-08-24 21:30</span>|\n来源<span class="ago">CSDN</span>|\n作者<span>魏星</span></div>', "CSDN"),
        ('<div><span class="source">本文来源于<span><a href="/">北京商报</a></span>　<span>2024-05-20 09:47</span></span></div>', "北京商报"),
        # a field inside brackets ends where they close
        ("<p>2005年8月25日（来源：上海证券报）</p>", "上海证券报"),
    ],
)
def test_a_source_value_is_the_element_or_words_its_label_names(header, source):
    assert publisher(page(header).fields) == source


def test_an_empty_label_takes_nothing_from_the_next_element():
    extracted = page("<div>信息来源：</div><div>县人民政府办公室关于进一步做好防汛工作的通知。各乡镇：</div>")
    assert publisher(extracted.fields) is None


def test_a_value_ends_at_page_furniture():
    extracted = page("<div>来源：县司法局 【字体：大 中 小】 打印 关闭</div>")
    assert extracted.fields["来源"] == "县司法局"
    assert page("<div>来源：县财政局 分享到：</div>").fields["来源"] == "县财政局"


def test_index_table_labels_real_tables_use():
    extracted = page("<table><tr><td>发文机构</td><td>县人民政府</td><td>文件编号</td><td>示政〔2021〕3号</td></tr></table>")
    assert (extracted.fields["发文机构"], extracted.fields["文件编号"]) == ("县人民政府", "示政〔2021〕3号")


def test_index_table_date_beats_the_header_line():
    extracted = page("<div>2021-03-09 来源：县政府办</div><table><tr><td>发布日期</td><td>2021-03-05</td></tr></table>")
    assert (extracted.published_on, extracted.published_source) == (dt.date(2021, 3, 5), "index")


@pytest.mark.parametrize("stamp", ["2019-06-1508:18:20", "2019-06-15-23:59:59"])
def test_a_time_glued_to_the_day_in_a_meta_tag(stamp):
    extracted = page("", f'<meta name="firstpublishedtime" content="{stamp}">')
    assert (extracted.published_on, extracted.published_source) == (dt.date(2019, 6, 15), "meta")


@pytest.mark.parametrize(
    ("body", "head"),
    [
        # a CMS's stamp of when it regenerated the page (中国政府网's others meta)
        ("", '<meta name="others" content="页面生成时间2023-10-23 11:23:36">'),
        # a script's data: a log or an ad's timestamp
        ('<script>var s = {"pvid":"9e95","time":"2019-12-29 22:34:09","ctk":"1"};</script>', ""),
        # a saved 404 page: the date is a folder of the missing file's path
        ("<p>The requested URL /d/file/xxgk/2018-07-06/2911f8f4.xlsx was not found on this server.</p>",
         "<title>404 Not Found</title>"),
    ],
)
def test_no_published_date_from_a_generation_stamp_a_script_or_a_path(body, head):
    assert page(body, head).published_on is None


def test_a_date_shown_without_its_year_takes_the_year_of_a_stamp_of_the_same_day():
    shown = '<div class="source"><span class="date">发布时间：09-30</span><span class="time">22:46</span><span>某公司</span></div>'
    stamped = page(shown, '<meta itemprop="dateUpdate" content="2019-09-30 22:46:13">')
    assert (stamped.published_on, stamped.published_source) == (dt.date(2019, 9, 30), "header")
    # no stamp of that day: the page does not say which year
    assert page(shown, '<meta itemprop="dateUpdate" content="2019-12-29 10:00:00">').published_on is None
    assert page(shown).published_on is None


def test_a_date_under_the_title_stays_the_pages_beside_a_list_of_the_same_day():
    related = "".join(
        f'<li><a href="/r{n}.html">相关新闻第{n}条标题文字</a><span>2019-05-{17 + n % 2}</span></li>' for n in range(4)
    )
    html = (
        "<html><head><title>京沪高速部分路段封闭施工的公告</title></head><body>"
        "<div class='article_title'><h2>京沪高速部分路段封闭施工的公告</h2>"
        "<p class='time'><span>2019-05-17</span><span> · </span><span>城市报道</span></p></div>"
        f"<div class='content'><p>正文内容，共二十个字以上的一段正文，说明封闭时间。</p></div><ul>{related}</ul></body></html>"
    )
    assert extract_page(html.encode(), URL).published_on == dt.date(2019, 5, 17)


def test_markup_date_is_a_fallback_but_never_a_link_or_the_body():
    timed = page('<p>导语：县里印发通知。</p><time datetime="2021-04-09"></time>')
    assert (timed.published_on, timed.published_source) == (dt.date(2021, 4, 9), "markup")
    linked = page('<ul><li><a href="/b.html">2021-04-09 另一篇通知</a></li></ul><p>2020年1月2日，县里开会。</p>')
    assert linked.published_on is None


def test_titles_lose_meta_markup_and_keep_dashes_between_numbers():
    marked = page("", '<meta name="ArticleTitle" content="<font color=red>关于开展检查的通知</font>">')
    assert marked.title == "关于开展检查的通知"
    numbered = extract_page("<title>1-10月全县固定资产投资结构趋稳 - 示例县人民政府</title>".encode(), URL)
    assert numbered.title == "1-10月全县固定资产投资结构趋稳"


def _real(name: str):
    return extract_page((REAL / name).read_bytes(), URL)


def test_a_source_a_script_writes_is_read_when_the_page_holds_the_literal():
    # 来源：<script>var csource = "深圳特区报"; … if(csource){document.write(csource);} else …</script>
    assert publisher(_real("seo_copies/news_script_source_lytwtl_sz_01.html").fields) == "深圳特区报"
    written = page('<div>来源：<script>document.write("县文化馆")</script> 发布时间：2021-03-02</div>')
    assert publisher(written.fields) == "县文化馆"
    # a value the script computes, or an empty one, is not in the page: no 来源
    computed = page("<div>来源：<script>var s = el.getAttribute('data-s'); s = s + '局'; document.write(s)</script></div>")
    empty = page('<div>来源：<script>var s = ""; if (s) {document.write(s);} else {document.write("县政府");}</script></div>')
    assert (publisher(computed.fields), publisher(empty.fields)) == (None, None)


def test_an_index_header_row_nested_in_tbody_gives_its_value_row():
    # <tbody><thead><tr>索取号|发布时间|发布机构|文件编号|备注</tr></thead><tr>…|(empty)|上海市卫生健康委员会|…</tr>
    extracted = _real("seo_copies/notice_index_header_row_lgcwsjkw_sh_01.html")
    assert (extracted.fields["发布机构"], extracted.fields["文件编号"]) == ("上海市卫生健康委员会", "沪卫基层〔2024〕5号")
    assert "发布时间" not in extracted.fields


def test_fields_in_adjacent_inline_elements_end_where_their_element_does():
    # <span>来源：广州市南沙区统计局</span><span>发布日期：2024-06-05 </span>, no space between them
    extracted = page("<p><span>来源：县统计局</span><span>发布日期：2024-06-05</span></p>")
    assert (extracted.fields["来源"], extracted.published_on) == ("县统计局", dt.date(2024, 6, 5))
    # elements inside one value do not split it
    split = page("<p>发布时间：<span>2021</span>-<span>03</span>-<span>02</span> 来源：<a>县<b>司法局</b></a></p>")
    assert (split.fields["来源"], split.published_on) == ("县司法局", dt.date(2021, 3, 2))


def test_a_value_ends_at_download_and_favourite_buttons_and_at_the_templates_own_labels():
    assert page("<div>发布日期：2024-06-13　来源：教育部　<a href='#'>下载</a>　<span>收藏</span></div>").fields["来源"] == "教育部"
    # 文章类型：原创 stands beside the 来源 on NFRA pages; a label fazhi does not list ends the value too
    assert page("<div><span>来源：县审计局</span>\n<span>稿件类型：原创</span></div>").fields["来源"] == "县审计局"


def test_a_quoted_label_in_a_footer_notice_is_not_a_field():
    # 转载时必须注明：“文章来源：国家金融监督管理总局网站”。 — the copyright notice, not this page's 来源
    extracted = _real("saved/penalty_table_nfra_01.html")
    assert "文章来源" not in extracted.fields
    assert publisher(extracted.fields) == "保险和非银机构检查局"


def test_the_responsible_department_of_an_index_table_is_the_publisher():
    # 万载县 (Jiangxi 站群) index: <dd class="ReleaseMechanism"><label>责任部门：</label><div>万载县统计局</div></dd>
    assert publisher(_real("saved/stat_bulletin_wanzai_02.html").fields) == "万载县统计局"


def test_a_heading_of_any_level_over_the_header_line_is_the_title():
    # gsc: <title>新闻动态--中国地理学会官网</title> … <h5>2019年中国人文地理学术年会…</h5><div>发布时间：… 来源：…</div>
    assert _real("gne/gsc.html").title == "2019年中国人文地理学术年会在重庆•西南大学成功举行！"
    over = extract_page("<title>新闻动态_示例县</title><h3>工作动态</h3><h5>县里召开防汛工作会议</h5>"
                        "<div>发布时间：2021-03-02 来源：县应急局</div>".encode(), URL)
    assert over.title == "县里召开防汛工作会议"
    # a sidebar heading over a list of links is not the article's title
    sidebar = extract_page("<title>新闻动态_示例县</title><h5>热点新闻排行</h5><ul><li><a href='/a'>一篇</a></li></ul>".encode(), URL)
    assert sidebar.title == "新闻动态"
