"""第77项：政府新闻发言人制度、突发事件信息发布制度及新闻发布会信息在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

RULES_WORDS = "制度|办法|规定|规范|实施意见|实施方案|机制|通知|名单"

SPOKESPERSON = Requirement(
    name="政府新闻发言人制度",
    phrases=(Phrase("新闻发言人", requires=(RULES_WORDS,)),),
    advice="请公开本县政府新闻发言人制度文件（含新闻发言人名单）",
)
EMERGENCY_RELEASE = Requirement(
    name="突发事件信息发布制度",
    phrases=(Phrase("信息发布", ("信息报告和发布", "信息报送和发布", "舆情回应"), requires=("突发|应急", RULES_WORDS + "|预案")),),
    advice="请公开突发事件信息发布的制度文件",
)
PRESS_CONFERENCE = Requirement(
    name="新闻发布会信息",
    phrases=(Phrase("新闻发布会", ("发布会", "新闻通气会")),),
    advice="请在网上公开举行新闻发布会、发布权威信息的情况",
    allow_news=True,
)


@register
class PressRelease(PresenceCheck):
    """新闻发言人、突发事件信息发布制度与新闻发布会"""

    indicator = "77"
    slug = "press-release"
    requirements = (SPOKESPERSON, EMERGENCY_RELEASE, PRESS_CONFERENCE)
