"""The rules against hand labels on real pages (``python bench/real_rules.py [-v]``).

Every ``labels.yaml`` under tests/fixtures/real/ may give a page, besides its title and dates,
what an assessor reads on it for the per-item and yearly checks:

    page.html: {decisions: [{kind: 处罚|许可|其他, date: YYYY-MM-DD|null}],
                window: {opens: YYYY-MM-DD, closes: YYYY-MM-DD} | null,
                item: {<check slug>: true|false}, heldout: true|false}

A key is a path relative to its labels file's folder. Each page is read as the crawler stores it
(crawler.extract.extract_page) and judged through the checks' own code: the decisions check 52
takes from it, the window 23/34 read from it, and whether each named check takes it for its item.
Prints one line per field and a last line with all three; bench/real_pages.py calls ``score``.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

REAL = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "real"
SITE = "http://www.example.gov.cn/"
RULE_KEYS = ("decisions", "window", "item")
FIELDS = ("decision date", "window", "is the item")
# the day the pages are judged on: only working-day counts of stated lengths depend on the calendar
AS_OF = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class Reading:
    """What the checks make of one page."""

    decisions: tuple[tuple[str, dt.date | None], ...]
    window: tuple[dt.date, dt.date] | None
    items: dict[str, bool]


def load_labels(root: Path = REAL) -> dict[Path, dict]:
    """Every labelled page under `root` that carries decisions, window or item labels."""
    labelled: dict[Path, dict] = {}
    for labels_file in sorted(root.rglob("labels.yaml")):
        for name, want in (yaml.safe_load(labels_file.read_text(encoding="utf-8")) or {}).items():
            if isinstance(want, dict) and any(key in want for key in RULE_KEYS):
                labelled[(labels_file.parent / name).resolve()] = want
    return labelled


def stored_document(path: Path):
    """The page as the crawler stores it and the engine hands it to the checks."""
    from crawler.extract import extract_page
    from rules.base import Doc

    url = SITE + path.name
    page = extract_page(path.read_bytes(), url)
    return Doc(
        url=url, title=page.title, kind="page", published_on=page.published_on, text=page.text,
        fields=page.fields, meta=page.meta, tables=page.tables, unit="县政府",
    )


def context_for(doc):
    from county.catalogue import load_catalogue
    from county.config import parse_config
    from rules.base import CheckContext
    from rules.workdays import WorkCalendar

    config = parse_config(
        {
            "county": {"name": "示例县"},
            "crawl": {"start_urls": [SITE], "allowed_domains": ["www.example.gov.cn"]},
            "units": [{"name": "县政府", "url_prefixes": [SITE], "roles": ["county"]}],
        }
    )
    return CheckContext(as_of=AS_OF, config=config, documents=[doc], errors=[], calendar=WorkCalendar(), catalogue=load_catalogue())


def read(path: Path, slugs: Iterable[str] = ()) -> Reading:
    """The decisions, window and item verdicts the checks give the page at `path`."""
    from rules.checks.i052_enforcement_publicity import decisions
    from rules.corpus import corpus_of
    from rules.topics.consultation import CommentWindow, comment_window

    doc = stored_document(path)
    ctx = context_for(doc)
    corpus = corpus_of(ctx)
    found = tuple((decision.kind, decision.decision_date) for decision in decisions(ctx, corpus))
    window = comment_window(doc, corpus.published(doc), ctx.calendar)
    span = (window.start, window.end) if isinstance(window, CommentWindow) else None
    return Reading(found, span, {slug: is_item(slug, ctx, corpus, doc) for slug in slugs})


def is_item(slug: str, ctx, corpus, doc) -> bool:
    """Whether the check named by `slug` takes `doc` for its item, through the check's own code."""
    from rules.base import registered_checks
    from rules.checks.i023_normative_comment_window import is_normative_notice
    from rules.checks.i052_enforcement_publicity import decisions
    from rules.topics.consultation import comment_notices, is_major_decision_notice
    from rules.unit_checks import YearlyItemCheck

    if slug == "decision-publicity":
        return any(True for _ in decisions(ctx, corpus))
    if slug == "normative-comment-window":
        return any(notice.url == doc.url and is_normative_notice(notice, ctx) for notice in comment_notices(corpus))
    if slug == "major-decision-comment-window":
        return any(notice.url == doc.url and is_major_decision_notice(notice, ctx) for notice in comment_notices(corpus))
    check = next((cls for cls in registered_checks() if cls.slug == slug), None)
    if check is None:
        raise ValueError(f"no check with slug {slug}")
    if issubclass(check, YearlyItemCheck):
        return any(candidate.url == doc.url for candidate in check().candidates(ctx, corpus, corpus.owner(doc)))
    phrases = getattr(sys.modules[check.__module__], "PHRASES", None)
    if phrases is None:
        raise ValueError(f"{slug}: no item phrases to judge a page by")
    return any(candidate.url == doc.url for candidate, _ in corpus.titled(phrases))


