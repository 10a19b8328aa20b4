"""第93项：每年第一季度在本单位网站公开上一年度法治政府建设情况报告"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from rules.base import CheckContext, Doc, Evidence, Result, register
from rules.corpus import Corpus
from rules.matching import Phrase, clean_title
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
            # a request to write or send the reports, or a guide to them, is not a report
            "报送", "做好", "报告工作", "指引", "模板", "提纲", "撰写",
        ),
    ),
)
FIRST_HISTORY_YEAR = 2019
# a place named before the year or the subject (郏县2020年…, 平顶山市关于…) is whose report it is
_LEADING_PLACE = re.compile(r"^(?:关于)?(?P<head>.*?)(?:关于|\d{4}|[二][〇○零]|法治)")
_PLACE = re.compile(r"(?<![全我本该各])[\u4e00-\u9fff]{1,6}?(?:省|市|县|区|州|盟|旗)")


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

    def candidates(self, ctx: CheckContext, corpus: Corpus, unit: str) -> list[Doc]:
        """A report reposted from another county, city or unit is that body's, not the unit's."""
        return [doc for doc in super().candidates(ctx, corpus, unit) if not names_another_body(ctx, corpus, doc.title, unit)]

    def amend(self, ctx: CheckContext, corpus: Corpus, item: YearlyItem, candidates: Sequence[Doc], result: Result) -> None:
        result.evidence.extend(_history(candidates, item.year, corpus))


def names_another_body(ctx: CheckContext, corpus: Corpus, title: str, unit: str) -> bool:
    """The title names a configured unit other than `unit`, or a place other than the county."""
    named = corpus.named_unit(title)
    if named is not None and named != unit:
        return True
    if ctx.config.county in title:
        return False
    head = _LEADING_PLACE.match(clean_title(title))
    if head is None:
        return False
    own_names = sorted({name for each in ctx.config.units for name in each.names}, key=len, reverse=True)
    rest = head["head"]
    for name in own_names:
        rest = rest.replace(name, "")
    return bool(_PLACE.search(rest))


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
