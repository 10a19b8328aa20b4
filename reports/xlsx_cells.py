"""Writing text into spreadsheet cells that stays text: scraped titles and people's reasons are
never formulas, and characters a workbook cannot hold are dropped instead of breaking the file."""

from __future__ import annotations

import math
import re
import unicodedata

from openpyxl.cell import Cell
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

# characters Excel cannot store in a cell (control characters from scraped text)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# what Excel and LibreOffice read as the start of a formula when a person edits the cell
FORMULA_STARTS = ("=", "+", "-", "@")


def put_text(sheet: Worksheet, row: int, column: int, value) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub("", value)
        # stored as a string, and marked as quoted text so that editing the cell keeps it text
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


# a status cell's colour, as the HTML report shows it
STATUS_FILLS = {
    "fail": PatternFill("solid", fgColor="F8D7DA"),
    "warn": PatternFill("solid", fgColor="FFF3CD"),
    "unknown": PatternFill("solid", fgColor="E2E3E5"),
    "pass": PatternFill("solid", fgColor="D4EDDA"),
}


# points per line of 11-point text, with the leading CJK fonts need
LINE_HEIGHT = 15.5


# a Chinese character's width in the units of a column width (a digit's), as spreadsheets draw it
WIDE_CHAR = 1.8


def text_width(text: str) -> float:
    """Width in the units of a column width."""
    return sum(WIDE_CHAR if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def fit_row_height(sheet: Worksheet, row: int, widths: tuple[float, ...]) -> None:
    """Set the row tall enough for its wrapped text: neither Excel nor LibreOffice sizes a row
    written by openpyxl on opening, and a one-line row hides all but a cell's first words."""
    lines = 1
    for column, width in enumerate(widths, start=1):
        value = sheet.cell(row=row, column=column).value
        if isinstance(value, str) and value:
            usable = max(width - 0.5, 1)
            lines = max(lines, sum(max(1, math.ceil(text_width(part) / usable)) for part in value.split("\n")))
    sheet.row_dimensions[row].height = lines * LINE_HEIGHT + 2
