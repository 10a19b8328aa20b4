"""Writing text into spreadsheet cells that stays text: scraped titles and people's reasons are
never formulas, and characters a workbook cannot hold are dropped instead of breaking the file."""

from __future__ import annotations

import re

from openpyxl.cell import Cell
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