def expected_decisions(want: dict) -> list[tuple[str, dt.date | None]]:
    return [(entry["kind"], _day(entry.get("date"))) for entry in want.get("decisions") or []]


def expected_window(want: dict) -> tuple[dt.date, dt.date] | None:
    window = want.get("window")
    return (_day(window["opens"]), _day(window["closes"])) if window else None


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def decision_tally(want: list, got: Iterable) -> tuple[int, int]:
    """Decisions found with the labelled kind and date, out of the labelled or found ones, whichever
    are more: a header row or a page date taken for a decision counts against. A page with none
    labelled and none found counts once, as right."""
    got = list(got)
    if not want and not got:
        return 1, 1  # no decision, and none taken from a header cell or a page date
    right = sum((Counter(want) & Counter(got)).values())
    return right, max(len(want), len(got))


def score(labels_by_path: dict[Path, dict], verbose: bool = False) -> dict[str, tuple[int, int]]:
    """(right, asked) per field over the labelled pages: decision dates, windows, is-the-item."""
    tally = {field: [0, 0] for field in FIELDS}
    for path, want in labels_by_path.items():
        reading = read(path, (want.get("item") or {}).keys())
        if "decisions" in want:
            right, asked = decision_tally(expected_decisions(want), reading.decisions)
            _add(tally, "decision date", right, asked, verbose, path, reading.decisions, want["decisions"])
        if "window" in want:
            ok = reading.window == expected_window(want)
            _add(tally, "window", int(ok), 1, verbose, path, reading.window, want["window"])
        for slug, expected in (want.get("item") or {}).items():
            ok = reading.items[slug] == bool(expected)
            _add(tally, "is the item", int(ok), 1, verbose, path, f"{slug}={reading.items[slug]}", expected)
    return {field: (right, asked) for field, (right, asked) in tally.items()}


def _add(tally, field: str, right: int, asked: int, verbose: bool, path: Path, got, want) -> None:
    tally[field][0] += right
    tally[field][1] += asked
    if verbose and right < asked:
        print(f"  {path.relative_to(REAL)} {field}: got {got!r}, label {want!r}")


def line(field: str, right: int, asked: int) -> str:
    share = f"{right / asked:.2f}" if asked else "n/a"
    return f"{field:14} {share} ({right}/{asked})"


def main(argv: list[str]) -> None:
    labels = load_labels()
    heldout = {path: want for path, want in labels.items() if want.get("heldout")}
    for pages, subset in (("held-out", heldout), ("all", labels)):
        if not subset:
            continue
        figures = score(subset, verbose="-v" in argv and pages == "all")
        if pages == "all":
            for field in FIELDS:
                print(line(field, *figures[field]))
        summary = " ".join(f"{field.replace(' ', '_')}={right / asked:.2f}" for field, (right, asked) in figures.items() if asked)
        print(f"fazhi rules {pages:9} ({len(subset):3} pages) {summary}")


if __name__ == "__main__":
    main(sys.argv[1:])
