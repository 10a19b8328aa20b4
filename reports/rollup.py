"""What the city's (or province's) roll-up shows, computed from the store: each county's newest
judged night, its findings counted per indicator, its change since its previous complete night,
its trend, and whether the night can be trusted.

The roll-up reads findings and run summaries, never pages. A county whose night was incomplete
(CHECKS.md, "complete run") is flagged and kept out of the worst counties: its gaps may be an
outage's, and an outage must never make a county look bad.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from county.deployment import County, Deployment
from reports.model import Diff, FindingView, TrendPoint, indicator_order, night_diff, trend
from reports.verdicts import reviews
from storage.db import latest_run, run_findings
from storage.models import Run
from storage.review import all_verdicts
from storage.statuses import INCOMPLETE, worst

# nights shown in each county's trend
TREND_NIGHTS = 14
# rows in the worst indicators and worst counties tables
WORST_SHOWN = 10


@dataclass(frozen=True)
class Cell:
    """One county's findings of one indicator."""

    counts: Counter

    @property
    def worst(self) -> str:
        return worst(status for status, n in self.counts.items() if n)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class SharePoint:
    """One night of a county's trend: the share of its findings that passed."""

    as_of: dt.date | None
    run_id: int
    passed: int
    total: int
    complete: bool  # an incomplete night's share is low by outage, not by gaps

    @property
    def share(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass
class CountyNight:
    slug: str
    name: str
    run: Run | None  # the county's newest judged night; None before its first
    findings: list[FindingView] = field(default_factory=list)
    diff: Diff | None = None
    trend: list[SharePoint] = field(default_factory=list)
    failed: Run | None = None  # a run after `run` that could not complete: tonight's job failed
    as_of: dt.date | None = None  # the night the roll-up is for

    @property
    def href(self) -> str:
        return f"{self.slug}/index.html"

    @property
    def counts(self) -> Counter:
        return Counter(f.status for f in self.findings)

    @property
    def checked(self) -> int:
        """Findings the night could judge (all but 无法判断): the coverage."""
        return len(self.findings) - self.counts["unknown"]

    @property
    def complete(self) -> bool:
        return self.run is not None and self.run.completeness != INCOMPLETE

    @property
    def stale(self) -> bool:
        """The newest judged night is not the roll-up's night (tonight's job failed or did not run)."""
        return self.run is not None and self.as_of is not None and self.run.as_of != self.as_of

    @property
    def ranked(self) -> bool:
        """Whether the county's gaps can be trusted enough to rank it among the worst."""
        return self.complete and not self.stale and bool(self.findings)

    @property
    def gap_share(self) -> float:
        return self.counts["fail"] / self.checked if self.checked else 0.0

    def cell(self, indicator: str) -> Cell | None:
        counts = Counter(f.status for f in self.findings if f.indicator == indicator)
        return Cell(counts) if counts else None


@dataclass(frozen=True)
class IndicatorRank:
    indicator: str
    failing_counties: int  # counties (ranked ones) whose worst finding of the item is 未通过
    counts: Counter  # every county's findings of the item, by status


@dataclass
class Rollup:
    name: str
    as_of: dt.date
    counties: list[CountyNight]

    @property
    def indicators(self) -> list[str]:
        found = {f.indicator for county in self.counties for f in county.findings}
        return sorted(found, key=indicator_order)

    @property
    def counts(self) -> Counter:
        return sum((county.counts for county in self.counties), Counter())

    @property
    def worst_counties(self) -> list[CountyNight]:
        with_gaps = [c for c in self.counties if c.ranked and c.counts["fail"]]
        return sorted(with_gaps, key=lambda c: (-c.gap_share, -c.counts["fail"], c.slug))[:WORST_SHOWN]

    @property
    def unranked(self) -> list[CountyNight]:
        """Counties whose night is missing, failed, stale or incomplete: flagged, never ranked."""
        return [c for c in self.counties if not c.ranked]

    @property
    def worst_indicators(self) -> list[IndicatorRank]:
        ranks = [self._rank(indicator) for indicator in self.indicators]
        bad = [r for r in ranks if r.counts["fail"] or r.counts["warn"]]
        return sorted(bad, key=lambda r: (-r.failing_counties, -r.counts["fail"], -r.counts["warn"], indicator_order(r.indicator)))[
            :WORST_SHOWN
        ]

    def _rank(self, indicator: str) -> IndicatorRank:
        cells = [(county, county.cell(indicator)) for county in self.counties]
        failing = sum(1 for county, cell in cells if cell and county.ranked and cell.worst == "fail")
        counts = sum((cell.counts for _county, cell in cells if cell), Counter())
        return IndicatorRank(indicator, failing, counts)


def build_rollup(sessions: Session | Mapping[str, Session], deployment: Deployment, as_of: dt.date) -> Rollup:
    """sessions: the store of every county, or each county's by slug."""
    def store_of(county: County) -> Session:
        return sessions if isinstance(sessions, Session) else sessions[county.slug]

    return Rollup(deployment.name, as_of, [county_night(store_of(county), county, as_of) for county in deployment.counties])


def county_night(session: Session, county: County, as_of: dt.date) -> CountyNight:
    name = county.config.county
    run = latest_run(session, name, ("checked",))
    night = CountyNight(county.slug, name, run, as_of=as_of, failed=_failed_since(session, name, run))
    if run is None:
        return night
    night.findings = [FindingView.of(row) for row in run_findings(session, run.id)]
    # 新发现 / 已整改 as the county's own report counts them: with its reviewers' decisions
    verdicts = all_verdicts(session, name)
    night.diff = night_diff(session, run, night.findings, verdicts, reviews(night.findings, verdicts, run.as_of))
    points = trend(session, run)[-TREND_NIGHTS:]
    incomplete = set(session.scalars(select(Run.id).where(Run.id.in_([p.run_id for p in points]), Run.completeness == INCOMPLETE)))
    night.trend = [_share(point, point.run_id not in incomplete) for point in points]
    return night


def _failed_since(session: Session, county: str, run: Run | None) -> Run | None:
    query = select(Run).where(Run.county == county, Run.status == "failed")
    if run is not None:
        query = query.where(Run.id > run.id)
    return session.scalars(query.order_by(Run.id.desc()).limit(1)).first()


def _share(point: TrendPoint, complete: bool) -> SharePoint:
    return SharePoint(point.as_of, point.run_id, point.counts.get("pass", 0), sum(point.counts.values()), complete)
