"""第25项：2019年以来的行政规范性文件在网上公开（与第24项共用规范性文件证据）。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import NORMATIVE_DOCUMENTS, PresenceCheck, normative_year_problem


@register
class NormativeLegality(PresenceCheck):
    """规范性文件逐年公开（供合法性人工审查）"""

    indicator = "25"
    slug = "normative-legality"
    requirements = (NORMATIVE_DOCUMENTS,)

    def problems(self, corpus, found):
        problem = normative_year_problem(found[NORMATIVE_DOCUMENTS.name], corpus.ctx.as_of)
        if problem:
            yield problem
