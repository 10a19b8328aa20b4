"""第51项：行政执法机关于每年1月31日前公开本机关上年度行政执法总体情况（统计年报）"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rules.base import Check, CheckContext, Result, register
from rules.matching import Phrase
from rules.corpus import corpus_of
from rules.unit_checks import YearlyItem, judge_yearly

PHRASES = (
    Phrase(
        "行政执法统计年报",
        variants=(
            "行政执法总体情况",
            "行政执法工作总体情况",
            "行政执法数据",
            "行政执法统计",
            "执法统计年报",
            "行政执法工作报告",
            "行政执法情况报告",
            "行政执法年度报告",
            "行政执法工作情况",
        ),
        # the 年报 rules document, a disclosure or rule-of-law report, a plan are other things
        excludes=("政府信息公开", "法治政府建设", "制度", "办法", "要点", "半年", "季度"),
    ),
)


@register
class EnforcementAnnualReport(Check):
    """第51项：上年度行政执法总体情况（统计年报）于1月31日前公开"""

    indicator = "51"
    slug = "enforcement-annual-report"
    remedy = "每年1月31日前公开本机关上一年度行政执法总体情况（行政执法统计年报），标题写明年度。"
    scope = "per_unit"
    roles = ("enforcement",)

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        corpus = corpus_of(ctx)
        year = ctx.as_of.year
        item = YearlyItem("行政执法总体情况（统计年报）", year - 1, dt.date(year, 1, 31))
        for unit in ctx.units_with(*self.roles):
            reports = [doc for doc, _ in corpus.titled(PHRASES, unit=unit.name)]
            yield judge_yearly(self, ctx, unit.name, reports, item, corpus)
