"""第19项：向社会（组织）购买公共服务的实际项目信息，及行业协会商会与行政机关脱钩的文件在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

RULES_WORDS = ("管理办法", "实施办法", "暂行办法", "办法", "制度", "规定", "实施意见", "指导意见", "细则", "指导性目录", "目录")

ACTUAL_PURCHASE = Requirement(
    name="向社会组织购买公共服务的项目信息",
    phrases=(
        Phrase("购买服务", ("政府购买服务", "购买公共服务", "购买社会组织服务", "购买社会服务", "购买社工服务", "购买养老服务"),
               requires=("项目|公示|公告|结果|中标|成交|合同|承接|评审|绩效",), excludes=RULES_WORDS),
    ),
    advice="请公开本级政府向社会组织购买公共服务的实际项目信息（项目公告、承接主体公示或结果），管理办法不能代替",
)
DECOUPLING = Requirement(
    name="行业协会商会与行政机关脱钩的文件",
    phrases=(Phrase("脱钩", requires=("行业协会|商会|协会",)),),
    advice="请公开本县行业协会商会与行政机关脱钩的文件",
)


@register
class SocialOrganisations(PresenceCheck):
    """向社会组织购买公共服务与行业协会商会脱钩"""

    indicator = "19"
    slug = "social-organisations"
    requirements = (ACTUAL_PURCHASE, DECOUPLING)
