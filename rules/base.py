"""The check framework: what a check declares, what it sees, and what it returns.

A check module under ``rules/checks/`` defines one subclass of :class:`Check`,
decorated with :func:`register`, and keeps its test cases as data in a YAML file
of the same name beside it (run by ``tests/test_check_cases.py``). Most checks
are of a known kind and only declare data: ``PresenceCheck`` and
``NegativeHitCheck`` (county scope, rules.county_checks), ``YearlyItemCheck``
(per unit) and ``PerItemCheck`` (rules.unit_checks). Whatever the kind, the
engine judges a per-unit check one unit at a time and turns a finding outside
the check's `scope` or `statuses` into `unknown`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, ClassVar, TypeVar

from county.config import Config, Unit
from rules.completeness import Completeness
from storage.statuses import STATUSES

T = TypeVar("T")

SCOPES = ("county", "per_unit", "per_item")
# a description's leading 第N项： (or 第84项（决定书）：), which a report prints beside the title anyway
_ITEM_PREFIX = re.compile(r"^第\s*[0-9A-Za-z]{1,3}\s*项(?P<qualifier>[（(][^）)]*[）)])?\s*[：:]\s*")


@dataclass(frozen=True)
class Doc:
    """A crawled page or attachment, read-only, as every check sees it."""

    url: str
    title: str
    kind: str = "page"
    published_on: dt.date | None = None
    text: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    tables: list[Any] = field(default_factory=list)
    unit: str = ""
    # why the document is the unit's (county.units.Attribution.reason)
    unit_reason: str = ""
    http_status: int = 200
    parent_url: str | None = None
    link_text: str | None = None
    extension: str | None = None
    list_date: dt.date | None = None
    sha256: str | None = None
    # when the site last confirmed it (naive UTC): tonight, or for a document the night carried
    # forward unfetched, the night it was last verified
    verified_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        """Fetched with HTTP 200 in this run: only such documents count as evidence (CHECKS.md E)."""
        return self.http_status == 200


@dataclass(frozen=True)
class ErrorView:
    url: str
    unit: str
    reason: str


@dataclass(frozen=True)
class PartialListView:
    """A list page read short of the records it claims (storage.models.PartialList)."""

    url: str
    unit: str
    claimed: int
    read: int
    reason: str

    def describe(self) -> str:
        return f"{self.url} 称共 {self.claimed} 条，本次只读到 {self.read} 条（{self.reason}）"


@dataclass(frozen=True)
class PastFinding:
    indicator: str
    check: str
    unit: str
    status: str


@dataclass(frozen=True)
class PastRun:
    """The last complete run, for the units whose per-item findings must not fall silent."""

    id: int
    as_of: dt.date | None
    findings: tuple[PastFinding, ...] = ()


@dataclass(frozen=True)
class Sighting:
    """Where an earlier run found a county-scope item that this run could not fetch."""

    run_id: int
    as_of: dt.date | None
    url: str
    unreachable: str  # the URL itself, or the list page it was found under
    reason: str
    label: str = ""  # the requirement the evidence met (its note's label), when it names one


@dataclass
class Evidence:
    url: str
    title: str = ""
    published: dt.date | None = None
    note: str = ""
    sha256: str | None = None
    # the unit the document is credited to and why (rules.corpus.Ownership), filled in by the engine
    unit: str = ""
    unit_reason: str = ""
    verified_at: dt.datetime | None = None

    @classmethod
    def of(cls, doc: Doc, note: str = "") -> Evidence:
        return cls(url=doc.url, title=doc.title, published=doc.published_on, note=note, sha256=doc.sha256,
                   verified_at=doc.verified_at)

    def to_dict(self) -> dict[str, Any]:
        verified = self.verified_at.replace(tzinfo=dt.timezone.utc).isoformat() if self.verified_at else None
        values = {
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "note": self.note,
            "verified_at": verified,
        }
        return values | ({"unit": self.unit, "unit_reason": self.unit_reason} if self.unit_reason else {})


@dataclass
class Result:
    """One finding as a check produces it (stored as storage.models.Finding)."""

    indicator: str
    check: str
    unit: str
    status: str
    message: str
    responsible: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    # the check's title and remedy, stored with the finding so that a report needs no check to render it
    title: str = ""
    remedy: str = ""
    # a per-unit fail or before-deadline warn that a fetch error under the unit turns into unknown
    absence: bool = False

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass
class CheckContext:
    """Everything a check may read: the run's documents, errors, units and calendar."""

    as_of: dt.date
    config: Config
    documents: list[Doc]
    errors: list[ErrorView]
    calendar: Any  # rules.workdays.WorkCalendar
    catalogue: Any  # county.catalogue.Catalogue
    start_failed: bool = False
    # "URL：reason" of each start page that did not answer with content
    start_failure: str = ""
    completeness: Completeness = field(default_factory=Completeness)
    baseline: PastRun | None = None
    # (indicator, check) of a county-scope item → where its evidence was last seen, behind URLs that failed tonight
    last_seen: dict[tuple[str, str], list[Sighting]] = field(default_factory=dict)
    # list pages read short of what they claim: what is missing under their unit may be behind them
    partial_lists: list[PartialListView] = field(default_factory=list)
    # views of the run that several checks build (rules.corpus.Corpus), made once per run
    _shared: dict[Any, Any] = field(default_factory=dict, repr=False)
    # the one unit a per-unit check is judged for (see for_unit); None: every unit
    only_unit: str | None = None

    def shared(self, factory: Callable[[CheckContext], T]) -> T:
        if factory not in self._shared:
            self._shared[factory] = factory(self)
        return self._shared[factory]

    @cached_property
    def present(self) -> list[Doc]:
        return [doc for doc in self.documents if doc.ok]

    @cached_property
    def _errors_by_unit(self) -> dict[str, list[ErrorView]]:
        grouped: dict[str, list[ErrorView]] = defaultdict(list)
        for error in self.errors:
            grouped[error.unit].append(error)
        return grouped

    def unit_errors(self, unit: str) -> list[ErrorView]:
        return self._errors_by_unit.get(unit, [])

    def unit_partial_lists(self, unit: str) -> list[PartialListView]:
        return [partial for partial in self.partial_lists if partial.unit == unit]

    @property
    def county_unit(self) -> Unit:
        return self.config.county_unit

    def units_with(self, *roles: str) -> list[Unit]:
        return [unit for unit in self.config.units if unit.has_role(*roles) and self.only_unit in (None, unit.name)]

    def for_unit(self, unit: str) -> CheckContext:
        """The same run seen by a per-unit check judging `unit` alone; the run's views are shared."""
        narrowed = replace(self, only_unit=unit)
        narrowed.__dict__.update({name: self.__dict__[name] for name in ("present", "_errors_by_unit") if name in self.__dict__})
        return narrowed

    def responsible(self, indicator: str) -> list[str]:
        return list(self.catalogue.get(indicator).responsible)


