"""findings.xlsx: the 台账 — every finding, one row per piece of evidence, an
overview sheet and one sheet per unit, ready to filter and hand out."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.model import FindingView, ReportData, indicator_label, safe_link
from storage.statuses import LABELS

HEADERS = ("指标", "检查项", "单位", "状态", "说明", "证据标题", "证据链接", "发布日期", "备注", "责任单位")
WIDTHS = (9, 30, 18, 9, 60, 40, 45, 12, 40, 36)
DATE_COLUMN = HEADERS.index("发布日期") + 1
LINK_COLUMN = HEADERS.index("证据链接") + 1
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_FILLS = {
    "fail": PatternFill("solid", fgColor="F8D7DA"),
    "warn": PatternFill("solid", fgColor="FFF3CD"),
    "unknown": PatternFill("solid", fgColor="E2E3E5"),
    "pass": PatternFill("solid", fgColor="D4EDDA"),
}
# characters Excel cannot store in a cell (control characters from scraped text)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def finding_rows(finding: FindingView, check_title: str) -> list[tuple]:
    # the 台账 is handed to departments: the plan's item name and the check's Chinese title, no slugs
    head = (indicator_label(finding.indicator), check_title, finding.unit, LABELS[finding.status], finding.message)
    responsible = "、".join(finding.responsible)
    if not finding.evidence:
        return [head + ("", "", None, "", responsible)]
    return [head + (e.title, e.url, e.published, e.note, responsible) for e in finding.evidence]


def _put(sheet: Worksheet, row: int, column: int, value) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub("", value)
        # a scraped title starting with "=" must stay text, never become a formula
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _fill_sheet(sheet: Worksheet, findings: list[FindingView], report: ReportData) -> None:
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    row_number = 1
    for finding in findings:
        for values in finding_rows(finding, report.check_title(finding)):
            row_number += 1
            _write_row(sheet, row_number, values, finding.status)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(row_number, 2)}"


def _write_row(sheet: Worksheet, row: int, values: tuple, status: str) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, value in enumerate(values, start=1):
        cell = _put(sheet, row, column, value)
        cell.alignment = wrap
    sheet.cell(row=row, column=4).fill = _FILLS[status]
    sheet.cell(row=row, column=DATE_COLUMN).number_format = "yyyy-mm-dd"
    link = safe_link(values[LINK_COLUMN - 1])
    if link:
        sheet.cell(row=row, column=LINK_COLUMN).hyperlink = link


def write_findings_xlsx(path: Path, report: ReportData) -> Path:
    book = Workbook()
    overview = book.active
    overview.title = "总览"
    _fill_sheet(overview, report.findings, report)
    taken = {"总览"}
    for unit in report.units:
        if unit.findings:
            _fill_sheet(book.create_sheet(sheet_name(unit.name, taken)), unit.findings, report)
    book.save(path)
    return path
