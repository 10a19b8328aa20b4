"""Text and tables out of Word 97–2003 (.doc) and Word-compatible WPS (.wps) files.

Follows [MS-DOC]: the FIB at the start of the WordDocument stream says which
table stream (0Table/1Table) holds the CLX, whose piece table maps character
positions to bytes. Paragraph properties (in-table, row end) come from the PAPX
FKP pages, so a multi-paragraph cell or an empty cell does not break its row.
Every failure is a ``LegacyWordError`` whose message is a Chinese note for users.
"""

from __future__ import annotations

import bisect
import io
import re
import struct
from dataclasses import dataclass, field

import olefile

MAX_CHARS = 2_000_000

_FLAG_ENCRYPTED = 0x0100
_FLAG_TABLE_1 = 0x0200
_NFIB_WORD97 = 0xC0
_INDEX_CCP_TEXT = 3
_INDEX_BTE_PAPX = 13
_INDEX_CLX = 33
_COMPRESSED = 0x40000000

_SPRM_IN_TABLE = (0x2416, 0x244B)  # sprmPFInTable, sprmPFInnerTableCell
_SPRM_ROW_END = (0x2417, 0x244C)  # sprmPFTtp, sprmPFInnerTtp
_SPRM_TABLE_DEPTH = 0x6649  # sprmPItap
_SPRM_WIDE_OPERANDS = (0xD606, 0xD608)  # sprmTDefTable10, sprmTDefTable: two-byte length
_SPRM_CHANGE_TABS = 0xC615
_OPERAND_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}

_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_CELL_MARK, _PARAGRAPH_MARK = "\x07", "\r"
_MARKS = re.compile("[\x07\r\x13\x14\x15]")
# line break, page/column break → newline; non-breaking hyphen → hyphen; optional hyphen and the
# placeholders for pictures, footnote numbers, annotations and drawn objects → nothing; a tab
# inside a paragraph → space, so that tabs in the text only ever separate table cells
_CHARACTER_MAP = {0x09: " ", 0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x1E: "-", 0x1F: None} | {
    code: None for code in range(0x20) if code not in (0x09, 0x0B, 0x0C, 0x0E)
}
_SPACES = re.compile("[ \u00a0\u3000]+")


class LegacyWordError(Exception):
    """A .doc/.wps that cannot be read; the message says why, in Chinese, for the report."""


@dataclass
class WordText:
    text: str = ""
    tables: list[list[list[str]]] = field(default_factory=list)


@dataclass
class _Fib:
    table_stream: str
    ccp_text: int
    clx: tuple[int, int]
    bte_papx: tuple[int, int]


@dataclass
class _Paragraph:
    in_table: bool = False
    row_end: bool = False


def read_legacy_word(body: bytes) -> WordText:
    """The main document's text (tables as tab-separated rows) and its tables."""
    if not olefile.isOleFile(io.BytesIO(body)):
        raise LegacyWordError("不是有效的 Word 97–2003/WPS 文件（缺少 OLE 文件头），未能提取文字")
    try:
        with olefile.OleFileIO(io.BytesIO(body)) as ole:
            word = _stream(ole, "WordDocument")
            fib = _read_fib(word)
            table = _stream(ole, fib.table_stream)
        return _assemble(word, table, fib)
    except LegacyWordError:
        raise
    except Exception as error:  # bytes from the web: any parse failure is a damaged file, not a crash
        raise LegacyWordError(f"Word 文件结构损坏或不完整（{type(error).__name__}），未能提取文字") from error


def _stream(ole: olefile.OleFileIO, name: str) -> bytes:
    if ole.exists(name):
        return ole.openstream(name).read()
    if name != "WordDocument":
        raise LegacyWordError(f"Word 文件缺少 {name} 数据流，文件不完整，未能提取文字")
    streams = "、".join("/".join(path).strip("\x01\x05") for path in ole.listdir())[:200]
    raise LegacyWordError(f"文件不是 Word 兼容格式（可能是早期 WPS 或其他软件的格式；包含: {streams}），未能提取文字")


