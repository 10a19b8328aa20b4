"""Pages whose declared charset disagrees with their bytes (issue 13), on real pages.

No real GBK government page is in the corpus (tests/fixtures/real/MANIFEST.md), so each variant
is made here from a real UTF-8 page, byte for byte as its template would serve it: the page's
text encoded as the site's encoding, with the declaration the site gets wrong. The variants are
derived in the test, never saved, so the fixtures stay the bytes their sites published.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.encoding import decode_html
from crawler.extract import extract_page

REAL = Path(__file__).parent / "fixtures" / "real"
URL = "http://www.zhecheng.gov.cn/xxgk/xxgkml/zfwj/a.html"
# 柘城县 notice: UTF-8, `<meta charset="utf-8">`
DOCUMENT = (REAL / "gov_document_01.html").read_bytes()
TEXT = DOCUMENT.decode("utf-8")
TITLE = "柘城县人民政府办公室关于表彰创建“四好农村路”示范段先进乡镇的通报"


def declaring(charset: str) -> str:
    """The page's text with its template's `charset="utf-8"` changed, as a site that re-saved it would."""
    changed = TEXT.replace('charset="utf-8"', f'charset="{charset}"')
    assert changed != TEXT
    return changed


@pytest.mark.parametrize(
    ("name", "body", "header"),
    [
        ("meta gb2312, bytes UTF-8", declaring("gb2312").encode("utf-8"), None),
        ("meta utf-8, bytes GBK", TEXT.encode("gbk"), None),
        ("header utf-8, meta gbk, bytes GBK", declaring("gbk").encode("gbk"), "utf-8"),
        ("header gbk, meta utf-8, bytes UTF-8", DOCUMENT, "gbk"),
        ("header iso-8859-1 (a server default), bytes GBK", declaring("gbk").encode("gbk"), "iso-8859-1"),
        ("UTF-8 BOM", b"\xef\xbb\xbf" + DOCUMENT, None),
        # an editor saved the template with a BOM; the CMS filled it with GBK text
        ("UTF-8 BOM before GBK bytes", b"\xef\xbb\xbf" + declaring("gbk").encode("gbk"), None),
        ("UTF-16 BOM", "\ufeff".encode("utf-16-le") + TEXT.encode("utf-16-le"), None),
    ],
)
def test_the_bytes_decide_when_the_declaration_is_wrong(name, body, header):
    page = extract_page(body, URL, header_charset=header)
    assert (page.title, page.published_on) == (TITLE, dt.date(2018, 7, 3)), name
    assert "柘政办〔2018〕45号" in page.text and "\ufffd" not in page.text


def test_gb18030_only_characters_in_a_page_declared_gb2312():
    # a person's name in a character GB2312 and GBK lack (four bytes in GB18030)
    text = declaring("gb2312").replace("赵丹", "赵𠀾")
    decoded, encoding = decode_html(text.encode("gb18030"))
    assert (decoded, encoding) == (text, "gb18030")


def test_a_declaration_that_decodes_into_mojibake_is_not_believed():
    # lines of the real page whose GBK bytes also decode as Big5, without an error, into characters
    # no Chinese text uses: a page of them declared Big5 must still read as GBK
    heading = "关于表彰创建“四好农村路”示范段先进乡镇的通报"
    award = "经县政府研究，决定对示范段建设工作较为先进的5个乡镇实施以奖代补，对第一名皇集乡，奖励资金20万元；对分列第二名的马集乡、慈圣镇、大仵乡、张桥镇，各奖励资金5万元。"
    assert {heading, award} <= set(extract_page(DOCUMENT, URL).text.split("\n"))
    lines = f"<p>{heading}</p><p>{award}</p>"
    mislabelled = f'<meta charset="big5">{lines}'.encode("gbk")
    assert mislabelled.decode("big5hkscs")  # the trap: the bytes decode as declared
    decoded, encoding = decode_html(mislabelled)
    assert (decoded, encoding) == (f'<meta charset="big5">{lines}', "gb18030")
    # and the other way round: a traditional-Chinese page in Big5 declared GBK
    traditional = "<meta charset='gbk'><title>關於印發行政執法公示制度的通知</title><p>各鄉鎮人民政府，縣直各單位：現將有關事項通知如下。</p>"
    assert decode_html(traditional.encode("big5")) == (traditional, "big5hkscs")


def test_a_few_broken_bytes_do_not_turn_the_page_into_another_encoding():
    # a CMS cut a summary inside a character: one invalid sequence in an otherwise UTF-8 page
    cut = DOCUMENT.index("通报".encode())
    broken = DOCUMENT[:cut] + DOCUMENT[cut : cut + 2] + DOCUMENT[cut + 3 :]
    decoded, encoding = decode_html(broken)
    assert encoding == "utf-8" and decoded.count("\ufffd") == 1 and TITLE[:20] in decoded
    gbk = TEXT.encode("gbk")
    cut = gbk.index("通报".encode("gbk"))
    decoded, encoding = decode_html(gbk[:cut] + gbk[cut : cut + 1] + gbk[cut + 2 :])
    assert encoding == "gb18030" and "柘政办" in decoded
