"""Crawling behaviour on fixture sites: encodings, pagination, attachments, scope and politeness."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import openpyxl
import pytest

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config, minimal_pdf
from storage.db import open_engine, run_documents, run_fetch_errors, session_factory
from storage.models import Run

FIXTURES = Path(__file__).parent / "fixtures"


def html(text: str, charset: str | None = "utf-8", encoding: str = "utf-8") -> Reply:
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return Reply(text.encode(encoding), content_type=content_type)


def run_crawl(server: SiteServer, tmp_path: Path, start: str = "", **options):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    run_id = crawl(local_config(server.url + start, **options), db_url, progress=False, overrides=FAST)
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
        prefix = server.url.rstrip("/")
        docs = {doc.url.removeprefix(prefix): doc for doc in run_documents(session, run_id)}
        errors = {error.url.removeprefix(prefix): error for error in run_fetch_errors(session, run_id)}
    return run, docs, errors


def test_gbk_pages_without_declaration_or_with_a_wrong_one(tmp_path):
    article = "<html><head><title>{0}</title></head><body><h1>{0}</h1><div id='zoom'><p>本县行政执法公示制度全文如下。</p></div></body></html>"
    derived = (FIXTURES / "real" / "derived" / "comment_notice_01.gbk.html").read_bytes()
    routes = {
        "/": html('<a href="bare.html">一</a><a href="wrong.html">二</a><a href="derived.html">三</a><a href="header.html">四</a>'),
        "/bare.html": html(article.format("关于行政执法公示的通知"), charset=None, encoding="gbk"),
        "/wrong.html": html(article.format("关于双随机一公开的通知"), charset="utf-8", encoding="gbk"),
        "/header.html": html(article.format("关于权责清单的公告"), charset="gbk", encoding="gbk"),
        "/derived.html": Reply(derived, content_type="text/html"),
    }
    with SiteServer(routes=routes) as server:
        _run, docs, _errors = run_crawl(server, tmp_path)
    assert docs["/bare.html"].title == "关于行政执法公示的通知"
    assert docs["/wrong.html"].title == "关于双随机一公开的通知"
    assert docs["/header.html"].title == "关于权责清单的公告"
    assert "本县行政执法公示制度全文如下" in docs["/bare.html"].text
    assert docs["/derived.html"].title == "县政府办公室关于《关于全面推进政务公开工作的实施意见》（征求意见稿）的意见征集公告"
    assert docs["/derived.html"].published_on == dt.date(2017, 7, 31)
    assert docs["/derived.html"].encoding == "gb18030"


def list_page(entries: list[str], script: str = "") -> Reply:
    items = "".join(f'<li><a href="{href}">第{href}篇通知公告</a><span>2021-0{1 + i % 9}-1{i % 9}</span></li>' for i, href in enumerate(entries))
    return html(f"<html><body><ul>{items}</ul><script>{script}</script></body></html>")


def test_every_page_of_script_and_query_paginated_lists_is_crawled(tmp_path):
    article = html("<html><body><h1>通知公告正文标题</h1><div class='content'><p>正文正文正文正文正文正文。</p></div></body></html>")
    routes = {
        "/": html('<a href="/tzgg/index.html">通知公告</a> <a href="/list.php?page=1">政策文件</a>'),
        "/tzgg/index.html": list_page(["a0.html"], 'createPageHTML(5, 0, "index", "html");'),
        "/list.php": lambda path: list_page([f"/doc{path[-1]}.html"], "") if "page=" in path else None,
        "/hanweb/index.html": list_page(["/h0.html"], 'var countPage = 3;//共多少页\nvar currentPage = 0;\nvar prefixName = "index";\nvar suffixName = "html";'),
    }
    routes["/"] = html('<a href="/tzgg/index.html">通知公告</a> <a href="/list.php?page=1">政策文件</a> <a href="/hanweb/index.html">信息</a>')
    for page in range(1, 5):
        routes[f"/tzgg/index_{page}.html"] = list_page([f"a{page}.html"])
        routes[f"/tzgg/a{page}.html"] = article
    routes["/tzgg/a0.html"] = article
    query_list = '<ul><li><a href="/doc{0}.html">文件{0}</a> 2021-05-0{0}</li></ul>共 3 页 <a href="/list.php?page=2">下一页</a>'
    routes["/list.php"] = lambda path: html(query_list.format(path[-1]))
    for page in range(1, 4):
        routes[f"/doc{page}.html"] = article
    for page in range(1, 3):
        routes[f"/hanweb/index_{page}.html"] = list_page([f"/h{page}.html"])
    with SiteServer(routes=routes) as server:
        _run, docs, _errors = run_crawl(server, tmp_path)
        paths = server.paths()
    assert {f"/tzgg/index_{n}.html" for n in range(1, 5)} <= set(paths)
    assert "/tzgg/index_5.html" not in paths
    assert {f"/tzgg/a{n}.html" for n in range(5)} <= docs.keys()
    assert {"/list.php?page=3", "/doc3.html"} <= docs.keys()
    assert {"/hanweb/index_2.html", "/h2.html"} <= docs.keys()
    assert docs["/tzgg/a4.html"].list_date is not None


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("行政执法主体清单")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "执法主体", "执法依据"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "县司法局", "行政处罚法"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "行政相对人名称"])
    workbook.active.append([1, "示例县某某商店"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_attachments_of_each_type_are_downloaded_and_read(tmp_path):
    files = {
        "report.pdf": (minimal_pdf(["示例县2020年法治政府建设情况报告"]), "application/pdf"),
        "subjects.docx": (make_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "decisions.xlsx": (make_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "licences.xls": ((FIXTURES / "crawl" / "licences.xls").read_bytes(), "application/vnd.ms-excel"),
        "notes.txt": ("行政执法统计年报".encode("gbk"), "text/plain"),
        "big.pdf": (minimal_pdf(["太大"]) + b" " * 3_000_000, "application/pdf"),
    }
    links = "".join(f'<p><a href="files/{name}">附件{i}：{name}说明文件</a></p>' for i, name in enumerate(files, 1))
    routes = {
        "/": html('<a href="/xxgk/notice.html">公告</a>'),
        "/xxgk/notice.html": html(f"<html><head><meta name='PubDate' content='2021-03-20'></head><body><h1>关于公布执法信息的公告</h1>"
                                  f"<div class='TRS_Editor'><p>现将有关执法信息予以公布。</p>{links}"
                                  "<a href='download.jsp?id=7'>下载</a></div></body></html>"),
        "/xxgk/download.jsp": Reply(make_docx(), content_type="application/octet-stream",
                                    headers={"Content-Disposition": "attachment; filename=\"%E6%B8%85%E5%8D%95.docx\""}),
    }
    routes |= {f"/xxgk/files/{name}": Reply(body, content_type=kind) for name, (body, kind) in files.items()}
    with SiteServer(routes=routes) as server:
        run, docs, _errors = run_crawl(server, tmp_path, max_attachment_mb=2)
    attachments = {url.rsplit("/", 1)[-1]: doc for url, doc in docs.items() if doc.kind == "attachment"}
    assert run.attachments == 7 == len(attachments)
    assert attachments["report.pdf"].text == "示例县2020年法治政府建设情况报告"
    assert attachments["report.pdf"].title == "report.pdf说明文件"
    assert attachments["report.pdf"].published_on == dt.date(2021, 3, 20)
    assert attachments["report.pdf"].parent_url.endswith("/xxgk/notice.html")
    assert attachments["subjects.docx"].tables == [[["执法主体", "执法依据"], ["县司法局", "行政处罚法"]]]
    assert attachments["decisions.xlsx"].tables == [[["序号", "行政相对人名称"], ["1", "示例县某某商店"]]]
    assert attachments["licences.xls"].tables[0][1][1] == "示例县惠民大药房"
    assert attachments["notes.txt"].text == "行政执法统计年报"
    assert attachments["download.jsp?id=7"].extension == "docx"
    assert attachments["download.jsp?id=7"].title == "清单.docx"
    assert "行政执法主体清单" in attachments["download.jsp?id=7"].text
    assert attachments["big.pdf"].text == "" and "2 MB" in attachments["big.pdf"].extraction_note
    assert all(doc.sha256 for name, doc in attachments.items() if name != "big.pdf")


def test_robots_exclusion_is_obeyed_and_recorded(tmp_path):
    routes = {
        "/robots.txt": Reply(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/": html('<a href="/private/secret.html">内部</a> <a href="/open.html">公开</a>'),
        "/open.html": html("<h1>公开信息公开信息</h1>"),
        "/private/secret.html": html("<h1>不应抓取</h1>"),
    }
    with SiteServer(routes=routes) as server:
        _run, docs, errors = run_crawl(server, tmp_path)
        paths = server.paths()
    assert "/private/secret.html" not in paths and "/open.html" in docs
    assert errors["/private/secret.html"].reason == "robots.txt 禁止抓取"


def test_scope_offsite_links_redirects_traps_and_session_ids(tmp_path):
    routes = {
        "/": html(
            '<a href="http://localhost:{port}/offsite.html">同机另一域名</a> <a href="/jump.html">跳转</a>'
            '<a href="/cal.php?date=2021-01-01">日历</a> <a href="/a/b/a/b/a/loop.html">循环</a>'
            '<a href="/doc.html;jsessionid=ABC123">文档</a> <a href="/doc.html#top">文档</a> <a href="//doc.html?sid=9">文档</a>'
            '<a href="/logo.png">图</a>'
        ),
        "/jump.html": Reply(b"", status=302, headers={"Location": "http://localhost:{port}/offsite.html"}),
        "/doc.html": html("<h1>文档文档文档</h1>"),
    }
    with SiteServer(routes=routes) as server:
        server.routes["/"] = html(routes["/"].body.decode().format(port=server.port))
        server.routes["/jump.html"] = Reply(b"", status=302, headers={"Location": f"http://localhost:{server.port}/offsite.html"})
        _run, docs, errors = run_crawl(server, tmp_path)
        paths = server.paths()
    assert "/offsite.html" not in paths
    assert "allowed_domains" in errors["/jump.html"].reason
    assert not any(path.startswith(("/cal.php", "/a/", "/logo")) for path in paths)
    assert [path for path in paths if path.startswith("/doc.html")] == ["/doc.html"]
    assert "/doc.html" in docs


def test_private_addresses_are_refused_unless_allowed(tmp_path):
    with SiteServer(routes={"/": html("<h1>首页首页</h1>")}) as server:
        run, docs, errors = run_crawl(server, tmp_path, allowed_networks=[])
        paths = server.paths()
    assert run.status == "crawled" and not docs and not paths
    assert "内网" in errors["/"].reason


def test_page_limit_and_depth_limit(tmp_path):
    chain = {f"/p{n}.html": html(f'<h1>第{n}页第{n}页</h1><a href="/p{n + 1}.html">下一篇</a>') for n in range(20)}
    with SiteServer(routes=chain) as server:
        _run, docs, _errors = run_crawl(server, tmp_path, start="p0.html", max_depth=3)
    assert sorted(docs) == ["/p0.html", "/p1.html", "/p2.html", "/p3.html"]
    wide = {"/": html("".join(f'<a href="/w{n}.html">第{n}篇</a>' for n in range(30)))}
    with SiteServer(routes=wide, fallback=lambda path: html("<h1>文章文章</h1>")) as server:
        (tmp_path / "wide").mkdir()
        _run, docs, _errors = run_crawl(server, tmp_path / "wide", max_pages=10)
    assert len(docs) == 10


def test_user_agent_names_the_tool_and_contact(tmp_path):
    with SiteServer(routes={"/": html("<h1>首页首页</h1>")}) as server:
        run_crawl(server, tmp_path, contact="ops@example.gov.cn")
        agents = {headers.get("User-Agent") for _m, _p, headers in server.log}
    assert agents == {"fazhi/0.1 (+rule-of-law site check; contact: ops@example.gov.cn)"}


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_after_retries_are_fetch_errors(tmp_path, status):
    routes = {"/": html('<a href="/down.html">栏目</a>'), "/down.html": Reply(b"busy", status=status, content_type="text/plain")}
    with SiteServer(routes=routes) as server:
        _run, docs, errors = run_crawl(server, tmp_path, retries=2)
        paths = server.paths()
    assert "/down.html" not in docs and errors["/down.html"].http_status == status
    assert paths.count("/down.html") == 3


def test_time_outs_are_fetch_errors(tmp_path):
    routes = {"/": html('<a href="/slow.html">慢</a>'), "/slow.html": Reply(b"<h1>slow</h1>", delay=3)}
    with SiteServer(routes=routes) as server:
        _run, _docs, errors = run_crawl(server, tmp_path, timeout=1, retries=0)
    assert errors["/slow.html"].reason == "超时"
