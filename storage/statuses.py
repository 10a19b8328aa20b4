"""The words a stored finding and a stored run are judged in, and how they rank
(INTERFACE.md "findings.json", CHECKS.md "Statuses" and "complete run").

Checks write these statuses and reports read them back, so both take them from
here, at the bottom of the stack, rather than one from the other.
"""

from __future__ import annotations

from collections.abc import Iterable

# the reader's word for each status, in the report and the 台账
LABELS = {"pass": "通过", "fail": "未通过", "warn": "需复核", "unknown": "无法判断"}
STATUSES = tuple(LABELS)
# INTERFACE.md: an indicator's overall status is the worst of its findings, fail > unknown > warn > pass
SEVERITY = {"pass": 0, "warn": 1, "unknown": 2, "fail": 3}
WORST_FIRST = tuple(sorted(STATUSES, key=SEVERITY.__getitem__, reverse=True))
# what the unit must act on: a fail or a warn; unknown is the crawl's doubt, not the unit's gap
GAPS = ("fail", "warn")

# Run.completeness
COMPLETE = "complete"
INCOMPLETE = "incomplete"


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=SEVERITY.__getitem__, default="pass")
