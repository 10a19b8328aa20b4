"""第27项：网上不应有行政规范性文件被通报、责令改正、撤销或被认定不合法的信息（负面线索，需人工核实）。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import NegativeHitCheck
from rules.matching import Phrase

_EVENTS = ("通报", "责令改正", "责令纠正", "予以纠正", "撤销", "确认违法", "认定违法", "不合法", "违法无效", "未按程序", "超越职权", "超越法定职权")
# a 办法/规定 is a normative document whether or not its title says so;
# 通报 is left out for it: many notices merely circulate a 办法
_RULE_EVENTS = tuple(event for event in _EVENTS if event not in ("通报", "未按程序"))

EVENTS = (
    Phrase("规范性文件", _EVENTS, requires=("规范性文件|红头文件", "|".join(_EVENTS)), excludes=("征求意见",)),
    Phrase("办法", ("规定", "实施意见", "实施细则"), requires=("|".join(_RULE_EVENTS),), excludes=("征求意见", "行政许可", "行政处罚")),
)


@register
class NormativeDocNegative(NegativeHitCheck):
    """规范性文件被通报、责令改正、撤销或认定不合法的负面信息"""

    indicator = "27"
    slug = "normative-doc-negative"
    events = EVENTS
    trigger_words = _EVENTS
    what = "行政规范性文件被通报、责令改正、撤销或认定不合法"
