"""第18项：涉企收费清单、监督检查清单制度，及2018年以来清理涉企收费、摊派和评比达标活动的文件在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement, published_since
from rules.matching import Phrase

CLEAN_UP_SINCE = 2018

ENTERPRISE_FEE_LIST = Requirement(
    name="涉企收费清单",
    phrases=(Phrase("涉企收费", ("涉企行政事业性收费", "企业收费"), requires=("清单|目录|一览表|制度",)),),
    advice="请公开本县涉企收费清单（清单之外不得收费）",
)
INSPECTION_LIST = Requirement(
    name="监督检查清单（制度）",
    phrases=(Phrase("监督检查", ("涉企检查", "行政检查事项", "检查事项", "随机抽查事项"), requires=("清单|目录|制度",)),),
    advice="请公开本县涉企监督检查事项清单或清单管理制度",
)
CLEAN_UP = Requirement(
    name=f"{CLEAN_UP_SINCE}年以来清理涉企收费、摊派事项和评比达标活动的文件",
    phrases=(
        Phrase("清理", ("整治", "治理", "规范", "取消"), requires=("涉企收费|摊派|评比达标|达标评比|评比表彰|乱收费",)),
    ),
    advice=f"请公开{CLEAN_UP_SINCE}年以来本县清理涉企收费、摊派事项和各类评比达标活动的文件",
    accept=published_since(CLEAN_UP_SINCE),
    accept_failure=f"只有{CLEAN_UP_SINCE}年以前的文件",
)


@register
class EnterpriseFees(PresenceCheck):
    """涉企收费、监督检查清单与清理涉企收费摊派评比达标"""

    indicator = "18"
    slug = "enterprise-fees"
    requirements = (ENTERPRISE_FEE_LIST, INSPECTION_LIST, CLEAN_UP)
