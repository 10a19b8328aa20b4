"""第7项：各政府工作部门公开权责清单，列明事项名称、法律依据、实施主体、监督方式、责任方式，并动态调整"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from parsing.dates import months_before
from rules.base import CheckContext, Doc, Evidence, Result, register
from rules.matching import Phrase
from rules.corpus import Corpus
from rules.unit_checks import PerUnitCheck, iso

# the rules of keeping the list (动态管理办法, 实施意见) are not the list, nor is
# the template a province gives its counties (通用参考目录, 指导目录)
NOT_THE_LIST = ("解读", "办法", "制度", "意见", "方案", "参考目录", "指导目录")
PHRASES = (
    Phrase(
        "权责清单",
        variants=("权力清单", "权力和责任清单", "权力清单和责任清单", "权力清单及责任清单", "权责事项清单"),
        excludes=NOT_THE_LIST,
    ),
    # a department's 责任清单 goes with its 权力清单; a 责任清单 of a duty or a
    # campaign (属地管理事项, 安全生产, 党风廉政建设) is another list
    Phrase(
        "责任清单",
        excludes=(*NOT_THE_LIST, "属地管理", "主体责任", "安全生产", "党风廉政", "从严治党", "意识形态", "生态环境保护"),
    ),
)
# CHECKS.md 7: each field with the column names lists actually use for it
FIELDS = {
    "事项名称": ("事项名称", "职权名称", "权力名称"),
    "法律依据": ("法律依据", "设定依据", "实施依据", "法定依据"),
    "实施主体": ("实施主体", "行使主体", "实施机关"),
    "监督方式": ("监督方式", "监督渠道"),
    "责任方式": ("责任方式", "追责情形", "追责方式"),
}
HEADER_ROWS = 5
STALE_MONTHS = 12


@register
class PowerList(PerUnitCheck):
    """第7项：部门权责清单在网上公开，字段齐全并动态调整"""

    indicator = "7"
    slug = "power-list"
    remedy = "在本单位栏目公开最新版权责清单，逐项写明事项名称、法律依据、实施主体、监督方式、责任方式；法律法规或职能调整后及时更新，至少每12个月更新一次。"
    roles = ("department",)
    statuses = ("pass", "fail", "warn", "unknown")

    def judge_unit(self, ctx: CheckContext, corpus: Corpus, unit: str) -> Result:
        lists = [doc for doc, _ in corpus.titled(PHRASES, unit=unit)]
        if not lists:
            return self.result(ctx, unit, "fail", "未找到本单位的权责清单", absence=True)
        newest = max(lists, key=lambda doc: corpus.published(doc) or dt.date.min)
        problems = [*_field_problems(lists, corpus), *_age_problems(ctx, corpus.published(newest))]
        evidence = [Evidence.of(newest, f"最新版本，发布于 {iso(corpus.published(newest))}")]
        if problems:
            return self.result(ctx, unit, "warn", f"找到权责清单，但{'；'.join(problems)}", evidence)
        return self.result(ctx, unit, "pass", f"权责清单已公开，最新版本发布于{iso(corpus.published(newest))}", evidence)


def _field_problems(lists: Sequence[Doc], corpus: Corpus) -> list[str]:
    versions = [*lists, *(attachment for doc in lists for attachment in corpus.attachments_of(doc))]
    best = min((_missing_fields(doc) for doc in versions), key=len)
    return [f"未见以下字段：{'、'.join(best)}"] if best else []


def _missing_fields(doc: Doc) -> list[str]:
    carried = _header_text(doc)
    return [field for field, names in FIELDS.items() if not any(name in carried for name in names)]


def _header_text(doc: Doc) -> str:
    """Column names of its tables; an attachment's extracted text too. A page's
    prose ("逐一明确事项名称、法律依据…") only restates the requirement."""
    cells = " ".join(str(cell) for table in doc.tables for row in table[:HEADER_ROWS] for cell in row)
    cells = "".join(cells.split())
    return cells + ("".join(doc.text.split()) if doc.kind == "attachment" else "")


def _age_problems(ctx: CheckContext, newest: dt.date | None) -> list[str]:
    if newest is None:
        return ["无法确定发布日期，请人工确认是否动态调整"]
    limit = months_before(ctx.as_of, STALE_MONTHS)
    if newest < limit:
        return [f"最新版本发布于{iso(newest)}，已超过{STALE_MONTHS}个月未动态调整"]
    return []
