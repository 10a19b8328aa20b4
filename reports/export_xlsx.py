"""findings.xlsx: the 台账 a clerk hands out, fills in and sends back.

One row per finding (台账, and the same rows on one sheet per unit), the evidence on its own
sheet, and the instructions for the two columns a person fills in — 复核意见 and 整改情况 —
which `fazhi review import` reads back (reports/ledger_import.py). Each row carries a hidden
结果键: the finding's identity, a fingerprint of what it said, the newest decision on it and the
two cells as exported, so that an import applies only what a person changed, and only to the
finding as the person saw it. Printed, every sheet is A4 landscape, one page wide, with its
header row on every page.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.model import FindingView, ReportData, indicator_label, safe_link
from reports.verdicts import Review
from reports.xlsx_cells import STATUS_FILLS, fit_row_height, put_text
from storage.review import Verdict
from storage.statuses import INCOMPLETE, LABELS

LEDGER = "台账"
EVIDENCE = "证据"
INSTRUCTIONS = "填写说明"
HEADERS = ("序号", "指标", "检查项", "责任单位", "状态", "问题", "整改要求", "期限", "复核意见", "整改情况", "证据", "结果键")
WIDTHS = (4, 7, 16, 10, 11, 25, 22, 10, 15, 16, 22, 10)
EVIDENCE_HEADERS = ("序号", "指标", "责任单位", "证据标题", "网址", "打开", "发布日期", "备注", "复核")
EVIDENCE_WIDTHS = (4, 7, 10, 28, 34, 7, 11, 32, 12)
INSTRUCTIONS_WIDTH = 120
COLUMN = {header: number for number, header in enumerate(HEADERS, start=1)}
TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1
# evidence listed in a ledger cell; the evidence sheet has all of it
EVIDENCE_IN_CELL = 3
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_TO_FILL = PatternFill("solid", fgColor="FFFDE7")  # the two columns a person fills in
_HEAD_FILL = PatternFill("solid", fgColor="DDE3EA")
_THIN = Side(style="thin", color="B0B7BF")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")

# the words of the two columns, shown on the instructions sheet and parsed by the import
OPINION_FORMS = (
    ("确认", "问题属实（可加“：说明”）"),
    ("误报：理由", "经核实并非问题，须写理由"),
    ("豁免至YYYY-MM-DD：理由", "该项不适用于该单位，至该日（含）止，须写理由"),
    ("限期N个工作日", "限该单位在 N 个工作日内整改（1–365，节假日不计）；也可写 限期至YYYY-MM-DD"),
)
ANSWER_FORMS = (
    ("已整改：网址", "整改后发布该项的网址（须在本县被检查的网站上）；下一次夜间检查先核验该网址"),
    ("申请豁免：理由", "该项不适用于本单位，请复核人员审批"),
)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: ≤31 characters, none of []:*?/\\."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "单位"
    candidate = base[:SHEET_NAME_MAX]
    number = 2
    while candidate.lower() in taken or candidate.lower() == "history":
        suffix = f"({number})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    taken.add(candidate.lower())
    return candidate


def fingerprint(finding: FindingView) -> str:
    """What the finding said: its status and evidence. An import refuses a row whose finding changed since."""
    evidence = sorted((item.url, item.sha256 or "") for item in finding.evidence)
    return hashlib.sha256(json.dumps([finding.status, evidence], ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def opinion_text(review: Review | None) -> str:
    """The reviewer's decision in force, in the words of the 复核意见 column."""
    if review is None or review.standing.verdict is None or review.standing.state in ("changed", "expired"):
        return ""
    verdict = review.standing.verdict
    if verdict.evidence_url is not None:
        return "（逐条复核，见证据表）"
    return _opinion_words(verdict)


def _opinion_words(verdict: Verdict) -> str:
    reason = verdict.reason or ""
    if verdict.action == "confirm":
        return f"确认：{reason}" if reason else "确认"
    if verdict.action == "dismiss":
        return f"误报：{reason}"
    if verdict.action == "waive":
        return f"豁免至{verdict.expires_on.isoformat()}：{reason}"
    due = f"限期至{verdict.due_on.isoformat()}"
    return f"{due}：{reason}" if reason else due


