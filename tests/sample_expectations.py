"""The sample portal's expected findings, one table per night (tests/fixtures/html/_expected.yaml,
tests/fixtures/night2/_expected.yaml), and the assertions both nights' end-to-end tests make.

A table maps "indicator/slug" to {unit: expectation}; the units listed are exactly the units
that get a finding. An expectation is a status, or a mapping with a `status` and optionally
`evidence` (URL paths that must be evidence), `not_evidence` (paths, or sections ending in "/",
that must not be) and `message` (fragments the message must contain). The file name starts
with "_" so the sample portal never serves it.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from rules.base import registered_checks

TABLE_FILE = "_expected.yaml"
DETAIL_KEYS = frozenset(("status", "evidence", "not_evidence", "message"))


class Expected(NamedTuple):
    status: str
    evidence: tuple[str, ...] = ()
    not_evidence: tuple[str, ...] = ()
    message: tuple[str, ...] = ()


Table = dict[tuple[str, str], dict[str, Expected]]


def load_table(night_root: Path) -> Table:
    raw = yaml.safe_load((night_root / TABLE_FILE).read_text(encoding="utf-8"))
    return {_key(name): {unit: _expected(name, unit, cell) for unit, cell in units.items()} for name, units in raw.items()}


def _key(name: str) -> tuple[str, str]:
    indicator, slash, slug = str(name).partition("/")
    if not (slash and indicator and slug):
        raise ValueError(f"{TABLE_FILE}: row {name!r} is not indicator/slug")
    return indicator, slug


def _expected(name: str, unit: str, cell) -> Expected:
    if isinstance(cell, str):
        return Expected(cell)
    # an unknown key would silently drop an assertion
    if not isinstance(cell, dict) or "status" not in cell or set(cell) - DETAIL_KEYS:
        raise ValueError(f"{TABLE_FILE}: {name} {unit}: expected a status or a mapping of {sorted(DETAIL_KEYS)}, got {cell!r}")
    return Expected(cell["status"], *(tuple(cell.get(key, ())) for key in ("evidence", "not_evidence", "message")))


def registered_keys() -> set[tuple[str, str]]:
    return {(check.indicator, check.slug) for check in registered_checks()}


def cases(table: Table) -> list:
    return [
        pytest.param(key, unit, expected, id=f"{key[0]}-{key[1]}-{unit}")
        for key, units in table.items() for unit, expected in units.items()
    ]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1]


def one_finding(findings: list, key: tuple[str, str], unit: str):
    found = [f for f in findings if (f.indicator, f.check, f.unit) == (*key, unit)]
    assert len(found) == 1, f"{key[0]}/{key[1]}: expected one finding for {unit}, got {len(found)}"
    return found[0]


def assert_as_expected(findings: list, key: tuple[str, str], unit: str, expected: Expected) -> None:
    finding = one_finding(findings, key, unit)
    label = f"{key[0]}/{key[1]} {unit}"
    assert finding.status == expected.status, f"{label}: {finding.status} — {finding.message}"
    paths = {path_of(e["url"]) for e in finding.evidence}
    assert set(expected.evidence) <= paths, f"{label}: evidence {sorted(paths)}"
    assert not [p for p in paths if within_any(p, expected.not_evidence)], f"{label}: evidence {sorted(paths)}"
    assert [m for m in expected.message if m not in finding.message] == [], f"{label}: {finding.message}"


def within_any(path: str, excluded: tuple[str, ...]) -> bool:
    return any(path == gone or (gone.endswith("/") and path.startswith(gone)) for gone in excluded)


def assert_no_findings_outside(findings: list, table: Table) -> None:
    judged = {(f.indicator, f.check, f.unit) for f in findings}
    expected = {(*key, unit) for key, units in table.items() for unit in units}
    unlisted = sorted(judged - expected)
    assert unlisted == [], f"findings the table does not list: {unlisted}"
    unfound = sorted(expected - judged)
    assert unfound == [], f"table entries with no finding: {unfound}"


def assert_table_covers_the_registry(table: Table, night_root: Path) -> None:
    where = night_root / TABLE_FILE
    missing = sorted(f"{i}/{s}" for i, s in registered_keys() - table.keys())
    assert missing == [], f"registered checks missing from {where}: {', '.join(missing)}"
    stale = sorted(f"{i}/{s}" for i, s in table.keys() - registered_keys())
    assert stale == [], f"rows of {where} that name no registered check: {', '.join(stale)}"
