"""What people decided about a night's findings: which verdict still holds, and how the
findings count once the decisions are taken into account.

A verdict holds on later nights while the finding is the same: its identity
(indicator, check, unit) and, for a verdict on one evidence item, that item's
URL and the sha256 of what it said. A finding-level verdict also needs the
finding's status unchanged: a gap that passed and came back is a new gap. When
what the verdict was about changed, the finding is open again and says so.
A verdict never hides a finding: it only moves it between the counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storage.review import ACTIONS, REVIEWER_ACTIONS, Verdict, open_answer, verdict_order

if TYPE_CHECKING:  # reports.model builds the reviews, so it imports this module, not the other way
    from reports.model import FindingView

# a finding's place in the counts, once verdicts are taken into account
BUCKETS = {"fail": "未通过", "waived": "已豁免", "dismissed": "误报", "pending": "待复核"}
# where one verdict (or the lack of one) leaves a finding or an evidence item
STATES = {
    "open": "待复核",
    "changed": "已变化，需重新复核",
    "expired": "豁免已过期，需重新复核",
    "confirmed": "已确认",
    "due": "限期整改",
    "dismissed": "误报",
    "waived": "已豁免",
}
_BUCKET_OF_STATE = {"open": "pending", "changed": "pending", "expired": "pending", "confirmed": "fail",
                    "due": "fail", "dismissed": "dismissed", "waived": "waived"}
# an item-level picture of a finding: any confirmed item makes it a gap, any open one keeps it to review
_ITEM_PRECEDENCE = ("fail", "pending", "waived", "dismissed")


@dataclass(frozen=True)
class Standing:
    """One verdict's standing tonight: the state it leaves, and the verdict (held or no longer holding)."""

    state: str
    verdict: Verdict | None = None

    @property
    def label(self) -> str:
        return STATES[self.state]


@dataclass(frozen=True)
class Review:
    finding: FindingView
    bucket: str | None  # a key of BUCKETS; None for a passing finding, which has nothing to review
    standing: Standing  # the finding-level verdict's, or the items' combined
    items: dict[str, Standing] = field(default_factory=dict)  # evidence URL -> its verdict's standing
    answer: Verdict | None = None  # the unit's answer given after the reviewer's latest verdict
    history: tuple[Verdict, ...] = ()
    as_of: dt.date | None = None

    @property
    def bucket_label(self) -> str:
        return BUCKETS[self.bucket] if self.bucket else ""

    @property
    def fix_check(self) -> dict | None:
        """The night's judgement of the open 已整改 answer's address (rules/fix_checks.py), when it
        was made for that very answer; None for an answer given after the night was judged."""
        check = self.finding.fix_check
        if self.answer is None or self.answer.action != "fixed" or not check:
            return None
        return check if check.get("verdict_id") == self.answer.id else None

    @property
    def fix_note(self) -> str | None:
        """What the night says of the unit's 已整改 answer; None when there is no such answer."""
        if self.answer is None or self.answer.action != "fixed":
            return None
        check = self.fix_check
        return check["note"] if check else "答复晚于本次检查，下一次检查时判断"

    @property
    def overdue(self) -> bool:
        verdict = self.standing.verdict
        return (self.standing.state == "due" and verdict is not None and verdict.due_on is not None
                and self.as_of is not None and self.as_of > verdict.due_on)


def standing_of(verdict: Verdict | None, holds: bool, as_of: dt.date | None) -> Standing:
    if verdict is None:
        return Standing("open")
    if not holds:
        return Standing("changed", verdict)
    if verdict.action == "waive" and verdict.expires_on and as_of and as_of > verdict.expires_on:
        return Standing("expired", verdict)
    state = {"confirm": "confirmed", "due": "due", "dismiss": "dismissed", "waive": "waived"}[verdict.action]
    return Standing(state, verdict)


