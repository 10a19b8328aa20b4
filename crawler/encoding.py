"""Decoding government pages whose charset is declared wrongly, or not at all.

County sites still serve GB2312/GBK pages, often with no declaration, with a
template's ``charset=utf-8`` left over, with an HTTP header that says one thing
and a meta tag another, or with a BOM an editor put before bytes of another
encoding. The bytes decide: valid UTF-8 with non-ASCII bytes is almost never
anything else, so it is tried first; then what the header and the page declare;
then GB18030 (which covers GB2312 and GBK) and Big5. A decoding that succeeds
but reads as mojibake (mostly rare characters where Chinese text would be
common ones) does not count; when nothing decodes cleanly, the least damaged
reading wins.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

_CJK_MULTIBYTE = frozenset(("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "shift_jis", "euc_jp", "euc_kr", "cp936", "cp950"))
# what is left to try when the declarations fail: the encodings Chinese government sites use
_FALLBACKS = ("gb18030", "big5hkscs")
# ideographs, kana, hangul and the private use area: where a wrong decoding of Chinese bytes lands
_EAST_ASIAN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\ue000-\uf8ff\uf900-\ufaff]")
# genuine Chinese pages have about 1 % characters outside the common sets; mojibake has 40 % and more
_MOJIBAKE_SHARE = 0.15


def _common_characters() -> frozenset[str]:
    """GB2312's 6,763 hanzi and Big5's 5,401 常用字: the characters simplified and traditional text is made of."""
    found: set[str] = set()
    for codec, leads, trails in (
        ("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
    ):
        for lead in leads:
            for trail in trails:
                try:
                    found.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    continue
    return frozenset(found)


_COMMON = _common_characters()


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """The page text and the encoding that produced it."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        try:
            return body[len(bom) :].decode(bom_encoding), bom_encoding
        except UnicodeDecodeError:
            # a template saved with a BOM around content in another encoding: the bytes decide
            body = body[len(bom) :]
    declared = [
        encoding
        for encoding in (_resolve(header_charset), _resolve(html_body_declared_encoding(body[:4096])))
        if encoding
    ]
    if body.isascii():
        return body.decode("ascii"), declared[0] if declared else "utf-8"
    candidates = list(dict.fromkeys(["utf-8", *(e for e in declared if e in _CJK_MULTIBYTE), *_FALLBACKS, *declared]))
    for encoding in candidates:
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if encoding == "utf-8" or not _reads_as_mojibake(text):
            return text, encoding
    return _least_damaged(body, candidates)


def decode_text(body: bytes) -> tuple[str, str]:
    """Plain-text attachments: the same order, with no declaration to read."""
    return decode_html(body, None)


def _rare_characters(text: str) -> tuple[int, int]:
    """East Asian characters in `text`, and how many of them are outside the common sets."""
    letters = _EAST_ASIAN.findall(text)
    return sum(1 for letter in letters if letter not in _COMMON), len(letters)


def _reads_as_mojibake(text: str) -> bool:
    rare, total = _rare_characters(text)
    return rare > max(2, _MOJIBAKE_SHARE * total)


def _least_damaged(body: bytes, candidates: list[str]) -> tuple[str, str]:
    decoded = []
    for encoding in candidates:
        try:
            text = body.decode(encoding, errors="replace")
        except LookupError:
            continue
        # a replaced byte is damage; so is a character mojibake would have produced
        decoded.append((2 * text.count("\ufffd") + _rare_characters(text)[0], text, encoding))
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
