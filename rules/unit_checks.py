"""What the per-unit and per-item checks (CHECKS.md A, C) share.

Which documents a unit holds, a document's published date, yearly reports with a
deadline, and per-item verdicts folded into one finding per unit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from rules.base import Check, CheckContext, Doc, Evidence, Result, worst
from rules.dates import last_date, parse_date, parse_window
from rules.corpus import Corpus
from rules.matching import Match, Phrase, find_years, match_title, normalise_title

def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "日期不明"


def cn_date(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


# ---- yearly reports with a deadline (51, 93, 31) ----------------------------


@dataclass(frozen=True)
class YearlyItem:
    """One report or catalogue a unit must publish for `year` by `due`."""

    name: str  # 法治政府建设情况报告
    year: int
    due: dt.date
    late_fails: bool = True  # 31's catalogue: any publication for the year counts


def covered_year(doc: Doc) -> int | None:
    """The year a report or catalogue is for: the first year its title names
    (…2020年工作总结和2021年工作计划 reports on 2020)."""
    years = find_years(doc.title)
    return years[0] if years else None


def judge_yearly(
    check: Check,
    ctx: CheckContext,
    unit: str,
    candidates: Sequence[Doc],
    item: YearlyItem,
    corpus: Corpus,
    year_of: Callable[[Doc], int | None] = covered_year,
) -> Result:
    """Present for the year and on time (CHECKS.md A: 93, 51, 31)."""
    reports = [doc for doc in candidates if year_of(doc) == item.year]
    label = f"{item.year}年度{item.name}"
    if not reports:
        return _missing_yearly(check, ctx, unit, [year_of(doc) for doc in candidates], item, label)
    # one report posted in two columns has two documents of one date: order by date alone
    dated = sorted(((corpus.published(doc), doc) for doc in reports if corpus.published(doc)), key=lambda pair: pair[0])
    on_time = [(day, doc) for day, doc in dated if day <= item.due or not item.late_fails]
    if on_time:
        day, doc = on_time[0]
        return check.result(ctx, unit, "pass", f"{label}已公开（{iso(day)}）", [Evidence.of(doc, f"发布于 {iso(day)}")])
    if dated and ctx.as_of > item.due:
        day, doc = dated[0]
        message = f"{label}发布于{iso(day)}，晚于{cn_date(item.due)}"
        return check.result(ctx, unit, "fail", message, [Evidence.of(doc, f"发布于 {iso(day)}，期限 {iso(item.due)}")])
    if dated:
        day, doc = dated[0]
        return check.result(ctx, unit, "pass", f"{label}已公开（{iso(day)}）", [Evidence.of(doc, f"发布于 {iso(day)}")])
    doc = reports[0]
    message = f"找到{label}，但无法确定发布日期，请人工确认是否于{iso(item.due)}前公开"
    return check.result(ctx, unit, "warn", message, [Evidence.of(doc, "发布日期不明")])


def _missing_yearly(
    check: Check, ctx: CheckContext, unit: str, years: Sequence[int | None], item: YearlyItem, label: str
) -> Result:
    others = sorted(set(years) - {item.year, None})
    seen = f"（仅找到{'、'.join(f'{year}年' for year in others)}的，不能代替）" if others else ""
    if ctx.as_of <= item.due:
        message = f"尚未找到本单位{label}，应于{iso(item.due)}前公开{seen}"
        return check.result(ctx, unit, "warn", message, absence=True)
    return check.result(ctx, unit, "fail", f"未找到本单位{label}（期限 {iso(item.due)}）{seen}", absence=True)


# ---- per-item checks (23, 34, 52, 84): one finding per unit -----------------


@dataclass
class ItemVerdict:
    unit: str
    # pass | fail | warn; unknown when a date lies outside the working-day calendar
    status: str
    doc: Doc
    note: str
    # the year the working-day calendar lacks, for an unknown item
    missing_year: int | None = None


@dataclass(frozen=True)
class ItemWords:
    noun: str  # 执法决定
    bad: str  # 公开超期
    good: str  # 按时公开


def per_item_results(check: Check, ctx: CheckContext, verdicts: Iterable[ItemVerdict], words: ItemWords) -> Iterator[Result]:
    """CHECKS.md C: the unit's status is the worst of its items; evidence lists
    exactly its late, defective and unjudgeable items — or, for a pass, the
    documents whose items were all on time."""
    by_unit: dict[str, list[ItemVerdict]] = defaultdict(list)
    for verdict in verdicts:
        by_unit[verdict.unit].append(verdict)
    for unit, items in by_unit.items():
        status = worst(item.status for item in items)
        yield check.result(ctx, unit, status, _item_message(items, words), _item_evidence(items, status, words))


def _item_message(items: Sequence[ItemVerdict], words: ItemWords) -> str:
    counts = {status: sum(item.status == status for item in items) for status in ("fail", "unknown", "warn", "pass")}
    parts = [
        f"{counts['fail']}项{words.bad}" if counts["fail"] else "",
        f"{counts['unknown']}项因工作日历缺少{_years(items)}年的放假安排无法判断（可在配置 [calendar] 中补充）"
        if counts["unknown"]
        else "",
        f"{counts['warn']}项无法判断或需人工确认" if counts["warn"] else "",
        f"{counts['pass']}项{words.good}" if counts["pass"] else "",
    ]
    return f"共{len(items)}项{words.noun}：" + "，".join(part for part in parts if part)


def _years(items: Sequence[ItemVerdict]) -> str:
    return "、".join(str(year) for year in sorted({item.missing_year for item in items if item.missing_year}))


def _item_evidence(items: Sequence[ItemVerdict], status: str, words: ItemWords) -> list[Evidence]:
    if status != "pass":
        return [Evidence.of(item.doc, item.note) for item in items if item.status != "pass"]
    per_doc: dict[str, list[ItemVerdict]] = defaultdict(list)
    for item in items:
        per_doc[item.doc.url].append(item)
    return [
        Evidence.of(group[0].doc, f"{len(group)}项均{words.good}" if len(group) > 1 else group[0].note)
        for group in per_doc.values()
    ]


# ---- enforcement decisions (52, 84): single notices and tables of decisions --

# 决定日期 / 处罚决定日期 / 许可决定日期 / 作出决定日期 / 作出行政处罚决定的日期 / 处罚日期
DECISION_DATE_LABEL = re.compile(
    r"(?:作出|做出)?(?:行政)?(?:处罚|许可|强制|检查|征收|征用|执法)?决定(?:作出)?(?:的)?(?:日期|时间)"
    r"|(?:处罚|许可)(?:日期|时间)"
)
# a decision table's header also names the decision or its party
_TABLE_KEY_COLUMN = re.compile(r"文号|文书号|相对人|当事人|被处罚|名称|案件|对象|案由")
_NUMBER_COLUMN = re.compile(r"文号|文书号|编号")
_PARTY_COLUMN = re.compile(r"相对人|当事人|被处罚|对象|名称")
_KIND_WORDS = (
    ("处罚", re.compile(r"处罚")),
    ("许可", re.compile(r"许可")),
    ("其他", re.compile(r"强制|查封|扣押|检查|征收|征用|确认|裁决|给付")),
    ("处罚", re.compile(r"双公示")),
)
# a penalty decision's document number in a title (穗番环罚〔2019〕156号, 德环罚字【2019】13号)
# names the decision even when the title says nothing else about it
PENALTY_NUMBER_MARKS = ("罚〔", "罚[", "罚字", "罚决字")
# the text of a decision document itself (决定书), whose closing date is the decision date
_DECISION_DOCUMENT = re.compile(r"决定书|决定如下|如下处罚|如下决定|作出如下|决定对|决定给予|决定准予|准予.{0,20}许可")
_LABELLED_DATE = re.compile(rf"(?:{DECISION_DATE_LABEL.pattern})\s*[:：]?\s*")
HEADER_SEARCH_ROWS = 6
# a list page shows many numeric dates (one per entry); a decision writes few, in words
LIST_PAGE_DATES = 5
_NUMERIC_DATE = re.compile(r"\d{4}\s*[-/.]\s*\d{1,2}")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
COLUMN_WORDS = "公示公开信息栏目专栏决定书"


@dataclass(frozen=True)
class Decision:
    """One enforcement decision as published: a notice, or a row of a table."""

    doc: Doc
    label: str  # 第3行（鲁市监罚〔2021〕12号）; empty for a single notice
    kind: str  # 处罚 | 许可 | 其他
    decision_date: dt.date | None


def decision_kind(*texts: str) -> str | None:
    for text in texts:
        for kind, pattern in _KIND_WORDS:
            if text and pattern.search(text):
                return kind
    return None


def table_decisions(doc: Doc, context: str) -> list[Decision]:
    """A row per decision in the document's tables (HTML or spreadsheet)."""
    decisions = []
    for table in doc.tables:
        header_at = _header_row(table)
        if header_at is None:
            continue
        header = [_compact(cell) for cell in table[header_at]]
        decisions.extend(_row_decisions(doc, context, header, table[header_at + 1 :], header_at))
    return decisions


