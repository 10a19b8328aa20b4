"""Dates, comment windows and signature dates; snippets come from real county pages
(/work/shared/corpus/real, see its MANIFEST.md) unless marked as constructed."""

from datetime import date

import cn2an
import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from parsing.dates import DateMatch, Window, find_dates, last_date, months_before, parse_date, parse_window


def joined_text(html: str) -> str:
    """Text as an extractor that joins text nodes with spaces sees it."""
    return " ".join(BeautifulSoup(html, "lxml").stripped_strings)


WRITTEN_FORMS = [
    ("2021-04-09", date(2021, 4, 9)),
    ("2021/4/9", date(2021, 4, 9)),
    ("2021.4.9", date(2021, 4, 9)),
    ("2021年4月9日", date(2021, 4, 9)),
    ("2021年04月09日 10:20", date(2021, 4, 9)),
    ("2021-04-09 00:00:00", date(2021, 4, 9)),
    ("二〇二一年四月九日", date(2021, 4, 9)),
    ("二〇二一年十二月三十一日", date(2021, 12, 31)),
    ("二○二一年十月十日", date(2021, 10, 10)),
    ("二零二零年二月二十九日", date(2020, 2, 29)),
    ("２０２１年４月９日", date(2021, 4, 9)),
    ("２０２１－０４－０９", date(2021, 4, 9)),
    ("2021\u00a0年\u00a04\u00a0月\u00a09\u00a0日", date(2021, 4, 9)),
    ("发布日期： 2017-07-31 00:00:00 来源： 县政府办", date(2017, 7, 31)),  # comment_notice_01
    ("时间：2022-06-08 11:28 微信 微博", date(2022, 6, 8)),  # trs_penalty_notice_01
    ("公告时间：2021年06月10日 17:35", date(2021, 6, 10)),  # procurement_result_01
    ("柘城县人民政府办公室 2017 年7月 31 日", date(2017, 7, 31)),  # comment_notice_01 signature
    ("于 2018 年 3 月 16 号前报县目标办", date(2018, 3, 16)),  # comment_notice_02
    ("考评委员会 2018 年 3 月 12日 分享", date(2018, 3, 12)),  # comment_notice_02
    ("平潭综合实验区财政金融局 202 2 年 6 月 8 日", date(2022, 6, 8)),  # trs_penalty_notice_01, split year
    ("成文日期：2015年9月18日", date(2015, 9, 18)),  # disclosure_policy_doc_01
    ("首页 2018年7月25日 星期三", date(2018, 7, 25)),  # homepage_01
    ("柘政办〔 2018 〕 45 号 … 2018 年 6 月 19 日", date(2018, 6, 19)),  # gov_document_01
]


@pytest.mark.parametrize("text, expected", WRITTEN_FORMS, ids=[t for t, _ in WRITTEN_FORMS])
def test_every_written_form_is_read(text, expected):
    assert parse_date(text) == expected


