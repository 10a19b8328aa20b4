"""第34项：重大行政决策公开征求意见，期限不少于30日，并反馈意见采纳情况"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rules.base import CheckContext, Doc, register
from rules.corpus import Corpus
from rules.topics.consultation import (
    CommentWindow,
    comment_notices,
    comment_window,
    is_major_decision_notice,
    outcome_for,
    outcome_reports,
)
from rules.unit_checks import ItemVerdict, ItemWords, PerItemCheck
from rules.workdays import CalendarGap

MIN_CALENDAR_DAYS = 30
WORDS = ItemWords(noun="重大行政决策征求意见公告", bad=f"征求意见期少于{MIN_CALENDAR_DAYS}日", good="符合要求")


@register
class MajorDecisionCommentWindow(PerItemCheck):
    """第34项：重大行政决策征求意见期不少于30日，并公开意见采纳情况"""

    indicator = "34"
    slug = "major-decision-comment-window"
    remedy = "重大行政决策草案公开征求意见不少于30日，公告写明起止日期，并公开意见采纳情况及理由。"
    words = WORDS

    def verdicts(self, ctx: CheckContext, corpus: Corpus) -> Iterator[ItemVerdict]:
        notices = [doc for doc in comment_notices(corpus) if is_major_decision_notice(doc, ctx)]
        outcomes = outcome_reports(corpus)
        return (_verdict(ctx, corpus, doc, outcomes) for doc in notices)


def _verdict(ctx: CheckContext, corpus: Corpus, doc: Doc, outcomes: Sequence[Doc]) -> ItemVerdict:
    unit = corpus.owner(doc)
    outcome = outcome_for(doc, outcomes)
    no_outcome = "" if outcome else "；未找到意见采纳情况或反馈"
    try:
        window = comment_window(doc, corpus.published(doc), ctx.calendar)
    except CalendarGap as gap:
        return ItemVerdict(unit, "unknown", doc, f"征求意见期以工作日写明，{gap}{no_outcome}", gap.year)
    if not isinstance(window, CommentWindow):
        return ItemVerdict(unit, "warn", doc, window + no_outcome)
    days = window.calendar_days
    note = f"{window.describe()}，共 {days} 天（不少于 {MIN_CALENDAR_DAYS} 天）{no_outcome}"
    status = "fail" if days < MIN_CALENDAR_DAYS else ("pass" if outcome else "warn")
    return ItemVerdict(unit, status, doc, note)
