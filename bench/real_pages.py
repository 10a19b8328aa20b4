"""fazhi's extractor against its peers on the hand-labelled real pages (``python bench/real_pages.py``).

Labels: tests/fixtures/real/labels.yaml. Peers (htmldate, gne, trafilatura) are scored when installed
(``pip install -e '.[bench]'``). Prints one line per extractor and per page set; the last line is
fazhi's per-field accuracy over all labelled pages: title, published date and publisher from the
extractor, decision date, comment window and is-the-item from the rules (bench/real_rules.py).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.encoding import decode_html
from crawler.extract import extract_page, normalise, publisher

REAL = ROOT / "tests" / "fixtures" / "real"
FIELDS = ("title", "published", "publisher")
URL = "http://www.example.gov.cn/article.html"


def load_labels() -> dict[str, dict]:
    return yaml.safe_load((REAL / "labels.yaml").read_text(encoding="utf-8"))


def fazhi(body: bytes) -> dict:
    page = extract_page(body, URL)
    return {"title": page.title, "published": page.published_on, "publisher": publisher(page.fields)}


def htmldate_peer(body: bytes) -> dict:
    from htmldate import find_date

    found = find_date(decode_html(body, None)[0], extensive_search=True, original_date=True)
    return {"published": dt.date.fromisoformat(found) if found else None}


def gne_peer(body: bytes) -> dict:
    from gne import GeneralNewsExtractor

    result = GeneralNewsExtractor().extract(decode_html(body, None)[0])
    return {
        "title": result.get("title") or "",
        "published": _date_of(result.get("publish_time") or ""),
        "publisher": result.get("source") or None,
    }


def trafilatura_peer(body: bytes) -> dict:
    from trafilatura import extract_metadata

    found = extract_metadata(decode_html(body, None)[0])
    if found is None:
        return {"title": "", "published": None, "publisher": None}
    return {"title": found.title or "", "published": _date_of(found.date or ""), "publisher": found.sitename}


def _date_of(text: str) -> dt.date | None:
    from parsing.dates import parse_date

    return parse_date(text)


def installed_peers() -> dict[str, Callable[[bytes], dict]]:
    peers: dict[str, Callable[[bytes], dict]] = {}
    for name, module, reader in (
        ("htmldate", "htmldate", htmldate_peer),
        ("gne", "gne", gne_peer),
        ("trafilatura", "trafilatura", trafilatura_peer),
    ):
        try:
            __import__(module)
        except ImportError:
            continue
        peers[name] = reader
    return peers


def agrees(field: str, got, want) -> bool:
    if field == "title" or field == "publisher":
        return normalise(got or "") == normalise(want or "")
    return got == want


def score(reader: Callable[[bytes], dict], labels: dict[str, dict], verbose: bool) -> dict[str, float]:
    right = {field: 0 for field in FIELDS}
    asked = {field: 0 for field in FIELDS}
    for name, want in labels.items():
        got = reader((REAL / name).read_bytes())
        for field in FIELDS:
            if field not in got:
                continue
            asked[field] += 1
            if agrees(field, got[field], want[field]):
                right[field] += 1
            elif verbose:
                print(f"  {name} {field}: got {got[field]!r}, label {want[field]!r}")
    return {field: right[field] / asked[field] for field in FIELDS if asked[field]}


def line(name: str, pages: str, count: int, scores: dict[str, float]) -> str:
    figures = " ".join(f"{field}={value:.2f}" for field, value in scores.items())
    return f"{name:12} {pages:9} ({count:3} pages) {figures}"


def main(argv: list[str]) -> None:
    verbose = "-v" in argv
    labels = load_labels()
    heldout = {name: want for name, want in labels.items() if want.get("heldout")}
    tuned = {name: want for name, want in labels.items() if not want.get("heldout")}
    best_peer: dict[str, tuple[float, str]] = {}
    for peer, reader in installed_peers().items():
        for pages, subset in (("tuned", tuned), ("held-out", heldout)):
            scores = score(reader, subset, verbose)
            print(line(peer, pages, len(subset), scores))
            if scores.get("published", -1) > best_peer.get(pages, (-1, ""))[0]:
                best_peer[pages] = (scores["published"], peer)
    for pages, subset in (("tuned", tuned), ("held-out", heldout)):
        scores = score(fazhi, subset, verbose)
        print(line("fazhi", pages, len(subset), scores))
        if pages in best_peer:
            # the bar: on dates fazhi is never below the best peer on the same pages
            value, peer = best_peer[pages]
            verdict = "ok" if scores.get("published", 0) >= value else "BELOW"
            print(f"{'vs peers':12} {pages:9} published: fazhi {scores.get('published', 0):.2f}, best peer {peer} {value:.2f} ({verdict})")
    print(line("fazhi", "all", len(labels), score(fazhi, labels, verbose)))
    print(final_line(labels, verbose))


def final_line(labels: dict[str, dict], verbose: bool) -> str:
    """fazhi over every labelled real page: the extractor's fields, then the rules' (bench/real_rules.py)."""
    from bench import real_rules

    fields = score(fazhi, labels, verbose)
    rule_labels = real_rules.load_labels()
    for field, (right, asked) in real_rules.score(rule_labels, verbose).items():
        if asked:
            fields[field.replace(" ", "_")] = right / asked
    figures = " ".join(f"{field}={value:.2f}" for field, value in fields.items())
    return f"fazhi all fields ({len(labels)} pages; rules on {len(rule_labels)}): {figures}"


if __name__ == "__main__":
    main(sys.argv[1:])
