"""Hostile attachments, generated for the tests and bench/bombs.py (never committed as files).

Each is small on the wire and huge or slow once opened, like the ones found on county
sites: a .docx whose document.xml unpacks to 256 MB, zero-filled parts that unpack a
thousandfold, a PDF whose FlateDecode stream does the same, and archives of such files.
Members are written in 1 MB pieces, so making a bomb never holds it unpacked.
"""

from __future__ import annotations

import functools
import io
import zipfile
import zlib

MB = 1024 * 1024
_PARAGRAPH = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
_DOCUMENT_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOCUMENT_TAIL = b"</w:body></w:document>"


@functools.cache
def repeated_docx(unpacked_mb: int = 256) -> bytes:
    """A well-formed .docx whose document.xml is one paragraph repeated to ``unpacked_mb`` (782 KB at 256)."""
    paragraphs = _PARAGRAPH * (MB // len(_PARAGRAPH))
    return _docx(_DOCUMENT_HEAD, paragraphs, unpacked_mb, _DOCUMENT_TAIL)


@functools.cache
def zero_docx(unpacked_mb: int = 1024) -> bytes:
    """A .docx of about 1 MB whose document.xml is ``unpacked_mb`` of zero bytes."""
    return _docx(b"", bytes(MB), unpacked_mb, b"")


@functools.cache
def flate_pdf(unpacked_mb: int = 1024) -> bytes:
    """A one-page PDF whose FlateDecode content stream inflates to ``unpacked_mb`` of zeros (about 1 MB at 1024)."""
    compressor = zlib.compressobj(9)
    chunk = bytes(MB)
    stream = b"".join(compressor.compress(chunk) for _ in range(unpacked_mb)) + compressor.flush()
    return pdf(stream, b"/Filter /FlateDecode ")


def slow_pdf(operators: int = 400_000) -> bytes:
    """A legitimate-looking PDF whose one page draws ``operators`` short strings: minutes of layout analysis."""
    return pdf(b"BT /F1 1 Tf 10 10 Td " + b"(ab) Tj " * operators + b"ET")


@functools.cache
def zero_zip(unpacked_mb: int = 1024) -> bytes:
    """A .zip holding one text file of ``unpacked_mb`` zero bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_repeated(archive, "数据.txt", b"", bytes(MB), unpacked_mb, b"")
    return buffer.getvalue()


def archive(members: dict[str, bytes]) -> bytes:
    """A .zip of ``members`` (a docx bomb inside it is a bomb nested in a zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def pdf(content: bytes, filters: bytes = b"") -> bytes:
    """A one-page PDF whose content stream is ``content`` (already encoded by ``filters``), in Helvetica."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< " + filters + b"/Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _docx(head: bytes, piece: bytes, unpacked_mb: int, tail: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        _write_repeated(archive, "word/document.xml", head, piece, unpacked_mb, tail)
    return buffer.getvalue()


def _write_repeated(archive: zipfile.ZipFile, name: str, head: bytes, piece: bytes, megabytes: int, tail: bytes) -> None:
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(head)
        for _ in range(megabytes * MB // len(piece)):
            member.write(piece)
        member.write(tail)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
