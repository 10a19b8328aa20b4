"""第28项：行政规范性文件后评估结果在网上公开，每2年至少1次。"""

from __future__ import annotations

from parsing.dates import months_before
from rules.base import register
from rules.county_checks import Hit, PresenceCheck, Problem, Requirement, stale_problem
from rules.matching import Phrase

EVALUATION_MONTHS = 24
FIRST_YEAR = 2016

POST_EVALUATION = Requirement(
    name="规范性文件后评估结果",
    phrases=(
        Phrase("后评估", ("实施评估", "实施效果评估"),
               requires=("规范性文件|文件|办法|规定|意见|细则|措施",),
               # the rules and the work notice are not a result
               excludes=("后评估办法", "后评估制度", "后评估规定", "后评估工作规定", "后评估实施办法", "后评估暂行办法",
                         "工作的通知", "工作方案", "工作计划", "征求意见")),
    ),
    advice="请公开规范性文件后评估结果（评估报告或结果公告），每2年至少开展1次",
)


@register
class NormativePostEvaluation(PresenceCheck):
    """规范性文件后评估结果（2年内有最新结果，2016年以来无超过2年的间隔）"""

    indicator = "28"
    slug = "normative-post-evaluation"
    requirements = (POST_EVALUATION,)

    def problems(self, corpus, found):
        results = found[POST_EVALUATION.name]
        stale = stale_problem(results, corpus.ctx.as_of, EVALUATION_MONTHS, POST_EVALUATION.name, status="fail")
        if stale:
            yield stale
        yield from _gaps(results)


def _gaps(results: list[Hit]) -> list[Problem]:
    dated = sorted((hit for hit in results if hit.published and hit.published.year >= FIRST_YEAR), key=lambda hit: hit.published)
    problems = []
    for earlier, later in zip(dated, dated[1:]):
        if months_before(later.published, EVALUATION_MONTHS) > earlier.published:
            gap = f"{earlier.published.isoformat()}至{later.published.isoformat()}之间"
            problems.append(Problem("warn", f"后评估结果{gap}超过2年未开展，请按每2年至少1次开展", (later.evidence(POST_EVALUATION.name, f"与上一次（{earlier.published.isoformat()}）间隔超过2年"),)))
    return problems

