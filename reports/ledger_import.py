"""`fazhi review import`: the 台账's filled-in 复核意见 and 整改情况 read back as verdicts.

All or nothing: every row is checked first — its hidden 结果键 names a finding of the newest
checked night, that finding still says what it said when the file was exported, nobody decided
on it since, the person importing may make that change, the words are the 台账's — and only a
file without a single problem is stored, in one transaction. Every problem is one line naming
the sheet and row. A cell is an instruction only when it differs from what the export wrote,
so a file imported twice, or sent back untouched, adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy.orm import Session

from county.config import Config
from reports.export_xlsx import fingerprint
from reports.model import ReportData, build_report
from reports.review_input import Decision, InputError, may_act, parse_answer, parse_opinion
from reports.verdicts import Review
from storage.db import latest_run
from storage.review import ACTIONS, UNIT_ACTIONS, User, Verdict, find_user, may_see, may_see_county
from storage.statuses import LABELS

# header rows searched for the ledger's header: a clerk may have inserted a line above it
HEADER_SEARCH_ROWS = 10


class LedgerError(Exception):
    """The file was not imported; `lines` says why, one line per problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class LedgerRow:
    where: str  # 台账 第12行
    key: dict | None
    opinion: str
    answer: str


@dataclass
class Change:
    row: LedgerRow
    column: str  # 复核意见 or 整改情况
    text: str


def import_ledger(session: Session, config: Config, path: Path, user_name: str, today: dt.date) -> int:
    """Store the file's changes as verdicts by user_name; returns how many were stored."""
    user = find_user(session, user_name)
    if user is None or not may_see_county(user, config.county):
        raise LedgerError([f"{config.county}没有用户 {user_name}（用 fazhi user list 查看）"])
    run = latest_run(session, config.county, ("checked",))
    if run is None:
        raise LedgerError(["数据库中还没有已评判的检查，无从导入"])
    report = build_report(session, run.id, config)
    rows = list(ledger_rows(path))
    problems: list[str] = []
    verdicts: list[Verdict] = []
    for change in _changes(rows, problems):
        try:
            verdict = _verdict(change, report, user, config, today)
        except InputError as error:
            problems.append(f"{change.row.where}（{change.column}）：{error}")
            continue
        if verdict is not None:
            verdicts.append(verdict)
    if problems:
        raise LedgerError(problems + [f"文件 {path} 未导入任何内容；改正以上 {len(problems)} 处后重新导入"])
    session.add_all(verdicts)
    session.commit()
    return len(verdicts)


def ledger_rows(path: Path) -> Iterator[LedgerRow]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise LedgerError([f"无法读取 {path}：{getattr(error, 'strerror', None) or '不是 xlsx 文件'}"]) from None
    found = False
    for sheet in book.worksheets:
        columns = _header(sheet)
        if columns is None:
            continue
        found = True
        for number, values in enumerate(sheet.iter_rows(min_row=columns["row"] + 1, values_only=True), start=columns["row"] + 1):
            cells = {name: _text(values[index]) if index < len(values) else "" for name, index in columns.items() if name != "row"}
            if any(cells.values()):
                yield LedgerRow(f"“{sheet.title}”表第{number}行", _key(cells["结果键"]), cells["复核意见"], cells["整改情况"])
    if not found:
        raise LedgerError([f"{path} 中没有台账表：找不到含“复核意见”“整改情况”“结果键”的表头（请用 fazhi report 生成的 findings.xlsx 填写）"])


def _header(sheet) -> dict | None:
    for number, values in enumerate(sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
        names = [_text(value) for value in values]
        if all(name in names for name in ("复核意见", "整改情况", "结果键")):
            return {"row": number, **{name: names.index(name) for name in ("复核意见", "整改情况", "结果键")}}
    return None


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _key(text: str) -> dict | None:
    try:
        key = json.loads(text)
    except ValueError:
        return None
    if not isinstance(key, dict) or not isinstance(key.get("key"), list) or len(key["key"]) != 3:
        return None
    return key


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


def _changes(rows: list[LedgerRow], problems: list[str]) -> list[Change]:
    """The cells a person changed, one per finding and column; the same finding filled in
    differently on two sheets (台账 and the unit's own) is a problem, filled in alike is one change."""
    chosen: dict[tuple, Change] = {}
    for row in rows:
        if row.key is None:
            problems.append(f"{row.where}：结果键缺失或被改动，无法对应到检查结果")
            continue
        for column, text, exported in (("复核意见", row.opinion, row.key.get("opinion", "")),
                                       ("整改情况", row.answer, row.key.get("answer", ""))):
            written = _first_line(text) if column == "整改情况" else text.strip()
            if written == (exported or "").strip():
                continue
            if not written:
                problems.append(f"{row.where}（{column}）：清空单元格不会撤销已有的复核记录；如需更改请填写新的内容")
                continue
            slot = (tuple(row.key["key"]), column)
            earlier = chosen.get(slot)
            if earlier is not None and earlier.text != written:
                problems.append(f"{row.where}（{column}）：与{earlier.row.where}对同一检查结果填写不同")
            elif earlier is None:
                chosen[slot] = Change(row, column, written)
    return list(chosen.values())


def _verdict(change: Change, report: ReportData, user: User, config: Config, today: dt.date) -> Verdict | None:
    """The verdict the change asks for; None when the store already holds just that (a file imported twice)."""
    key = tuple(change.row.key["key"])
    finding = next((f for f in report.findings if f.key == key), None)
    if finding is None:
        raise InputError("数据库中最新一次检查没有这条结果（指标、检查项或单位不对，或台账来自其他县或其他数据库）")
    if not may_see(user, finding.unit):
        raise InputError(f"用户 {user.name} 无权处理 {finding.unit} 的检查结果")
    decision = _decision(change, user, config, today)
    review = report.reviews[key]
    if _already(review, decision):
        return None
    if fingerprint(finding) != change.row.key.get("fp"):
        raise InputError(f"导出后该检查结果已变化（现为“{LABELS[finding.status]}”），请重新导出台账后填写")
    _check_fresh(review, change.row.key)
    if finding.status == "pass":
        raise InputError("该项本次已通过，无需复核或整改")
    return Verdict(county=config.county, indicator=key[0], check=key[1], unit=key[2], action=decision.action, reason=decision.reason,
                   expires_on=decision.expires_on, due_on=decision.due_on, fix_url=decision.fix_url,
                   finding_status=finding.status, run_id=report.run.id, user_name=user.name)


def _already(review: Review, decision: Decision) -> bool:
    held = review.answer if decision.action in UNIT_ACTIONS else review.standing.verdict
    lapsed = decision.action not in UNIT_ACTIONS and review.standing.state in ("changed", "expired")
    if held is None or held.evidence_url is not None or lapsed:
        return False
    return (held.action, held.reason or "", held.expires_on, held.due_on, held.fix_url) == (
        decision.action, decision.reason, decision.expires_on, decision.due_on, decision.fix_url)


def _check_fresh(review: Review, key: dict) -> None:
    newest = max(review.history, key=lambda v: v.id or 0, default=None)
    if newest is not None and (newest.id or 0) > int(key.get("after") or 0):
        raise InputError(f"导出后已有新的复核记录（{newest.user_name}：{ACTIONS[newest.action]}），未导入；请重新导出台账后填写")


def _decision(change: Change, user: User, config: Config, today: dt.date) -> Decision:
    if change.column == "复核意见":
        decision = parse_opinion(change.text, today)
    else:
        decision = parse_answer(change.text, config.crawl.allowed_domains)
    may_act(user.role, decision.action)
    return decision
