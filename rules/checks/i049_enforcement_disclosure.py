"""第49项：行政执法主体、权限、依据、程序、救济渠道和随机抽查事项清单主动公开"""

from __future__ import annotations

from rules.base import CheckContext, Doc, Evidence, Result, register
from rules.matching import Phrase
from rules.corpus import Corpus
from rules.unit_checks import PerUnitCheck

NOT_DISCLOSURE = ("解读",)
# each part of the 行政执法公示, as titles of its own page or attachment name it
PARTS = {
    "执法主体": Phrase("执法主体", variants=("行政执法主体", "执法机关", "执法人员"), excludes=NOT_DISCLOSURE),
    "执法权限": Phrase("执法权限", variants=("执法职责", "执法职权", "职责权限", "权限"), excludes=NOT_DISCLOSURE),
    "执法依据": Phrase("执法依据", variants=("行政执法依据",), excludes=NOT_DISCLOSURE),
    "执法程序": Phrase(
        "执法程序", variants=("执法流程", "流程图", "处罚程序", "处罚流程", "检查流程"), excludes=NOT_DISCLOSURE
    ),
    "救济渠道": Phrase("救济渠道", variants=("救济途径", "救济方式", "权利救济"), excludes=NOT_DISCLOSURE),
    "随机抽查事项清单": Phrase(
        "随机抽查事项清单",
        variants=("随机抽查事项", "抽查事项清单", "随机抽查清单", "双随机一公开事项"),
        excludes=NOT_DISCLOSURE,
    ),
}
# a page publishing the whole 行政执法公示 at once; its text shows which parts it holds.
# The rules that require 公示 (制度, 方案) list every part without publishing any.
OVERVIEW = (
    Phrase(
        "行政执法公示",
        variants=("执法公示", "执法信息公示", "执法事前公开", "事前公开", "执法信息公开"),
        excludes=("制度", "方案", "办法", "意见", "规定", "解读"),
    ),
)


@register
class EnforcementDisclosure(PerUnitCheck):
    """第49项：执法主体、权限、依据、程序、救济渠道、随机抽查事项清单在网上公开"""

    indicator = "49"
    slug = "enforcement-disclosure"
    remedy = "在行政执法公示栏目公开执法主体、执法权限、执法依据、执法程序（流程图）、救济渠道和随机抽查事项清单。"
    roles = ("enforcement",)
    statuses = ("pass", "fail", "unknown")

    def judge_unit(self, ctx: CheckContext, corpus: Corpus, unit: str) -> Result:
        found = _parts_found(corpus, unit)
        missing = [part for part in PARTS if part not in found]
        evidence = [Evidence.of(doc, f"公开了{part}") for part, doc in found.items()]
        if not found:
            return self.result(ctx, unit, "fail", "未找到本单位的行政执法公示信息（执法主体、权限、依据、程序、救济渠道、随机抽查事项清单）", absence=True)
        if missing:
            message = f"行政执法公示缺少：{'、'.join(missing)}"
            return self.result(ctx, unit, "fail", message, evidence, absence=True)
        return self.result(ctx, unit, "pass", "执法主体、权限、依据、程序、救济渠道、随机抽查事项清单均已公开", evidence)


def _parts_found(corpus: Corpus, unit: str) -> dict[str, Doc]:
    found: dict[str, Doc] = {}
    for part, phrase in PARTS.items():
        titled_docs = corpus.titled((phrase,), unit=unit)
        if titled_docs:
            found[part] = titled_docs[0][0]
    for overview, _ in corpus.titled(OVERVIEW, unit=unit):
        body = "".join(overview.text.split())
        for part, phrase in PARTS.items():
            if part not in found and any(spelling in body for spelling in phrase.spellings):
                found[part] = overview
    return dict(sorted(found.items(), key=lambda item: list(PARTS).index(item[0])))
