"""findings.json, exactly as INTERFACE.md describes it, for scripts and other tools."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reports.verdicts import Review, review_entry
from storage.models import Finding, Run
from storage.statuses import INCOMPLETE

# INTERFACE.md's four, and when the site last confirmed the document (README, findings.json)
EVIDENCE_KEYS = ("url", "title", "published", "note", "verified_at")


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        # the store keeps naive UTC; a script must not mistake it for Beijing time
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat() if value else None


def run_summary(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "as_of": _iso(run.as_of),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "pages": run.pages or 0,
        "attachments": run.attachments or 0,
        "fetch_errors": run.fetch_errors or 0,
        # added to INTERFACE.md's keys: a script must tell an incomplete night (exit status 3) from a clean one
        "complete": run.completeness != INCOMPLETE,
        "incomplete_reason": run.incomplete_reason if run.completeness == INCOMPLETE else None,
    }


def _evidence(item: dict[str, Any]) -> dict[str, Any]:
    # the store may keep more (the snapshot's sha256); the interface promises these, the unit's reason and when it was last verified
    entry = {key: item.get(key) for key in EVIDENCE_KEYS}
    entry["url"] = str(entry["url"] or "")
    entry["title"] = str(entry["title"] or "")
    entry["note"] = str(entry["note"] or "")
    # which unit the document is credited to and why; absent in findings judged before unit reasons
    if item.get("unit_reason"):
        entry["unit"], entry["unit_reason"] = str(item.get("unit") or ""), str(item["unit_reason"])
    return entry


def finding_entry(finding: Finding, review: Review | None = None) -> dict[str, Any]:
    return {
        "indicator": finding.indicator,
        "check": finding.check,
        "unit": finding.unit,
        "status": finding.status,
        "message": finding.message or "",
        "responsible": list(finding.responsible or []),
        "evidence": [_evidence(item) for item in finding.evidence or [] if isinstance(item, dict)],
        # added to INTERFACE.md's keys: what people decided about the finding (README, "findings.json")
        "review": review_entry(review),
    }


def findings_document(run: Run, findings: Iterable[Finding], reviews: Mapping[tuple, Review]) -> dict[str, Any]:
    entries = [finding_entry(f, reviews.get((f.indicator, f.check, f.unit))) for f in findings]
    return {"run": run_summary(run), "findings": entries}


def write_findings_json(path: Path, run: Run, findings: Iterable[Finding], reviews: Mapping[tuple, Review] | None = None) -> Path:
    text = json.dumps(findings_document(run, findings, reviews or {}), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path
