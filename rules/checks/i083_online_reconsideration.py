"""第83项：行政复议案件能够网上办理，受理范围、条件、程序在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import RECONSIDERATION, RECONSIDERATION_TERMS, PresenceCheck, Requirement

ONLINE_CHANNEL = Requirement(
    name="行政复议网上申请渠道",
    phrases=(RECONSIDERATION,),
    advice="请在网上提供行政复议网上申请（在线申请或链接到行政复议工作平台）的入口，并说明办理方式",
    context=("网上申请|在线申请|网上提交|在线提交|网上办理|在线办理|网上受理|复议平台|工作平台|网上复议|在线复议|网上立案",),
)


@register
class OnlineReconsideration(PresenceCheck):
    """行政复议网上办理与受理范围、条件、程序"""

    indicator = "83"
    slug = "online-reconsideration"
    requirements = (ONLINE_CHANNEL, RECONSIDERATION_TERMS)
