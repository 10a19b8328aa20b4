"""Real government titles through the title matching each check uses.

The titles and the verdicts an assessor would give are in
fixtures/real_titles.yaml, each with where it was found. A key names a check
by slug and the item by what the check's module declares for it, so the test
runs the production phrase data through the production matching:
a Requirement the way a county-scope check finds its documents (match_doc),
phrases the way per-unit and per-item checks do (match_title), and the
consultation checks' notices through is_comment_notice. Only the title is
judged here; what the text must also show is tested elsewhere.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

import rules.checks  # noqa: F401  (registers every check)
from rules.base import Doc, registered_checks
from rules.corpus import match_doc
from rules.county_checks import Requirement
from rules.matching import Phrase, match_title
from rules.topics.consultation import is_comment_notice, is_major_decision_notice

FIXTURE = Path(__file__).parent / "fixtures" / "real_titles.yaml"
ENTRIES = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
# no county configuration lists its decisions: the title and text must say so
NO_LISTED_DECISIONS = SimpleNamespace(config=SimpleNamespace(major_decisions=()))


def _module_of(slug: str):
    modules = {cls.slug: sys.modules[cls.__module__] for cls in registered_checks()}
    assert slug in modules, f"no check with slug {slug}"
    return modules[slug]


def _declared(slug: str, name: str):
    module = _module_of(slug)
    attribute, _, key = name.partition(".")
    value = getattr(module, attribute)
    return value[key] if key else value


def _notice_verdict(slug: str, doc: Doc) -> bool:
    if not is_comment_notice(doc):
        return False
    if slug == "major-decision-comment-window":
        return is_major_decision_notice(doc, NO_LISTED_DECISIONS)
    return _module_of(slug).is_normative_notice(doc, NO_LISTED_DECISIONS)


def verdict(key: str, title: str) -> bool:
    """Whether the check takes a document with this title for its item."""
    slug, _, name = key.partition(":")
    doc = Doc(url="https://example.gov.cn/real.html", title=title)
    if name == "notice":
        return _notice_verdict(slug, doc)
    declared = _declared(slug, name)
    if isinstance(declared, Requirement):
        return match_doc(doc, declared.phrases, declared.allow_news) is not None
    phrases = (declared,) if isinstance(declared, Phrase) else tuple(declared)
    return match_title(title, phrases) is not None


# ids stay ASCII (pytest escapes Chinese); the assertion message shows the title
CASES = [
    pytest.param(entry["title"], key, expected, id=f"{number}-{key}")
    for number, entry in enumerate(ENTRIES, start=1)
    for key, expected in entry["expect"].items()
]


def test_fixture_records_where_each_title_was_found():
    assert all(entry.get("source") for entry in ENTRIES)
    assert len({entry["title"] for entry in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize(("title", "key", "expected"), CASES)
def test_real_title(title, key, expected):
    assert verdict(key, title) is expected, f"{key} on 《{title}》 should be {expected}"
