"""The sample portal behind a front server that can misbehave, for bad nights after good ones
(tests/test_bad_nights.py, bench/faults.py).

The front keeps one port for every night (so the nights' URLs compare) and relays each
request to the healthy sample portal; `misbehave`, when set, may replace the answer:
an empty 200, a maintenance page, a body cut short, a 500, a dropped connection.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from fazhi.sample_portal import serve_portal


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)


# the connection is closed without any answer, as by a server that died
DROP = Answer(0, b"")
MAINTENANCE = "<html><head><title>系统维护中</title></head><body><p>系统维护中，请稍后访问。</p></body></html>".encode()
# what a CMS serves when its database is empty: the frame of the home page, nothing in it
SHELL = "<html><head><title>示范县人民政府</title></head><body><div class=nav><a href='/'>首页</a></div></body></html>".encode()

Misbehaviour = Callable[[str, Answer], Answer]


def html_answer(body: bytes, status: int = 200) -> Answer:
    return Answer(status, body)


def cut_short(answer: Answer) -> Answer:
    """The first half of the page, announced as complete (a proxy that lost the rest)."""
    return replace(answer, body=answer.body[: len(answer.body) // 2])


def path_of(raw: str) -> str:
    return urlsplit(raw).path or "/"


class BadPortal:
    def __init__(self) -> None:
        self.portal = serve_portal()
        self.misbehave: Misbehaviour | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="bad-portal", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self.portal.stop()

    def relay(self, raw_path: str) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.portal.port, timeout=10)
        try:
            connection.request("GET", raw_path)
            response = connection.getresponse()
            headers = tuple((name, value) for name, value in response.getheaders() if name.lower() in ("content-type", "location"))
            return Answer(response.status, response.read(), headers)
        finally:
            connection.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                answer = front.relay(self.path)
                if front.misbehave is not None:
                    answer = front.misbehave(self.path, answer)
                if answer is DROP:
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args) -> None:  # noqa: A002 — the base class's name
                pass

        return Handler
