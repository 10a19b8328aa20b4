"""Hostile attachments (decompression bombs, endless PDFs) cost a note, not the night's crawl.

The bombs are generated here (crawler.hostile), small on the wire and huge once opened.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx

from crawler import hostile
from crawler.attachments import extract_attachment
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config, minimal_pdf
from storage.db import open_engine, run_documents, session_factory
from storage.models import Run

BOMB = "附件解压后超过 100 MB（压缩炸弹），未提取文本"


def small_docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_whose_document_unpacks_to_256_mb_is_refused_unopened():
    body = hostile.repeated_docx(256)
    assert len(body) < 1024 * 1024
    assert extract_attachment(body, "docx").note == BOMB


def test_zero_filled_docx_and_doc_named_docx_are_refused():
    body = hostile.zero_docx(1024)
    assert extract_attachment(body, "docx").note == BOMB
    assert extract_attachment(body, "doc").note == BOMB  # a .doc that is really a .docx


def test_flate_bomb_pdf_is_stopped_at_the_limit():
    result = extract_attachment(hostile.flate_pdf(1024), "pdf")
    assert result.text == "" and result.note == BOMB


def test_pdf_limit_counts_every_stream_and_spares_ordinary_pdfs():
    assert extract_attachment(hostile.flate_pdf(8), "pdf", max_unpacked=4 * 1024 * 1024).note.startswith("附件解压后超过 4 MB")
    assert extract_attachment(minimal_pdf(["示例县法治政府建设报告"]), "pdf", max_unpacked=1024).text == "示例县法治政府建设报告"


def test_zip_bomb_is_refused():
    assert extract_attachment(hostile.zero_zip(1024), "zip").note == BOMB


def test_bomb_nested_in_a_zip_is_named_and_its_neighbours_are_read():
    body = hostile.archive({"清单.docx": small_docx("行政执法主体清单"), "附件2.docx": hostile.zero_docx(1024)})
    result = extract_attachment(body, "zip")
    assert "行政执法主体清单" in result.text
    assert result.note == f"附件2.docx: {BOMB}"


def test_highly_compressed_member_below_the_size_limit_is_refused():
    result = extract_attachment(hostile.repeated_docx(64), "docx")
    assert result.note.startswith("附件中的 word/document.xml 压缩比") and "压缩炸弹" in result.note


def test_member_whose_compression_cannot_be_bounded_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("说明.txt", "说明".encode())
    assert "bzip2/LZMA" in extract_attachment(buffer.getvalue(), "zip").note


def crawl_site(server: SiteServer, tmp_path: Path, **options):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    run_id = crawl(local_config(server.url, **options), db_url, progress=False, overrides=FAST)
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
        docs = {doc.url.removeprefix(server.url.rstrip("/")): doc for doc in run_documents(session, run_id)}
        session.expunge_all()
    return run, docs


def links_page(links: dict[str, str]) -> Reply:
    anchors = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links.items())
    return Reply(f"<html><head><title>通知公告</title></head><body><ul>{anchors}</ul></body></html>".encode())


ATTACHMENT = "application/octet-stream"


def test_crawl_with_bombs_on_the_site_stores_every_document_with_its_reason(tmp_path):
    bombs = {
        "/files/bomb.docx": ("2023年行政执法统计年报", hostile.repeated_docx(256)),
        "/files/zero.docx": ("重大行政决策事项目录", hostile.zero_docx(1024)),
        "/files/bomb.pdf": ("法治政府建设年度报告", hostile.flate_pdf(1024)),
        "/files/bomb.zip": ("权责清单汇总", hostile.zero_zip(1024)),
    }
    routes = {path: Reply(body, content_type=ATTACHMENT) for path, (_title, body) in bombs.items()}
    routes["/files/report.pdf"] = Reply(minimal_pdf(["示例县2023年法治政府建设情况报告"]), content_type=ATTACHMENT)
    routes["/"] = links_page({path: title for path, (title, _body) in bombs.items()} | {"/files/report.pdf": "年度报告全文", "/news.html": "工作动态"})
    routes["/news.html"] = links_page({})
    with SiteServer(routes=routes) as server:
        run, docs = crawl_site(server, tmp_path)
    assert run.status == "crawled" and run.attachments == 5 and run.pages == 2
    for path, (title, _body) in bombs.items():
        assert docs[path].title == title and docs[path].extraction_note == BOMB and docs[path].sha256
    assert docs["/files/report.pdf"].text == "示例县2023年法治政府建设情况报告"


def test_pages_are_fetched_while_a_slow_attachment_is_extracted_and_it_is_stopped_at_the_time_limit(tmp_path):
    chain = [f"/news/{number}.html" for number in range(6)]
    routes = {"/": links_page({"/files/slow.pdf": "行政执法统计年报", chain[0]: "工作动态"}),
              "/files/slow.pdf": Reply(hostile.slow_pdf(), content_type=ATTACHMENT)}
    # each news page is found only on the one before: the chain moves only while the crawl runs
    for page, following in zip(chain, chain[1:] + [None]):
        routes[page] = links_page({following: "下一篇"} if following else {})
    with SiteServer(routes=routes) as server:
        run, docs = crawl_site(server, tmp_path, attachment_seconds=3.0)
        requested = server.paths()
    assert run.status == "crawled"
    assert requested.index("/files/slow.pdf") < requested.index(chain[1]) and chain[-1] in requested
    slow = docs["/files/slow.pdf"]
    assert slow.extraction_note == "附件提取超过 3 秒上限，已中止，未提取文本" and slow.title == "行政执法统计年报"
    # stored in the order the items were finished: the whole chain before the slow attachment
    assert all(docs[page].id < slow.id for page in chain)


def test_attachment_that_needs_more_memory_than_the_cap_gets_a_note_and_the_next_one_is_read(tmp_path):
    routes = {"/": links_page({"/files/big.pdf": "行政处罚决定书汇编", "/files/after.pdf": "行政许可决定书"}),
              "/files/big.pdf": Reply(hostile.flate_pdf(160), content_type=ATTACHMENT),
              "/files/after.pdf": Reply(minimal_pdf(["示例县行政许可决定书"]), content_type=ATTACHMENT)}
    with SiteServer(routes=routes) as server:
        run, docs = crawl_site(server, tmp_path, attachment_memory_mb=160.0, concurrency_per_domain=1)
    assert run.status == "crawled"
    assert "内存" in docs["/files/big.pdf"].extraction_note and "160 MB" in docs["/files/big.pdf"].extraction_note
    assert docs["/files/after.pdf"].text == "示例县行政许可决定书"
