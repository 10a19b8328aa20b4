"""Writing the roll-up: index.html, rollup.json and rollup.xlsx beside the counties' report folders.

The roll-up's folder holds the counties' published reports (each a link switched by
reports.publish), so it cannot itself be switched: each of its three files is written
beside its place and renamed over it in one step, so a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from county.catalogue import load_catalogue
from county.deployment import Deployment
from reports.charts import share_sparkline
from reports.export_json import run_summary
from reports.render import environment
from reports.rollup import TREND_NIGHTS, CountyNight, Rollup, build_rollup
from reports.rollup_xlsx import write_rollup_xlsx
from storage.models import utcnow
from storage.statuses import STATUSES

INDEX, JSON_NAME, XLSX_NAME = "index.html", "rollup.json", "rollup.xlsx"


def night_note(county: CountyNight) -> str:
    """Why a county's night is not ranked, in a few words for the 依法治市办."""
    if county.run is None:
        return f"尚无检查结果{_failure(county)}"
    if county.stale:
        return f"本晚没有新的检查结果，显示 {county.run.as_of} 的结果{_failure(county)}"
    if not county.complete:
        return f"抓取不完整：{county.run.incomplete_reason or '抓取量明显少于上次'}"
    return "没有检查结果" if not county.findings else "完整"


def _failure(county: CountyNight) -> str:
    return f"（最近一次运行失败：{county.failed.error or '原因未记录'}）" if county.failed else ""


def write_rollup(sessions: Session | Mapping[str, Session], deployment: Deployment, as_of: dt.date, out_root: Path) -> Path:
    """Write the roll-up of every county's newest judged night into out_root; returns its index.html.
    sessions: the store of every county, or each county's by slug."""
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    rollup = build_rollup(sessions, deployment, as_of)
    _replace(out_root / INDEX, lambda path: path.write_text(rollup_html(rollup), encoding="utf-8"))
    _replace(out_root / JSON_NAME, lambda path: path.write_text(rollup_json(rollup), encoding="utf-8"))
    _replace(out_root / XLSX_NAME, lambda path: write_rollup_xlsx(path, rollup, night_note))
    return out_root / INDEX


def rollup_html(rollup: Rollup) -> str:
    env = environment()
    catalogue = load_catalogue()
    sparklines = {c.slug: share_sparkline([(p.share, p.complete) for p in c.trend]) for c in rollup.counties}
    return env.get_template("rollup.html").render(
        rollup=rollup,
        generated=utcnow(),
        night_note=night_note,
        indicator_text=lambda indicator: catalogue.get(indicator).text,
        sparklines=sparklines,
        trend_nights=TREND_NIGHTS,
    )


def rollup_json(rollup: Rollup) -> str:
    document = {
        "deployment": rollup.name,
        "as_of": rollup.as_of.isoformat(),
        "counties": [_county_entry(county) for county in rollup.counties],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _county_entry(county: CountyNight) -> dict[str, Any]:
    diff = county.diff
    compared = diff is not None and diff.previous is not None and not diff.skipped
    return {
        "slug": county.slug,
        "county": county.name,
        "report": county.href,
        "run": run_summary(county.run) if county.run else None,
        "ranked": county.ranked,
        "note": night_note(county),
        "counts": {status: county.counts[status] for status in STATUSES},
        "coverage": {"checked": county.checked, "unknown": county.counts["unknown"], "total": len(county.findings)},
        "changes": {"compared_with": diff.previous.id, "new": len(diff.new_gaps), "fixed": len(diff.fixed)} if compared else None,
        "trend": [{"run_id": p.run_id, "as_of": p.as_of.isoformat() if p.as_of else None, "passed": p.passed, "total": p.total,
                   "complete": p.complete} for p in county.trend],
        "indicators": {
            indicator: {status: cell.counts[status] for status in STATUSES}
            for indicator in sorted({f.indicator for f in county.findings})
            if (cell := county.cell(indicator))
        },
    }


def _replace(path: Path, write: Callable[[Path], object]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        write(Path(temporary))
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from the web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
