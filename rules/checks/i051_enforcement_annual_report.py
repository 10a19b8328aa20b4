"""第51项：行政执法机关于每年1月31日前公开本机关上年度行政执法总体情况（统计年报）"""

from __future__ import annotations

from rules.base import register
from rules.matching import Phrase
from rules.unit_checks import YearlyItemCheck

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
class EnforcementAnnualReport(YearlyItemCheck):
    """第51项：上年度行政执法总体情况（统计年报）于1月31日前公开"""

    indicator = "51"
    slug = "enforcement-annual-report"
    remedy = "每年1月31日前公开本机关上一年度行政执法总体情况（行政执法统计年报），标题写明年度。"
    roles = ("enforcement",)
    phrases = PHRASES
    item_name = "行政执法总体情况（统计年报）"
    due = (1, 31)