class Check:
    """Base class; the subclass docstring's first line is the check's description."""

    indicator: ClassVar[str]
    slug: ClassVar[str]
    scope: ClassVar[str]
    # roles of the units a per-unit check applies to (INTERFACE.md)
    roles: ClassVar[tuple[str, ...]] = ()
    statuses: ClassVar[tuple[str, ...]] = STATUSES
    # what the unit must publish or correct, shown as 整改要求 in its 整改清单;
    # without it the report shows the plan's own 网络检索 task
    remedy: ClassVar[str] = ""

    @classmethod
    def description(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else cls.slug

    @classmethod
    def title(cls) -> str:
        """The description without its leading 第N项：, as the report shows it beside the item."""
        return _ITEM_PREFIX.sub(lambda m: m["qualifier"] or "", cls.description(), count=1)

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        raise NotImplementedError

    def result(self, ctx: CheckContext, unit: str, status: str, message: str, evidence=(), absence=False) -> Result:
        return Result(
            indicator=self.indicator,
            check=self.slug,
            unit=unit,
            status=status,
            message=message,
            responsible=ctx.responsible(self.indicator),
            evidence=list(evidence),
            title=self.title(),
            remedy=self.remedy,
            absence=absence,
        )


_REGISTRY: dict[tuple[str, str], type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    key = (cls.indicator, cls.slug)
    if key in _REGISTRY and _REGISTRY[key] is not cls:
        raise ValueError(f"duplicate check {key}")
    if cls.scope not in SCOPES:
        raise ValueError(f"{cls.__name__}: scope must be one of {SCOPES}")
    _REGISTRY[key] = cls
    return cls


def registered_checks() -> list[type[Check]]:
    import rules.checks  # noqa: F401  (importing the package registers every check module)

    return sorted(_REGISTRY.values(), key=lambda cls: (_indicator_order(cls.indicator), cls.slug))


def automatic_indicators() -> set[str]:
    return {cls.indicator for cls in registered_checks()}


def _indicator_order(indicator: str) -> tuple[int, int]:
    if indicator.isdigit():
        return (0, int(indicator))
    return ({"B": 1, "D": 2}.get(indicator[0], 3), int(indicator[1:] or 0))
