"""第95项：年度依法行政考核情况通报、法治政府建设检查考评（督察）的通知、通报等在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

ASSESSMENT = Requirement(
    name="依法行政考核通报或法治政府建设考评、督察材料",
    phrases=(
        Phrase("考核", ("考评", "督察", "督查", "检查", "测评", "评估", "述法"), requires=("依法行政|法治政府|法治建设",),
               excludes=("征求意见",)),
    ),
    advice="请公开年度依法行政考核情况通报，以及开展法治政府建设检查考评、督察的通知、通报等材料",
    # a 督察 visit is reported as news; the assessor accepts such information
    allow_news=True,
)


@register
class RuleOfLawAssessment(PresenceCheck):
    """依法行政考核与法治政府建设考评督察"""

    indicator = "95"
    slug = "rule-of-law-assessment"
    requirements = (ASSESSMENT,)
