"""A small threaded web server for fixture sites on 127.0.0.1, with a request log.

Tests, the benchmark and the demo serve county portals from it. It answers
conditional requests (ETag / Last-Modified → 304) like a real CMS front end, and
POST to the paths in ``post_routes`` only (a list API such as Hanweb's dataproxy.jsp,
which answers GET with nothing).
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    conditional: bool = True  # send ETag/Last-Modified and answer 304 when they match
    etag: str | None = None  # computed from the body when not given


Route = Reply | Callable[[str], "Reply | None"]
PostRoute = Callable[[str, bytes], Reply]  # the path with its query, and the form body


class SiteServer:
    """Serves ``routes`` (path → Reply or function of the path) and, failing those, files under ``root``."""

    def __init__(self, root: Path | None = None, routes: dict[str, Route] | None = None, fallback: Callable[[str], Reply | None] | None = None,
                 post_routes: dict[str, PostRoute] | None = None):
        self.root = Path(root) if root else None
        self.routes: dict[str, Route] = dict(routes or {})
        self.post_routes: dict[str, PostRoute] = dict(post_routes or {})
        self.posted: list[tuple[str, bytes]] = []  # path and form body of each POST
        self.fallback = fallback
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.served: list[tuple[str, int]] = []  # path and the status it was answered with
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def paths(self) -> list[str]:
        with self._lock:
            return [path for _method, path, _headers in self.log]

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reply_for(self, path: str) -> Reply | None:
        route = self.routes.get(path) or self.routes.get(urlsplit(path).path)
        if callable(route):
            return route(path)
        if route is not None:
            return route
        if self.fallback is not None:
            reply = self.fallback(path)
            if reply is not None:
                return reply
        return self._file(urlsplit(path).path)

    def _file(self, path: str) -> Reply | None:
        if self.root is None:
            return None
        target = (self.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or self.root.resolve() not in target.parents:
            return None
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return Reply(target.read_bytes(), content_type=content_type)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def do_GET(self):
                with server._lock:
                    server.log.append(("GET", self.path, dict(self.headers)))
                path = urlsplit(self.path).path
                if path in server.post_routes:
                    self._send(Reply(b"", content_type="text/xml"))
                    return
                self._send(server.reply_for(self.path) or Reply(b"not found", status=404, content_type="text/plain"))

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server._lock:
                    server.log.append(("POST", self.path, dict(self.headers)))
                    server.posted.append((self.path, body))
                route = server.post_routes.get(urlsplit(self.path).path)
                self._send(route(self.path, body) if route else Reply(b"method not allowed", status=405, content_type="text/plain"))

            def _send(self, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                headers = dict(reply.headers)
                if reply.content_type:
                    headers.setdefault("Content-Type", reply.content_type)
                status, body = reply.status, reply.body
                if reply.conditional and status == 200:
                    etag = reply.etag or '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    headers |= {"ETag": etag, "Last-Modified": LAST_MODIFIED}
                    if self.headers.get("If-None-Match") == etag:
                        status, body = 304, b""
                with server._lock:
                    server.served.append((self.path, status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler
