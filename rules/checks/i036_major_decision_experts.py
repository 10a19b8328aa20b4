"""第36项：专业性、技术性较强的重大行政决策组织专家、专业机构论证的材料在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import EXPERT_PHRASES, PresenceCheck, Requirement, about_major_decision

EXPERT_REVIEW = Requirement(
    name="重大行政决策专家论证材料",
    phrases=EXPERT_PHRASES,
    advice="请公开专业性、技术性较强的重大行政决策组织专家、专业机构论证必要性、可行性、科学性的材料",
    allow_news=True,
    accept=about_major_decision,
    accept_failure="找到的专家论证材料未表明涉及重大行政决策",
)


@register
class MajorDecisionExperts(PresenceCheck):
    """重大行政决策专家论证材料"""

    indicator = "36"
    slug = "major-decision-experts"
    requirements = (EXPERT_REVIEW,)