def answer_text(review: Review | None) -> str:
    """The unit's open answer in the words of the 整改情况 column (its first line)."""
    answer = review.answer if review else None
    if answer is None:
        return ""
    return f"已整改：{answer.fix_url}" if answer.action == "fixed" else f"申请豁免：{answer.reason}"


def row_key(finding: FindingView, review: Review | None) -> str:
    newest = max((v.id or 0 for v in review.history), default=0) if review else 0
    return json.dumps({"key": list(finding.key), "fp": fingerprint(finding), "after": newest,
                       "opinion": opinion_text(review), "answer": answer_text(review)}, ensure_ascii=False)


def ledger_values(number: int, finding: FindingView, review: Review | None, report: ReportData) -> tuple:
    state = LABELS[finding.status] + (f"\n（{review.standing.label}）" if review and review.bucket else "")
    answer = answer_text(review)
    if answer and review.fix_note:
        answer += f"\n本次检查：{review.fix_note}"
    return (number, indicator_label(finding.indicator), report.check_title(finding), finding.unit, state, finding.message,
            report.remedy(finding) if finding.status != "pass" else "", _deadline(review), opinion_text(review), answer,
            _evidence_cell(finding), row_key(finding, review))


def _deadline(review: Review | None) -> str:
    verdict = review.standing.verdict if review else None
    if review is None or review.standing.state != "due" or verdict is None or verdict.due_on is None:
        return ""
    return verdict.due_on.isoformat() + ("\n已逾期" if review.overdue else "")


def _evidence_cell(finding: FindingView) -> str:
    lines = [f"{item.title or '（无标题）'}\n{item.url}" for item in finding.evidence[:EVIDENCE_IN_CELL]]
    if len(finding.evidence) > EVIDENCE_IN_CELL:
        lines.append(f"……共 {len(finding.evidence)} 条，见“{EVIDENCE}”表")
    return "\n".join(lines)


def title_text(report: ReportData, what: str) -> str:
    run = report.run
    complete = f"抓取不完整：{run.incomplete_reason or '原因不明'}" if run.completeness == INCOMPLETE else "抓取完整"
    as_of = run.as_of.isoformat() if run.as_of else "日期不明"
    return f"{report.county}法治政府建设网络检索自查{what} · 数据截至 {as_of} · 第 {run.id} 次检查 · {complete}"


def _ledger_sheet(sheet: Worksheet, rows: list[tuple[int, FindingView]], report: ReportData, what: str) -> None:
    _heading(sheet, title_text(report, what), f"“复核意见”“整改情况”两列（淡黄色）可填写后交回，用 fazhi review import 导入；"
             f"写法见“{INSTRUCTIONS}”表。每条证据及可点击的链接见“{EVIDENCE}”表。", HEADERS, WIDTHS)
    for offset, (number, finding) in enumerate(rows):
        row = FIRST_ROW + offset
        review = report.reviews.get(finding.key)
        for column, value in enumerate(ledger_values(number, finding, review, report), start=1):
            cell = put_text(sheet, row, column, value)
            cell.alignment, cell.border = _WRAP, _GRID
        sheet.cell(row=row, column=COLUMN["状态"]).fill = STATUS_FILLS[finding.status]
        for header in ("复核意见", "整改情况"):
            sheet.cell(row=row, column=COLUMN[header]).fill = _TO_FILL
        fit_row_height(sheet, row, WIDTHS[:-1])
    # the key is for the import, not for people; hidden, it neither prints nor gets in the way
    sheet.column_dimensions[get_column_letter(COLUMN["结果键"])].hidden = True
    _finish(sheet, len(HEADERS) - 1, FIRST_ROW + len(rows) - 1)


