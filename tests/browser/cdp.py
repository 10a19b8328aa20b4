"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe: enough to
load a page in headless Chromium, collect console errors and failed loads,
evaluate expressions, take screenshots and print to PDF. No extra packages."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import time
from functools import partial
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--remote-debugging-pipe",
)
ERROR_EVENTS = ("Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded", "Network.loadingFailed")


def _pipe_fds(to_child: int, from_child: int) -> None:
    """In the child: Chromium reads commands on fd 3 and writes answers on fd 4."""
    high_in = fcntl.fcntl(to_child, fcntl.F_DUPFD, 10)  # out of the way of 3 and 4 first
    high_out = fcntl.fcntl(from_child, fcntl.F_DUPFD, 10)
    os.dup2(high_in, 3)
    os.dup2(high_out, 4)


class Browser:
    def __init__(self, profile: Path, timeout: float = 30.0):
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()
        self.timeout = timeout
        self.process = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            close_fds=False,  # the child's fds 3 and 4 are set up in _pipe_fds; others are close-on-exec
            preexec_fn=partial(_pipe_fds, to_child, from_child),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session = self._attach()

    def _attach(self) -> str:
        targets = self.call("Target.getTargets", session=None)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        session = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}, session=None)
        self.session = session["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        return self.session

    def call(self, method: str, params: dict | None = None, session: str | None = "page") -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def _wait(self, wanted) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self._read], [], [], remaining)[0]:
                    raise TimeoutError("Chromium did not answer")
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            message = json.loads(raw)
            if "method" in message:
                self.events.append(message)
            if wanted(message):
                return message

    def load(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", {"url": url})
        self._wait(lambda m: m.get("method") == "Page.loadEventFired")

    def act(self, expression: str) -> None:
        """Evaluate an expression that navigates (a form's submit, a click) and wait for the new page."""
        self.events.clear()
        self.evaluate(expression)
        self._wait(lambda m: m.get("method") == "Page.loadEventFired")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions, policy violations and failed loads since the last load()."""
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry']['text']}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                found.append(f"load failed: {params.get('errorText')}")
        return found

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})["result"].get("value")

    def screenshot(self, path: Path, width: int = 1280) -> None:
        """The whole page at the given width (the height is measured at that width)."""
        self._viewport(width, 800)
        self._viewport(width, int(self.evaluate("document.documentElement.scrollHeight")))
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        self.call("Emulation.clearDeviceMetricsOverride")
        path.write_bytes(base64.b64decode(data))

    def _viewport(self, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def media(self, media: str) -> None:
        self.call("Emulation.setEmulatedMedia", {"media": media})

    def pdf(self) -> bytes:
        return base64.b64decode(self.call("Page.printToPDF", {"preferCSSPageSize": True})["data"])

    def close(self) -> None:
        try:
            self.call("Browser.close", session=None)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._write)
        os.close(self._read)
