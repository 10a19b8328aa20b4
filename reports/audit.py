"""The audit trail of people's decisions, exported whole: who, when, what, before → after, why.

Read from the append-only verdicts table alone (and the users and the findings' own titles for
names), so it lists every decision ever made, whatever runs were pruned since.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.model import indicator_label
from reports.xlsx_cells import put_text
from storage.models import Finding
from storage.review import ACTIONS, REVIEWER, Verdict, all_users, all_verdicts
from storage.statuses import LABELS

HEADERS = ("序号", "时间（北京时间）", "人员", "角色", "操作", "指标", "检查项", "单位", "对象", "之前", "之后", "理由",
           "豁免至", "整改期限", "整改网址", "检查批次")
WIDTHS = (6, 17, 12, 16, 10, 9, 30, 18, 36, 22, 22, 40, 12, 12, 36, 9)
BEIJING = dt.timezone(dt.timedelta(hours=8))
FORMATS = (".csv", ".xlsx")


class AuditError(Exception):
    """The trail cannot be written where asked; the message is one line for the operator."""


def audit_rows(session: Session, county: str) -> list[tuple[str, ...]]:
    """One row per verdict, oldest first, each with what stood on the same finding or item before it."""
    roles = {user.name: _role(user) for user in all_users(session)}
    titles = _check_titles(session)
    standing: dict[tuple, Verdict] = {}
    rows = []
    for verdict in all_verdicts(session, county):
        target = (verdict.indicator, verdict.check, verdict.unit, verdict.evidence_url)
        rows.append(_row(verdict, standing.get(target), roles, titles))
        standing[target] = verdict
    return rows


def _row(verdict: Verdict, before: Verdict | None, roles: dict[str, str], titles: dict[tuple, str]) -> tuple[str, ...]:
    status = LABELS.get(verdict.finding_status or "", "状态不明")
    return (
        str(verdict.id),
        _when(verdict.created_at),
        verdict.user_name,
        roles.get(verdict.user_name, "（用户已不存在）"),
        ACTIONS.get(verdict.action, verdict.action),
        indicator_label(verdict.indicator),
        titles.get((verdict.indicator, verdict.check), verdict.check),
        verdict.unit,
        verdict.evidence_url or "整条结果",
        f"{status}；{ACTIONS.get(before.action, before.action) if before else '未复核'}",
        f"{status}；{ACTIONS.get(verdict.action, verdict.action)}",
        verdict.reason or "",
        verdict.expires_on.isoformat() if verdict.expires_on else "",
        verdict.due_on.isoformat() if verdict.due_on else "",
        verdict.fix_url or "",
        str(verdict.run_id) if verdict.run_id else "",
    )


def _role(user) -> str:
    return "复核人员" if user.role == REVIEWER else f"单位用户（{user.unit}）"


def _check_titles(session: Session) -> dict[tuple, str]:
    """Each check's Chinese title, as its findings keep it (findings outlive pruning)."""
    query = select(Finding.indicator, Finding.check, Finding.title).where(Finding.title.is_not(None)).distinct()
    return {(indicator, check): title for indicator, check, title in session.execute(query)}


def _when(at: dt.datetime | None) -> str:
    if at is None:
        return ""
    return at.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def audit_csv(rows: Iterable[tuple[str, ...]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text as it is."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def audit_xlsx(rows: Iterable[tuple[str, ...]], county: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "复核记录"
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        sheet.cell(row=1, column=column, value=header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            put_text(sheet, row_number, column, value).alignment = wrap
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(sheet.max_row, 2)}"
    book.properties.title = f"{county} 复核记录"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def write_audit(session: Session, county: str, path: Path) -> int:
    """Write the whole trail to path (.csv or .xlsx); returns the number of decisions written."""
    if path.suffix.lower() not in FORMATS:
        raise AuditError(f"导出文件须以 .csv 或 .xlsx 结尾：{path}")
    rows = audit_rows(session, county)
    data = audit_csv(rows) if path.suffix.lower() == ".csv" else audit_xlsx(rows, county)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise AuditError(f"无法写入 {path}：{error.strerror or error}") from error
    return len(rows)