def review_of(finding: FindingView, verdicts: Iterable[Verdict], as_of: dt.date | None) -> Review:
    """The finding's review tonight, from all verdicts on its identity (oldest first)."""
    history = tuple(verdicts)
    decisions = [v for v in history if v.action in REVIEWER_ACTIONS]
    whole = _latest(v for v in decisions if v.evidence_url is None)
    items = {
        item.url: standing_of(verdict, verdict is not None and verdict.evidence_sha256 == item.sha256, as_of)
        for item in finding.evidence
        if (verdict := _latest(v for v in decisions if v.evidence_url == item.url)) is not None
    }
    if whole is not None:
        standing = standing_of(whole, whole.finding_status in (None, finding.status), as_of)
        bucket = _BUCKET_OF_STATE[standing.state]
    else:
        standing, bucket = _items_standing(finding, items)
    return Review(finding, None if finding.status == "pass" else bucket, standing, items, open_answer(history), history, as_of)


def _items_standing(finding: FindingView, items: dict[str, Standing]) -> tuple[Standing, str]:
    """A finding judged item by item: any evidence item without a verdict keeps it to review."""
    buckets = {_BUCKET_OF_STATE[s.state] for s in items.values()}
    if not finding.evidence or any(item.url not in items for item in finding.evidence):
        buckets.add("pending")
    bucket = next(b for b in _ITEM_PRECEDENCE if b in buckets)
    state = next((s for s in items.values() if _BUCKET_OF_STATE[s.state] == bucket), Standing("open"))
    return state, bucket


def reviews(findings: Iterable[FindingView], verdicts: Iterable[Verdict], as_of: dt.date | None) -> dict[tuple, Review]:
    """Every finding's review, keyed by its identity."""
    by_key: dict[tuple, list[Verdict]] = defaultdict(list)
    for verdict in sorted(verdicts, key=verdict_order):
        by_key[(verdict.indicator, verdict.check, verdict.unit)].append(verdict)
    return {f.key: review_of(f, by_key.get(f.key, ()), as_of) for f in findings}


def bucket_counts(all_reviews: Iterable[Review]) -> Counter:
    counts = Counter(r.bucket for r in all_reviews if r.bucket)
    return Counter({bucket: counts[bucket] for bucket in BUCKETS})


def expired_waivers(all_reviews: Iterable[Review]) -> list[Review]:
    """Findings whose waiver (on the finding or on one of its items) ran out: listed for the reviewers."""
    return [r for r in all_reviews
            if r.standing.state == "expired" or any(s.state == "expired" for s in r.items.values())]


def review_entry(review: Review | None) -> dict | None:
    """findings.json's `review` object: where the decisions leave the finding tonight."""
    if review is None:
        return None
    return {
        "bucket": review.bucket,
        "label": review.bucket_label or None,
        "state": review.standing.state,
        "state_label": review.standing.label,
        "verdict": verdict_entry(review.standing.verdict),
        "overdue": review.overdue,
        "items": [{"url": url, "state": item.state, "state_label": item.label, "verdict": verdict_entry(item.verdict)}
                  for url, item in review.items.items()],
        "answer": verdict_entry(review.answer),
        "fix_check": _fix_check_entry(review),
    }


def _fix_check_entry(review: Review) -> dict | None:
    """Whether the night counted the unit's 已整改 address: fetched, and the finding passing with it."""
    if review.fix_note is None:
        return None
    check = review.fix_check or {}
    return {"url": review.answer.fix_url, "state": check.get("state", "awaiting_night"), "counts": bool(check.get("counts")),
            "note": review.fix_note}


def verdict_entry(verdict: Verdict | None) -> dict | None:
    if verdict is None:
        return None
    at = verdict.created_at.replace(tzinfo=dt.timezone.utc).isoformat() if verdict.created_at else None
    return {
        "action": verdict.action,
        "action_label": ACTIONS[verdict.action],
        "reason": verdict.reason or "",
        "by": verdict.user_name,
        "at": at,
        "evidence_url": verdict.evidence_url,
        "expires_on": verdict.expires_on.isoformat() if verdict.expires_on else None,
        "due_on": verdict.due_on.isoformat() if verdict.due_on else None,
        "fix_url": verdict.fix_url,
    }


def _latest(verdicts: Iterable[Verdict]) -> Verdict | None:
    return max(verdicts, key=verdict_order, default=None)
