"""第35项：重大行政决策听取企业、行业协会商会、群众代表等意见的情况及重大民生决策民意调查材料在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement, about_major_decision
from rules.matching import Phrase

HEARING_OPINIONS = Requirement(
    name="重大行政决策听取企业、行业协会商会、群众意见的材料",
    phrases=(Phrase("征求意见", ("意见征集", "征集意见", "听取意见", "听证会", "听证", "座谈会", "意见建议")),),
    advice="请公开重大行政决策听取企业、行业协会商会、人民团体、社会组织、群众代表意见的情况（征求意见公告、听证会、座谈会、意见采纳情况）",
    # a 听证会 or 座谈会 is news by nature
    allow_news=True,
    accept=about_major_decision,
    accept_failure="找到的征求意见材料未表明涉及重大行政决策",
)
OPINION_POLL = Requirement(
    name="重大民生决策民意调查材料",
    phrases=(Phrase("民意调查", ("民意调研", "问卷调查", "调查问卷", "满意度调查", "民调", "民意测评", "民意征集")),),
    advice="请公开文化教育、医疗卫生、食品安全、生态环境保护、公用事业等重大民生决策事项的民意调查材料",
    allow_news=True,
)


@register
class MajorDecisionOpinions(PresenceCheck):
    """重大行政决策听取意见与民意调查"""

    indicator = "35"
    slug = "major-decision-opinions"
    requirements = (HEARING_OPINIONS, OPINION_POLL)
