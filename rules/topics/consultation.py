"""征求意见 (23, 34): consultation notices, the drafts they are on, their windows and outcomes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from parsing.dates import parse_window
from rules.base import CheckContext, Doc
from rules.corpus import Corpus
from rules.matching import Phrase, match_title, normalise_title
from rules.topics.major_decisions import mentions_major_decision
from rules.unit_checks import iso, looks_like_list
from rules.workdays import WorkCalendar

# a report on how comments were taken up is the consultation's outcome, not a notice
OUTCOME_WORDS = ("采纳情况", "意见采纳", "反馈", "征求意见情况", "意见汇总", "意见的说明", "意见情况的说明", "处理情况")
COMMENT_NOTICE = (
    Phrase(
        "征求意见",
        variants=("意见征集", "征集意见", "征求意见稿", "公开征求", "征求社会公众意见", "征求公众意见"),
        excludes=OUTCOME_WORDS,
    ),
)
OUTCOME = (Phrase("意见采纳情况", variants=OUTCOME_WORDS, requires=("意见|征求|征集",)),)
_DRAFT_IN_BOOK_TITLE = re.compile(r"《([^《》]+)》")
_DRAFT_MARK = re.compile(r"[(（]?(?:征求意见稿|草案|送审稿|修订稿|试行)[)）]?")
_NOTICE_WORDS = re.compile(r"^(?:关于)?(?:对|就)?|(?:公开)?(?:征求|征集).*$|的?(?:意见|公告|通知)$")
DRAFT_SIMILARITY = 85.0


# what a draft put to the public is called when the title names no 《…》 or 征求意见稿
DRAFT_KINDS = re.compile(
    r"(?:办法|规定|细则|规则|意见|措施|决定|通告|通知|标准|方案|规划|计划|纲要|条例|目录|清单|制度|政策|指南|公约|导则|规范|名录|区划|文件|事项|决策)$"
)
# a campaign or event that collects ideas (意见征集活动即日启动, 金点子征集行动) is news, not a draft put to the public
_CAMPAIGN = re.compile(r"活动|启动|行动|大赛|评选|有奖|金点子|问卷|调查")
# what a notice tells the public: when or how to send comments (a news report on a consultation does not)
_ASKS_FOR_COMMENTS = re.compile(
    r"(?:征求意见|意见征集|征集意见|公示|反馈)(?:的)?(?:时间|期|期限|截止)|截[止至]|即日起|之日起|前反馈|前报|前提出|前将|"
    r"提出(?:宝贵|修改)?(?:的)?(?:意见|建议)|反馈(?:意见|至|到)|意见(?:和|或)?建议(?:请|可)|电子(?:邮件|邮箱)|邮箱|信函|传真|联系电话|联系人"
)


def is_comment_notice(doc: Doc) -> bool:
    """A page consulting the public on a named draft that tells the public how or until when
    to comment; the column page (意见征集) names no draft, a campaign collecting ideas is
    news, and a request to government bodies is no public consultation."""
    if doc.kind != "page" or looks_like_list(doc) or not names_draft(doc.title) or _CAMPAIGN.search(doc.title):
        return False
    if match_title(doc.title, COMMENT_NOTICE) is None or is_internal_request(doc):
        return False
    return asks_for_comments(doc)


def names_draft(title: str) -> bool:
    """The title names what is put to the public: 《…》, a 征求意见稿/草案, or a document by its kind."""
    name = draft_name(title)
    return bool(name) and bool(_DRAFT_IN_BOOK_TITLE.search(title) or _DRAFT_MARK.search(title) or DRAFT_KINDS.search(name))


def asks_for_comments(doc: Doc) -> bool:
    """The text says when or how to comment; a document known by its title alone is taken at its title."""
    return not doc.text.strip() or bool(_ASKS_FOR_COMMENTS.search(notice_text(doc)))


def comment_notices(corpus: Corpus) -> list[Doc]:
    """The run's consultation notices (is_comment_notice), in run order."""
    return [doc for doc, _ in corpus.titled(COMMENT_NOTICE) if is_comment_notice(doc)]


