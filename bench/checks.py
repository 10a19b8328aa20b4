"""Benchmark: `fazhi check` and `fazhi report` over 10,000, 30,000 and 100,000 documents.

    python bench/checks.py [--sizes 10000 30000 100000] [--units 100]

A synthetic portal (bench/portal.py) is served and crawled once with the real
crawler; its documents are then replicated into a store of each size with new
URLs (spread over the configured units' URL prefixes), titles (real government
titles from tests/fixtures/real_titles.yaml, some prefixed with a unit's name)
and dates. Prints, per size, the time to read the run's rows (the floor), and the
time and peak RSS of `fazhi check` and `fazhi report`, each in a fresh process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bench.portal import SyntheticPortal  # noqa: E402
from crawler.runner import crawl  # noqa: E402
from crawler.siteserver import SiteServer  # noqa: E402
from crawler.testing import FAST, local_config  # noqa: E402
from storage.db import open_engine  # noqa: E402
from storage.models import Document, Run  # noqa: E402

AS_OF = dt.date(2022, 3, 31)
TEMPLATE_PAGES = 1500
# columns a replica copies as crawled; url, title, dates, parent and unit are made new
COPIED = ("kind", "http_status", "published_source", "text", "meta", "fields", "tables", "link_text", "extension",
          "sha256", "content_type", "encoding", "extraction_note", "extractor_version")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 30000, 100000])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--keep", type=Path, default=None, help="keep the stores in this folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fazhi-bench-")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        template, base_url = crawl_template(folder)
        titles = real_titles()
        print(f"{'documents':>10} {'read rows':>10} {'check':>9} {'check RSS':>10} {'report':>9} {'report RSS':>11}")
        for size in args.sizes:
            db = folder / f"bench-{size}.db"
            config = folder / f"bench-{size}.toml"
            shutil.copy(template, db)
            replicate(f"sqlite:///{db}", size, args.units, base_url, titles)
            write_config(config, base_url, args.units)
            floor = read_time(f"sqlite:///{db}")
            check_s, check_mb = measured(["check", "--config", str(config), "--db", f"sqlite:///{db}", "--as-of", AS_OF.isoformat()])
            report_s, report_mb = measured(["report", "--config", str(config), "--db", f"sqlite:///{db}", "--out", str(folder / f"out-{size}")])
            print(f"{size:>10} {floor:>9.1f}s {check_s:>8.1f}s {check_mb:>8.0f}MB {report_s:>8.1f}s {report_mb:>9.0f}MB", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def crawl_template(folder: Path) -> tuple[Path, str]:
    """The synthetic portal crawled once by the real crawler."""
    portal = SyntheticPortal(TEMPLATE_PAGES)
    db = folder / "template.db"
    with SiteServer(routes=portal.routes) as server:
        config = local_config(server.url, max_pages=portal.page_count + len(portal.files) + 10, max_depth=2000,
                              concurrency_per_domain=8, retries=1, timeout=30)
        crawl(config, f"sqlite:///{db}", progress=False, overrides=FAST | {"CONCURRENT_REQUESTS": 16})
        return db, server.url


def real_titles() -> list[str]:
    entries = yaml.safe_load((ROOT / "tests" / "fixtures" / "real_titles.yaml").read_text(encoding="utf-8"))
    return [entry["title"] for entry in entries]


def unit_name(number: int) -> str:
    return f"县第{number}局"


def replicate(db_url: str, size: int, units: int, base_url: str, titles: list[str]) -> None:
    """Copies of the crawled documents until the run holds `size`: each copy under a unit's
    prefix, its parent links kept inside the copy, titles and dates varied."""
    engine = open_engine(db_url)
    with engine.begin() as connection:
        run_id = connection.execute(select(Run.id)).scalar_one()
        columns = [getattr(Document, name) for name in ("url", "title", "published_on", "list_date", "parent_url", *COPIED)]
        originals = [row._asdict() for row in connection.execute(select(*columns).where(Document.run_id == run_id))]
        # the start page stays where the crawl found it, so the run is a complete one
        start = [row for row in originals if row["url"].rstrip("/") == base_url.rstrip("/")]
        made = len(originals)
        copy = 0
        while made < size:
            copy += 1
            unit = copy % units
            batch = []
            for index, row in enumerate(originals):
                if made >= size:
                    break
                if row in start:
                    continue
                batch.append(_replica(row, run_id, copy, unit, base_url, titles[(copy * 7 + index) % len(titles)], index))
                made += 1
            connection.execute(insert(Document), batch)
        connection.execute(Run.__table__.update().where(Run.id == run_id).values(pages=made))


def _replica(row: dict, run_id: int, copy: int, unit: int, base_url: str, title: str, index: int) -> dict:
    def moved(url: str | None) -> str | None:
        if url is None or not url.startswith(base_url):
            return url
        return f"{base_url}/u{unit}/c{copy}{url[len(base_url):]}"

    shift = dt.timedelta(days=(copy * 37 + index) % 1400)
    named = f"县第{unit}局{title}" if index % 3 == 0 else title
    return {
        **{name: row[name] for name in COPIED},
        "run_id": run_id,
        "url": moved(row["url"]),
        "parent_url": moved(row["parent_url"]),
        "title": named if row["kind"] == "page" or index % 2 else row["title"],
        "published_on": row["published_on"] and min(AS_OF, row["published_on"] + shift),
        "list_date": row["list_date"] and min(AS_OF, row["list_date"] + shift),
    }


def write_config(path: Path, base_url: str, units: int) -> None:
    lines = [
        '[county]\nname = "示范县"\n',
        f'[crawl]\nstart_urls = ["{base_url}"]\nallowed_domains = ["127.0.0.1"]\nallow_private_addresses = true\n',
        '[[units]]\nname = "县政府"\naliases = ["示范县人民政府"]\nroles = ["county"]\n',
    ]
    for number in range(units):
        roles = '["department", "enforcement"]' if number % 2 else '["township"]' if number % 5 == 0 else '["department"]'
        lines.append(f'[[units]]\nname = "{unit_name(number)}"\naliases = ["示范{unit_name(number)}"]\n'
                     f'url_prefixes = ["{base_url}/u{number}/"]\nroles = {roles}\n')
    path.write_text("\n".join(lines), encoding="utf-8")


def read_time(db_url: str) -> float:
    """Reading every column of the run's rows as tuples: what no check can be faster than."""
    engine = open_engine(db_url)
    started = time.perf_counter()
    with engine.connect() as connection:
        for _row in connection.execute(select(Document.__table__)):
            pass
    return time.perf_counter() - started


def measured(argv: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one fazhi command in a fresh process."""
    code = ("import resource, sys; from fazhi.cli import main; status = main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(status)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1, 2):
        raise SystemExit(f"fazhi {argv[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    if done.returncode:
        print(done.stderr.strip().splitlines()[-2], file=sys.stderr)
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb / 1024


if __name__ == "__main__":
    main()
