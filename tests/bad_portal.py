"""The misbehaving front server lives in fazhi.bad_portal, shared with bench/faults.py."""

from fazhi.bad_portal import DROP, MAINTENANCE, SHELL, BadPortal, cut_short, html_answer, path_of

__all__ = ["DROP", "MAINTENANCE", "SHELL", "BadPortal", "cut_short", "html_answer", "path_of"]
