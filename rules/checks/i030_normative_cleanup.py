"""第30项：行政规范性文件清理结果在网上公开（2年内应有最新结果）。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement, stale_problem
from rules.matching import Phrase

STALE_MONTHS = 24
# the work notice, plan and rules of a cleanup, and the forms filled in for it, are not its result
NOT_A_RESULT = ("开展", "工作方案", "工作计划", "征求意见", "办法", "制度", "意见表", "登记表")

CLEANUP_RESULTS = Requirement(
    name="规范性文件清理结果",
    phrases=(
        Phrase("规范性文件", ("文件清理",), requires=("清理|废止|失效|继续有效|现行有效",), excludes=NOT_A_RESULT),
        Phrase("废止", ("宣布失效", "失效", "继续有效"), requires=("文件",), excludes=NOT_A_RESULT),
    ),
    advice="请公开规范性文件清理结果（继续有效、修改、废止、失效的文件目录），并根据上位法变化及时清理",
)


@register
class NormativeCleanup(PresenceCheck):
    """规范性文件清理结果（最新结果不超过2年）"""

    indicator = "30"
    slug = "normative-cleanup"
    requirements = (CLEANUP_RESULTS,)

    def problems(self, corpus, found):
        stale = stale_problem(found[CLEANUP_RESULTS.name], corpus.ctx.as_of, STALE_MONTHS, CLEANUP_RESULTS.name)
        if stale:
            yield stale
