"""rollup.xlsx: the roll-up as a workbook, one sheet per view (县区一览, 县区×指标, 问题最多的指标,
趋势), each printable on A4 landscape, every text cell stored as text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from county.catalogue import load_catalogue
from reports.xlsx_cells import STATUS_FILLS, put_text
from reports.model import indicator_label
from reports.rollup import CountyNight, Rollup
from storage.statuses import LABELS, WORST_FIRST

STATUS_HEADERS = tuple(LABELS[status] for status in WORST_FIRST)


def write_rollup_xlsx(path: Path, rollup: Rollup, night_note: Callable[[CountyNight], str]) -> Path:
    book = Workbook()
    _counties_sheet(book.active, rollup, night_note)
    _matrix_sheet(book.create_sheet("县区×指标"), rollup)
    _indicators_sheet(book.create_sheet("问题最多的指标"), rollup)
    _trend_sheet(book.create_sheet("趋势"), rollup)
    for sheet in book.worksheets:
        _print_setup(sheet)
    book.save(path)
    return path


def _counties_sheet(sheet: Worksheet, rollup: Rollup, night_note: Callable[[CountyNight], str]) -> None:
    sheet.title = "县区一览"
    headers = ("县（市、区）", "检查日期", "本晚抓取", *STATUS_HEADERS, "已判断", "全部", "新发现", "已整改", "报告")
    _headers(sheet, headers, (16, 12, 40, 9, 9, 9, 9, 9, 9, 9, 9, 28))
    for row, county in enumerate(rollup.counties, start=2):
        diff = county.diff
        compared = diff is not None and diff.previous is not None and not diff.skipped
        values = (
            county.name,
            county.run.as_of if county.run else None,
            night_note(county),
            *(county.counts[status] for status in WORST_FIRST),
            county.checked,
            len(county.findings),
            len(diff.new_gaps) if compared else None,
            len(diff.fixed) if compared else None,
            county.href,
        )
        for column, value in enumerate(values, start=1):
            put_text(sheet, row, column, value)
        sheet.cell(row=row, column=2).number_format = "yyyy-mm-dd"
        if not county.ranked:
            sheet.cell(row=row, column=3).fill = STATUS_FILLS["unknown"]


def _matrix_sheet(sheet: Worksheet, rollup: Rollup) -> None:
    indicators = rollup.indicators
    _headers(sheet, ("县（市、区）", *(indicator_label(i) for i in indicators)), (16, *(11 for _ in indicators)))
    for row, county in enumerate(rollup.counties, start=2):
        put_text(sheet, row, 1, county.name)
        for column, indicator in enumerate(indicators, start=2):
            cell = county.cell(indicator)
            if cell is None:
                continue
            written = put_text(sheet, row, column, f"{LABELS[cell.worst]} {cell.counts[cell.worst]}/{cell.total}")
            written.fill = STATUS_FILLS[cell.worst]
    sheet.freeze_panes = "B2"


def _indicators_sheet(sheet: Worksheet, rollup: Rollup) -> None:
    catalogue = load_catalogue()
    _headers(sheet, ("指标", "内容", "未通过的县区", *STATUS_HEADERS), (10, 60, 12, 9, 9, 9, 9))
    for row, rank in enumerate(rollup.worst_indicators, start=2):
        values = (indicator_label(rank.indicator), catalogue.get(rank.indicator).text, rank.failing_counties,
                  *(rank.counts[status] for status in WORST_FIRST))
        for column, value in enumerate(values, start=1):
            put_text(sheet, row, column, value).alignment = Alignment(wrap_text=True, vertical="top")


def _trend_sheet(sheet: Worksheet, rollup: Rollup) -> None:
    nights = sorted({p.as_of for county in rollup.counties for p in county.trend if p.as_of})
    _headers(sheet, ("县（市、区）", *(night.isoformat() for night in nights)), (16, *(11 for _ in nights)))
    for row, county in enumerate(rollup.counties, start=2):
        put_text(sheet, row, 1, county.name)
        by_night = {p.as_of: p for p in county.trend}
        for column, night in enumerate(nights, start=2):
            point = by_night.get(night)
            if point is None or not point.total:
                continue
            cell = put_text(sheet, row, column, round(point.share, 4))
            cell.number_format = "0%"
            if not point.complete:
                cell.fill = STATUS_FILLS["unknown"]  # an outage's night: its share is low by outage, not by gaps
    sheet.freeze_panes = "B2"


def _headers(sheet: Worksheet, headers: tuple, widths: tuple) -> None:
    for column, (header, width) in enumerate(zip(headers, widths), start=1):
        put_text(sheet, 1, column, header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width


def _print_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
