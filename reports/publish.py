"""Publishing a night's report so that --out always holds one whole night.

A kill in the middle of writing used to leave tonight's index beside last night's
unit pages and findings.json. Now each night is written into a folder of its own
beside --out (``<out>.nights/<stamp>-run<id>``) and --out is a symbolic link that
is switched to it in one rename(2): a reader, a web server or a copy sees the old
night or the new one, never a mixture. A symbolic link rather than swapping two
directories (renameat2 RENAME_EXCHANGE) because replacing a link is atomic on every
POSIX file system, NFS included, and needs no Linux-only system call.

The last KEEP_NIGHTS nights stay in ``<out>.nights``; older ones are deleted. An
--out that earlier versions of fazhi wrote as a real folder is moved there once,
but only when it holds nothing but report files: fazhi never moves or deletes a
file it did not write.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from county.config import Config
from reports.render import write_reports

KEEP_NIGHTS = 3  # tonight and the two before, for a reader to go back to
NIGHT_NAME = re.compile(r"^\d{8}-\d{6}\.\d{6}-")
PARTIAL_PREFIX = ".partial-"
# what earlier versions of fazhi wrote into --out (the demo kept its store there too)
REPORT_NAMES = frozenset(
    {"index.html", "indicators.html", "units.html", "units", "snapshots", "findings.json", "findings.xlsx",
     "demo.db", "demo.db-wal", "demo.db-shm", "demo.db.lock"}
)


class PublishError(Exception):
    """--out cannot take a report; the message is one line for the operator."""


def nights_folder(out: Path) -> Path:
    out = _absolute(out)
    return out.with_name(out.name + ".nights")


def check_publishable(out: Path) -> None:
    """Raise PublishError unless a report can be published at out: run before a night-long crawl."""
    out = _absolute(out)
    if out.is_symlink():
        if not _is_ours(out):
            raise PublishError(f"输出目录 {out} 是指向 {os.readlink(out)} 的链接，不是 fazhi 建立的；请换一个 --out")
    elif out.exists():
        if not out.is_dir():
            raise PublishError(f"输出目录 {out} 已存在且不是目录，请换一个 --out")
        if os.path.ismount(out):
            raise PublishError(f"输出目录 {out} 是挂载点，fazhi 要把它换成指向每晚报告的链接；请用其中的一个子目录作 --out")
        foreign = sorted(entry.name for entry in out.iterdir() if entry.name not in REPORT_NAMES)
        if foreign:
            raise PublishError(f"输出目录 {out} 中有不是 fazhi 报告的文件（{'、'.join(foreign[:3])}），fazhi 不会移动它们；请换一个 --out")
    try:
        nights = nights_folder(out)
        nights.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=nights):
            pass
        _probe_link(out)
    except (FileExistsError, NotADirectoryError):
        raise PublishError(f"输出目录 {out} 的上级路径中有不是目录的文件，请换一个 --out") from None
    except OSError as error:
        raise PublishError(f"报告无法写入 {out}：{error.strerror or error}") from error


def publish_reports(session: Session, run_id: int, config: Config, out: Path) -> Path:
    """Write the report of run_id beside out, then switch out to it in one step; returns out/index.html."""
    out = _absolute(out)
    check_publishable(out)
    nights = nights_folder(out)
    _remove_partials(nights)
    name = f"{dt.datetime.now(dt.timezone.utc):%Y%m%d-%H%M%S.%f}-run{run_id}"
    partial = nights / (PARTIAL_PREFIX + name)
    partial.mkdir()
    write_reports(session, run_id, config, partial)
    _flush(partial)
    night = partial.rename(nights / name)
    _switch(out, night)
    _drop_old_nights(nights, keep=night)
    return out / "index.html"


def _absolute(out: Path) -> Path:
    # abspath, not resolve: out is usually our link, and it is the link that gets replaced
    return Path(os.path.abspath(out))


def _is_ours(out: Path) -> bool:
    target = Path(os.readlink(out))
    return not target.is_absolute() and target.parent == Path(nights_folder(out).name)


def _probe_link(out: Path) -> None:
    probe = out.with_name(f".{out.name}.probe")
    probe.unlink(missing_ok=True)
    os.symlink(".", probe)
    probe.unlink()


def _remove_partials(nights: Path) -> None:
    """Nights whose writing was killed; nobody else writes here (the caller holds the lock on --out)."""
    for entry in nights.iterdir():
        if entry.name.startswith(PARTIAL_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)


def _flush(folder: Path) -> None:
    """Put the night on disk before it is published, so that a power cut cannot publish empty files."""
    for directory, _folders, files in os.walk(folder):
        for name in [*files, "."]:
            handle = os.open(os.path.join(directory, name), os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)


def _switch(out: Path, night: Path) -> None:
    link = out.with_name(f".{out.name}.link")  # one name: a killed publisher's leftover is simply replaced
    link.unlink(missing_ok=True)
    os.symlink(os.path.join(night.parent.name, night.name), link)
    if out.is_dir() and not out.is_symlink():
        _move_earlier_report(out, night.parent)
    os.replace(link, out)


def _move_earlier_report(out: Path, nights: Path) -> None:
    """A report folder written by an earlier fazhi becomes the oldest kept night (once, on upgrading)."""
    if not any(out.iterdir()):
        out.rmdir()
        return
    written = dt.datetime.fromtimestamp(out.stat().st_mtime, dt.timezone.utc)
    out.rename(nights / f"{written:%Y%m%d-%H%M%S.%f}-earlier")


def _drop_old_nights(nights: Path, keep: Path) -> None:
    published = sorted(entry for entry in nights.iterdir() if entry.is_dir() and NIGHT_NAME.match(entry.name))
    for entry in published[:-KEEP_NIGHTS]:
        if entry != keep:
            shutil.rmtree(entry, ignore_errors=True)