NOT_DATES = [
    "柘政办〔2018〕45号",
    "柘政办〔 2018 〕 45 号",
    "联系电话：0370-6021716",
    "电话 0370 — 6021716",
    "索引号：lsx31/2025-00001",
    "索引号：11410000/2021-00123",
    "2018年度目标管理办法",
    "2017 年年底前，全面建立健全会议预公开",
    "到 2020 年，全县政务公开工作总体迈上新台阶",
    "平潭城南学校202 1年多功能厅",
    "2021-02-30",  # no such day
    "2021年2月29日",  # not a leap year
    "2021年13月1日",
    "版本 2021.4.9.1",
    "网站标识码：4114240001 豫ICP备15021526号-1",
    "招标编号[350190]JK[TP]2021003",
    "t20221102_38049.htm",
    "共 3 天",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_numbers_that_are_not_dates(text):
    assert find_dates(text, default_year=2021) == []


def test_find_dates_reports_offsets_raw_text_and_year_presence():
    text = "发布日期：２０２１年４月９日\u3000会议定于7月20日召开"
    found = find_dates(text, default_year=2021)
    assert [m.value for m in found] == [date(2021, 4, 9), date(2021, 7, 20)]
    assert [m.has_year for m in found] == [True, False]
    assert found[0].raw == "２０２１年４月９日"
    assert all(text[m.start : m.end] == m.raw for m in found)


def test_month_day_without_year_needs_a_default_year():
    text = "7月20日，国务院印发通知"  # policy_interpretation_01
    assert find_dates(text) == []
    assert parse_date(text, default_year=2018) == date(2018, 7, 20)
    assert parse_date("2月29日", default_year=2021) is None


def test_dates_are_found_in_order_without_overlap():
    text = "6 月 16 日 ( 星期六 ) 至 18 日 ( 星期一 ) 放假，共 3 天。 6 月 19 日 ( 星期二 ) 上班。"  # notice_article_01
    assert [m.value for m in find_dates(text, default_year=2018)] == [date(2018, 6, 16), date(2018, 6, 19)]


WINDOWS = [
    ("征求意见时间：2021年5月6日至2021年5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("自2021年5月6日至5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间为2021年5月6日—14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间为2021年5月6日至14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("意见征集时间： 2017 年8月 1 日至 8 月 3 日", None, date(2017, 8, 1), date(2017, 8, 3)),
    ("2021年5月6日-2021年5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("2021年5月6日—2021年5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("2021年5月6日——2021年5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("2021年5月6日－2021年5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("2021年5月6日~2021年5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("2021年5月6日～2021年5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("2021年5月6日到2021年5月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：2021-05-06至2021-05-14", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：2021-05-06-2021-05-14", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：2021.05.06-2021.05.14", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间为2021年5月6日起至2021年6月5日止", None, date(2021, 5, 6), date(2021, 6, 5)),
    ("征求意见时间：2021.5.6-5.14", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：2021年5月6日上午9:00至5月14日下午5:30", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：2021年5月6日（星期四）至5月14日（星期五）", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：2021年5月6日9:00至2021年5月14日17:00", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：２０２１年５月６日至２０２１年５月１４日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：\u00a02021年5月6日\u00a0至\u00a05月14日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("征求意见时间：二〇二一年五月六日至五月十四日", None, date(2021, 5, 6), date(2021, 5, 14)),
    ("自2021年12月20日至1月5日", None, date(2021, 12, 20), date(2022, 1, 5)),  # year rolls over
    ("征求意见时间为2021年5月28日至6日", None, date(2021, 5, 28), date(2021, 6, 6)),  # month rolls over
    ("意见征集时间：5月6日至5月14日", date(2021, 5, 6), date(2021, 5, 6), date(2021, 5, 14)),
    ("意见征集时间：12月28日至1月8日", date(2021, 12, 27), date(2021, 12, 28), date(2022, 1, 8)),
    ("截止日期为2021年5月14日", None, None, date(2021, 5, 14)),
    ("截至2021年5月14日", None, None, date(2021, 5, 14)),
    ("截止到2021年5月14日", None, None, date(2021, 5, 14)),
    ("请于2021年5月14日前反馈", None, None, date(2021, 5, 14)),
    ("请于2021年5月14日17时前将意见反馈至县司法局", None, None, date(2021, 5, 14)),
    ("请于2021年5月14日下午5:00前反馈", None, None, date(2021, 5, 14)),
    ("签字盖章后于 2018 年 3 月 16 号前报县目标办", None, None, date(2018, 3, 16)),  # comment_notice_02
    ("反馈截止时间：2021年5月14日", None, None, date(2021, 5, 14)),
    ("意见反馈截止时间为2021年5月14日17:00", None, None, date(2021, 5, 14)),
    ("请于5月14日前反馈", date(2021, 5, 6), None, date(2021, 5, 14)),
    ("请于1月8日前反馈", date(2021, 12, 28), None, date(2022, 1, 8)),
    ("截至2020年12月31日，全县共有规范性文件120件。请于2021年5月14日前反馈", date(2021, 5, 6), None, date(2021, 5, 14)),
    # the window opens on the day the notice appears (柘城县 hdjl/yjzj/2018-07-09/942.html: 自公告之日起至2017年3月25日)
    ("征集时间：自公告之日起至2017年3月25日", date(2017, 3, 9), None, date(2017, 3, 25)),
    ("征求意见时间：自即日起至2021年5月20日。", date(2021, 5, 10), None, date(2021, 5, 20)),
    ("即日起至2021年5月20日，公众可通过以下方式反馈意见", date(2021, 5, 10), None, date(2021, 5, 20)),
    ("自本公告发布之日起至5月20日", date(2021, 5, 10), None, date(2021, 5, 20)),
    # real wordings: jtysj.huzhou.gov.cn art_1229515934_32105 (2021-07-15), minyi.zjzwfw.gov.cn topic_13129 (2024-01-30)
    ("现向全社会公开征求意见，请将意见于7月26日前反馈至市公路与运输管理中心。", date(2021, 7, 15), None, date(2021, 7, 26)),
    ("有关单位和各界人士可以在2024年2月8日前，通过以下两种方式提出意见建议", date(2024, 1, 30), None, date(2024, 2, 8)),
    # a range beats a deadline; words near the window beat a range elsewhere
    ("征求意见时间：2021年5月6日至2021年5月14日。请于2021年5月14日前反馈", None, date(2021, 5, 6), date(2021, 5, 14)),
    (
        "本办法适用于2020年1月1日至2020年12月31日期间开工建设的全部项目和配套工程。请于2021年5月14日前反馈意见。",
        None,
        None,
        date(2021, 5, 14),
    ),
]


@pytest.mark.parametrize("text, published, start, end", WINDOWS, ids=[w[0][:30] for w in WINDOWS])
def test_comment_window(text, published, start, end):
    window = parse_window(text, published)
    assert window is not None
    assert (window.start, window.end) == (start, end)
    assert window.kind == ("deadline" if start is None else "range")
    assert window.raw and window.raw in text


NO_WINDOW = [
    ("", None),
    ("柘城县人民政府办公室 2017 年7月 31 日", None),  # a signature only
    ("自2021年5月6日起施行", None),
    ("柘政办〔2018〕45号 2018年度目标管理办法", None),
    ("征求意见时间为30天", None),
    ("2021年5月14日至2021年5月6日", None),  # ends before it starts
    ("意见征集时间：5月6日至5月14日", None),  # no year anywhere, no published date
    ("截至2020年12月31日，全县共有规范性文件120件。征求意见时间为30天。", date(2021, 5, 6)),
]


@pytest.mark.parametrize("text, published", NO_WINDOW)
def test_no_window(text, published):
    assert parse_window(text, published) is None


LENGTHS = [
    # (text, published, start (None: the published date), days, working days)
    ("征求意见期为30天，自2021年5月10日起。", None, date(2021, 5, 10), 30, False),
    ("征求意见时间为七个工作日，自发布之日起计算。", date(2021, 5, 10), None, 7, True),
    ("公示期为5个工作日（自2021年5月10日起）", None, date(2021, 5, 10), 5, True),
    ("自本公告发布之日起30日内，公众可提出意见", date(2021, 5, 10), None, 30, False),
    ("征求意见期为三十天，自5月10日起", date(2021, 5, 8), date(2021, 5, 10), 30, False),
]


@pytest.mark.parametrize("text, published, start, days, working", LENGTHS, ids=[w[0][:20] for w in LENGTHS])
def test_window_as_stated_length(text, published, start, days, working):
    window = parse_window(text, published)
    assert window is not None and window.kind == "length"
    assert (window.start, window.end, window.days, window.working) == (start, None, days, working)
    assert window.raw in text


def test_window_in_real_comment_notice_markup():
    html = (  # comment_notice_01: the window split across spans, NBSP indent
        '<p><span>&nbsp; &nbsp; 意见征集时间：<span lang="EN-US">2017</span>年8月<span lang="EN-US">1</span>'
        '日至<span lang="EN-US">8</span>月<span lang="EN-US">3</span>日</span></p>'
        '<p><span>&nbsp; &nbsp; 联系电话：<span lang="EN-US">0370-6021716</span></span></p>'
        '<p style="text-align: right"><span lang="EN-US">2017</span><span>年7月<span lang="EN-US">31</span>日</span></p>'
    )
    text = joined_text(html)
    assert parse_window(text, date(2017, 7, 31)) == Window(date(2017, 8, 1), date(2017, 8, 3), "2017 年8月 1 日至 8 月 3 日", "range")
    assert last_date(text) == date(2017, 7, 31)


def test_signature_split_across_spans_in_trs_page():
    html = (  # trs_penalty_notice_01: 202 + 2 + 年 + 6 + 月 + 8 + 日 in seven elements
        "<p><span>责令限期改正，给予警告。</span></p><p><span>&nbsp;</span></p>"
        "<p><span>平潭综合实验区财政金融局</span><span></span></p>"
        '<p><span><font face="仿宋_GB2312">202</font></span><span><font face="仿宋_GB2312">2</font></span>'
        '<span>年</span><span><font face="仿宋_GB2312">6</font></span><span>月</span>'
        '<span><font face="仿宋_GB2312">8</font></span><span>日</span><span></span></p>'
        '<div class="article_extend"><span class="article_source">来源：平潭综合实验区财政金融局</span></div>'
        "<div>附件下载</div>"
    )
    assert last_date(joined_text(html)) == date(2022, 6, 8)


SIGNATURES = [
    ("作出更大的贡献！ 2018 年 6 月 19 日 责任编辑：赵丹 分享", date(2018, 6, 19)),  # gov_document_01
    ("应主动公开的信息能够做到准确、全面、及时、有效。 2018 年2月23日 分享 分享 微信好友", date(2018, 2, 23)),
    (
        "签字盖章后于 2018 年 3 月 16 号前报县目标办（县政府 303 室）。 柘城县竞争机制目标管理考评委员会 2018 年 3 月 12日 分享",
        date(2018, 3, 12),
    ),
    ("发布日期：2021-04-01 本通知自印发之日起施行。 某某县人民政府 二〇二一年四月九日 （此件公开发布）", date(2021, 4, 9)),
    ("县司法局 2021年4月9日 附件：关于2021年5月1日起施行的办法", date(2021, 4, 9)),
    ("请于2021年5月14日前反馈。", None),
    ("会议于2021年5月14日召开。", None),
    ("7月20日，国务院印发通知", None),
    ("没有日期", None),
]


@pytest.mark.parametrize("text, expected", SIGNATURES)
def test_signature_date(text, expected):
    assert last_date(text) == expected


# Round trip: every generated date, written in every form, reads back as itself.

YEAR_DIGITS = ["〇一二三四五六七八九", "○一二三四五六七八九", "零一二三四五六七八九"]
FULL_WIDTH = str.maketrans("0123456789-/.:", "０１２３４５６７８９－／．：")


def chinese_numerals(day: date, zeros: str) -> str:
    year = "".join(zeros[int(c)] for c in str(day.year))
    return f"{year}年{cn2an.an2cn(day.month)}月{cn2an.an2cn(day.day)}日"


def written_forms(day: date, zeros: str) -> list[str]:
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year} 年 {day.month} 月 {day.day} 号",
        f"{day:%Y年%m月%d日} 10:20",
        f"{day:%Y-%m-%d} 00:00:00",
        chinese_numerals(day, zeros),
        f"{day.year}年{day.month}月{day.day}日".translate(FULL_WIDTH),
        day.isoformat().translate(FULL_WIDTH),
    ]


prose = st.text(alphabet="县人民政府办公室关于的通知，。：（）发布日期 ", max_size=12)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(YEAR_DIGITS), prose, prose)
def test_generated_dates_round_trip_through_every_form(day, zeros, before, after):
    for form in written_forms(day, zeros):
        text = before + form + after
        found = find_dates(text)
        assert [(m.value, m.raw, m.has_year) for m in found] == [(day, form, True)], text
        assert found[0].start == len(before)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 1)), st.integers(0, 60), st.sampled_from(["至", "-", "—", "～", "到"]))
def test_generated_windows_round_trip(first, length, dash):
    last = date.fromordinal(first.toordinal() + length)
    text = f"征求意见时间：{first.year}年{first.month}月{first.day}日{dash}{last.year}年{last.month}月{last.day}日"
    window = parse_window(text)
    assert (window.start, window.end, window.kind) == (first, last, "range")


date_soup = st.text(alphabet="0123456789 年月日号-/.:至到—~～〇○一二三四五六七八九十截止前于（星期）\u00a0\u3000０１２", max_size=60)


@given(st.one_of(st.text(max_size=200), date_soup), st.none() | st.dates())
def test_never_raises_on_arbitrary_text(text, published):
    found = find_dates(text, default_year=2021)
    assert all(isinstance(m, DateMatch) and text[m.start : m.end] == m.raw for m in found)
    window = parse_window(text, published)
    assert window is None or window.start is None or window.start <= window.end
    last_date(text)
    parse_date(text)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [("2021-09-30", 12, "2020-09-30"), ("2021-05-31", 3, "2021-02-28"), ("2024-05-31", 3, "2024-02-29"),
     ("2021-01-15", 1, "2020-12-15"), ("2021-09-30", 24, "2019-09-30")],
)
def test_months_before_keeps_the_day_or_the_months_last(day, months, expected):
    assert months_before(date.fromisoformat(day), months) == date.fromisoformat(expected)
