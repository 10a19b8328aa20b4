"""Text out of Word 97–2003 (.doc) and Word-compatible WPS (.wps) attachments.

The .doc fixtures were saved by LibreOffice (see fixtures/crawl/make_legacy_word.py);
nothing here needs LibreOffice to run.
"""

from __future__ import annotations

import re
from pathlib import Path

import olefile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.attachments import extract_attachment
from crawler.legacy_word import LegacyWordError, read_legacy_word
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, session_factory

FIXTURES = Path(__file__).parent / "fixtures" / "crawl"
DECISION = (FIXTURES / "decision.doc").read_bytes()
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_chinese_paragraphs_are_lines_of_the_text():
    result = extract_attachment(DECISION, "doc")
    lines = result.text.split("\n")
    assert result.note is None
    assert lines[:3] == ["示例县司法局行政处罚决定书", "示司罚决〔2021〕3号", "一、权责清单（节选）"]
    assert "如不服本决定，可以在收到本决定书之日起六十日内向示例县人民政府申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。" in lines
    # a line break inside a paragraph separates the signature from the date
    assert lines[-3:-1] == ["示例县司法局", "二〇二一年四月九日"]


def test_table_rows_stay_rows_even_with_multi_paragraph_and_empty_cells():
    result = extract_attachment(DECISION, "doc")
    lines = result.text.split("\n")
    assert "事项名称\t法律依据\t实施主体" in lines
    assert "对违反律师管理规定行为的处罚\t《中华人民共和国律师法》第四十七条 《律师执业管理办法》第五十五条\t县司法局" in lines
    assert "法律援助事项审查\t\t县法律援助中心" in lines
    assert result.tables == [[
        ["事项名称", "法律依据", "实施主体"],
        ["对违反律师管理规定行为的处罚", "《中华人民共和国律师法》第四十七条\n《律师执业管理办法》第五十五条", "县司法局"],
        ["法律援助事项审查", "", "县法律援助中心"],
    ]]


def test_hyperlink_field_keeps_its_text_and_drops_its_code():
    text = extract_attachment(DECISION, "doc").text
    assert text.endswith("全文见示例县人民政府门户网站")
    assert "HYPERLINK" not in text and "example.gov.cn" not in text
    assert not re.search("[\x00-\x08\x0b-\x1f]", text)


def test_compressed_8bit_pieces_are_cp1252():
    result = extract_attachment((FIXTURES / "compressed.doc").read_bytes(), "doc")
    assert result.text == "Administrative Penalty Decision No. 2021-17\nIssued 9 April 2021 — county justice bureau, Café Street."


def test_word_compatible_wps_is_read_like_doc():
    assert extract_attachment(DECISION, "wps").text == extract_attachment(DECISION, "doc").text


def test_ole_file_without_word_streams_says_it_is_not_word_compatible():
    # an OLE file holding a "Contents" stream instead of "WordDocument", as non-Word formats do
    other = (FIXTURES / "licences.xls").read_bytes().replace("Workbook".encode("utf-16-le"), "Contents".encode("utf-16-le"))
    result = extract_attachment(other, "wps")
    assert result.text == "" and "不是 Word 兼容格式" in result.note and "Contents" in result.note


def test_pre_ole_wps_and_unknown_doc_bytes_say_why():
    assert "早期金山 WPS" in extract_attachment(b"\x00\x01WPS 2000 document", "wps").note
    assert "不是 Word 97–2003" in extract_attachment(b"\x00\x01not a word file", "doc").note


def test_truncated_and_garbage_files_give_a_note_not_a_crash():
    truncated = extract_attachment((FIXTURES / "truncated.doc").read_bytes(), "doc")
    garbage = extract_attachment(OLE_MAGIC + b"\x00" * 600, "doc")
    for result in (truncated, garbage):
        assert result.text == "" and "损坏" in result.note


def test_encrypted_document_is_named_as_such():
    with olefile.OleFileIO(DECISION) as ole:
        word_stream = DECISION.find(ole.openstream("WordDocument").read(512))
    flags = DECISION[word_stream + 0x0A] | DECISION[word_stream + 0x0B] << 8
    encrypted = bytearray(DECISION)
    encrypted[word_stream + 0x0A : word_stream + 0x0C] = (flags | 0x0100).to_bytes(2, "little")
    assert "加密" in extract_attachment(bytes(encrypted), "doc").note


def test_rtf_saved_as_doc_keeps_its_own_reader():
    rtf = rb"{\rtf1\ansi\ansicpg936 {\fonttbl{\f0 SimSun;}}\f0 \'d0\'d0\'d5\'fe\'b8\'b4\'d2\'e9\par}"
    text = extract_attachment(rtf, "doc").text
    assert text.strip() == "行政复议"  # the font table is formatting, not text


def read_or_refuse(body: bytes) -> None:
    try:
        read_legacy_word(body)
    except LegacyWordError as error:
        assert str(error)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise_anything_but_a_note(data):
    read_or_refuse(data)
    read_or_refuse(OLE_MAGIC + data)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(DECISION) - 1), st.integers(0, 255)), min_size=1, max_size=40))
def test_damaged_real_documents_never_raise_anything_but_a_note(changes):
    damaged = bytearray(DECISION)
    for position, value in changes:
        damaged[position] = value
    read_or_refuse(bytes(damaged))


def test_doc_linked_from_a_page_is_stored_with_its_text(tmp_path):
    notice = (
        "<html><head><meta name='PubDate' content='2021-04-12'></head><body><h1>行政处罚决定书公示</h1>"
        "<div class='TRS_Editor'><p>现将行政处罚决定书予以公示。</p>"
        "<p><a href='P020210412.doc'>示司罚决〔2021〕3号.doc</a></p><p><a href='old.wps'>附件二</a></p></div></body></html>"
    )
    routes = {
        "/": Reply('<a href="/xxgk/notice.html">公告</a>'.encode(), content_type="text/html; charset=utf-8"),
        "/xxgk/notice.html": Reply(notice.encode(), content_type="text/html; charset=utf-8"),
        "/xxgk/P020210412.doc": Reply(DECISION, content_type="application/msword"),
        "/xxgk/old.wps": Reply((FIXTURES / "truncated.doc").read_bytes(), content_type="application/octet-stream"),
    }
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    with SiteServer(routes=routes) as server:
        run_id = crawl(local_config(server.url), db_url, progress=False, overrides=FAST)
    with session_factory(open_engine(db_url))() as session:
        docs = {doc.url.rsplit("/", 1)[-1]: doc for doc in run_documents(session, run_id) if doc.kind == "attachment"}
    decision = docs["P020210412.doc"]
    assert decision.extension == "doc" and decision.extraction_note is None
    assert "申请行政复议" in decision.text and "二〇二一年四月九日" in decision.text
    assert decision.tables[0][0] == ["事项名称", "法律依据", "实施主体"]
    assert docs["old.wps"].text == "" and "损坏" in docs["old.wps"].extraction_note


def test_rtf_unicode_escapes_and_paragraphs():
    rtf = rb"{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fnil\fcharset134 SimSun;}}\f0 \u20915?\u23450?\u20070?\par \'c9\'ea\'c7\'eb\'d0\'d0\'d5\'fe\'b8\'b4\'d2\'e9\par}"
    lines = [line for line in extract_attachment(rtf, "rtf").text.splitlines() if line.strip()]
    assert lines == ["决定书", "申请行政复议"]