def _read_fib(word: bytes) -> _Fib:
    identifier, n_fib = struct.unpack_from("<HH", word, 0)
    if identifier != 0xA5EC:
        raise LegacyWordError("WordDocument 数据流的文件头无效，未能提取文字")
    if n_fib < _NFIB_WORD97:
        raise LegacyWordError("Word 6.0/95 等更早格式的文件，暂不支持提取文字")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & _FLAG_ENCRYPTED:  # XOR obfuscation (fObfuscated) is only ever set alongside this
        raise LegacyWordError("文件已加密（设有打开密码），无法提取文字")
    offset = 32
    (count_words,) = struct.unpack_from("<H", word, offset)
    offset += 2 + 2 * count_words
    (count_longs,) = struct.unpack_from("<H", word, offset)
    longs = struct.unpack_from(f"<{count_longs}i", word, offset + 2)
    offset += 2 + 4 * count_longs
    (count_pairs,) = struct.unpack_from("<H", word, offset)
    pairs = struct.unpack_from(f"<{2 * count_pairs}I", word, offset + 2)
    if count_longs <= _INDEX_CCP_TEXT or count_pairs <= _INDEX_CLX:
        raise LegacyWordError("Word 文件头缺少文本索引，未能提取文字")
    return _Fib(
        table_stream="1Table" if flags & _FLAG_TABLE_1 else "0Table",
        ccp_text=max(0, longs[_INDEX_CCP_TEXT]),
        clx=pairs[2 * _INDEX_CLX : 2 * _INDEX_CLX + 2],
        bte_papx=pairs[2 * _INDEX_BTE_PAPX : 2 * _INDEX_BTE_PAPX + 2],
    )


