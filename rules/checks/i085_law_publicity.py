"""第85项：法治宣传教育活动、12·4国家宪法日（宪法宣传周）活动、宪法宣誓、青少年法治教育信息在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement, within_months
from rules.matching import Phrase

CONSTITUTION_DAY_MONTHS = 12

LAW_PUBLICITY = Requirement(
    name="法治宣传教育活动信息",
    phrases=(Phrase("法治宣传", ("普法", "法制宣传", "法律进", "法治进", "送法", "以案释法", "法治讲座", "法治文化")),),
    advice="请在网上发布开展形式多样的法治宣传教育活动的信息",
    allow_news=True,
)
CONSTITUTION_DAY = Requirement(
    name=f"最近{CONSTITUTION_DAY_MONTHS}个月内的“12·4”国家宪法日（宪法宣传周）活动信息",
    phrases=(Phrase("宪法宣传周", ("宪法日", "宪法宣传", "宪法周", "12·4", "12.4", "一二·四")),),
    advice="请在网上发布开展“12·4”国家宪法日、宪法宣传周集中宣传活动的信息",
    allow_news=True,
    accept=within_months(CONSTITUTION_DAY_MONTHS),
    accept_failure=f"最近一次早于{CONSTITUTION_DAY_MONTHS}个月",
)
CONSTITUTION_OATH = Requirement(
    name="国家工作人员宪法宣誓信息",
    phrases=(Phrase("宪法宣誓", ("宣誓",), requires=("宪法",)),),
    advice="请在网上发布国家工作人员进行宪法宣誓的信息",
    allow_news=True,
)
YOUTH_EDUCATION = Requirement(
    name="青少年法治宣传教育信息",
    phrases=(
        Phrase("青少年", ("学生", "校园", "中小学", "学校", "未成年人", "少年", "法治副校长"),
               requires=("法治|普法|法制|法律|宪法|以案释法",)),
    ),
    advice="请在网上发布加强青少年法治宣传教育的信息（如法治进校园、法治副校长授课）",
    allow_news=True,
)


@register
class LawPublicity(PresenceCheck):
    """法治宣传、宪法日活动、宪法宣誓与青少年法治教育"""

    indicator = "85"
    slug = "law-publicity"
    requirements = (LAW_PUBLICITY, CONSTITUTION_DAY, CONSTITUTION_OATH, YOUTH_EDUCATION)
