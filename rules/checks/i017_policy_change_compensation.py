"""第17项：因政府规划调整、政策变化造成企业合法权益受损依法补偿的案例在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

COMPENSATION_CASE = Requirement(
    name="因规划调整、政策变化依法补偿企业的案例",
    phrases=(
        Phrase("补偿", ("补助", "赔偿"),
               requires=("规划调整|规划变更|规划修改|政策变化|政策调整|改变政府承诺|撤回|变更行政许可|退出|关停|关闭",),
               # land acquisition and ecological compensation are other matters; a rules document is not a case
               excludes=("征收", "征地", "拆迁", "生态补偿", "办法", "制度", "规定", "细则", "实施意见")),
    ),
    advice="请公开因政府规划调整、政策变化造成企业合法权益受损并依法给予补偿的案例（如补偿决定、补偿公示）",
)


@register
class PolicyChangeCompensation(PresenceCheck):
    """规划调整、政策变化补偿企业的案例"""

    indicator = "17"
    slug = "policy-change-compensation"
    requirements = (COMPENSATION_CASE,)
