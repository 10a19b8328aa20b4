"""第5项：“证照分离”“多证合一”文件及企业开办时限不超过5个工作日的承诺在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Problem, Requirement, committed_days, sentences_with
from rules.matching import Phrase

MAX_STARTUP_DAYS = 5
STARTUP_WORDS = ("企业开办", "开办企业", "企业设立", "设立企业")

SEPARATION = Requirement(
    name="“证照分离”改革文件",
    phrases=(Phrase("证照分离"),),
    advice="请公开本县全面推行“证照分离”改革的文件",
)
MERGED_LICENCES = Requirement(
    name="“多证合一”改革文件",
    phrases=(Phrase("多证合一", ("证合一", "证整合")),),
    advice="请公开本县推行“多证合一”改革的文件",
)
STARTUP_COMMITMENT = Requirement(
    name="企业开办时限承诺文件",
    phrases=(Phrase("企业开办", STARTUP_WORDS[1:]),),
    advice=f"请公开承诺企业开办时限不超过{MAX_STARTUP_DAYS}个工作日的制度或文件",
)


@register
class BusinessStartup(PresenceCheck):
    """证照分离、多证合一与企业开办时限承诺（≤5个工作日）"""

    indicator = "5"
    slug = "business-startup"
    requirements = (SEPARATION, MERGED_LICENCES, STARTUP_COMMITMENT)

    def problems(self, corpus, found):
        for hit in found[STARTUP_COMMITMENT.name]:
            stated = _commitment(corpus.content(hit.doc))
            if stated is None:
                continue
            days, words = stated
            if days > MAX_STARTUP_DAYS:
                yield Problem("fail", f"承诺的企业开办时间为{words}，超过{MAX_STARTUP_DAYS}个工作日，请压缩至{MAX_STARTUP_DAYS}个工作日以内并公开承诺", (hit.evidence(STARTUP_COMMITMENT.name, f"承诺时限：{words}"),))
            return
        yield Problem("warn", f"企业开办相关文件中未能读出承诺的办理时限，请人工确认是否承诺不超过{MAX_STARTUP_DAYS}个工作日")


def _commitment(text: str) -> tuple[float, str] | None:
    """The shortest time the document commits to for starting a business."""
    stated = [days for sentence in sentences_with(text, STARTUP_WORDS) if (days := committed_days(sentence))]
    return min(stated) if stated else None
