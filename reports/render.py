"""Writing the gap report: HTML pages, findings.json and findings.xlsx.

The pages are static and self-contained (styles inlined, no script at all) so
they read the same from disk or a web server; a Content-Security-Policy forbids
script outright, as a second wall behind Jinja2's autoescaping."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from functools import partial
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

from county.config import Config
from reports.charts import COLOURS, trend_chart
from reports.export_json import write_findings_json
from reports.export_xlsx import write_findings_xlsx
from reports.model import ReportData, build_report, indicator_label
from reports.snapshots import SnapshotWriter
from reports.verdicts import BUCKETS, Review, bucket_counts, expired_waivers, fix_note, fix_urls, reviews
from storage.db import load_snapshot, run_findings
from storage.models import Run
from storage.review import ACTIONS, all_verdicts, crawled_among
from storage.statuses import LABELS, WORST_FIRST

TEMPLATES = Path(__file__).with_name("templates")
STATUS_MARKS = {"pass": "✓", "fail": "✗", "warn": "!", "unknown": "?"}


def _css() -> str:
    return resources.files("reports").joinpath("templates", "report.css").read_text("utf-8")


def _policy(css: str) -> str:
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self' data:; base-uri 'none'; form-action 'none'"


BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        # the store keeps UTC; the people reading the report live in Beijing time
        return value.replace(tzinfo=value.tzinfo or dt.timezone.utc).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = _css()
    env.globals.update(
        css=Markup(css),
        csp=_policy(css),
        status_labels=LABELS,
        status_order=WORST_FIRST,
        status_marks=STATUS_MARKS,
        colours=COLOURS,
    )
    env.filters["date"] = _date
    env.filters["item"] = indicator_label
    return env


def write_reports(session: Session, run_id: int, config: Config, out_dir: Path) -> Path:
    """Write index.html and the other pages, findings.json and findings.xlsx into out_dir."""
    out_dir = Path(out_dir)
    (out_dir / "units").mkdir(parents=True, exist_ok=True)
    report = build_report(session, run_id, config)
    env = environment()
    snapshots = _copy_snapshots(report, SnapshotWriter(out_dir, partial(load_snapshot, session), env))
    night_reviews = reviews(report.findings, all_verdicts(session, report.run.county), report.run.as_of)
    common = {"report": report, "snapshots": snapshots, "trend_chart": trend_chart(report.trend), "reviews": night_reviews,
              "buckets": BUCKETS, "bucket_counts": bucket_counts(night_reviews.values()),
              "expired": expired_waivers(night_reviews.values()), "action_labels": ACTIONS,
              "fix_notes": fix_notes(session, report.run, night_reviews)}
    pages = {"index.html": "index.html", "indicators.html": "indicators.html", "units.html": "units.html"}
    for name, template in pages.items():
        _write(out_dir / name, env.get_template(template).render(root="", **common))
    unit_template = env.get_template("unit.html")
    for unit in report.units:
        _write(out_dir / unit.filename, unit_template.render(root="../", unit=unit, **common))
    write_findings_json(out_dir / "findings.json", report.run, run_findings(session, run_id), night_reviews)
    write_findings_xlsx(out_dir / "findings.xlsx", report)
    return out_dir / "index.html"


def fix_notes(session: Session, run: Run, night_reviews: dict[tuple, Review]) -> dict[tuple, str]:
    """For each finding a unit answered 已整改, whether this night counted the address it gave."""
    crawled = crawled_among(session, run.id, fix_urls(night_reviews.values()))
    notes = {key: fix_note(review, run.started_at, crawled) for key, review in night_reviews.items()}
    return {key: note for key, note in notes.items() if note}


def _copy_snapshots(report: ReportData, writer: SnapshotWriter) -> dict[str, str]:
    copied: dict[str, str] = {}
    for finding in report.findings:
        for evidence in finding.evidence:
            path = writer(evidence.sha256, evidence.url, evidence.title)
            if path:
                copied[evidence.sha256] = path
    return copied


def _write(path: Path, html: str) -> None:
    path.write_text(html, encoding="utf-8")
