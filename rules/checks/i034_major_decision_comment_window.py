"""第34项：重大行政决策公开征求意见，期限不少于30日，并反馈意见采纳情况"""

from __future__ import annotations

from collections.abc import Iterator

from rules.base import Check, CheckContext, Doc, Result, register
from rules.unit_checks import (
    CommentWindow,
    Holdings,
    ItemVerdict,
    ItemWords,
    comment_window,
    has_outcome_report,
    is_comment_notice,
    is_major_decision_notice,
    per_item_results,
)

MIN_CALENDAR_DAYS = 30
WORDS = ItemWords(noun="重大行政决策征求意见公告", bad=f"征求意见期少于{MIN_CALENDAR_DAYS}日", good="符合要求")


@register
class MajorDecisionCommentWindow(Check):
    """第34项：重大行政决策征求意见期不少于30日，并公开意见采纳情况"""

    indicator = "34"
    slug = "major-decision-comment-window"
    scope = "per_item"

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        holdings = Holdings(ctx)
        notices = [doc for doc in ctx.present if is_comment_notice(doc) and is_major_decision_notice(doc, ctx)]
        verdicts = (_verdict(ctx, holdings, doc) for doc in notices)
        yield from per_item_results(self, ctx, verdicts, WORDS)


def _verdict(ctx: CheckContext, holdings: Holdings, doc: Doc) -> ItemVerdict:
    unit = holdings.owner(doc)
    window = comment_window(doc, holdings.published(doc))
    outcome = has_outcome_report(doc, ctx.present)
    no_outcome = "" if outcome else "；未找到意见采纳情况或反馈"
    if not isinstance(window, CommentWindow):
        return ItemVerdict(unit, "warn", doc, window + no_outcome)
    days = ctx.calendar.calendar_days_between(window.start, window.end)
    note = f"{window.describe()}，共 {days} 天（不少于 {MIN_CALENDAR_DAYS} 天）{no_outcome}"
    status = "fail" if days < MIN_CALENDAR_DAYS else ("pass" if outcome else "warn")
    return ItemVerdict(unit, status, doc, note)
