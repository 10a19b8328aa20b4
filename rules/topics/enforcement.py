"""执法决定 (52, 84): enforcement decisions as published, a single notice or a table of them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsing.dates import find_dates, last_date, parse_date
from rules.base import Doc

# 决定日期 / 处罚决定日期 / 许可决定日期 / 作出决定日期 / 作出行政处罚决定的日期 / 处罚日期 /
# 处罚决定书签发日期; a licence's 发证日期 / 核发日期 / 批准日期 is the day it was granted
DECISION_DATE_LABEL = re.compile(
    r"(?:作出|做出)?(?:行政)?(?:处罚|许可|强制|检查|征收|征用|执法)?决定(?:书)?(?:作出|签发)?(?:的)?(?:日期|时间)"
    r"|(?:处罚|许可)(?:日期|时间)|(?:发证|核发|颁发|批准|审批)(?:日期|时间)"
)
# a decision table's header also names the decision or its party
_TABLE_KEY_COLUMN = re.compile(r"文号|文书号|相对人|当事人|被处罚|名称|案件|对象|案由")
_NUMBER_COLUMN = re.compile(r"文号|文书号|编号")
# a column of decision numbers makes a table of decisions even when it has no date column
_DECISION_NUMBER_COLUMN = re.compile(r"(?:处罚|许可|强制)决定(?:书)?(?:文号|文书号|编号)")
_PARTY_COLUMN = re.compile(r"相对人|当事人|被处罚|对象|名称")
_KIND_WORDS = (
    ("处罚", re.compile(r"处罚|罚款|罚〔|罚字")),
    # grants, refusals, changes, renewals and cancellations of a licence, and approvals of a project
    ("许可", re.compile(r"许可|准予|不予|批复|核发|换发|延续|注销|发证|核准")),
    ("其他", re.compile(r"强制|查封|扣押|检查|征收|征用|确认|裁决|给付")),
    ("处罚", re.compile(r"双公示")),
)
# a penalty decision's document number in a title (穗番环罚〔2019〕156号, 德环罚字【2019】13号)
# names the decision even when the title says nothing else about it
PENALTY_NUMBER_MARKS = ("罚〔", "罚[", "罚字", "罚决字")
# the text of a decision document itself (决定书), whose closing date is the decision date
_DECISION_DOCUMENT = re.compile(
    r"决定书|决定如下|如下处罚|如下决定|作出如下|决定(?:对|给予|准予|不予|注销|撤销|吊销|核发|换发|延续|变更)|准予.{0,20}许可"
    r"|批复如下|经研究.{0,6}同意"
)
_LABELLED_DATE = re.compile(rf"(?:{DECISION_DATE_LABEL.pattern})\s*[:：]?\s*")
# how far after its label a labelled date may start: a label with no value (a column header) has none
LABEL_VALUE_GAP = 2
# lines of page furniture whose dates are the page's, never the decision's (发布时间, 浏览次数, 来源)
_PAGE_DATE_LINE = re.compile(
    r"^.*(?:(?:发布|更新|录入|公开|发稿|上传|生成)(?:时间|日期|于)|(?:浏览|点击|访问)(?:次数|量)|(?:信息)?来源\s*[:：]).*$", re.M
)
HEADER_SEARCH_ROWS = 6
_EXCEL_EPOCH = dt.date(1899, 12, 30)


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
        compact = [_compact(cell) for cell in cells]
        has_date_column = any(DECISION_DATE_LABEL.search(cell) for cell in compact)
        names_decisions = has_date_column or (
            any(_DECISION_NUMBER_COLUMN.search(cell) for cell in compact)
            and any(_PARTY_COLUMN.search(cell) for cell in compact)
        )
        if not names_decisions or not any(_TABLE_KEY_COLUMN.search(cell) for cell in compact):
            continue
        # a label beside its value (决定日期 | 2021-09-28) is one notice's field, not a header
        if not any(_cell_date(cell) for cell in cells):
            return index
    return None


def _row_decisions(doc: Doc, context: str, header: list[str], rows, header_at: int) -> list[Decision]:
    date_column = next((i for i, cell in enumerate(header) if DECISION_DATE_LABEL.search(cell)), None)
    kind_columns = [i for i, cell in enumerate(header) if "类别" in cell or "类型" in cell]
    decisions = []
    for offset, row in enumerate(rows, start=header_at + 2):
        cells = [_cell(cell) for cell in row]
        if not any(cells) or [_compact(cell) for cell in cells] == header:
            continue
        value = cells[date_column] if date_column is not None and date_column < len(cells) else ""
        kind_hint = header[date_column] if date_column is not None else " ".join(header)
        kind = decision_kind(kind_hint, *(cells[i] for i in kind_columns if i < len(cells)), context) or "其他"
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
    """A single notice's decision date: a labelled field, else the date closing the 决定书.
    The page's own dates (发布时间 …) are never taken for it."""
    for key, value in doc.fields.items():
        if DECISION_DATE_LABEL.search(str(key)) and parse_date(str(value)):
            return parse_date(str(value))
    for table in doc.tables:
        found = table_block_date(table)
        if found:
            return found
    for labelled in _LABELLED_DATE.finditer(doc.text):
        dates = find_dates(doc.text[labelled.end() : labelled.end() + 30])
        if dates and dates[0].start <= LABEL_VALUE_GAP and dates[0].has_year:
            return dates[0].value
    body = _PAGE_DATE_LINE.sub("", doc.text)
    return last_date(body) if _DECISION_DOCUMENT.search(body) else None


def table_block_date(table: Sequence[Sequence[object]]) -> dt.date | None:
    """The decision date of a table laid out as label | value cells (决定日期 | 2021-09-28)."""
    for row in table:
        cells = [_cell(cell) for cell in row]
        for label, value in zip(map(_compact, cells), cells[1:]):
            if DECISION_DATE_LABEL.search(label) and _cell_date(value):
                return _cell_date(value)
    return None


def block_decisions(doc: Doc, context: str) -> list[Decision]:
    """A page of several label/value tables (行政处罚信息公开表, one per decision): a decision each.
    A table is one when it labels a decision's number or date; one such table is the notice itself."""
    blocks = [table for table in doc.tables if _is_decision_block(table)]
    if len(blocks) < 2:
        return []
    return [
        Decision(doc, _block_label(table, number), decision_kind(_block_text(table), context) or "其他", table_block_date(table))
        for number, table in enumerate(blocks, start=1)
    ]


def _is_decision_block(table: Sequence[Sequence[object]]) -> bool:
    labels = [_compact(row[0]) for row in table if row and len(row) >= 2]
    return any(DECISION_DATE_LABEL.search(label) for label in labels) and any(_NUMBER_COLUMN.search(label) for label in labels)


def _block_label(table: Sequence[Sequence[object]], number: int) -> str:
    for row in table:
        cells = [_cell(cell) for cell in row]
        if len(cells) >= 2 and _NUMBER_COLUMN.search(_compact(cells[0])) and cells[1]:
            return f"第{number}张表（{cells[1]}）"
    return f"第{number}张表"


def _block_text(table: Sequence[Sequence[object]]) -> str:
    return " ".join(_cell(cell) for row in table for cell in row)
