"""第3项：清理行政审批中介服务的文件，保留的中介服务事项清单（办理时限、工作流程、申报条件、收费标准）在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Problem, Requirement, missing_words
from rules.matching import Phrase

CLEAN_UP = Requirement(
    name="清理行政审批中介服务的文件",
    phrases=(Phrase("中介服务", requires=("清理|规范|取消|整治|清除",)),),
    advice="请公开本县全面清理行政审批中介服务的文件",
)
RETAINED_LIST = Requirement(
    name="保留的行政审批中介服务事项清单",
    phrases=(Phrase("中介服务", requires=("清单|目录|事项表|一览表",)),),
    advice="请公开保留的行政审批中介服务事项清单，写明办理时限、工作流程、申报条件和收费标准",
)
LIST_FIELDS = (("办理时限", "时限|期限|办理时间|服务时间"), ("工作流程", "流程|程序"), ("申报条件", "条件|要件"), ("收费标准", "收费"))


@register
class IntermediaryServices(PresenceCheck):
    """清理行政审批中介服务与保留事项清单"""

    indicator = "3"
    slug = "intermediary-services"
    requirements = (CLEAN_UP, RETAINED_LIST)

    def problems(self, corpus, found):
        lists = found[RETAINED_LIST.name]
        lacking = min((missing_words(corpus.content(hit.doc), LIST_FIELDS), index) for index, hit in enumerate(lists))
        if lacking[0]:
            missing = "、".join(lacking[0])
            yield Problem("warn", f"保留的中介服务事项清单未列明{missing}，请补充后公开", (lists[lacking[1]].evidence(RETAINED_LIST.name, f"缺少：{missing}"),))
