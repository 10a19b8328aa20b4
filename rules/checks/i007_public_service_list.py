"""第7项（县级）：公共服务事项清单在网上公开"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rules.base import Check, CheckContext, Evidence, Result, register
from rules.matching import Phrase
from rules.county_checks import fetch_error_note
from rules.corpus import corpus_of
from rules.unit_checks import iso

PHRASES = (
    Phrase(
        "公共服务事项清单",
        variants=("公共服务清单", "公共服务事项目录", "公共服务事项清单目录", "公共服务事项目录清单"),
        # 公共 is the item's qualifier: 中介服务事项清单 and 政务服务事项清单 score 85.7 fuzzily but are other lists
        requires=("公共",),
        excludes=("解读",),
    ),
)


@register
class PublicServiceList(Check):
    """第7项（县级）：公共服务事项清单在网上公开"""

    indicator = "7"
    slug = "public-service-list"
    remedy = "在县政府信息公开栏目公开本级公共服务事项清单，并随事项调整动态更新。"
    scope = "county"

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        corpus = corpus_of(ctx)
        county = ctx.county_unit.name
        found = corpus.titled(PHRASES)
        if not found:
            advice = "请在政府信息公开栏目公开本县公共服务事项清单，并随事项调整动态更新。"
            yield self.result(ctx, county, "fail", f"未找到公共服务事项清单；{advice}{fetch_error_note(ctx)}")
            return
        newest = max((doc for doc, _ in found), key=lambda doc: corpus.published(doc) or dt.date.min)
        note = f"发布于 {iso(corpus.published(newest))}"
        yield self.result(ctx, county, "pass", f"公共服务事项清单已公开（{newest.title}）", [Evidence.of(newest, note)])