def _header_row(table: Sequence[Sequence[object]]) -> int | None:
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        cells = [_cell(cell) for cell in row]
        # a label beside its value (决定日期 | 2021-09-28) is one notice's field, not a header
        if any(_cell_date(cell) for cell in cells):
            continue
        cells = [_compact(cell) for cell in cells]
        has_date_column = any(DECISION_DATE_LABEL.search(cell) for cell in cells)
        if has_date_column and any(_TABLE_KEY_COLUMN.search(cell) for cell in cells):
            return index
    return None


def _row_decisions(doc: Doc, context: str, header: list[str], rows, header_at: int) -> list[Decision]:
    date_column = next(i for i, cell in enumerate(header) if DECISION_DATE_LABEL.search(cell))
    kind_columns = [i for i, cell in enumerate(header) if "类别" in cell or "类型" in cell]
    decisions = []
    for offset, row in enumerate(rows, start=header_at + 2):
        cells = [_cell(cell) for cell in row]
        if not any(cells) or [_compact(cell) for cell in cells] == header:
            continue
        value = cells[date_column] if date_column < len(cells) else ""
        kind = decision_kind(header[date_column], *(cells[i] for i in kind_columns if i < len(cells)), context) or "其他"
        decisions.append(Decision(doc, _row_label(header, cells, offset), kind, _cell_date(value)))
    return decisions


