"""Helpers for crawling fixture sites served on 127.0.0.1 (tests, benchmark, demo)."""

from __future__ import annotations

from typing import Any

from county.config import Config, parse_config

LOOPBACK = "127.0.0.1/32"  # fixture servers listen here and nowhere else

# politeness off for local fixture servers only: never for a real county site
FAST: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "FAZHI_RETRY_BACKOFF": 0.05,
    "FAZHI_STORE_INTERVAL": 0.2,
}


def local_config(start_url: str, units: list[dict] | None = None, county: str = "测试县", **crawl: Any) -> Config:
    """A configuration that crawls a site on 127.0.0.1 (that address allowed, no delay)."""
    options = {"delay": 0, "retries": 1, "timeout": 10, "allowed_networks": [LOOPBACK]} | crawl
    return parse_config(
        {
            "county": {"name": county},
            "crawl": {"start_urls": [start_url], "allowed_domains": ["127.0.0.1"], **options},
            "units": units or [{"name": "县人民政府", "roles": ["county"]}],
        }
    )


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text is Chinese, in the standard STSong-Light CID font (no font file needed)."""
    content = "BT /F1 12 Tf 14 TL 72 770 Td " + " ".join(f"<{line.encode('utf-16-be').hex()}> Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        "/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
