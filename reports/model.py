"""What the report shows, computed from the store: findings of the run, the
change since the previous complete run, the trend, whether the night's crawl was
incomplete, and the per-unit picture.

Templates only lay these objects out; every decision (what is a gap, which
unit is worst, which link is safe to follow) is made here, where it is tested.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from county.catalogue import Catalogue, load_catalogue
from county.config import Config, Unit
from reports.verdicts import Review, reviews
from storage.db import checked_runs, previous_complete_run, run_fetch_errors, run_findings
from storage.models import Finding, Run
from storage.review import Verdict, all_verdicts
from storage.statuses import GAPS, INCOMPLETE, LABELS, SEVERITY, STATUSES, WORST_FIRST, worst

BEIJING_TIME = dt.timezone(dt.timedelta(hours=8))

ROLE_LABELS = {"county": "县政府", "department": "县直部门", "township": "乡镇（街道）", "enforcement": "行政执法单位"}
TREND_RUNS = 30
# failed URLs listed in the incomplete-night notice; the count gives the rest
MAX_FAILED_SHOWN = 30


def safe_link(url: str | None) -> str | None:
    """The URL when a browser may follow it from the report: http(s) with a host only."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        return url.strip()
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _beijing_date(value: Any) -> dt.date | None:
    """The Beijing date of an ISO time from findings (findings before verified_at was kept have none)."""
    try:
        moment = dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    if moment is None:
        return None
    return moment.replace(tzinfo=moment.tzinfo or dt.timezone.utc).astimezone(BEIJING_TIME).date()


@dataclass(frozen=True)
class EvidenceView:
    url: str
    title: str
    published: dt.date | None
    note: str
    sha256: str | None = None
    unit: str = ""  # the unit its document is credited to, and why (absent in findings before unit reasons)
    unit_reason: str = ""
    verified_on: dt.date | None = None  # the Beijing date the site last confirmed it (最后核实)

    @property
    def link(self) -> str | None:
        return safe_link(self.url)

    @property
    def credit(self) -> str:
        """归属：县司法局（依据：网址前缀 …）"""
        return f"归属：{self.unit}（依据：{self.unit_reason}）" if self.unit and self.unit_reason else ""

    @classmethod
    def of(cls, raw: dict[str, Any]) -> EvidenceView:
        return cls(
            url=str(raw.get("url") or ""),
            title=str(raw.get("title") or ""),
            published=_date(raw.get("published")),
            note=str(raw.get("note") or ""),
            sha256=raw.get("sha256") or None,
            unit=str(raw.get("unit") or ""),
            unit_reason=str(raw.get("unit_reason") or ""),
            verified_on=_beijing_date(raw.get("verified_at")),
        )


@dataclass(frozen=True)
class FindingView:
    indicator: str
    check: str
    unit: str
    status: str
    message: str
    responsible: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]
    # the check's own words, stored with the finding; empty in findings stored before they were
    title: str = ""
    remedy: str = ""
    # the night's judgement of a unit's 已整改 address (rules/fix_checks.py), stored with the finding
    fix_check: dict | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """Stable across runs, so tonight's findings can be compared with last night's."""
        return (self.indicator, self.check, self.unit)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def is_gap(self) -> bool:
        return self.status in GAPS

    @classmethod
    def of(cls, row: Finding) -> FindingView:
        return cls(
            indicator=row.indicator,
            check=row.check,
            unit=row.unit,
            status=row.status,
            message=row.message or "",
            responsible=tuple(row.responsible or ()),
            evidence=tuple(EvidenceView.of(item) for item in row.evidence or () if isinstance(item, dict)),
            title=row.title or "",
            remedy=row.remedy or "",
            fix_check=row.fix_check or None,
        )


def indicator_label(indicator: str) -> str:
    """How the work plan names an item: 第7项, 加分项1, 减分项2."""
    extra = {"B": "加分项", "D": "减分项"}.get(indicator[:1])
    return f"{extra}{indicator[1:]}" if extra else f"第{indicator}项"


def indicator_order(indicator: str) -> tuple[int, int]:
    if indicator.isdigit():
        return (0, int(indicator))
    rest = indicator[1:]
    return ({"B": 1, "D": 2}.get(indicator[:1], 3), int(rest) if rest.isdigit() else 0)


def finding_order(finding: FindingView) -> tuple:
    return (-SEVERITY[finding.status], indicator_order(finding.indicator), finding.check, finding.unit)


