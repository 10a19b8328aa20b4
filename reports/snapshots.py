"""Copying evidence snapshots next to the report, so a finding can be checked
against what the site said that night even after the page has changed.

A stored page is hostile input: it is never written where a browser would run
it from the report's origin. Pages (and anything not known to be an inert
document format) are wrapped, escaped, in a sandboxed frame with scripts off.
"""

from __future__ import annotations

import codecs
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment

# document formats a browser shows in a viewer or downloads, never as script
INERT_EXTENSIONS = {
    "pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "ppt", "pptx",
    "txt", "zip", "rar", "7z", "jpg", "jpeg", "png", "gif",
}
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def extension_for(content_type: str | None, url: str) -> str | None:
    """The inert extension to store this document under, or None to wrap it as a page."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml") or "xml" in mime or "svg" in mime:
        return None
    guessed = mimetypes.guess_extension(mime) if mime else None
    candidates = [guessed.lstrip(".") if guessed else None, Path(urlsplit(url).path).suffix.lstrip(".").lower()]
    if mime == "text/plain":
        return "txt"
    return next((ext for ext in candidates if ext in INERT_EXTENSIONS), None)


def decode(body: bytes, content_type: str | None) -> str:
    """Text of a stored page: the declared charset, the <meta> charset, else UTF-8, else GB18030."""
    declared = re.search(r"charset=([\w.:-]+)", content_type or "", re.IGNORECASE)
    meta = _CHARSET_RE.search(body[:4096])
    names = [declared.group(1) if declared else None, meta.group(1).decode("ascii") if meta else None, "utf-8"]
    for name in filter(None, names):
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        # GBK and GB2312 pages often use GB18030-only characters
        codec = "gb18030" if codec in ("gbk", "gb2312") else codec
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    return body.decode("gb18030", errors="replace")


class SnapshotWriter:
    """Writes each evidence snapshot once into out_dir/snapshots/ and returns its
    path relative to out_dir (None when the store has no such snapshot)."""

    def __init__(self, out_dir: Path, load: Callable[[str], tuple[bytes, str | None] | None], env: Environment):
        self.folder = out_dir / "snapshots"
        self.load = load
        self.template = env.get_template("snapshot.html")
        self.written: dict[str, str | None] = {}

    def __call__(self, sha256: str | None, url: str, title: str) -> str | None:
        if not sha256 or not _SHA_RE.match(sha256):
            return None
        if sha256 not in self.written:
            self.written[sha256] = self._write(sha256, url, title)
        return self.written[sha256]

    def _write(self, sha256: str, url: str, title: str) -> str | None:
        stored = self.load(sha256)
        if stored is None:
            return None
        body, content_type = stored
        self.folder.mkdir(parents=True, exist_ok=True)
        extension = extension_for(content_type, url)
        if extension:
            name = f"{sha256}.{extension}"
            (self.folder / name).write_bytes(body)
        else:
            name = f"{sha256}.html"
            page = self.template.render(
                url=url, title=title, sha256=sha256, content_type=content_type or "", source=decode(body, content_type)
            )
            (self.folder / name).write_text(page, encoding="utf-8")
        return f"snapshots/{name}"
