"""第33项：重大行政决策事项、依据、结果在网上公开，社会关注度高的决策进行解读。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.topics.major_decisions import MAJOR_DECISION_WORDS
from rules.matching import Phrase

DECISIONS = Requirement(
    name="重大行政决策事项、依据或结果",
    phrases=(
        Phrase(MAJOR_DECISION_WORDS[0], MAJOR_DECISION_WORDS[1:],
               # the procedure rules are 31's county part, not a published decision
               excludes=("程序规定", "程序规则", "实施细则", "管理办法", "暂行办法", "工作规则", "制度")),
    ),
    advice="请公开县政府及各部门重大行政决策的事项、依据和结果（如决策事项目录、决策结果公告）",
)
INTERPRETATION = Requirement(
    name="政策解读",
    phrases=(Phrase("解读", ("图解", "一图读懂", "答记者问", "政策问答")),),
    advice="请对社会关注度高的决策事项发布政策解读（文字、图解或问答）",
)


@register
class MajorDecisionPublicity(PresenceCheck):
    """重大行政决策事项、依据、结果公开与政策解读"""

    indicator = "33"
    slug = "major-decision-publicity"
    requirements = (DECISIONS, INTERPRETATION)
