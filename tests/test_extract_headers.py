"""Article-header dates as CMS templates write them, and dates that are not the page's."""

import datetime as dt

import pytest

from crawler.extract import extract_page


def page(body: str):
    html = f"<html><head><title>示范县人民政府</title></head><body><h1>一篇公告</h1>{body}<p>正文内容。</p></body></html>"
    return extract_page(html.encode(), "http://gov.test/a.html")


@pytest.mark.parametrize(
    ("header", "published"),
    [
        ('<div class="article_info">2021年05月20日 10:20　来源：县自然资源局</div>', dt.date(2021, 5, 20)),
        ('<div class="info">2021-03-02 09:00 作者：办公室</div>', dt.date(2021, 3, 2)),
        ('<div class="info">日期：2021-03-02　来源：团城乡</div>', dt.date(2021, 3, 2)),
        ('<p>【发布时间：2021/4/9】【来源：县司法局】</p>', dt.date(2021, 4, 9)),
        ('<span>发稿时间：2021年4月9日</span>', dt.date(2021, 4, 9)),
    ],
)
def test_header_dates_are_the_published_date(header, published):
    extracted = page(header)
    assert (extracted.published_on, extracted.published_source) == (published, "header")


def test_a_decision_date_in_the_text_is_not_the_published_date():
    extracted = page('<div>发布时间：2021-05-20</div><p>处罚决定日期：2021-05-06</p><p>执行日期：2021-05-08</p>')
    assert extracted.published_on == dt.date(2021, 5, 20)
    assert "日期" not in extracted.fields


def test_a_long_paragraph_opening_with_a_date_is_not_a_header():
    text = "2021年5月6日，县司法局召开会议，" + "研究部署工作，" * 30 + "来源：县司法局"
    assert page(f"<p>{text}</p>").published_source != "header"