@dataclass(frozen=True)
class Change:
    before: FindingView | None
    after: FindingView | None
    # where people's decisions left each side (未通过, 已豁免, 误报, 待复核); empty without a gap
    before_review: str = ""
    after_review: str = ""


@dataclass
class Diff:
    previous: Run | None
    new_gaps: list[FindingView] = field(default_factory=list)
    fixed: list[Change] = field(default_factory=list)
    other: list[Change] = field(default_factory=list)
    # units with findings tonight and none in the previous run (added to the configuration)
    first_units: list[str] = field(default_factory=list)
    # why no comparison was made although earlier runs exist (tonight's crawl was incomplete)
    skipped: str = ""


@dataclass(frozen=True)
class Incomplete:
    """Why the night's crawl was incomplete (CHECKS.md, "complete run"), shown at the top of the overview."""

    reason: str
    failed: list[tuple[str, str]]  # (URL, reason) of the fetch errors shown
    failed_total: int


def compare(previous: list[FindingView], current: list[FindingView], previous_run: Run | None,
            before: dict[tuple, Review] | None = None, after: dict[tuple, Review] | None = None) -> Diff:
    """新发现: an open gap now that was not one before. 已整改: an open gap before that passes now.
    A gap is open unless people set it aside (误报, 已豁免): a dismissed negative hit is no
    新发现, and a gap that became a waiver is not 已整改 (nor is a unit's 已整改 answer: only a
    pass is). A gap reopened because its waiver lapsed is listed with the lapsed waivers, not
    here. Any other change of status or of decision is listed apart: neither fixed nor new.
    A unit's first night is its baseline: none of its findings is 新发现, or adding a unit
    would report all its gaps as new. `before` and `after` are each night's reviews."""
    diff = Diff(previous_run)
    if previous_run is None:
        return diff
    old_findings = {f.key: f for f in previous}
    new_findings = {f.key: f for f in current}
    compared_units = {f.unit for f in previous}
    diff.first_units = sorted({f.unit for f in current} - compared_units)
    for key in sorted(old_findings.keys() | new_findings.keys(), key=lambda k: (indicator_order(k[0]), k[1], k[2])):
        if key[2] not in compared_units:
            continue
        old, new = old_findings.get(key), new_findings.get(key)
        was_open, is_open = _open(old, before), _open(new, after)
        change = Change(old, new, _bucket_label(old, before), _bucket_label(new, after))
        if is_open and not was_open and not _lapsed(new, after):
            diff.new_gaps.append(new)
        elif was_open and new is not None and new.status == "pass":
            diff.fixed.append(change)
        elif (old.status if old else None) != (new.status if new else None) or change.before_review != change.after_review:
            diff.other.append(change)
    return diff


def _open(finding: FindingView | None, night_reviews: dict[tuple, Review] | None) -> bool:
    """A gap nobody has set aside as 误报 or 已豁免."""
    if finding is None or not finding.is_gap:
        return False
    review = (night_reviews or {}).get(finding.key)
    return review is None or review.bucket in ("fail", "pending")


def _lapsed(finding: FindingView, night_reviews: dict[tuple, Review] | None) -> bool:
    review = (night_reviews or {}).get(finding.key)
    return review is not None and review.standing.state == "expired"


def _bucket_label(finding: FindingView | None, night_reviews: dict[tuple, Review] | None) -> str:
    review = (night_reviews or {}).get(finding.key) if finding else None
    return review.bucket_label if review else ""


@dataclass(frozen=True)
class TrendPoint:
    run_id: int
    as_of: dt.date | None
    counts: dict[str, int]


