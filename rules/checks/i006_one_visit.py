"""第6项：“一网、一门、一次”改革文件及县100个高频事项“最多跑一次”清单在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

ONE_VISIT_WORDS = ("最多跑一次", "一次办妥", "一次办好", "一次办成", "跑一次", "一次办", "零跑腿")

ONE_NET_DOOR_VISIT = Requirement(
    name="推行“一网、一门、一次”的文件",
    phrases=(
        Phrase("一网通办", ("一网一门一次", "一网、一门、一次", "一网通", "一门式", "一窗受理", "一窗通办", "不见面审批") + ONE_VISIT_WORDS),
    ),
    advice="请公开本县政务服务“一网、一门、一次”改革（一网通办、一门办理、最多跑一次）的文件材料",
)
HIGH_FREQUENCY_LIST = Requirement(
    name="高频事项“最多跑一次”清单",
    phrases=(Phrase("最多跑一次", ONE_VISIT_WORDS[1:], requires=("事项", "清单|目录|事项表|一览表")),),
    advice="请公开县100个高频事项实现“最多跑一次”的事项清单",
)


@register
class OneVisit(PresenceCheck):
    """一网、一门、一次与高频事项“最多跑一次”清单"""

    indicator = "6"
    slug = "one-visit"
    requirements = (ONE_NET_DOOR_VISIT, HIGH_FREQUENCY_LIST)