def _row_label(header: list[str], cells: list[str], row_number: int) -> str:
    for pattern in (_NUMBER_COLUMN, _PARTY_COLUMN):
        for index, name in enumerate(header):
            if pattern.search(name) and index < len(cells) and cells[index]:
                return f"第{row_number}行（{cells[index]}）"
    return f"第{row_number}行"


def _cell(value: object) -> str:
    return " ".join(str(value if value is not None else "").split())


def _compact(value: object) -> str:
    """A label without the spaces a spreadsheet or layout put inside it (处罚 决定 日期)."""
    return "".join(_cell(value).split())


def _cell_date(value: str) -> dt.date | None:
    """A table cell's date; spreadsheets may hold a day number (44467)."""
    if value.replace(".0", "").isdigit() and 20000 < float(value) < 80000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(value)))
    return parse_date(value)


def notice_decision_date(doc: Doc) -> dt.date | None:
    """A single notice's decision date: a labelled field, else the date closing the 决定书."""
    for key, value in doc.fields.items():
        if DECISION_DATE_LABEL.search(str(key)) and parse_date(str(value)):
            return parse_date(str(value))
    for table in doc.tables:
        for row in table:
            cells = [_cell(cell) for cell in row]
            for label, value in zip(map(_compact, cells), cells[1:]):
                if DECISION_DATE_LABEL.search(label) and _cell_date(value):
                    return _cell_date(value)
    labelled = _LABELLED_DATE.search(doc.text)
    if labelled and parse_date(doc.text[labelled.end() : labelled.end() + 30]):
        return parse_date(doc.text[labelled.end() : labelled.end() + 30])
    return last_date(doc.text) if _DECISION_DOCUMENT.search(doc.text) else None


def is_column_title(title: str, match: Match) -> bool:
    """A title that is only the item's name (行政处罚决定公示) may be the column listing them."""
    rest = normalise_title(title).replace(match.matched, "", 1)
    return not rest.strip(COLUMN_WORDS)


def looks_like_list(doc: Doc) -> bool:
    """A column page listing many entries, each with its date, is not a notice."""
    return len(_NUMERIC_DATE.findall(doc.text)) >= LIST_PAGE_DATES


# ---- comment notices (23, 34) -------------------------------------------------

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
MAJOR_DECISION = "重大行政决策"


def is_comment_notice(doc: Doc) -> bool:
    """A page consulting the public on a named draft; the column page (意见征集)
    names none, and a request to government bodies is no public consultation."""
    if doc.kind != "page" or looks_like_list(doc) or not draft_name(doc.title):
        return False
    return match_title(doc.title, COMMENT_NOTICE) is not None and not is_internal_request(doc)


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
    if MAJOR_DECISION in doc.title or MAJOR_DECISION in notice_text(doc):
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


def comment_window(doc: Doc, published: dt.date | None) -> CommentWindow | str:
    """The window, or why it cannot be read: a deadline alone runs from the published date."""
    window = parse_window(doc.text, published)
    if window is None:
        return "未能读出征求意见期限"
    start = window.start or published
    if start is None:
        return f"只写明截止日期 {iso(window.end)}，且无法确定发布日期"
    return CommentWindow(start, window.end, window.raw)
