"""第20项：政府购买公共服务目录、公开招标购买公共服务的信息及政府购买公共服务制度文件在网上公开。"""

from __future__ import annotations

import re

from rules.base import Doc, register
from rules.corpus import Corpus
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

PURCHASE_WORDS = ("购买服务", "政府购买服务", "购买公共服务", "政府购买公共服务")

PURCHASE_CATALOGUE = Requirement(
    name="政府购买服务目录",
    phrases=(Phrase("政府购买服务", PURCHASE_WORDS, requires=("目录",)),),
    advice="请公开本县政府购买服务（指导性）目录",
)
# the procurement's category as 政府采购 notices state it: 品目 服务/物业管理服务, 货物/…, 工程/…
_CATEGORY_LABEL = re.compile(r"^(?:采购)?(?:品目|类别|项目类别|采购类型)(?:名称)?$")
_CATEGORY_IN_TEXT = re.compile(r"(?:采购)?品目(?:名称)?\s*[:：]\s*(\S+)")
# a buyer or agency named in the title (扶贫开发服务有限责任公司, 政务服务中心) says nothing of what is bought
_ORGANISATION = re.compile(r"[\u4e00-\u9fff]{2,40}?(?:有限责任公司|股份有限公司|有限公司|服务中心|服务站|服务社)")


def procurement_category(doc: Doc) -> str | None:
    for key, value in doc.fields.items():
        if _CATEGORY_LABEL.match("".join(str(key).split())) and str(value).strip():
            return str(value).strip()
    for table in doc.tables:
        for row in table:
            cells = ["".join(str(cell or "").split()) for cell in row]
            for label, value in zip(cells, cells[1:]):
                if _CATEGORY_LABEL.match(label) and value:
                    return value
    found = _CATEGORY_IN_TEXT.search(doc.text)
    return found.group(1) if found else None


def buys_services(corpus: Corpus, doc: Doc) -> bool:
    """A purchase of services: its 品目 is 服务/…, or, without one, its title names a service."""
    category = procurement_category(doc)
    if category is not None:
        return category.startswith("服务")
    return "服务" in _ORGANISATION.sub("", doc.title)


PUBLIC_TENDER = Requirement(
    name="公开招标（采购）购买公共服务的信息",
    phrases=(
        Phrase("公开招标", ("招标公告", "采购公告", "竞争性磋商", "竞争性谈判", "中标", "成交", "采购结果", "采购项目"),
               excludes=("办法", "制度", "规定", "细则", "意见")),
    ),
    advice="请公开通过公开招标等竞争方式向社会购买公共服务的项目信息（招标、采购公告或结果）",
    accept=buys_services,
    accept_failure="找到的采购信息采购的不是服务（货物或工程）",
)
PURCHASE_RULES = Requirement(
    name="政府购买公共服务的制度文件",
    phrases=(
        Phrase("政府购买服务", PURCHASE_WORDS, requires=("办法|制度|规定|意见|方案|细则|工作",),
               excludes=("目录", "项目", "公示", "结果", "中标", "成交")),
    ),
    advice="请公开本县政府购买公共服务的制度文件（管理办法、实施意见等）",
)


@register
class ServicePurchase(PresenceCheck):
    """政府购买公共服务目录、公开招标信息与制度"""

    indicator = "20"
    slug = "service-purchase"
    requirements = (PURCHASE_CATALOGUE, PUBLIC_TENDER, PURCHASE_RULES)
