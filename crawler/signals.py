"""SIGTERM and SIGINT as an exception, so that every step unwinds and leaves its run in a known state."""

from __future__ import annotations

import signal
import threading

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


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
