"""第75项：对新闻媒体曝光的违法行政问题，网上能查询到调查核实、依法处理和反馈情况。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

EXPOSURE_RESPONSE = Requirement(
    name="对媒体曝光问题（舆情）的调查处理、回应情况",
    phrases=(
        Phrase("回应", ("回复", "情况说明", "情况通报", "调查处理", "处理结果", "处理情况", "核查情况", "调查情况", "整改情况", "整改落实"),
               requires=("曝光|舆情|网传|媒体|网民|网友|报道|反映的",), excludes=("办法", "制度", "预案", "培训")),
    ),
    advice="对新闻媒体曝光、网络舆情反映的违法行政问题，请在网上公开调查核实、依法处理和反馈的情况",
)


@register
class MediaExposureResponse(PresenceCheck):
    """媒体曝光问题的调查处理与回应"""

    indicator = "75"
    slug = "media-exposure-response"
    requirements = (EXPOSURE_RESPONSE,)
