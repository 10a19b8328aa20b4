"""第52项：执法决定按时公开——行政处罚、行政许可7个工作日内，其他执法决定20个工作日内"""

from __future__ import annotations

from collections.abc import Iterator

from rules.base import CheckContext, Doc, register
from rules.corpus import Corpus
from rules.matching import Match, Phrase
from rules.topics.enforcement import (
    PENALTY_NUMBER_MARKS,
    Decision,
    block_decisions,
    decision_kind,
    notice_decision_date,
    table_decisions,
)
from rules.unit_checks import ItemVerdict, ItemWords, PerItemCheck, is_column_title, iso, looks_like_list
from rules.workdays import CalendarGap

# rules, forms, statistics and 复议 decisions are not enforcement decisions
NOT_DECISIONS = (
    "复议", "告知书", "听证", "裁量", "流程", "清单", "目录", "制度", "办法", "规定", "统计", "年报",
    "年度报告", "指南", "标准", "解读",
)
# a 备案 records what needs no permit
NOT_PERMITS = (*NOT_DECISIONS, "备案")
PHRASES = (
    Phrase(
        "行政处罚决定",
        variants=(
            "处罚决定书", "行政处罚信息", "处罚信息公示", "行政处罚结果", "行政处罚案件信息", "处罚决定公示", "行政处罚公示",
            *PENALTY_NUMBER_MARKS,
        ),
        excludes=NOT_DECISIONS,
    ),
    Phrase(
        "行政许可决定",
        variants=(
            "许可决定书", "准予行政许可", "行政许可信息", "许可信息公示", "行政许可结果", "许可决定公示", "行政许可公示",
            "准予许可", "不予许可", "不予行政许可", "准予变更", "准予延续", "准予注销", "撤销行政许可", "注销行政许可",
        ),
        excludes=NOT_PERMITS,
    ),
    # a licence granted, renewed, changed or cancelled (食品经营许可证核发公示, 关于注销…许可证的公告)
    Phrase("许可证", requires=("核发|换发|延续|变更|注销|颁发|发放|吊销|撤销|准予|不予",), excludes=NOT_PERMITS),
    # an approval addressed to a party or a project (关于同意某某有限公司设立的批复, …环境影响报告表的批复);
    # a 批复 of a plan or a budget is not a permit
    Phrase("批复", requires=("公司|企业|合作社|项目|设立|环境影响|环评|取水|采矿|采伐|占用|许可",), excludes=NOT_PERMITS),
    Phrase("双公示", variants=("双公示信息",), excludes=NOT_DECISIONS),
    Phrase(
        "行政强制决定",
        variants=("行政强制措施决定", "查封扣押决定", "查封（扣押）决定", "行政征收决定", "行政检查结果", "执法决定信息", "执法结果公示"),
        excludes=NOT_DECISIONS,
    ),
)
# 处罚/许可 within 7 working days, other enforcement decisions within 20
DECISION_LIMITS = {"处罚": 7, "许可": 7, "其他": 20}
WORDS = ItemWords(noun="执法决定", bad="公开超过时限", good="按时公开")


@register
class EnforcementPublicity(PerItemCheck):
    """第52项：行政处罚、行政许可决定7个工作日内公开，其他执法决定20个工作日内公开"""

    indicator = "52"
    slug = "decision-publicity"
    remedy = "行政处罚、行政许可决定自作出之日起7个工作日内公开，其他执法决定20个工作日内公开；公示内容写明决定日期，逾期的应说明原因并尽快补正。"
    words = WORDS

    def verdicts(self, ctx: CheckContext, corpus: Corpus) -> Iterator[ItemVerdict]:
        return (_verdict(ctx, corpus, decision) for decision in decisions(ctx, corpus))


def decisions(ctx: CheckContext, corpus: Corpus) -> Iterator[Decision]:
    """Every decision the run's documents publish, in run order."""
    notices = dict((doc.url, match) for doc, match in corpus.titled(PHRASES))
    return (decision for doc in ctx.present for decision in decisions_in(doc, corpus, notices.get(doc.url)))


def decisions_in(doc: Doc, corpus: Corpus, match: Match | None) -> list[Decision]:
    """`match`: the document's title names a decision (PHRASES)."""
    context = corpus.context_title(doc)
    if "复议" in context:
        return []
    rows = table_decisions(doc, context)
    if rows:
        return rows
    if match is None or looks_like_list(doc):
        return []
    blocks = block_decisions(doc, context)
    if blocks:
        return blocks
    # a page whose attachment holds the table of decisions only points to it
    if any(table_decisions(attachment, context) for attachment in corpus.attachments_of(doc)):
        return []
    decision_date = notice_decision_date(doc)
    if decision_date is None and is_column_title(doc.title, match):
        return []
    return [Decision(doc, "", decision_kind(doc.title, context) or "其他", decision_date)]


def _verdict(ctx: CheckContext, corpus: Corpus, decision: Decision) -> ItemVerdict:
    unit = corpus.owner(decision.doc)
    published_on = corpus.published(decision.doc)
    prefix = f"{decision.label}：" if decision.label else ""
    if decision.decision_date is None:
        return ItemVerdict(unit, "warn", decision.doc, f"{prefix}未找到决定日期，无法判断是否按时公开")
    dates = f"{prefix}决定日期 {iso(decision.decision_date)}，公开日期 {iso(published_on)}"
    if published_on is None:
        return ItemVerdict(unit, "warn", decision.doc, f"{dates}，无法判断是否按时公开")
    limit = DECISION_LIMITS[decision.kind]
    try:
        days = ctx.calendar.working_days_after(decision.decision_date, published_on)
    except CalendarGap as gap:
        return ItemVerdict(unit, "unknown", decision.doc, f"{dates}，{gap}", gap.year)
    status = "fail" if days > limit else "pass"
    return ItemVerdict(unit, status, decision.doc, f"{dates}，间隔 {days} 个工作日（限 {limit} 个）")