def trend(session: Session, run: Run) -> list[TrendPoint]:
    runs = [r for r in checked_runs(session, run.county, limit=TREND_RUNS + 1) if r.id <= run.id]
    if run.id not in {r.id for r in runs}:
        runs.append(run)
    runs = runs[-TREND_RUNS:]
    query = (
        select(Finding.run_id, Finding.status, func.count())
        .where(Finding.run_id.in_([r.id for r in runs]))
        .group_by(Finding.run_id, Finding.status)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for run_id, status, count in session.execute(query):
        counts[run_id][status] = count
    return [TrendPoint(r.id, r.as_of, {s: counts[r.id].get(s, 0) for s in STATUSES}) for r in runs]


# characters a file name or URL path cannot carry everywhere (Windows, web servers, zip, a mail client),
# "." (no hidden or trailing-dot names) and "-", which only the hashed form uses
_UNSAFE_IN_PAGE_NAME = re.compile(r"[\\/:*?\"<>|#%&.\s\x00-\x1f-]")
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
_PAGE_NAME_MAX = 60


def unit_page_name(name: str) -> str:
    """The unit's page, from its name alone so that it keeps its address when units are added
    or reordered: units/县司法局.html when the name can be a file name everywhere as it is;
    otherwise a readable part and a hash of the whole name (units/县_乡办-1a2b3c4d.html), so that
    names differing only in unsafe characters, letter case (case-insensitive disks) or beyond
    the length limit never share a page."""
    as_is = (
        not _UNSAFE_IN_PAGE_NAME.search(name)
        and 0 < len(name) <= _PAGE_NAME_MAX
        and not any(char.isupper() for char in name)
        and unicodedata.is_normalized("NFC", name)
        and name.upper() not in _WINDOWS_DEVICES
    )
    if as_is:
        return f"units/{name}.html"
    readable = _UNSAFE_IN_PAGE_NAME.sub("_", unicodedata.normalize("NFC", name)).lower()[:40]
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"units/{readable}-{digest}.html"


class StatusSummary:
    """Counts and worst status of a group of findings (a unit's, an indicator's)."""

    findings: list[FindingView]

    @property
    def counts(self) -> Counter:
        return Counter(f.status for f in self.findings)

    @property
    def worst(self) -> str | None:
        return worst(f.status for f in self.findings) if self.findings else None


@dataclass
class UnitReport(StatusSummary):
    number: int
    name: str
    roles: tuple[str, ...]
    findings: list[FindingView]
    people_items: list[Any] = field(default_factory=list)  # catalogue items this unit answers for in person

    @property
    def filename(self) -> str:
        return unit_page_name(self.name)

    @property
    def href(self) -> str:
        """The page's link, percent-encoded, relative to the report's root."""
        return quote(self.filename)

    @property
    def gaps(self) -> list[FindingView]:
        return [f for f in self.findings if f.status != "pass"]

    @property
    def passed(self) -> list[FindingView]:
        return [f for f in self.findings if f.status == "pass"]

    @property
    def role_labels(self) -> list[str]:
        return [ROLE_LABELS.get(role, role) for role in self.roles]

    def rank(self) -> tuple[int, ...]:
        """More findings of the worst status first: fail, then unknown, then warn."""
        counts = self.counts
        return tuple(-counts[status] for status in WORST_FIRST if status != "pass")


def answers_for(unit: Unit, responsible: tuple[str, ...]) -> bool:
    """Whether a work-plan 责任单位 list names the unit, by name or alias or as one of
    the plan's collective terms (县直各单位 for departments, 各乡（镇、街道） for townships)."""
    if set(unit.names) & set(responsible):
        return True
    if unit.has_role("department") and any(name.startswith("县直") for name in responsible):
        return True
    return unit.has_role("township") and any(name.startswith("各乡") for name in responsible)


def unit_reports(config: Config, findings: list[FindingView], catalogue) -> list[UnitReport]:
    by_unit: dict[str, list[FindingView]] = defaultdict(list)
    for finding in findings:
        by_unit[finding.unit].append(finding)
    units = list(config.units)
    known = {unit.name for unit in units}
    # a finding naming a unit the configuration no longer has still gets a page
    units += [Unit(name=name) for name in by_unit if name not in known]
    return [
        UnitReport(
            number=number,
            name=unit.name,
            roles=unit.roles,
            findings=sorted(by_unit.get(unit.name, []), key=finding_order),
            people_items=[item for item in catalogue if item.people_tasks and answers_for(unit, item.responsible)],
        )
        for number, unit in enumerate(units, start=1)
    ]


@dataclass
class IndicatorRow(StatusSummary):
    item: Any  # county.catalogue.Item
    checks: list[str]  # titles of the checks that judged this item tonight, from their findings
    findings: list[FindingView]

    @property
    def automatic(self) -> bool:
        return bool(self.findings)


@dataclass
class ReportData:
    run: Run
    county: str
    findings: list[FindingView]
    diff: Diff
    trend: list[TrendPoint]
    incomplete: Incomplete | None
    units: list[UnitReport]
    indicators: list[IndicatorRow]
    # what people decided, per finding identity, as it stands tonight (reports/verdicts.py)
    reviews: dict[tuple, Review] = field(default_factory=dict)

    def check_title(self, finding: FindingView) -> str:
        """The check's own Chinese description (what must be published); for a finding stored
        before findings kept it, the plan's 网络检索 task, else the item's label (第7项)."""
        return finding.title or self._online_tasks(finding.indicator) or indicator_label(finding.indicator)

    def remedy(self, finding: FindingView) -> str:
        """What to publish to close the gap: the check's own advice, else the plan's 网络检索 task."""
        return finding.remedy or self._online_tasks(finding.indicator) or self.check_title(finding)

    def _online_tasks(self, indicator: str) -> str:
        row = self.indicator(indicator)
        return "".join(task.text for task in row.item.online_tasks) if row else ""

    @property
    def counts(self) -> Counter:
        return Counter(f.status for f in self.findings)

    @property
    def worst_units(self) -> list[UnitReport]:
        with_gaps = [u for u in self.units if u.counts["fail"] or u.counts["warn"] or u.counts["unknown"]]
        return sorted(with_gaps, key=lambda u: (u.rank(), u.number))[:10]

    @property
    def checked_indicators(self) -> list[IndicatorRow]:
        return [row for row in self.indicators if row.findings]

    def unit_page(self, name: str) -> UnitReport | None:
        return next((u for u in self.units if u.name == name), None)

    def indicator(self, indicator: str) -> IndicatorRow | None:
        return next((row for row in self.indicators if row.item.id == indicator), None)


def indicator_rows(catalogue: Catalogue, findings: list[FindingView]) -> list[IndicatorRow]:
    by_indicator: dict[str, list[FindingView]] = defaultdict(list)
    for finding in findings:
        by_indicator[finding.indicator].append(finding)
    return [
        IndicatorRow(
            item=item,
            checks=_check_titles(by_indicator.get(item.id, [])),
            findings=sorted(by_indicator.get(item.id, []), key=finding_order),
        )
        for item in catalogue
    ]


def _check_titles(findings: list[FindingView]) -> list[str]:
    """Each check's title once, in check order; a finding stored without one names no check."""
    titles = {f.check: f.title for f in sorted(findings, key=lambda f: f.check) if f.title}
    return list(titles.values())


def night_diff(session: Session, run: Run, findings: list[FindingView], verdicts: list[Verdict],
               tonight: dict[tuple, Review]) -> Diff:
    """新发现 / 已整改 only between complete runs: against the previous complete run, and
    none when tonight is incomplete (a gap that an outage hid is no fix). The previous night is
    seen with the decisions people had made when tonight's crawl began."""
    if run.completeness == INCOMPLETE:
        return Diff(None, skipped="本次抓取不完整，不与其他运行比较新发现和已整改；网站恢复后的下一次完整检查会与上次完整检查比较。")
    previous_run = previous_complete_run(session, run)
    if previous_run is None:
        return Diff(None)
    previous = [FindingView.of(row) for row in run_findings(session, previous_run.id)]
    known_then = [v for v in verdicts if v.created_at is None or run.started_at is None or v.created_at <= run.started_at]
    return compare(previous, findings, previous_run, reviews(previous, known_then, previous_run.as_of), tonight)


def incomplete(session: Session, run: Run) -> Incomplete | None:
    if run.completeness != INCOMPLETE:
        return None
    errors = run_fetch_errors(session, run.id)
    return Incomplete(
        reason=run.incomplete_reason or "",
        failed=[(error.url, error.reason) for error in errors[:MAX_FAILED_SHOWN]],
        failed_total=len(errors),
    )


def build_report(session: Session, run_id: int, config: Config) -> ReportData:
    run = session.get(Run, run_id)
    if run is None:
        raise LookupError(f"no run {run_id} in the store")
    catalogue = load_catalogue()
    findings = sorted((FindingView.of(row) for row in run_findings(session, run.id)), key=finding_order)
    verdicts = all_verdicts(session, run.county)
    tonight = reviews(findings, verdicts, run.as_of)
    return ReportData(
        run=run,
        county=config.county,
        findings=findings,
        diff=night_diff(session, run, findings, verdicts, tonight),
        trend=trend(session, run),
        incomplete=incomplete(session, run),
        units=unit_reports(config, findings, catalogue),
        indicators=indicator_rows(catalogue, findings),
        reviews=tonight,
    )
