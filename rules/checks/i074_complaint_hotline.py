"""第74项：统一政务咨询投诉举报平台（12345热线）文件及投诉举报登记制度在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

HOTLINE = Requirement(
    name="统一政务咨询投诉举报平台（12345热线）的文件",
    phrases=(
        Phrase("12345", ("政务服务便民热线", "便民服务热线", "市长热线", "县长热线", "政务热线", "热线整合", "投诉举报平台", "咨询投诉平台", "政务咨询投诉举报")),
    ),
    advice="请公开整合政务热线、建立统一政务咨询投诉举报平台（12345热线）的文件和制度",
)
COMPLAINT_REGISTRATION = Requirement(
    name="投诉举报登记制度",
    phrases=(
        Phrase("投诉举报", ("举报投诉", "投诉处理", "举报处理", "举报受理"), requires=("登记|受理|处理|办理|行政执法|违法行政|行政机关", "制度|办法|规定|规则|细则|工作机制")),
    ),
    advice="请公开行政机关违法行政行为投诉举报登记制度",
)


@register
class ComplaintHotline(PresenceCheck):
    """12345热线统一平台与投诉举报登记制度"""

    indicator = "74"
    slug = "complaint-hotline"
    requirements = (HOTLINE, COMPLAINT_REGISTRATION)