def _evidence_sheet(sheet: Worksheet, rows: list[tuple[int, FindingView]], report: ReportData) -> None:
    _heading(sheet, title_text(report, "台账 · 证据"), "每条证据一行；序号与“台账”表一致。", EVIDENCE_HEADERS, EVIDENCE_WIDTHS)
    row = FIRST_ROW
    for number, finding in rows:
        review = report.reviews.get(finding.key)
        for item in finding.evidence:
            standing = review.items.get(item.url) if review else None
            values = (number, indicator_label(finding.indicator), finding.unit, item.title, item.url,
                      "原网页" if item.link else "不可链接", item.published, item.note, standing.label if standing else "")
            for column, value in enumerate(values, start=1):
                cell = put_text(sheet, row, column, value)
                cell.alignment, cell.border = _WRAP, _GRID
            sheet.cell(row=row, column=7).number_format = "yyyy-mm-dd"
            if item.link:
                # a short link text of its own: spreadsheets do not wrap a linked cell, so a long
                # address stays printable in full in the plain 网址 cell beside it
                link = sheet.cell(row=row, column=6)
                link.hyperlink, link.font = item.link, Font(color="0563C1", underline="single")
            fit_row_height(sheet, row, EVIDENCE_WIDTHS)
            row += 1
    _finish(sheet, len(EVIDENCE_HEADERS), row - 1)


def _instructions_sheet(sheet: Worksheet, report: ReportData) -> None:
    lines = [
        (title_text(report, "台账 · 填写说明"), True),
        ("", False),
        ("“复核意见”由县司法局复核人员填写，写法（冒号中英文均可）：", True),
        *((f"{form}　—　{meaning}", False) for form, meaning in OPINION_FORMS),
        ("", False),
        ("“整改情况”由责任单位填写，写法：", True),
        *((f"{form}　—　{meaning}", False) for form, meaning in ANSWER_FORMS),
        ("", False),
        ("导入：fazhi review import 台账.xlsx --config 县配置.toml --as 用户名", True),
        ("· 只导入与导出时不同的单元格；未改动的行不产生记录。复核意见针对整条结果，逐条证据的复核请在 fazhi serve 中进行。", False),
        ("· 复核意见须以复核人员的名义导入，整改情况须以该单位用户的名义导入。", False),
        ("· 任何一行无法导入（写法不对、缺理由、日期已过、网址不在本县网站、导出后结果或复核记录已变化、"
         "结果键缺失），整个文件都不导入，并逐行说明原因；改正后重新导入即可。", False),
        ("· 清空单元格不会撤销已有的复核意见；如需更改，请填写新的意见。", False),
        ("· 请勿改动隐藏的“结果键”列，也不要删除表头行。", False),
    ]
    sheet.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    for row, (text, bold) in enumerate(lines, start=1):
        cell = put_text(sheet, row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=bold, size=12 if row == 1 else 11)
        fit_row_height(sheet, row, (INSTRUCTIONS_WIDTH,))
    _print_setup(sheet, None)


def _heading(sheet: Worksheet, title: str, note: str, headers: tuple, widths: tuple) -> None:
    put_text(sheet, TITLE_ROW, 1, title).font = Font(bold=True, size=13)
    put_text(sheet, NOTE_ROW, 1, note).font = Font(size=9, color="555555")
    for row in (TITLE_ROW, NOTE_ROW):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    for column, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = put_text(sheet, HEADER_ROW, column, header)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEAD_FILL, _GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width


def _finish(sheet: Worksheet, columns: int, last_row: int) -> None:
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1)
    last = get_column_letter(columns)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(last_row, FIRST_ROW)}"
    _print_setup(sheet, f"A1:{last}{max(last_row, HEADER_ROW)}")


def _print_setup(sheet: Worksheet, area: str | None) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top, sheet.page_margins.bottom = 0.6, 0.8
    sheet.page_margins.header, sheet.page_margins.footer = 0.3, 0.35
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    if area:
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.print_area = area


def write_findings_xlsx(path: Path, report: ReportData) -> Path:
    numbered = list(enumerate(report.findings, start=1))
    number_of = {finding.key: number for number, finding in numbered}
    book = Workbook()
    ledger = book.active
    ledger.title = LEDGER
    _ledger_sheet(ledger, numbered, report, "台账")
    _instructions_sheet(book.create_sheet(INSTRUCTIONS), report)
    _evidence_sheet(book.create_sheet(EVIDENCE), numbered, report)
    taken = {LEDGER, EVIDENCE, INSTRUCTIONS}
    for unit in report.units:
        if unit.findings:
            rows = [(number_of[finding.key], finding) for finding in unit.findings]
            _ledger_sheet(book.create_sheet(sheet_name(unit.name, taken)), rows, report, f"整改台账 · {unit.name}")
    book.properties.title = title_text(report, "台账")
    book.save(path)
    return path
