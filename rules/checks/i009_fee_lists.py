"""第9项：行政事业性收费和政府性基金目录清单及清理整顿事业单位、行业协会商会收费的文件在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

LIST_WORDS = "目录|清单|一览表"

ADMINISTRATIVE_FEES = Requirement(
    name="行政事业性收费目录清单",
    phrases=(Phrase("行政事业性收费", requires=(LIST_WORDS,)),),
    advice="请在政府信息公开栏目公开本县行政事业性收费目录清单（一般收费目录不能代替）",
)
GOVERNMENT_FUNDS = Requirement(
    name="政府性基金目录清单",
    phrases=(Phrase("政府性基金", requires=(LIST_WORDS,)),),
    advice="请公开本县政府性基金目录清单（可与行政事业性收费目录清单合并公开）",
)
FEE_CLEAN_UP = Requirement(
    name="清理整顿事业单位、行业协会商会收费的文件",
    phrases=(
        Phrase("清理", ("整顿", "整治", "治理", "规范"), requires=("收费", "事业单位|行业协会|商会|协会|中介")),
    ),
    advice="请公开清理整顿部门下属事业单位、行业协会商会收费的文件",
)


@register
class FeeLists(PresenceCheck):
    """行政事业性收费、政府性基金目录清单与收费清理整顿文件"""

    indicator = "9"
    slug = "fee-lists"
    requirements = (ADMINISTRATIVE_FEES, GOVERNMENT_FUNDS, FEE_CLEAN_UP)
