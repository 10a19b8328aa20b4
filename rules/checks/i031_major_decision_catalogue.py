"""第31项：重大行政决策事项目录（年度目录）向社会公开；县政府公开重大行政决策程序规定"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rules.base import Check, CheckContext, Doc, Evidence, Result, register
from rules.matching import Phrase
from rules.county_checks import fetch_error_note
from rules.corpus import Corpus, corpus_of
from rules.unit_checks import YearlyItem, covered_year, judge_yearly

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
class MajorDecisionCatalogue(Check):
    """第31项：本年度重大行政决策事项目录公开（3月31日前）；县政府另须公开重大行政决策程序规定"""

    indicator = "31"
    slug = "major-decision-catalogue"
    remedy = "每年3月31日前公开本年度重大行政决策事项目录（标题写明年度）；县政府还须公开重大行政决策程序规定。"
    scope = "per_unit"
    roles = ("county", "department")

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        corpus = corpus_of(ctx)
        item = YearlyItem("重大行政决策事项目录", ctx.as_of.year, dt.date(ctx.as_of.year, 3, 31), late_fails=False)
        for unit in ctx.units_with(*self.roles):
            catalogues = [doc for doc, _ in corpus.titled(CATALOGUE, unit=unit.name)]
            result = judge_yearly(self, ctx, unit.name, catalogues, item, corpus, _catalogue_year(corpus))
            if unit.name == ctx.county_unit.name:
                _add_procedure_rules(ctx, result)
            yield result


def _catalogue_year(corpus: Corpus):
    """A catalogue's year from its title; without one, the year it was published in."""

    def year_of(doc: Doc) -> int | None:
        published = corpus.published(doc)
        return covered_year(doc) or (published.year if published else None)

    return year_of


def _add_procedure_rules(ctx: CheckContext, result: Result) -> None:
    """County level, over all documents: the rules of the 重大行政决策 procedure."""
    found = corpus_of(ctx).titled(PROCEDURE_RULES)
    if found:
        result.evidence.append(Evidence.of(found[0][0], "重大行政决策程序规定"))
        result.message += "；重大行政决策程序规定已公开"
        return
    if result.status != "fail":
        result.status, result.absence = "fail", False
    missing = "未找到重大行政决策程序规定（规则/制度），请公开本县重大行政决策程序规定"
    result.message = f"{missing}；{result.message}。{fetch_error_note(ctx)}"
