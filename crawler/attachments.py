"""Text and tables out of attachments (pdf, doc(x), xls(x), wps, ofd, txt, zip).

Files are sniffed by their first bytes as well as their extension: government
sites often serve a .doc that is really a .docx, HTML or RTF. Whatever cannot be
read says why in ``note``, so a check can tell "empty" from "unreadable".

Nothing is unpacked without a bound: zip-based formats are refused by their members'
sizes and compression ratios before a parser sees them, and a PDF's Flate streams
share one budget. Memory and time are capped by running this in crawler.extract_worker.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeTree
from striprtf.striprtf import rtf_to_text

from crawler.encoding import decode_text

ATTACHMENT_EXTENSIONS = frozenset(("pdf", "doc", "docx", "xls", "xlsx", "wps", "ofd", "txt", "zip", "et", "rtf"))
MAX_TEXT_CHARS = 2_000_000
MAX_ROWS = 5000
MAX_PDF_PAGES = 200
MAX_ZIP_MEMBERS = 50
MAX_UNPACKED = 100 * 1024 * 1024  # bytes all of an attachment's compressed parts may unpack to
# Office XML compresses 5–20×, a bomb 300–1000×; small members may be as compressible as they like
MAX_RATIO = 100
RATIO_FLOOR = 10 * 1024 * 1024
# zipfile bounds a deflated member by its declared size, but bzip2 and LZMA members
# are inflated a whole read at a time, whatever the header says
_BOUNDED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Extracted:
    text: str = ""
    tables: list[list[list[str]]] = field(default_factory=list)
    note: str | None = None


class Bomb(Exception):
    """An attachment that would unpack to more than the limit; the message is its note."""


def extract_attachment(body: bytes, extension: str, max_unpacked: int = MAX_UNPACKED) -> Extracted:
    """Text, tables and an explanatory note for an attachment's bytes."""
    kind = sniff(body, extension)
    if kind not in _READERS and kind not in _UNPACKING_READERS:
        return Extracted(note=f"不支持从 .{extension or kind} 文件提取文字")
    try:
        if kind in _ZIP_KINDS:
            check_zip(body, max_unpacked)
        if kind in _UNPACKING_READERS:
            result = _UNPACKING_READERS[kind](body, max_unpacked)
        else:
            result = _READERS[kind](body)
    except Bomb as bomb:
        return Extracted(note=str(bomb))
    except MemoryError:
        raise  # the worker reports its own memory limit
    except Exception as error:  # a broken file from the web must never stop the crawl
        return Extracted(note=f"无法读取 .{extension} 文件: {type(error).__name__}: {str(error)[:200]}")
    result.text = result.text[:MAX_TEXT_CHARS]
    if not result.text.strip() and result.note is None:
        result.note = "文件中没有可提取的文字（可能是扫描件）"
    return result


def sniff(body: bytes, extension: str) -> str:
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if body.startswith(_OLE_MAGIC):
        return "xls" if extension in ("xls", "et") else "ole"
    if body.startswith(b"PK\x03\x04"):
        return _zip_kind(body, extension)
    if head[:200].lower().startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta")):
        return "html"
    return "txt" if extension in ("txt", "") else extension


def _zip_kind(body: bytes, extension: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
    except zipfile.BadZipFile:
        return extension
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def check_zip(body: bytes, max_unpacked: int) -> None:
    """Raises Bomb when the archive's members would unpack past the limits; reads only its directory."""
    try:
        members = [info for info in zipfile.ZipFile(io.BytesIO(body)).infolist() if not info.is_dir()]
    except zipfile.BadZipFile:
        return  # the parser says why it cannot read it
    if sum(info.file_size for info in members) > max_unpacked:
        raise Bomb(_bomb_note(max_unpacked))
    for info in members:
        if info.compress_type not in _BOUNDED_METHODS:
            raise Bomb(f"附件中的 {_member_name(info)} 使用 bzip2/LZMA 等无法限量解压的压缩方式，未提取文本")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Bomb(f"附件中的 {_member_name(info)} 压缩比 {ratio}:1，超过 {MAX_RATIO}:1（压缩炸弹），未提取文本")


def _bomb_note(max_unpacked: int) -> str:
    return f"附件解压后超过 {max_unpacked / 1024 / 1024:g} MB（压缩炸弹），未提取文本"


def _pdf(body: bytes, max_unpacked: int) -> Extracted:
    from pdfminer import pdftypes
    from pdfminer.high_level import extract_text

    with _bounded_flate(pdftypes, max_unpacked):
        return Extracted(text=_tidy(extract_text(io.BytesIO(body), maxpages=MAX_PDF_PAGES)))


@contextmanager
def _bounded_flate(module, max_unpacked: int) -> Iterator[None]:
    """pdfminer inflates every FlateDecode stream whole with the zlib module it imported;
    for one document it gets a stand-in whose output is counted against the limit."""
    original = module.zlib
    module.zlib = _BoundedZlib(max_unpacked)
    try:
        yield
    finally:
        module.zlib = original


class _BoundedZlib:
    error = zlib.error

    def __init__(self, limit: int):
        self.limit = limit
        self.left = limit

    def decompress(self, data: bytes) -> bytes:
        inflater = self.decompressobj()
        output = inflater.decompress(data)
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")
        return output

    def decompressobj(self) -> _BoundedInflater:
        return _BoundedInflater(self)


class _BoundedInflater:
    def __init__(self, budget: _BoundedZlib):
        self.budget = budget
        self.inflater = zlib.decompressobj()

    @property
    def eof(self) -> bool:
        return self.inflater.eof

    def decompress(self, data: bytes) -> bytes:
        # one byte past what is left tells "exactly used up" from "over"
        output = self.inflater.decompress(data, self.budget.left + 1)
        self.budget.left -= len(output)
        if self.budget.left < 0:
            raise Bomb(_bomb_note(self.budget.limit))
        return output


def _docx(body: bytes) -> Extracted:
    import docx

    document = docx.Document(io.BytesIO(body))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    tables = [
        [[cell.text.strip() for cell in row.cells] for row in table.rows[:MAX_ROWS]] for table in document.tables
    ]
    table_text = ["\t".join(row) for table in tables for row in table]
    return Extracted(text=_tidy("\n".join(paragraphs + table_text)), tables=[t for t in tables if len(t) >= 2])


def _xlsx(body: bytes) -> Extracted:
    import openpyxl  # uses defusedxml when it is installed

    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    tables = []
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS):
            cells = ["" if value is None else str(value).strip() for value in row]
            if any(cells):
                rows.append(cells)
        if rows:
            tables.append(rows)
    workbook.close()
    return _from_tables(tables)


