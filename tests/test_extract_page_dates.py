"""Which date is a page's published date, on real pages (issue 13): no date beats a wrong date.

Pages are tests/fixtures/real/ (MANIFEST.md there). Where a variant is needed (a page without its
meta date, say), it is derived here from the real bytes and the change is named in the test.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crawler.extract import extract_page

REAL = Path(__file__).parent / "fixtures" / "real"
URL = "http://www.example.gov.cn/art/a.html"


def real(name: str) -> str:
    return (REAL / name).read_bytes().decode("utf-8")


def read(html: str):
    return extract_page(html.encode(), URL)


def test_an_unlabelled_date_under_the_title_is_the_published_date():
    # njxfhn: <h2 class="post-title">…</h2><h6><a class="post-date">2019年09月11日</a> 富达传媒 …</h6>
    njxfhn = real("gne/njxfhn.html")
    assert (read(njxfhn).published_on, read(njxfhn).published_source) == (dt.date(2019, 9, 11), "meta")  # JSON-LD pubDate
    without_json_ld = re.sub(r'<script type="application/ld\+json">.*?</script>', "", njxfhn, flags=re.S)
    assert without_json_ld != njxfhn
    assert (read(without_json_ld).published_on, read(without_json_ld).published_source) == (dt.date(2019, 9, 11), "header")


def test_a_list_entry_under_the_heading_is_not_the_pages_date():
    # the 柘城县 list pages: a heading (the column's name), then entries, each with its date
    for name in ("empirecms_list_utf8_01.html", "comment_list_01.html", "trs_list_js_pager_01.html"):
        assert read(real(name)).published_on is None, name


def penalty_without_its_dates() -> str:
    """The 平潭 penalty notice without its PubDate meta and its header time line, so only the body can date it."""
    html = real("trs_penalty_notice_01.html")
    stripped = re.sub(r'<meta name="PubDate"[^>]*>', "", html)
    stripped = stripped.replace("2022-06-08 11:28", "")
    assert stripped.count("2022-06-08") == 0 and stripped != html
    return stripped


def test_the_signature_under_the_issuing_body_dates_a_page_with_nothing_else():
    extracted = read(penalty_without_its_dates())
    assert (extracted.published_on, extracted.published_source) == (dt.date(2022, 6, 8), "signature")


def replacing_signature(html: str, closing: str) -> str:
    """The notice with its 落款 (issuer, then the date split over seven spans) replaced by `closing`."""
    after = html.index("责令限期改正")
    signature = re.search(r"平潭综合实验区财政金融局\s*</[^>]+>.*?日", html[after:], re.S)
    assert signature
    return html[: after + signature.start()] + closing + html[after + signature.end() :]


@pytest.mark.parametrize(
    "closing",
    [
        # the notice's own closing words, rewritten as the sentences real notices end with
        "2022年6月8日本机关依法作出上述处罚决定。",
        "本决定自2022年6月8日起生效。",
        "平潭综合实验区财政金融局于2022年6月8日作出处罚决定。",
    ],
)
def test_a_date_inside_a_closing_sentence_is_not_a_signature(closing):
    extracted = read(replacing_signature(penalty_without_its_dates(), closing))
    assert "2022年6月8日" in extracted.text
    assert extracted.published_on is None


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ('<meta name="publishdate" content="2019-06-15">', dt.date(2019, 6, 15)),
        ('<meta name="publish_date" content="2019-06-15 08:18:20">', dt.date(2019, 6, 15)),
        ('<meta property="og:release_date" content="2019-06-15T08:18:20+08:00">', dt.date(2019, 6, 15)),
        ('<meta itemprop="datePublished" content="2019-06-15T08:18:20+08:00">', dt.date(2019, 6, 15)),
        ('<meta name="apub:time" content="2019-06-15 08:18:20">', dt.date(2019, 6, 15)),
        # a modification date is when it was last edited, not when it was published
        ('<meta name="lastmodifiedtime" content="2021-05-01 10:00:00">', None),
        ('<meta property="article:modified_time" content="2021-05-01T10:00:00+08:00">', None),
        ('<meta http-equiv="Last-Modified" content="2021-05-01">', None),
    ],
)
def test_meta_names_real_cms_emit(head, published):
    # the head of the 平潭 notice with its own PubDate swapped for another CMS's date markup
    html = replacing_signature(penalty_without_its_dates(), "").replace("<head>", f"<head>{head}", 1)
    extracted = read(html)
    assert extracted.published_on == published


def test_a_regenerated_pages_pubdate_stamp_loses_to_the_date_it_shows():
    # UCAP pages (sc.gov.cn copies): PubDate = 页面生成时间, restamped when the site rebuilt the page
    # years later; the header shows the date the article went out
    zysc = read(real("seo_copies/news_zysc_01.html"))
    assert "页面生成时间2022-10-14" in zysc.meta["others"]
    assert (zysc.published_on, zysc.published_source) == (dt.date(2020, 9, 15), "header")
    # a labelled 发布时间：2009-09-30 under a PubDate of 2023-05-12 (mhmiit, a migrated archive page)
    mhmiit = read(real("seo_copies/news_mhmiit_01.html"))
    assert (mhmiit.published_on, mhmiit.published_source) == (dt.date(2009, 9, 30), "header")


def test_a_pubdate_stamp_stands_when_the_page_shows_the_same_date_or_a_later_one():
    agreeing = read('<html><head><meta name="PubDate" content="2021-04-09 10:00"></head><body><h1>一篇公告标题</h1>'
                    "<div>发布时间：2021-04-09</div></body></html>")
    assert (agreeing.published_on, agreeing.published_source) == (dt.date(2021, 4, 9), "meta")
    # a later date elsewhere on the page (a sidebar's newest entry) is no reason to doubt the stamp
    later = read('<html><head><meta name="PubDate" content="2021-04-09 10:00"></head><body><h1>一篇公告标题</h1>'
                 "<div>时间：2021-05-20</div></body></html>")
    assert (later.published_on, later.published_source) == (dt.date(2021, 4, 9), "meta")


def test_a_title_broken_over_two_lines_still_has_its_date_under_it():
    # lysc: <h2>…在成都举行 <br>现场发布…</h2><ul><li>2024年12月07日 08时01分</li><li>来源: 四川日报</li></ul>
    lysc = real("seo_copies/news_lysc_01.html")
    without_stamp = re.sub(r'<meta name="PubDate"[^>]*>', "", lysc)
    assert without_stamp != lysc
    assert (read(without_stamp).published_on, read(without_stamp).published_source) == (dt.date(2024, 12, 7), "header")


def test_an_unlabelled_date_opening_a_body_line_does_not_overturn_the_stamp():
    # a notice reprinted with its signature and source at the end: 2005年8月25日（来源：上海证券报）
    signed = read('<html><head><meta name="PubDate" content="2005-08-26 05:39"></head><body><h1>一篇提示性公告</h1>'
                  "<div class='content'><p>本公司董事会及全体董事保证本公告内容的真实、准确和完整。</p>"
                  "<p>2005年8月25日（来源：上海证券报）</p></div></body></html>")
    assert (signed.published_on, signed.published_source) == (dt.date(2005, 8, 26), "meta")
