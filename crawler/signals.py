"""SIGTERM and SIGINT as an exception, so that every step unwinds and leaves its run in a known state;
and child processes (the crawler, the extraction worker) that die with their parent."""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCHDOG_INTERVAL = 1.0


class Interrupted(KeyboardInterrupt):
    """A stop signal; a KeyboardInterrupt, so that code which knows only Ctrl-C unwinds the same way."""

    def __init__(self, signum: int):
        self.signum = signal.Signals(signum)
        super().__init__(self.signum.name)


def raise_on_stop_signals() -> None:
    # Python's default for SIGTERM ends the process on the spot, leaving the run "running"
    if threading.current_thread() is threading.main_thread():
        for signum in STOP_SIGNALS:
            signal.signal(signum, _raise)


def signal_of(interrupt: KeyboardInterrupt) -> signal.Signals:
    return interrupt.signum if isinstance(interrupt, Interrupted) else signal.SIGINT


def _raise(signum, _frame) -> None:
    raise Interrupted(signum)


def die_with_parent(parent_pid: int) -> None:
    """The kernel kills this process when its parent dies (Linux); elsewhere, or should
    that fail, a watchdog notices the parent is gone within a second."""
    kill_when_parent_dies()
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watchdog", daemon=True).start()


def kill_when_parent_dies() -> None:
    """The kernel's part alone (PR_SET_PDEATHSIG), for a process that cannot afford a thread."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux


def _watch_parent(parent_pid: int) -> None:
    # checked once before the first sleep: the parent may have died before prctl took effect
    while os.getppid() == parent_pid:
        time.sleep(WATCHDOG_INTERVAL)
    os.kill(os.getpid(), signal.SIGKILL)