# a draft pasted below the notice starts at its attachment heading (附件 / 附件1 / 附件：《…》)
_ATTACHED_PART = re.compile(r"^[ \t]*附[ \t]*件[ \t]*(?:\d+|[一二三四五六七八九十]+)?[ \t]*(?:[:：]|$)", re.M)
# a salutation opening the text: 各乡（镇）、街道办事处、县直各单位：
_SALUTATION = re.compile(r"^\s*(各[^：:\n。]{1,80})[：:]")
_GOVERNMENT_BODIES = re.compile(r"单位|部门|局|委|办|乡|镇|街道|政府|机关")
_PUBLIC = re.compile(r"社会|公众|各界|群众|市民|公民|居民|企业|网民|人民团体")


def notice_text(doc: Doc) -> str:
    """The notice's own words, without a draft or other attachment pasted below it:
    what the draft says about its subject is not what the notice says about itself."""
    found = _ATTACHED_PART.search(doc.text)
    return doc.text[: found.start()] if found else doc.text


def is_internal_request(doc: Doc) -> bool:
    """Addressed to government bodies only (各乡镇、县直各单位：), asking no member of the public."""
    salutation = _SALUTATION.match(doc.text)
    if salutation is None or not _GOVERNMENT_BODIES.search(salutation.group(1)):
        return False
    return not _PUBLIC.search(doc.title) and not _PUBLIC.search(notice_text(doc))


def is_major_decision_notice(doc: Doc, ctx: CheckContext) -> bool:
    """A 重大行政决策 consultation (34): the notice says so, or names a decision the county listed."""
    if mentions_major_decision(doc.title) or mentions_major_decision(notice_text(doc)):
        return True
    title = normalise_title(doc.title)
    return any(normalise_title(decision) in title for decision in ctx.config.major_decisions if decision.strip())


def draft_name(title: str) -> str:
    """The draft a notice or outcome report is about: 《…》 in the title, else the
    title without the consultation words (关于…公开征求意见的公告)."""
    inside = _DRAFT_IN_BOOK_TITLE.findall(title)
    name = max(inside, key=len) if inside else _NOTICE_WORDS.sub("", _DRAFT_MARK.sub("", title))
    name = "".join(_DRAFT_MARK.sub("", name).split())
    return name if name.strip("意见建议") else ""


def outcome_reports(corpus: Corpus) -> list[Doc]:
    """Documents reporting how comments were taken up (意见采纳情况, 反馈)."""
    return [doc for doc, _ in corpus.titled(OUTCOME)]


def outcome_for(notice: Doc, outcomes: Iterable[Doc]) -> Doc | None:
    """The outcome report among `outcomes` on the same draft as the notice."""
    name = draft_name(notice.title)
    if not name:
        return None
    for doc in outcomes:
        if doc.url != notice.url and fuzz.partial_ratio(name, draft_name(doc.title) or doc.title) >= DRAFT_SIMILARITY:
            return doc
    return None


@dataclass(frozen=True)
class CommentWindow:
    start: dt.date
    end: dt.date
    raw: str

    @property
    def calendar_days(self) -> int:
        """Both the first and the last day counted (1–30 April is 30 days)."""
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        return f"征求意见期 {iso(self.start)} 至 {iso(self.end)}"


def comment_window(doc: Doc, published: dt.date | None, calendar: WorkCalendar) -> CommentWindow | str:
    """The window, or why it cannot be read: a deadline alone, or a window opening 自即日起,
    runs from the published date; a stated length (征求意见期为30天，自…起) ends where it says.
    Raises CalendarGap when a length in working days runs through a year the calendar lacks."""
    window = parse_window(notice_text(doc), published)
    if window is None:
        return "未能读出征求意见期限"
    start = window.start or published
    if start is None:
        closing = f"截止日期 {iso(window.end)}" if window.end else f"期限 {window.days} 天"
        return f"只写明{closing}，且无法确定发布日期"
    if window.end is not None:
        return CommentWindow(start, window.end, window.raw)
    if window.working:
        return CommentWindow(start, calendar.nth_working_day(start, window.days), window.raw)
    return CommentWindow(start, start + dt.timedelta(days=window.days - 1), window.raw)
