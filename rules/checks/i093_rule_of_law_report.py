"""第93项：每年第一季度在本单位网站公开上一年度法治政府建设情况报告"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rules.base import CheckContext, Doc, Evidence, Result, register
from rules.corpus import Corpus
from rules.matching import Phrase
from rules.unit_checks import YearlyItem, YearlyItemCheck, covered_year, iso

PHRASES = (
    Phrase(
        "法治政府建设情况报告",
        variants=(
            "法治政府建设年度报告",
            "法治政府建设工作报告",
            "法治政府建设报告",
            "法治政府建设情况的报告",
            "法治政府建设工作情况",
            "法治政府建设情况",
            "法治政府建设工作总结",
            "法治建设情况报告",
            "法治建设工作报告",
            "依法行政工作报告",
            "依法行政工作情况报告",
        ),
        # a 政府信息公开 annual report, a plan, a half-year or an assessment notice is another thing;
        # so are the report's 政策解读 and the 评议/评分表 that scores reports
        excludes=(
            "政府信息公开", "要点", "实施方案", "半年", "季度", "考核", "督察", "通报", "听取", "征求意见",
            "解读", "评议", "评分",
        ),
    ),
)
FIRST_HISTORY_YEAR = 2019


@register
class RuleOfLawReport(YearlyItemCheck):
    """第93项：上一年度法治政府建设情况报告于3月31日前公开"""

    indicator = "93"
    slug = "rule-of-law-report"
    remedy = "每年3月31日前在本单位网站公开上一年度法治政府建设情况报告，标题写明年度（如《关于2020年法治政府建设情况的报告》）。"
    roles = ("county", "department", "township")
    phrases = PHRASES
    item_name = "法治政府建设情况报告"
    due = (3, 31)

    def amend(self, ctx: CheckContext, corpus: Corpus, item: YearlyItem, candidates: Sequence[Doc], result: Result) -> None:
        result.evidence.extend(_history(candidates, item.year, corpus))


def _history(reports: Sequence[Doc], current: int, corpus: Corpus) -> list[Evidence]:
    """One report per earlier year from 2019, oldest first."""
    by_year: dict[int, Doc] = {}
    for doc in sorted(reports, key=lambda doc: corpus.published(doc) or dt.date.max):
        year = covered_year(doc)
        if year is not None and FIRST_HISTORY_YEAR <= year < current:
            by_year.setdefault(year, doc)
    return [
        Evidence.of(doc, f"历史：{year}年度报告，发布于 {iso(corpus.published(doc))}")
        for year, doc in sorted(by_year.items())
    ]
