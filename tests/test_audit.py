"""The audit trail exported whole — who, when, what, before → after, why — from the command line
and from `fazhi serve`, and still whole after old runs were pruned."""

from __future__ import annotations

import csv
import datetime as dt
import io

from browser.report_store import BASE, CONFIG, _run, build_store, second_run_findings
from openpyxl import load_workbook
from starlette.testclient import TestClient

from fazhi.cli import main
from reports.audit import audit_rows
from storage.db import store_snapshot
from storage.models import Document
from storage.retention import prune
from storage.review import Verdict, add_verdict
from web.app import create_app
from web.users import add_user

CONFIG_TOML = f"""[county]
name = "鲁山县"
[crawl]
start_urls = ["{BASE}/"]
allowed_domains = ["www.lushan.test"]
[[units]]
name = "县政府"
url_prefixes = ["{BASE}/"]
roles = ["county"]
[[units]]
name = "县司法局"
url_prefixes = ["{BASE}/bm/sfj/"]
roles = ["department", "enforcement"]
"""
POWER_LIST = {"county": "鲁山县", "indicator": "7", "check": "power-list", "unit": "县司法局"}


def decided_store(tmp_path):
    """Run 1's gap dismissed, then confirmed; a unit answer; and one more for an evidence item."""
    session, run1, run2 = build_store(tmp_path / "store.db")
    add_user(session, "张审核", "reviewer", None, "pw", {"县司法局"})
    add_user(session, "司法局小李", "unit", "县司法局", "pw", {"县司法局"}, "鲁山县")
    at = dt.datetime(2021, 9, 2, 1, 0)  # 09:00 Beijing time
    add_verdict(session, Verdict(**POWER_LIST, action="dismiss", reason="清单在政务公开专栏", finding_status="fail", run_id=run1.id,
                                 user_name="张审核", created_at=at))
    add_verdict(session, Verdict(**POWER_LIST, action="confirm", reason="=HYPERLINK(\"http://evil\")", finding_status="fail",
                                 run_id=run1.id, user_name="张审核", created_at=at + dt.timedelta(hours=1)))
    add_verdict(session, Verdict(**POWER_LIST, action="fixed", fix_url=f"{BASE}/bm/sfj/qzqd.html", finding_status="fail",
                                 run_id=run1.id, user_name="司法局小李", created_at=at + dt.timedelta(hours=2)))
    add_verdict(session, Verdict(county="鲁山县", indicator="D1", check="negative-hits", unit="县政府", evidence_url=f"{BASE}/xwzx/3.html",
                                 evidence_sha256="c" * 64, action="dismiss", reason="表扬通报", finding_status="warn",
                                 run_id=run2.id, user_name="张审核", created_at=at + dt.timedelta(days=30)))
    return session, run1


def test_review_export_writes_every_decision_with_before_and_after_to_csv_and_xlsx(tmp_path, capsys):
    session, _run1 = decided_store(tmp_path)
    session.close()
    config = tmp_path / "county.toml"
    config.write_text(CONFIG_TOML, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'store.db'}"

    assert main(["review", "export", "--config", str(config), "--db", db, "--out", str(tmp_path / "trail.csv")]) == 0
    assert "已导出 4 条复核记录" in capsys.readouterr().out
    raw = (tmp_path / "trail.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["人员"], r["操作"], r["之前"], r["之后"]) for r in rows[:3]] == [
        ("张审核", "误报", "未通过；未复核", "未通过；误报"),
        ("张审核", "确认", "未通过；误报", "未通过；确认"),
        ("司法局小李", "已整改", "未通过；确认", "未通过；已整改"),
    ]
    assert rows[0]["时间（北京时间）"] == "2021-09-02 09:00:00" and rows[0]["理由"] == "清单在政务公开专栏"
    assert rows[0]["检查项"] != "power-list" and rows[2]["角色"] == "单位用户（县司法局）"
    assert rows[3]["对象"] == f"{BASE}/xwzx/3.html" and rows[3]["之前"] == "需复核；未复核"

    assert main(["review", "export", "--config", str(config), "--db", db, "--out", str(tmp_path / "trail.xlsx")]) == 0
    sheet = load_workbook(tmp_path / "trail.xlsx").active
    assert [cell.value for cell in sheet[3]][:5] == ["2", "2021-09-02 10:00:00", "张审核", "复核人员", "确认"]
    reason = sheet.cell(row=3, column=12)
    assert reason.value.startswith("=HYPERLINK") and reason.data_type == "s" and reason.quotePrefix

    assert main(["review", "export", "--config", str(config), "--db", db, "--out", str(tmp_path / "trail.txt")]) == 1
    assert "须以 .csv 或 .xlsx 结尾" in capsys.readouterr().err


def test_the_trail_survives_pruning_the_runs_its_decisions_were_given_on(tmp_path):
    session, run1 = decided_store(tmp_path)
    session.add(Document(run_id=run1.id, url=f"{BASE}/bm/sfj/index.html", kind="page", http_status=200))
    session.commit()
    snapshot = store_snapshot(session, b"page", f"{BASE}/bm/sfj/qzqd.html", "text/html")
    for day in (2, 3, 4):
        _run(session, dt.date(2021, 10, day), second_run_findings(snapshot, None))

    pruned = prune(session, 2, "鲁山县")
    assert pruned.documents == 1
    rows = audit_rows(session, "鲁山县")
    assert [(row[4], row[15]) for row in rows] == [("误报", str(run1.id)), ("确认", str(run1.id)), ("已整改", str(run1.id)), ("误报", "2")]


def test_reviewers_download_the_trail_from_serve_and_units_may_not(tmp_path):
    session, _run1 = decided_store(tmp_path)
    session.close()
    client = TestClient(create_app(CONFIG, f"sqlite:///{tmp_path / 'store.db'}", secret="s", today=lambda: dt.date(2021, 10, 8)))

    def login(name):
        page = client.get("/login")
        token = page.text.split('name="csrf" value="')[1].split('"')[0]
        client.post("/login", data={"csrf": token, "name": name, "password": "pw"})

    login("司法局小李")
    refused = client.get("/audit.csv")
    assert refused.status_code == 403 and "只有复核人员" in refused.text
    client.cookies.clear()
    login("张审核")
    assert 'href="/audit.xlsx"' in client.get("/").text
    download = client.get("/audit.csv")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert len(list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))) == 5
    assert client.get("/audit.xlsx").content[:2] == b"PK"
