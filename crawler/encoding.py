"""Decoding government pages whose charset is declared wrongly, or not at all.

County sites still serve GB2312/GBK pages, often with no declaration or with a
template's ``charset=utf-8`` left over. Valid UTF-8 with non-ASCII bytes is
almost never anything else, so it is tried first; then a declared multi-byte
Chinese encoding; then GB18030, which covers GB2312 and GBK.
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

_CJK_MULTIBYTE = frozenset(("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "shift_jis", "euc_jp", "euc_kr", "cp936", "cp950"))


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """The page text and the encoding that produced it."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return body[len(bom) :].decode(bom_encoding, errors="replace"), bom_encoding
    declared = _resolve(header_charset) or _resolve(html_body_declared_encoding(body[:4096]))
    if body.isascii():
        return body.decode("ascii"), declared or "utf-8"
    candidates = ["utf-8"]
    if declared in _CJK_MULTIBYTE:
        candidates.append(declared)
    candidates.append("gb18030")
    if declared and declared not in candidates:
        candidates.append(declared)
    for encoding in candidates:
        try:
            return body.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return _least_damaged(body, candidates)


def decode_text(body: bytes) -> tuple[str, str]:
    """Plain-text attachments: the same order, with no declaration to read."""
    return decode_html(body, None)


def _least_damaged(body: bytes, candidates: list[str]) -> tuple[str, str]:
    decoded = []
    for encoding in candidates:
        try:
            text = body.decode(encoding, errors="replace")
        except LookupError:
            continue
        decoded.append((text.count("\ufffd"), text, encoding))
    _damage, text, encoding = min(decoded, key=lambda item: item[0])
    return text, encoding


def _resolve(label: str | None) -> str | None:
    if not label:
        return None
    resolved = resolve_encoding(label.strip().strip("\"'"))
    if not resolved:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None
