"""第16项：加强政务诚信建设的文件在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

GOVERNMENT_INTEGRITY = Requirement(
    name="加强政务诚信建设的文件",
    phrases=(Phrase("政务诚信", ("政府诚信", "政府守信")),),
    advice="请公开本县加强政务诚信建设的文件（如实施方案、政务失信治理制度）",
)


@register
class GovernmentIntegrity(PresenceCheck):
    """政务诚信建设文件"""

    indicator = "16"
    slug = "government-integrity"
    requirements = (GOVERNMENT_INTEGRITY,)