def _pieces(table: bytes, clx: tuple[int, int]) -> list[tuple[int, int, int, bool]]:
    """(first CP, last CP, byte offset, 8-bit?) for each piece of the piece table."""
    start, size = clx
    data = table[start : start + size]
    offset = 0
    while offset < len(data) and data[offset] == 0x01:  # Prc blocks of formatting come first
        offset += 3 + struct.unpack_from("<h", data, offset + 1)[0]
    if offset >= len(data) or data[offset] != 0x02:
        raise LegacyWordError("Word 文件缺少文本分段表（piece table），未能提取文字")
    (length,) = struct.unpack_from("<I", data, offset + 1)
    plc = data[offset + 5 : offset + 5 + length]
    count = (len(plc) - 4) // 12
    positions = struct.unpack_from(f"<{count + 1}I", plc, 0)
    pieces = []
    for index in range(count):
        (raw,) = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)
        compressed = bool(raw & _COMPRESSED)
        location = raw & 0x3FFFFFFF
        pieces.append((positions[index], positions[index + 1], location // 2 if compressed else location, compressed))
    return pieces


def _runs(word: bytes, table: bytes, fib: _Fib):
    """(text, byte offset of its first character, bytes per character) for the main document."""
    remaining = min(fib.ccp_text, MAX_CHARS)
    for first, last, location, compressed in _pieces(table, fib.clx):
        if remaining <= 0:
            return
        count = min(max(0, last - first), remaining)
        width = 1 if compressed else 2
        raw = word[location : location + count * width]
        remaining -= count
        yield _decode(raw, compressed), location, width


def _decode(raw: bytes, compressed: bool) -> str:
    if compressed:  # [MS-DOC] 2.4.1: 8-bit pieces hold cp1252, whatever the document's language
        return raw.decode("cp1252", errors="replace")
    return raw[: len(raw) // 2 * 2].decode("utf-16-le", errors="replace")


def _paragraph_map(word: bytes, table: bytes, bte_papx: tuple[int, int]):
    """Sorted paragraph byte ranges and their table properties, from the PAPX FKP pages."""
    start, size = bte_papx
    plc = table[start : start + size]
    count = max(0, (len(plc) - 4) // 8)
    pages = struct.unpack_from(f"<{count}I", plc, 4 * (count + 1)) if count else ()
    ranges = []
    for page_number in pages:
        page = word[(page_number & 0x3FFFFF) * 512 :][:512]
        if len(page) == 512:
            ranges += _fkp_paragraphs(page)
    ranges.sort(key=lambda item: item[0])
    return [item[0] for item in ranges], ranges


def _fkp_paragraphs(page: bytes) -> list[tuple[int, int, _Paragraph]]:
    runs = page[511]
    bounds = struct.unpack_from(f"<{runs + 1}I", page, 0)
    result = []
    for index in range(runs):
        slot = page[4 * (runs + 1) + 13 * index]
        result.append((bounds[index], bounds[index + 1], _papx(page, slot * 2) if slot else _Paragraph()))
    return result


def _papx(page: bytes, offset: int) -> _Paragraph:
    size = page[offset]
    if size == 0:
        size, offset = 2 * page[offset + 1], offset + 2
    else:
        size, offset = 2 * size - 1, offset + 1
    return _paragraph_from_sprms(page[offset + 2 : offset + size])  # the first two bytes are the style


def _paragraph_from_sprms(grpprl: bytes) -> _Paragraph:
    paragraph = _Paragraph()
    offset = 0
    while offset + 2 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, offset)
        offset += 2
        operand = grpprl[offset : offset + 4]
        if sprm in _SPRM_IN_TABLE and operand[:1] == b"\x01":
            paragraph.in_table = True
        elif sprm in _SPRM_ROW_END and operand[:1] == b"\x01":
            paragraph.row_end = paragraph.in_table = True
        elif sprm == _SPRM_TABLE_DEPTH and operand[:1] not in (b"", b"\x00"):
            paragraph.in_table = True
        size = _operand_size(sprm, grpprl, offset)
        if size is None:
            break
        offset += size
    return paragraph


def _operand_size(sprm: int, grpprl: bytes, offset: int) -> int | None:
    kind = sprm >> 13
    if kind != 6:
        return _OPERAND_SIZES[kind]
    if sprm in _SPRM_WIDE_OPERANDS and offset + 2 <= len(grpprl):
        return 1 + struct.unpack_from("<H", grpprl, offset)[0]
    if offset >= len(grpprl) or (sprm == _SPRM_CHANGE_TABS and grpprl[offset] == 255):
        return None  # a length we cannot trust: stop reading this paragraph's properties
    return 1 + grpprl[offset]


class _Builder:
    """Turns the character stream into lines and tables, dropping field codes."""

    def __init__(self, starts: list[int], paragraphs: list[tuple[int, int, _Paragraph]]):
        self.starts, self.paragraphs = starts, paragraphs
        self.lines: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.rows: list[list[str]] = []
        self.cells: list[str] = []
        self.cell_lines: list[str] = []
        self.current: list[str] = []
        self.fields: list[bool] = []  # per open field: are we past its separator (in its result)?
        self.last_mark = ""

    def text(self, text: str) -> None:
        if all(self.fields) and text:
            self.current.append(text.translate(_CHARACTER_MAP))
            self.last_mark = ""

    def mark(self, mark: str, position: int) -> None:
        if mark == _FIELD_BEGIN:
            self.fields.append(False)
        elif mark == _FIELD_SEPARATOR and self.fields:
            self.fields[-1] = True
        elif mark == _FIELD_END and self.fields:
            self.fields.pop()
        elif mark in (_PARAGRAPH_MARK, _CELL_MARK) and all(self.fields):
            self._end_paragraph(mark, self._paragraph(position))

    def _paragraph(self, position: int) -> _Paragraph | None:
        index = bisect.bisect_right(self.starts, position) - 1
        if index >= 0 and position < self.paragraphs[index][1]:
            return self.paragraphs[index][2]
        return None

    def _end_paragraph(self, mark: str, paragraph: _Paragraph | None) -> None:
        line = "\n".join(_SPACES.sub(" ", part).strip() for part in "".join(self.current).split("\n"))
        self.current = []
        if paragraph is None:  # no FKP entry: guess that a cell mark right after another one ends the row
            in_row = mark == _CELL_MARK or bool(self.cells)
            paragraph = _Paragraph(in_table=in_row, row_end=mark == self.last_mark == _CELL_MARK)
        self.last_mark = mark
        if paragraph.row_end:
            self._end_row()
        elif mark == _CELL_MARK:
            self.cells.append("\n".join(self.cell_lines + [line]).strip())
            self.cell_lines = []
        elif paragraph.in_table:
            self.cell_lines.append(line)
        else:
            self._end_table()
            self.lines.append(line)

    def _end_row(self) -> None:
        if self.cell_lines:
            self.cells.append("\n".join(self.cell_lines).strip())
        self.rows.append(self.cells)
        self.lines.append("\t".join(cell.replace("\n", " ") for cell in self.cells))
        self.cells, self.cell_lines = [], []

    def _end_table(self) -> None:
        if self.cells or self.cell_lines:
            self._end_row()
        if self.rows:
            self.tables.append(self.rows)
        self.rows = []

    def finish(self) -> WordText:
        self._end_paragraph(_PARAGRAPH_MARK, _Paragraph())
        text = "\n".join(line for line in "\n".join(self.lines).split("\n") if line.strip())
        return WordText(text=text, tables=self.tables)


def _assemble(word: bytes, table: bytes, fib: _Fib) -> WordText:
    try:
        starts, paragraphs = _paragraph_map(word, table, fib.bte_papx)
    except (struct.error, IndexError):  # the text is still readable without table structure
        starts, paragraphs = [], []
    builder = _Builder(starts, paragraphs)
    for text, location, width in _runs(word, table, fib):
        offset = 0
        for match in _MARKS.finditer(text):
            builder.text(text[offset : match.start()])
            builder.mark(match.group(), location + match.start() * width)
            offset = match.end()
        builder.text(text[offset:])
    return builder.finish()
