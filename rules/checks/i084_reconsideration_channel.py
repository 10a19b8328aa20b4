"""第84项（县级部分）：行政复议接待场所地址、受理范围条件程序、申请书格式样本和行政复议决定书在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import RECONSIDERATION, RECONSIDERATION_TERMS, PresenceCheck, Requirement
from rules.matching import Phrase

RECEPTION_ADDRESS = Requirement(
    name="行政复议接待场所地址",
    phrases=(RECONSIDERATION,),
    advice="请公开行政复议接待场所（受理窗口）的地址、时间和联系电话",
    context=("地址|地点|接待场所|接待窗口|受理窗口",),
)
APPLICATION_TEMPLATE = Requirement(
    name="行政复议申请书格式样本",
    phrases=(Phrase("行政复议申请书", ("复议申请书",), excludes=("决定书",)),),
    advice="请提供行政复议申请书格式样本（范本）下载",
)
DECISIONS = Requirement(
    name="行政复议决定书",
    phrases=(Phrase("行政复议决定书", ("复议决定书", "行政复议决定")),),
    advice="请落实行政复议决定书网上公开制度，公开已作出的行政复议决定书",
)


@register
class ReconsiderationChannel(PresenceCheck):
    """行政复议接待地址、受理事项、申请书样本与决定书公开"""

    indicator = "84"
    slug = "reconsideration-channel"
    requirements = (RECEPTION_ADDRESS, RECONSIDERATION_TERMS, APPLICATION_TEMPLATE, DECISIONS)
