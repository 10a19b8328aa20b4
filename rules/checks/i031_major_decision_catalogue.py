"""第31项：重大行政决策事项目录（年度目录）向社会公开；县政府公开重大行政决策程序规定"""

from __future__ import annotations

from collections.abc import Sequence

from rules.base import CheckContext, Doc, Evidence, Result, register
from rules.corpus import Corpus
from rules.county_checks import fetch_error_note
from rules.matching import Phrase
from rules.unit_checks import YearlyItem, YearlyItemCheck, covered_year

CATALOGUE = (
    Phrase(
        "重大行政决策事项目录",
        variants=("重大行政决策目录", "重大行政决策事项清单", "重大行政决策事项年度目录", "重大决策事项目录", "年度重大行政决策事项"),
        # rules, consultations and interpretations about it, the call for proposed items
        # (征集…决策事项建议项目) and the criteria for listing (目录标准) are not the catalogue
        excludes=("程序", "规定", "办法", "规则", "征求意见", "听证", "解读", "征集", "标准"),
    ),
)
PROCEDURE_RULES = (
    Phrase(
        "重大行政决策程序规定",
        variants=(
            "重大行政决策程序",
            "重大行政决策规则",
            "重大行政决策制度",
            "重大行政决策议事规则",
            "重大行政决策实施办法",
            "重大行政决策管理办法",
        ),
        excludes=("征求意见", "解读"),
    ),
)


@register
class MajorDecisionCatalogue(YearlyItemCheck):
    """第31项：本年度重大行政决策事项目录公开（3月31日前）；县政府另须公开重大行政决策程序规定"""

    indicator = "31"
    slug = "major-decision-catalogue"
    remedy = "每年3月31日前公开本年度重大行政决策事项目录（标题写明年度）；县政府还须公开重大行政决策程序规定。"
    roles = ("county", "department")
    phrases = CATALOGUE
    item_name = "重大行政决策事项目录"
    due = (3, 31)
    years_back = 0
    late_fails = False  # any publication for the year counts

    def year_of(self, corpus: Corpus, doc: Doc) -> int | None:
        """A catalogue's year from its title; without one, the year it was published in."""
        published = corpus.published(doc)
        return covered_year(doc) or (published.year if published else None)

    def amend(self, ctx: CheckContext, corpus: Corpus, item: YearlyItem, candidates: Sequence[Doc], result: Result) -> None:
        if result.unit == ctx.county_unit.name:
            _add_procedure_rules(ctx, corpus, result)


def _add_procedure_rules(ctx: CheckContext, corpus: Corpus, result: Result) -> None:
    """County level, over all documents: the rules of the 重大行政决策 procedure."""
    found = corpus.titled(PROCEDURE_RULES)
    if found:
        result.evidence.append(Evidence.of(found[0][0], "重大行政决策程序规定"))
        result.message += "；重大行政决策程序规定已公开"
        return
    if result.status != "fail":
        result.status, result.absence = "fail", False
    missing = "未找到重大行政决策程序规定（规则/制度），请公开本县重大行政决策程序规定"
    result.message = f"{missing}；{result.message}。{fetch_error_note(ctx)}"