def _xls(body: bytes) -> Extracted:
    import xlrd

    book = xlrd.open_workbook(file_contents=body, on_demand=True)
    tables = []
    for sheet in book.sheets():
        rows = []
        for index in range(min(sheet.nrows, MAX_ROWS)):
            cells = [_cell_text(value) for value in sheet.row_values(index)]
            if any(cells):
                rows.append(cells)
        if rows:
            tables.append(rows)
    return _from_tables(tables)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _from_tables(tables: list[list[list[str]]]) -> Extracted:
    text = "\n".join("\t".join(cell for cell in row if cell) for table in tables for row in table)
    return Extracted(text=text, tables=[table for table in tables if len(table) >= 2])


def _txt(body: bytes) -> Extracted:
    return Extracted(text=_tidy(decode_text(body)[0]))


def _html(body: bytes) -> Extracted:
    from crawler.extract import extract_page

    page = extract_page(body, "about:blank")
    return Extracted(text=page.text, tables=page.tables)


def _rtf(body: bytes) -> Extracted:
    text = body.decode("latin-1")
    # \'xx escapes hold bytes of the document's ANSI code page; Chinese Word writes 936 (GBK)
    codepage = re.search(r"\\ansicpg(\d+)", text)
    encoding = "gb18030" if not codepage or codepage.group(1) == "936" else f"cp{codepage.group(1)}"
    try:
        return Extracted(text=_tidy(rtf_to_text(text, encoding=encoding, errors="replace")))
    except LookupError:
        return Extracted(text=_tidy(rtf_to_text(text, encoding="gb18030", errors="replace")))


def _ofd(body: bytes) -> Extracted:
    """OFD (GB/T 33190): a zip of XML pages whose TextCode elements hold the text."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    pages = sorted(
        (name for name in archive.namelist() if re.search(r"Pages/Page_?\d+/Content\.xml$", name)),
        key=lambda name: [int(part) for part in re.findall(r"\d+", name)],
    )
    lines = []
    for name in pages:
        root = SafeTree.fromstring(archive.read(name))
        lines += [node.text or "" for node in root.iter() if node.tag.endswith("TextCode")]
    return Extracted(text=_tidy("\n".join(lines)))


def _zip(body: bytes, max_unpacked: int) -> Extracted:
    archive = zipfile.ZipFile(io.BytesIO(body))
    members = [info for info in archive.infolist() if not info.is_dir()][:MAX_ZIP_MEMBERS]
    texts, tables, skipped, notes = [], [], [], []
    for info in members:
        name = _member_name(info)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension == "zip" or extension not in ATTACHMENT_EXTENSIONS:
            skipped.append(name)
            continue
        inner = extract_attachment(archive.read(info), extension, max_unpacked)
        texts.append(f"【{name}】\n{inner.text}")
        tables += inner.tables
        if inner.note:
            notes.append(f"{name}: {inner.note}")
    if skipped:
        notes.insert(0, f"压缩包中未提取: {', '.join(skipped)}")
    return Extracted(text="\n".join(texts), tables=tables, note="；".join(notes) or None)


def _member_name(info: zipfile.ZipInfo) -> str:
    # Chinese Windows zips store GBK names without the UTF-8 flag; zipfile reads them as cp437
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _ole(body: bytes) -> Extracted:
    """Word 97–2003 .doc and Word-compatible .wps; table rows are tab-separated lines of the text."""
    from crawler.legacy_word import LegacyWordError, read_legacy_word

    try:
        word = read_legacy_word(body)
    except LegacyWordError as error:
        return Extracted(note=str(error))
    return Extracted(text=word.text, tables=[table for table in word.tables if len(table) >= 2])


def _unknown_doc(body: bytes) -> Extracted:
    return Extracted(note="文件既不是 Word 97–2003 二进制格式，也不是 docx、RTF 或网页，未能提取文字")


def _unknown_wps(body: bytes) -> Extracted:
    return Extracted(note="早期金山 WPS 格式（与 Word 不兼容）的文件，暂不支持提取文字")


def _tidy(text: str) -> str:
    lines = (re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


_ZIP_KINDS = frozenset(("docx", "xlsx", "ofd", "zip"))
_UNPACKING_READERS = {"pdf": _pdf, "zip": _zip}
_READERS = {
    "docx": _docx,
    "xlsx": _xlsx,
    "xls": _xls,
    "et": _xls,
    "txt": _txt,
    "html": _html,
    "rtf": _rtf,
    "ofd": _ofd,
    "ole": _ole,
    "doc": _unknown_doc,
    "wps": _unknown_wps,
}
