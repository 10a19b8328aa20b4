"""减分项1：网上不应有违法行政、行政不作为、乱作为被通报、曝光、问责的信息（负面线索，需人工核实）。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import NegativeHitCheck
from rules.matching import Phrase

MISCONDUCT = ("不作为", "乱作为", "慢作为", "违法行政", "行政违法", "懒政", "怠政", "为官不为", "庸政")
EXPOSURE = ("通报", "曝光", "问责", "追责", "处分", "查处", "处理", "典型案例", "典型问题", "整改")

EVENTS = (
    Phrase("不作为", MISCONDUCT[1:], requires=("|".join(EXPOSURE),), excludes=("征求意见",)),
)


@register
class NegativeHits(NegativeHitCheck):
    """违法行政、不作为、乱作为被通报曝光问责的负面信息"""

    indicator = "D1"
    slug = "negative-hits"
    events = EVENTS
    trigger_words = MISCONDUCT
    what = "违法行政、行政不作为或乱作为被通报、曝光、问责"
