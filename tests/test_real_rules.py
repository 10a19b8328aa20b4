"""The rules on real pages, page by page: each labelled page (labels.yaml files under
tests/fixtures/real/ with decisions, window or item keys) read as the crawler stores it and
judged by the checks' own code, through bench/real_rules.py, so that a regression names its page."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.real_rules import REAL, expected_decisions, expected_window, load_labels, read

LABELS = load_labels()


def test_the_rules_have_labelled_real_pages():
    assert len(LABELS) >= 15
    assert any("decisions" in want for want in LABELS.values())
    assert any(want.get("window") for want in LABELS.values())


@pytest.mark.parametrize("path", sorted(LABELS), ids=lambda path: path.relative_to(REAL).as_posix())
def test_real_page(path):
    want = LABELS[path]
    reading = read(path, (want.get("item") or {}).keys())
    if "decisions" in want:
        assert Counter(reading.decisions) == Counter(expected_decisions(want)), "decisions (kind, date)"
    if "window" in want:
        assert reading.window == expected_window(want), "comment window"
    for slug, expected in (want.get("item") or {}).items():
        assert reading.items[slug] is bool(expected), f"is it the item of {slug}"
