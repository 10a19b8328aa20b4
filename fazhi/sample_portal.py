"""The bundled sample county portal (tests/fixtures/html/) served on 127.0.0.1.

`fazhi demo` and the end-to-end tests crawl it. Besides static files the server
plays a few parts real portals play: a section that answers HTTP 500
(`_server.json` "error_500" path prefixes), a GBK section whose HTTP header names
no charset ("no_charset"), 404 for listed files that were never uploaded.

Night 2 (tests/fixtures/night2/, expected findings in its _expected.yaml) is the same portal
some weeks later: files of the overlay replace or add to night 1's, and the URL
paths listed in its `_removed.json` answer 404 (a path ending in "/" removes the
whole section).
"""

from __future__ import annotations

import json
import mimetypes
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from county.config import Config, parse_config

REPOSITORY = Path(__file__).resolve().parents[1]
PORTAL_ROOT = REPOSITORY / "tests" / "fixtures" / "html"
NIGHT2_ROOT = REPOSITORY / "tests" / "fixtures" / "night2"
PORTAL_CONFIG = REPOSITORY / "tests" / "fixtures" / "portal.toml"
SETTINGS_FILE = "_server.json"
REMOVED_FILE = "_removed.json"
NIGHTS = (1, 2)

CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TEXT_TYPES = ("text/html", "text/css", "text/plain")


class SamplePortal:
    """A running portal: `.base_url` (no trailing slash), `.requests` (paths asked for), `.stop()`."""

    def __init__(self, root: Path, port: int = 0, overlay: Path | None = None) -> None:
        self.root = root.resolve()
        # the overlay's files shadow the root's
        self.layers = (overlay.resolve(), self.root) if overlay else (self.root,)
        self.removed = _removed_paths(overlay) if overlay else frozenset()
        settings = json.loads((self.root / SETTINGS_FILE).read_text(encoding="utf-8"))
        self.error_prefixes = tuple(settings.get("error_500", ()))
        self.no_charset_prefixes = tuple(settings.get("no_charset", ()))
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="sample-portal", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return self.base_url + path

    def config(self) -> Config:
        return portal_config(self.base_url)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> SamplePortal:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def resolve(self, path: str) -> Path | None:
        """The file a URL path names, or None: missing, outside the root, or server-only."""
        parts = [part for part in unquote(path).split("/") if part]
        if any(part in (".", "..") or part.startswith(("_", ".")) for part in parts) or parts[-1:] == ["CASES.md"]:
            return None
        if self.is_removed("/" + "/".join(parts)):
            return None
        for layer in self.layers:
            target = layer.joinpath(*parts)
            if target.is_dir():
                target = target / "index.html"
            if target.is_file():
                return target
        return None

    def is_removed(self, path: str) -> bool:
        return path in self.removed or any(
            (path + "/").startswith(section) for section in self.removed if section.endswith("/")
        )


def serve_portal(root: Path | None = None, port: int = 0, night: int = 1) -> SamplePortal:
    """Start serving the sample portal (default: the bundled one) on 127.0.0.1,
    as it stood on `night` 1 or 2."""
    if night not in NIGHTS:
        raise ValueError(f"the sample portal has nights {NIGHTS}, not {night!r}")
    return SamplePortal(root or PORTAL_ROOT, port, overlay=NIGHT2_ROOT if night == 2 else None)


def _removed_paths(overlay: Path) -> frozenset[str]:
    listed = overlay / REMOVED_FILE
    return frozenset(json.loads(listed.read_text(encoding="utf-8"))) if listed.is_file() else frozenset()


def portal_config(base_url: str, path: Path = PORTAL_CONFIG) -> Config:
    """The sample portal's configuration with `{base}` replaced by the running server's URL."""
    import tomllib

    text = path.read_text(encoding="utf-8").replace("{base}", base_url.rstrip("/"))
    return parse_config(tomllib.loads(text), path)


def _handler_for(portal: SamplePortal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "SamplePortal/1.0"

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            portal.requests.append(self.path)
            path = urlsplit(self.path).path or "/"
            if path.startswith(portal.error_prefixes):
                return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"<h1>500 Internal Server Error</h1>", "text/html", send_body)
            target = portal.resolve(path)
            if target is None:
                return self._send(HTTPStatus.NOT_FOUND, "<h1>404 页面不存在</h1>".encode(), "text/html; charset=utf-8", send_body)
            if target.name == "index.html" and not path.endswith(("/", ".html")):
                # directories are answered at their slash URL, as real web servers do
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            self._send(HTTPStatus.OK, target.read_bytes(), _content_type(target, path, portal), send_body)
            return None

        def _send(self, status: HTTPStatus, body: bytes, content_type: str, send_body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 — the base class's name
            pass  # the request log is portal.requests; stderr noise would drown test output

    return Handler


def _content_type(target: Path, path: str, portal: SamplePortal) -> str:
    kind = CONTENT_TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if kind in TEXT_TYPES and not path.startswith(portal.no_charset_prefixes):
        return f"{kind}; charset=utf-8"
    return kind
