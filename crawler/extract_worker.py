"""Attachment text is extracted in worker processes, out of the crawl's reactor.

A hostile attachment (a decompression bomb, a PDF that takes hours) costs its worker,
not the crawl: each worker runs under an address-space cap, each attachment under a
time cap after which its worker is killed and a fresh one takes the next attachment,
and the reactor goes on fetching and parsing pages meanwhile. The pool is small and
lives for the whole crawl, so an ordinary attachment costs one round trip over a pipe.
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection

from crawler.attachments import MAX_UNPACKED, Extracted, extract_attachment
from crawler.items import DocumentItem
from crawler.signals import kill_when_parent_dies

MB = 1024 * 1024
# the crawl itself needs the other core, and a second worker at its memory cap would take the
# whole crawl past 600 MB (bench/faults.py: 694–720 MB with two of 512 MB, 626 MB with one of 400 MB,
# the parent and the crawler child included)
WORKERS = 1


@dataclass(frozen=True)
class Limits:
    max_unpacked: int = MAX_UNPACKED
    seconds: float = 60.0
    memory: int = 320 * MB

    @classmethod
    def from_config(cls, crawl) -> Limits:
        return cls(int(crawl.max_unpacked_mb * MB), crawl.attachment_seconds, int(crawl.attachment_memory_mb * MB))

    def memory_note(self) -> str:
        return f"附件提取所需内存超过 {self.memory / MB:g} MB 上限，未提取文本"


def serve(requests: Connection, replies: Connection, limits: Limits) -> None:
    """The worker process: extracts one attachment per message until the crawl closes the pipe."""
    # a worker deep in a hostile file would otherwise outlive a crawl that was killed; no
    # watchdog thread here: its malloc arena would count against the worker's memory cap
    kill_when_parent_dies()
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    while True:
        try:
            body, extension = requests.recv()
        except EOFError:
            return
        try:
            extracted, retiring = extract_attachment(body, extension, limits.max_unpacked), False
        except MemoryError:
            # a parser that ran out of memory may have left the process half broken: retire it
            extracted, retiring = Extracted(note=limits.memory_note()), True
        # sent outside the handler, so the failed extraction's frames are freed first
        replies.send((extracted, retiring))
        if retiring:
            return


class Worker:
    """A ``python -m crawler.extract_worker`` process and the two pipes to it.

    A plain subprocess rather than multiprocessing: forking would copy the crawl's reactor,
    threads and database connections, and spawning re-imports the parent's main script."""

    def __init__(self, limits: Limits):
        to_worker, from_worker = os.pipe(), os.pipe()
        limit_args = [str(limits.max_unpacked), str(limits.seconds), str(limits.memory)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler.extract_worker", str(to_worker[0]), str(from_worker[1]), *limit_args],
            pass_fds=(to_worker[0], from_worker[1]),
            # a parser's warnings and the tracebacks of a worker at its memory cap would only
            # fill cron mail: what went wrong is the attachment's note
            stderr=subprocess.DEVNULL,
        )
        os.close(to_worker[0])
        os.close(from_worker[1])
        self.requests = Connection(to_worker[1], readable=False)
        self.replies = Connection(from_worker[0], writable=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.requests.close()  # an idle worker reads EOF and exits
        self.replies.close()
        try:
            self.process.wait(1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ExtractionPool:
    """WORKERS threads, each owning one worker process, which it replaces when it dies or is killed."""

    def __init__(self, limits: Limits, size: int = WORKERS):
        self.limits = limits
        self.executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="fazhi-extract")
        self._own = threading.local()
        self._workers: list[Worker] = []
        self._lock = threading.Lock()

    async def extract(self, body: bytes, extension: str) -> Extracted:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._extract, body, extension)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        with self._lock:
            for worker in self._workers:
                worker.stop()
            self._workers.clear()

    def _extract(self, body: bytes, extension: str) -> Extracted:
        worker = self._worker()
        try:
            worker.requests.send((body, extension))
            if not worker.replies.poll(self.limits.seconds):
                self._retire(worker)
                return Extracted(note=f"附件提取超过 {self.limits.seconds:g} 秒上限，已中止，未提取文本")
            extracted, retiring = worker.replies.recv()
        except (EOFError, OSError):  # killed by the memory cap or a crash in a parser's C code
            self._retire(worker)
            return Extracted(note=f"附件提取进程异常退出（内存可能超过 {self.limits.memory / MB:g} MB 上限），未提取文本")
        if retiring:
            self._retire(worker)
        return extracted

    def _worker(self) -> Worker:
        worker = getattr(self._own, "worker", None)
        if worker is None or not worker.alive():
            if worker is not None:
                self._retire(worker)
            worker = self._own.worker = Worker(self.limits)
            with self._lock:
                self._workers.append(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        worker.process.kill()
        worker.stop()
        self._own.worker = None
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)


class AttachmentTextPipeline:
    """Fills in the text, tables and note of each downloaded attachment before it is stored."""

    def __init__(self, limits: Limits):
        self.limits = limits

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Limits.from_config(crawler.settings["FAZHI_CONFIG"].crawl))

    def open_spider(self):
        self.pool = ExtractionPool(self.limits)

    def close_spider(self):
        self.pool.close()

    async def process_item(self, item):
        if isinstance(item, DocumentItem) and item.kind == "attachment" and item.body is not None:
            extracted = await self.pool.extract(item.body, item.extension or "")
            item.text, item.tables, item.extraction_note = extracted.text, extracted.tables, extracted.note
        return item


if __name__ == "__main__":
    requests_fd, replies_fd, max_unpacked, seconds, memory = sys.argv[1:]
    serve(Connection(int(requests_fd), writable=False), Connection(int(replies_fd), readable=False),
          Limits(int(max_unpacked), float(seconds), int(memory)))
