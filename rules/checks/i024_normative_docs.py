"""第24项：2019年以来的行政规范性文件及专业性、技术性较强的规范性文件专家论证材料在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import NORMATIVE_DOCUMENTS, PresenceCheck, Requirement, normative_year_problem
from rules.matching import Phrase

EXPERT_REVIEW = Requirement(
    name="规范性文件专家论证材料",
    phrases=(Phrase("专家论证", ("专家评审", "专家咨询", "专家意见", "论证会", "论证意见", "论证报告")),),
    advice="请公开专业性、技术性较强的行政规范性文件组织专家论证的材料（论证意见、论证会情况）",
    # a 论证会 is news by nature, and its title seldom says the draft is a 规范性文件
    allow_news=True,
    context=("规范性文件|管理办法|实施办法|暂行办法|实施细则|若干规定|若干措施",),
)


@register
class NormativeDocs(PresenceCheck):
    """规范性文件逐年公开与专家论证材料"""

    indicator = "24"
    slug = "normative-docs"
    requirements = (NORMATIVE_DOCUMENTS, EXPERT_REVIEW)

    def problems(self, corpus, found):
        problem = normative_year_problem(found[NORMATIVE_DOCUMENTS.name], corpus.ctx.as_of)
        if problem:
            yield problem
