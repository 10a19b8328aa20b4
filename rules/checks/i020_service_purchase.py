"""第20项：政府购买公共服务目录、公开招标购买公共服务的信息及政府购买公共服务制度文件在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

PURCHASE_WORDS = ("购买服务", "政府购买服务", "购买公共服务", "政府购买公共服务")

PURCHASE_CATALOGUE = Requirement(
    name="政府购买服务目录",
    phrases=(Phrase("政府购买服务", PURCHASE_WORDS, requires=("目录",)),),
    advice="请公开本县政府购买服务（指导性）目录",
)
PUBLIC_TENDER = Requirement(
    name="公开招标（采购）购买公共服务的信息",
    phrases=(
        Phrase("公开招标", ("招标公告", "采购公告", "竞争性磋商", "竞争性谈判", "中标", "成交", "采购结果", "采购项目"),
               requires=("服务",), excludes=("办法", "制度", "规定", "细则", "意见")),
    ),
    advice="请公开通过公开招标等竞争方式向社会购买公共服务的项目信息（招标、采购公告或结果）",
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
