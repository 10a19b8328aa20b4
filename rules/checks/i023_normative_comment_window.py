"""第23项：行政规范性文件公开征求意见，期限不少于7个工作日"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.base import CheckContext, Doc, register
from rules.corpus import Corpus
from rules.topics.consultation import (
    CommentWindow,
    comment_notices,
    comment_window,
    draft_name,
    is_major_decision_notice,
    notice_text,
)
from rules.topics.normative import NORMATIVE
from rules.unit_checks import ItemVerdict, ItemWords, PerItemCheck
from rules.workdays import CalendarGap

MIN_WORKING_DAYS = 7
# drafts of these kinds are 规范性文件 even when the notice does not say so (a
# draft 通知 put to the public, 关于规范…有关事项的通知, sets rules: work notices
# are not consulted on); a plan (规划, 行动方案) or a report is not
RULES_DRAFT = re.compile(r"(?:办法|规定|细则|规则|意见|措施|决定|通告|通知|标准|实施方案|暂行|若干)$")
WORDS = ItemWords(noun="规范性文件征求意见公告", bad=f"征求意见期少于{MIN_WORKING_DAYS}个工作日", good="征求意见期符合要求")


@register
class NormativeCommentWindow(PerItemCheck):
    """第23项：规范性文件征求意见期不少于7个工作日（起止日均计入）"""

    indicator = "23"
    slug = "normative-comment-window"
    remedy = "规范性文件征求意见稿公开征求意见不少于7个工作日，公告写明征求意见的起止日期。"
    words = WORDS

    def verdicts(self, ctx: CheckContext, corpus: Corpus) -> Iterator[ItemVerdict]:
        notices = [doc for doc in comment_notices(corpus) if is_normative_notice(doc, ctx)]
        return (_verdict(ctx, corpus, doc) for doc in notices)


def is_normative_notice(doc: Doc, ctx: CheckContext) -> bool:
    """A 规范性文件 draft; a 重大行政决策 notice (34) only if it also says 规范性文件."""
    says_normative = NORMATIVE in doc.title or NORMATIVE in notice_text(doc)
    if says_normative:
        return True
    return not is_major_decision_notice(doc, ctx) and bool(RULES_DRAFT.search(draft_name(doc.title)))


def _verdict(ctx: CheckContext, corpus: Corpus, doc: Doc) -> ItemVerdict:
    unit = corpus.owner(doc)
    try:
        window = comment_window(doc, corpus.published(doc), ctx.calendar)
        if not isinstance(window, CommentWindow):
            return ItemVerdict(unit, "warn", doc, window)
        days = ctx.calendar.working_days_between(window.start, window.end)
    except CalendarGap as gap:
        return ItemVerdict(unit, "unknown", doc, f"征求意见期无法按工作日计算，{gap}", gap.year)
    status = "pass" if days >= MIN_WORKING_DAYS else "fail"
    return ItemVerdict(unit, status, doc, f"{window.describe()}，共 {days} 个工作日（不少于 {MIN_WORKING_DAYS} 个）")
