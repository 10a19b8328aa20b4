"""第1项：行政审批事项清单（编码化、动态调整）及压缩办理时限的文件在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Problem, Requirement, missing_words, stale_problem
from rules.matching import Phrase

APPROVAL_LIST = Requirement(
    name="行政审批事项清单",
    phrases=(
        Phrase("行政审批事项清单", ("行政审批事项目录", "行政审批事项目录清单", "行政许可事项清单", "行政许可事项目录", "审批事项清单", "行政审批项目目录", "行政审批项目清单")),
    ),
    advice="请在政府信息公开栏目公开本级政府全部行政审批（行政许可）事项清单，列明事项编码，并随事项调整动态更新",
)
TIME_CUTS = Requirement(
    name="压缩行政审批办理时限的文件",
    phrases=(
        # the words scatter: 压缩行政审批事项办理时限, 承诺办理时限再压缩50%
        Phrase("压缩", ("缩短", "提速", "承诺"), requires=("时限|时间|时长", "审批|许可|办理|政务服务|办事")),
    ),
    advice="请公开压缩行政审批事项办理时限的文件或制度（如承诺时限、提速方案）",
)
CODE_WORDS = (("事项编码", "编码|编号|事项代码|基本编码|实施编码"),)


@register
class ApprovalList(PresenceCheck):
    """行政审批事项清单（编码、动态调整）与压缩办理时限文件"""

    indicator = "1"
    slug = "approval-list"
    requirements = (APPROVAL_LIST, TIME_CUTS)

    def problems(self, corpus, found):
        lists = found[APPROVAL_LIST.name]
        if all(missing_words(corpus.content(hit.doc), CODE_WORDS) for hit in lists):
            yield Problem("warn", "行政审批事项清单未显示事项编码，未体现编码化管理，请在清单中列明每项事项的编码", (lists[0].evidence(APPROVAL_LIST.name, "清单中未见“编码”列"),))
        stale = stale_problem(lists, corpus.ctx.as_of, 12, APPROVAL_LIST.name)
        if stale:
            yield stale
