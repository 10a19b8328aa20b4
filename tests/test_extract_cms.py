"""CMS list habits read from real markup (tests/fixtures/crawl/cms/, sources in README.md there)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler.cms import MAX_LIST_PAGES, hanweb_proxy_pages, looks_like_url, navigation_target, numbered_pages
from crawler.extract import extract_page

CMS = Path(__file__).parent / "fixtures" / "crawl" / "cms"
D = dt.date


def page(name: str, url: str):
    return extract_page((CMS / name).read_bytes(), url)


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_datastore_records_in_a_column_page_are_links_with_their_dates():
    result = page("hanweb_column_kjt.html", "http://kjt.shandong.gov.cn/col/col103585/index.html")
    assert [(link.url, link.list_date) for link in result.links] == [
        ("http://kjt.shandong.gov.cn/art/2026/9/4/art_103585_10328790.html", D(2026, 9, 4)),
        ("http://kjt.shandong.gov.cn/art/2026/8/21/art_103585_10327410.html", D(2026, 8, 21)),
    ]
    assert result.links[0].text == "关于印发《山东省自然科学基金绩效评价工作细则（试行）》的通知"
    assert not any("dataproxy" in link.url for link in result.links)  # the nextgroup is a pager, not an item
    assert result.published_on is None


def test_dataproxy_response_records_resolve_against_the_site_and_keep_offsite_links_visible():
    url = "http://www.dingxi.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15&columnid=12377"
    links = page("hanweb_datastore_dingxi.xml", url).links
    assert [link.url for link in links] == [
        "http://www.dingxi.gov.cn/art/2022/1/20/art_12377_1486865.html",
        "http://www.dingxi.gov.cn/art/2022/1/19/art_12377_1486583.html",
        "http://zwgk.dingxi.gov.cn/art/2021/11/4/art_12480_1461862.html",  # the spider's allowed_domains decides
    ]
    assert [link.list_date for link in links] == [D(2022, 1, 20), D(2022, 1, 19), D(2021, 11, 4)]


def test_table_row_records_of_older_templates_keep_the_bracketed_date():
    links = page("hanweb_table_rows_nantong.xml", "http://zfcg.nantong.gov.cn/col/col31685/index.html").links
    assert [(link.url.rsplit("/", 1)[-1], link.list_date) for link in links] == [
        ("art_31685_2451995.html", D(2017, 4, 24)),
        ("art_31685_2451309.html", D(2017, 4, 20)),
    ]


def test_column_page_announcing_a_total_asks_dataproxy_for_every_remaining_group():
    html = (CMS / "hanweb_column_jiangsu.html").read_text(encoding="utf-8")
    pages = hanweb_proxy_pages(html, "https://www.jiangsu.gov.cn/col/col33718/index.html")
    first, last = query(pages[0]), query(pages[-1])
    assert urlsplit(pages[0]).path == "/module/web/jpage/dataproxy.jsp"
    # two records are in the page; jpage fetches groups of 3 pages of perPage 19
    assert (first["startrecord"], first["endrecord"], first["perpage"]) == ("3", "59", "19")
    assert (first["columnid"], first["unitid"], first["webid"], first["webname"]) == ("33718", "212860", "1", "江苏省人民政府")
    assert int(last["startrecord"]) <= 4895 <= int(last["endrecord"])
    assert len(pages) == -(-(4895 - 2) // 57)


def test_dataproxy_group_without_a_total_asks_for_the_next_group_only_when_full():
    xml = (CMS / "hanweb_datastore_dingxi.xml").read_text(encoding="utf-8")
    full = "http://www.dingxi.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=1&columnid=12377&unitid=38486"
    assert [query(url)["startrecord"] for url in hanweb_proxy_pages(xml, full)] == ["7"]
    short = full.replace("endrecord=6", "endrecord=8")
    assert hanweb_proxy_pages(xml, short) == []  # 3 records for a group of 5: the column ends here


def test_column_parameters_come_from_the_script_when_there_is_no_nextgroup():
    html = ("<div id='4063'></div><script>var param_4063={col:1,appid:1,webid:3,path:'/',columnid:1229,"
            "sourceContentType:1,unitid:'4063',webname:'示例县人民政府',permissiontype:0};"
            "$('#4063').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp',totalRecord:40,perPage:10,groupSize:2,"
            "ajaxParam:param_4063});</script>")
    pages = hanweb_proxy_pages(html, "http://www.example.gov.cn/col/col1229/index.html")
    assert [(query(url)["startrecord"], query(url)["endrecord"]) for url in pages] == [("1", "20"), ("21", "40")]
    assert query(pages[0])["webname"] == "示例县人民政府" and query(pages[0])["path"] == "/"
    assert hanweb_proxy_pages("<script>$('#x').jpage({totalRecord:40});</script>", "http://www.example.gov.cn/") == []


def test_a_pager_window_with_a_last_page_link_gives_the_whole_range():
    links = [("http://www.example.com/a/news/list_12_2.html", "2"), ("http://www.example.com/a/news/list_12_2.html", ""),
             ("http://www.example.com/a/news/list_12_40.html", "末页"),
             ("http://www.example.com/a/news/list_12_2018.html", "2018年工作总结")]  # an article, not a page
    pages = numbered_pages("http://www.example.com/a/news/", links)
    assert pages == [f"http://www.example.com/a/news/list_12_{n}.html" for n in range(2, 41)]


def test_real_dedecms_pager_and_empirecms_last_page():
    assert page("dedecms_pager.html", "http://www.example.com/a/news/").pagination == ["http://www.example.com/a/news/list_12_2.html"]
    empire = extract_page((CMS.parent.parent / "real" / "empirecms_list_utf8_01.html").read_bytes(),
                          "http://www.zhecheng.gov.cn/xxgk/xxgkml/gsgg/index.html")
    expected = {f"http://www.zhecheng.gov.cn/xxgk/xxgkml/gsgg/index_{n}.html" for n in range(2, 24)}
    assert expected <= set(empire.pagination)


def test_query_pagers_keep_other_parameters_and_the_cap():
    links = [("http://x.gov.cn/list.jsp?channelId=5&pageNo=2", "2"), ("http://x.gov.cn/list.jsp?channelId=5&pageNo=9999", "尾页"),
             ("http://x.gov.cn/list.jsp?channelId=6&pageNo=3", "3")]  # another column on the same page
    pages = numbered_pages("http://x.gov.cn/list.jsp?channelId=5&pageNo=1", links)
    channel5 = [url for url in pages if "channelId=5" in url]
    assert channel5[0] == "http://x.gov.cn/list.jsp?channelId=5&pageNo=2" and len(channel5) == MAX_LIST_PAGES
    assert "http://x.gov.cn/list.jsp?channelId=6&pageNo=3" in pages


def test_real_script_links():
    links = page("script_links.html", "http://www.example.gov.cn/xxgk/index.html").links
    assert {link.url: link.text for link in links} == {
        "http://www.cnblogs.com": "博客园",
        "http://www.cnblogs.com/aggsite/": "博客园",
        "http://www.example.gov.cn/home/recharge.html": "充值",
        "http://www.example.gov.cn/home/account/withdraw.html": "取现",
        "http://www.example.gov.cn/xxgk/DashboardMain.php": "Dashboard",
        "http://www.example.gov.cn/introduce/Story.html": "",
    }


def test_script_arguments_that_are_not_pages_are_ignored():
    assert navigation_target("window.open('/qr','_blank')") == "/qr"
    assert navigation_target("openUrl('12','政策解读','/art/2021/3/1/art_1_2.html');") == "/art/2021/3/1/art_1_2.html"
    assert navigation_target("del('123','title')") is None
    assert navigation_target("changeimg(1)") is None
    assert not looks_like_url("'+imgurlind[imgnumber]+'")
    assert looks_like_url("t20210315_1.html") and looks_like_url("../xxgk/")
