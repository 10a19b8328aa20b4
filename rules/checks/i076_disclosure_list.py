"""第76项：政务公开清单（标准目录）管理制度在网上公开，并动态更新。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement, stale_problem
from rules.matching import Phrase

DISCLOSURE_LIST = Requirement(
    name="政务公开清单（标准目录）",
    phrases=(
        Phrase("政务公开", ("主动公开基本目录", "主动公开目录", "公开事项清单", "公开标准目录", "政务公开事项", "公开事项标准目录"),
               requires=("清单|目录|标准",), excludes=("年度报告", "工作要点", "工作总结")),
    ),
    advice="请公开本县政务公开事项清单或标准目录（及清单管理制度），并随事项变化动态更新",
)


@register
class DisclosureList(PresenceCheck):
    """政务公开清单（标准目录），12个月内更新"""

    indicator = "76"
    slug = "disclosure-list"
    requirements = (DISCLOSURE_LIST,)

    def problems(self, corpus, found):
        stale = stale_problem(found[DISCLOSURE_LIST.name], corpus.ctx.as_of, 12, DISCLOSURE_LIST.name)
        if stale:
            yield stale
