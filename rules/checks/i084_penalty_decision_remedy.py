"""第84项（决定书）：公开的行政处罚决定书告知当事人申请行政复议的权利"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.base import CheckContext, Doc, register
from rules.corpus import Corpus
from rules.matching import Phrase, match_title
from rules.topics.enforcement import PENALTY_NUMBER_MARKS, table_decisions
from rules.unit_checks import ItemVerdict, ItemWords, PerItemCheck, is_column_title, looks_like_list

PHRASES = (
    Phrase(
        "行政处罚决定书",
        variants=("处罚决定书", "行政处罚决定", *PENALTY_NUMBER_MARKS),
        # summaries (双公示, 信息公示), forms and rules, and 复议 decisions are not the 决定书
        excludes=(
            "复议", "双公示", "信息公示", "处罚信息", "汇总", "一览", "统计", "告知书", "听证", "裁量",
            "清单", "目录", "制度", "办法", "规定", "解读",
        ),
    ),
)
# the narrative of a decision, which a summary row or field list lacks
DECISION_NARRATIVE = re.compile(
    r"决定如下|如下处罚|如下决定|作出如下|决定[:：]|决定对|决定给予|予以.{0,10}处罚|处以|责令|违反了?.{0,40}规定"
)
PARTY = re.compile(r"当事人|被处罚人|被处罚单位")
# a notice announcing a decision (现将…作出的行政处罚决定公告如下) summarises it for the public;
# it is the 决定书 only when it is titled so or carries the 决定书's number (…罚〔2021〕12号)
ANNOUNCEMENT = re.compile(r"(?:决定|结果|情况)[^。；]{0,8}(?:公告|公示|公布)如下|现(?:予|将)[^。；]{0,40}(?:公告|公示)(?:如下)?[。：:]")
DECISION_NUMBER = re.compile(r"罚[^〔\[［(（\s]{0,4}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\s*\d+\s*号")
RECONSIDERATION = re.compile(r"(?:申请|提起|提出)\s*(?:行政)?\s*复\s*议|复议\s*申请")
LITIGATION = re.compile(r"(?:提起|提出)\s*(?:行政)?\s*诉\s*讼|向人民法院起诉")
WORDS = ItemWords(noun="行政处罚决定书", bad="未告知申请行政复议的权利", good="已告知复议权利")


@register
class PenaltyDecisionRemedy(PerItemCheck):
    """第84项（决定书）：行政处罚决定书告知申请行政复议（及行政诉讼）的权利"""

    indicator = "84"
    slug = "penalty-decision-remedy"
    remedy = "公开的行政处罚决定书须告知当事人申请行政复议和提起行政诉讼的途径和期限。"
    words = WORDS

    def verdicts(self, ctx: CheckContext, corpus: Corpus) -> Iterator[ItemVerdict]:
        items = [doc for doc, _ in corpus.titled(PHRASES) if _is_decision_document(doc, corpus)]
        return (_verdict(corpus, doc) for doc in items if not _parent_is_item(doc, corpus))


def _is_decision_document(doc: Doc, corpus: Corpus) -> bool:
    match = match_title(doc.title, PHRASES)
    if match is None or looks_like_list(doc) or table_decisions(doc, doc.title):
        return False
    text = _full_text(doc, corpus)
    if not text:
        return not is_column_title(doc.title, match)
    if ANNOUNCEMENT.search(text) and "决定书" not in doc.title and not DECISION_NUMBER.search(doc.title + text):
        return False
    return bool(PARTY.search(text) and DECISION_NARRATIVE.search(text))


def _parent_is_item(doc: Doc, corpus: Corpus) -> bool:
    parent = corpus.parent_of(doc)
    return doc.kind == "attachment" and parent is not None and _is_decision_document(parent, corpus)


def _full_text(doc: Doc, corpus: Corpus) -> str:
    """A notice page's text with its attachments' (the 决定书 is often a PDF)."""
    texts = [doc.text, *(attachment.text for attachment in corpus.attachments_of(doc))]
    return "".join("".join(texts).split())


def _verdict(corpus: Corpus, doc: Doc) -> ItemVerdict:
    unit = corpus.owner(doc)
    text = _full_text(doc, corpus)
    if not text:
        return ItemVerdict(unit, "warn", doc, "未能读取决定书正文（如扫描件），请人工查看是否告知复议权利")
    if not RECONSIDERATION.search(text):
        return ItemVerdict(unit, "fail", doc, "决定书未告知当事人申请行政复议的权利")
    litigation = "" if LITIGATION.search(text) else "；未见提起行政诉讼的告知"
    return ItemVerdict(unit, "pass", doc, f"已告知申请行政复议的权利{litigation}")
