"""第8项：落实并严格执行（市场准入）负面清单制度的文件在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

NEGATIVE_LIST = Requirement(
    name="落实市场准入负面清单制度的文件",
    phrases=(Phrase("市场准入负面清单", ("负面清单",)),),
    advice="请公开本县全面落实市场准入负面清单制度的文件（如转发、实施方案、落实通知）",
)


@register
class NegativeList(PresenceCheck):
    """落实市场准入负面清单制度"""

    indicator = "8"
    slug = "negative-list"
    requirements = (NEGATIVE_LIST,)
