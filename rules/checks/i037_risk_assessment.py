"""第37项：重大政策、重大项目等决策事项开展社会稳定、公共安全、环境、经济等风险评估的情况在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

RISK_ASSESSMENT = Requirement(
    name="重大决策风险评估情况",
    phrases=(
        Phrase("社会稳定风险评估", ("稳定风险评估", "社会风险评估", "稳评")),
        Phrase("风险评估", requires=("决策|项目|政策|规划|方案|工程",),
               # routine hazard assessments are not a decision's risk assessment
               excludes=("食品", "地质灾害", "安全生产", "洪涝", "疫情", "传染病", "农产品")),
    ),
    advice="请公开重大政策、重大项目等决策事项开展社会稳定、公共安全、环境和经济等方面风险评估的情况（评估公示、评估报告）",
    allow_news=True,
)


@register
class RiskAssessment(PresenceCheck):
    """重大决策风险评估情况"""

    indicator = "37"
    slug = "risk-assessment"
    requirements = (RISK_ASSESSMENT,)
