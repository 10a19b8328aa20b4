"""Text and tables out of the attachment formats county sites publish."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl

from crawler.attachments import extract_attachment
from crawler.testing import minimal_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "crawl"


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("示例县司法局权责清单")
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ("事项名称", "法律依据", "实施主体")):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, ("行政处罚", "《行政处罚法》", "县司法局")):
        cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "行政相对人名称", "处罚决定日期"])
    sheet.append([1, "示例县某某商店", "2021-07-01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class GbkName(zipfile.ZipInfo):
    """A member name as Chinese Windows archivers write it: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def make_zip(members: dict[str, bytes], gbk_names: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in members.items():
            archive.writestr((GbkName if gbk_names else zipfile.ZipInfo)(name), body)
    return buffer.getvalue()


def test_pdf_text():
    result = extract_attachment(minimal_pdf(["示例县2020年法治政府建设情况报告", "2021年3月20日"]), "pdf")
    assert result.text == "示例县2020年法治政府建设情况报告\n2021年3月20日" and result.note is None


def test_docx_paragraphs_and_tables():
    result = extract_attachment(make_docx(), "docx")
    assert result.text.startswith("示例县司法局权责清单")
    assert result.tables == [[["事项名称", "法律依据", "实施主体"], ["行政处罚", "《行政处罚法》", "县司法局"]]]


def test_xlsx_rows():
    result = extract_attachment(make_xlsx(), "xlsx")
    assert result.tables == [[["序号", "行政相对人名称", "处罚决定日期"], ["1", "示例县某某商店", "2021-07-01"]]]
    assert "示例县某某商店" in result.text


def test_legacy_xls_rows():
    result = extract_attachment((FIXTURES / "licences.xls").read_bytes(), "xls")
    assert result.tables[0][0] == ["序号", "行政相对人名称", "许可决定日期"]
    assert result.tables[0][1] == ["1", "示例县惠民大药房", "2021-07-01"]


def test_doc_that_is_really_docx_is_read_as_docx():
    assert "权责清单" in extract_attachment(make_docx(), "doc").text


def test_gbk_text_file():
    assert extract_attachment("行政执法统计年报\r\n2020年".encode("gbk"), "txt").text == "行政执法统计年报\n2020年"


def test_ofd_text_from_its_pages():
    page = (
        '<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>'
        "<ofd:TextObject><ofd:TextCode X='0' Y='0'>示例县人民政府</ofd:TextCode></ofd:TextObject>"
        "<ofd:TextObject><ofd:TextCode X='0' Y='9'>关于公布重大行政决策事项目录的通知</ofd:TextCode></ofd:TextObject>"
        "</ofd:Layer></ofd:Content></ofd:Page>"
    ).encode()
    body = make_zip({"OFD.xml": b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>", "Doc_0/Pages/Page_0/Content.xml": page})
    assert extract_attachment(body, "ofd").text == "示例县人民政府\n关于公布重大行政决策事项目录的通知"


def test_ofd_with_entity_expansion_is_refused_not_expanded():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Page><TextCode>&b;</TextCode></Page>'
    body = make_zip({"OFD.xml": b"<OFD/>", "Doc_0/Pages/Page_0/Content.xml": bomb})
    result = extract_attachment(body, "ofd")
    assert result.text == "" and "无法读取" in result.note


def test_zip_members_are_extracted_with_their_chinese_names():
    body = make_zip({"权责清单.docx": make_docx(), "说明.txt": "说明文字".encode("gbk"), "照片.jpg": b"\xff\xd8"}, gbk_names=True)
    result = extract_attachment(body, "zip")
    assert "【权责清单.docx】" in result.text and "说明文字" in result.text
    assert result.tables and "照片.jpg" in result.note


def test_unreadable_files_say_why():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert "未能提取" in extract_attachment(ole, "doc").note
    assert "无法读取" in extract_attachment(b"%PDF-1.4 garbage", "pdf").note
    assert "扫描件" in extract_attachment(minimal_pdf([]), "pdf").note
