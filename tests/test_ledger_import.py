"""The 台账 round trip: exported with the report, filled in with a spreadsheet program (openpyxl
here), read back by `fazhi review import` as verdicts — all or nothing, every refused row named."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from browser.report_store import BASE, CONFIG, _run, build_store, second_run_findings, write_config
from openpyxl import Workbook, load_workbook

from fazhi.cli import main
from reports.export_xlsx import HEADER_ROW, HEADERS
from reports.render import write_reports
from storage.db import open_engine, session_factory, store_snapshot
from storage.review import all_verdicts
from web.users import add_user

TODAY = dt.date(2021, 10, 8)
OPINION, ANSWER, KEY = HEADERS.index("复核意见") + 1, HEADERS.index("整改情况") + 1, HEADERS.index("结果键") + 1


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    """A store with two nights and three users, the night's 台账, and the command line's today frozen."""
    session, _run1, _run2 = build_store(tmp_path / "store.db")
    units = {unit.name for unit in CONFIG.units}
    add_user(session, "张审核", "reviewer", None, "pw", units)
    add_user(session, "教育局小王", "unit", "县教育局", "pw", units, CONFIG.county)
    write_reports(session, _run2.id, CONFIG, tmp_path / "out")
    session.close()
    monkeypatch.setattr("fazhi.cli.today_in_china", lambda: TODAY)
    return tmp_path


def fill(path, cells: dict[tuple[str, str, str], str], sheet_name="台账", key_of=None):
    """Fill in (indicator, unit, column) → text on a sheet, as a clerk would, and save under a new name."""
    book = load_workbook(path)
    sheet = book[sheet_name]
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        key = json.loads(sheet.cell(row=row, column=KEY).value)
        indicator, _check, unit = key["key"]
        for (want_indicator, want_unit, column), text in cells.items():
            if (indicator, unit) == (want_indicator, want_unit):
                sheet.cell(row=row, column=OPINION if column == "复核意见" else ANSWER, value=text)
        if key_of:
            sheet.cell(row=row, column=KEY, value=key_of(key, sheet.cell(row=row, column=KEY).value))
    filled = path.with_name(f"filled-{len(list(path.parent.glob('filled-*')))}.xlsx")
    book.save(filled)
    return filled


def run_import(folder, file, user):
    db = f"sqlite:///{folder / 'store.db'}"
    return main(["review", "import", str(file), "--config", str(write_config(folder / "county.toml")), "--db", db, "--as", user])


def stored(folder):
    with session_factory(open_engine(f"sqlite:///{folder / 'store.db'}"))() as session:
        return all_verdicts(session, CONFIG.county)


def test_filled_in_opinions_and_answers_come_back_as_verdicts_and_show_in_the_next_ledger(ledger, capsys):
    filled = fill(ledger / "out" / "findings.xlsx", {
        ("52", "县司法局", "复核意见"): "限期5个工作日",
        ("93", "下汤镇", "复核意见"): "豁免至2021-12-31：本镇2020年撤并设立",
        ("1", "县政府", "复核意见"): "误报:清单已有编码列",  # a half-width colon is fine
    })
    assert run_import(ledger, filled, "张审核") == 0
    assert "已导入 3 条" in capsys.readouterr().out
    by_unit = {v.unit: v for v in stored(ledger)}
    # Saturday 10-09 is a make-up working day: 10-09, 10-11 … 10-14
    assert (by_unit["县司法局"].action, by_unit["县司法局"].due_on) == ("due", dt.date(2021, 10, 14))
    assert (by_unit["下汤镇"].action, by_unit["下汤镇"].expires_on, by_unit["下汤镇"].reason) == ("waive", dt.date(2021, 12, 31), "本镇2020年撤并设立")
    assert (by_unit["县政府"].action, by_unit["县政府"].reason, by_unit["县政府"].user_name) == ("dismiss", "清单已有编码列", "张审核")

    answered = fill(ledger / "out" / "findings.xlsx", {("93", "县教育局", "整改情况"): f"已整改：{BASE}/bm/jyj/nb2020.html"},
                    sheet_name="县教育局")
    assert run_import(ledger, answered, "教育局小王") == 0
    assert stored(ledger)[-1].fix_url == f"{BASE}/bm/jyj/nb2020.html"

    with session_factory(open_engine(f"sqlite:///{ledger / 'store.db'}"))() as session:
        write_reports(session, 2, CONFIG, ledger / "again")
    rows = {(r[1], r[3]): r for r in load_workbook(ledger / "again" / "findings.xlsx")["台账"].iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert rows[("第93项", "下汤镇")][OPINION - 1] == "豁免至2021-12-31：本镇2020年撤并设立"
    assert rows[("第52项", "县司法局")][HEADERS.index("期限")] == "2021-10-14"
    assert rows[("第93项", "县教育局")][ANSWER - 1].startswith(f"已整改：{BASE}/bm/jyj/nb2020.html\n本次检查：")

    # the same file again, and the new ledger sent back untouched, add nothing
    assert run_import(ledger, filled, "张审核") == 0
    assert run_import(ledger, ledger / "again" / "findings.xlsx", "张审核") == 0
    assert len(stored(ledger)) == 4


def test_a_file_with_any_row_that_cannot_be_applied_changes_nothing_and_names_every_such_row(ledger, capsys):
    filled = fill(ledger / "out" / "findings.xlsx", {
        ("52", "县司法局", "复核意见"): "确认",  # fine on its own
        ("49", "县司法局", "复核意见"): "同意",
        ("93", "县教育局", "复核意见"): "误报",
        ("93", "下汤镇", "复核意见"): "豁免至2021-01-01：撤并",
        ("1", "县政府", "整改情况"): "已整改：http://www.lushan.test/zwgk/spqd.html",
        ("7", "县司法局", "复核意见"): "确认",
    }, key_of=lambda key, raw: raw.replace("approval-list", "no-such-check") if key["key"][0] == "1" else
       ("{broken" if key["key"][0] == "D1" else raw))
    assert run_import(ledger, filled, "张审核") == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert stored(ledger) == []
    expected = ["看不懂“同意”", "“误报”须填写理由", "豁免截止日期 2021-01-01 已过", "没有这条结果", "结果键缺失或被改动",
                "该项本次已通过", "未导入任何内容；改正以上 6 处"]
    for part in expected:
        assert sum(part in line for line in lines) == 1, (part, lines)
    assert len(lines) == len(expected) and all(line.startswith("fazhi: “台账”表第") for line in lines[:-1])


def test_each_person_may_only_make_their_own_kind_of_change_for_their_own_unit(ledger, capsys):
    as_unit = fill(ledger / "out" / "findings.xlsx", {("52", "县司法局", "整改情况"): f"已整改：{BASE}/bm/sfj/cf/2.html",
                                                      ("93", "县教育局", "复核意见"): "确认",
                                                      ("93", "县教育局", "整改情况"): "已整改：http://evil.example/x.html"})
    assert run_import(ledger, as_unit, "教育局小王") == 1
    err = capsys.readouterr().err
    assert "无权处理 县司法局" in err and "单位用户不能执行“确认”" in err and "不在本县检查的网站之内" in err
    as_reviewer = fill(ledger / "out" / "findings.xlsx", {("93", "县教育局", "整改情况"): f"已整改：{BASE}/bm/jyj/nb.html"})
    assert run_import(ledger, as_reviewer, "张审核") == 1
    assert "复核人员不能执行“已整改”" in capsys.readouterr().err
    assert run_import(ledger, as_reviewer, "无名氏") == 1 and "没有用户 无名氏" in capsys.readouterr().err
    assert stored(ledger) == []


def test_rows_whose_finding_changed_or_was_decided_since_the_export_are_refused(ledger, capsys):
    filled = fill(ledger / "out" / "findings.xlsx", {("52", "县司法局", "复核意见"): "确认", ("93", "县教育局", "复核意见"): "确认"})
    assert run_import(ledger, filled, "张审核") == 0
    with session_factory(open_engine(f"sqlite:///{ledger / 'store.db'}"))() as session:
        findings = second_run_findings(store_snapshot(session, b"page", f"{BASE}/bm/sfj/qzqd.html", "text/html"), None)
        late = next(f for f in findings if f.indicator == "52")
        late.evidence = late.evidence[:1]  # the next night: one late decision was republished on time
        _run(session, dt.date(2021, 10, 1), findings)
    stale = fill(ledger / "out" / "findings.xlsx", {("52", "县司法局", "复核意见"): "限期3个工作日",
                                                    ("93", "县教育局", "复核意见"): "限期3个工作日"})
    assert run_import(ledger, stale, "张审核") == 1
    err = capsys.readouterr().err
    assert "导出后该检查结果已变化" in err and "导出后已有新的复核记录（张审核：确认）" in err
    assert len(stored(ledger)) == 2


def test_a_file_that_is_no_ledger_is_refused_in_one_line(ledger, capsys):
    other = ledger / "other.xlsx"
    Workbook().save(other)
    assert run_import(ledger, other, "张审核") == 1
    assert "没有台账表" in capsys.readouterr().err
    text = ledger / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    assert run_import(ledger, text, "张审核") == 1
    assert "无法读取" in capsys.readouterr().err
