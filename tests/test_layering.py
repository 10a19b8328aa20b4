"""Every import runs downward: fazhi (cli, jobs) → web → crawler, rules, reports → storage and county → parsing.

Read from the source with ast, so that an import added inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
PACKAGES = ("fazhi", "web", "crawler", "rules", "reports", "storage", "county", "parsing")
# what each package may import of the others; a package always imports itself
ALLOWED = {
    "parsing": set(),
    "county": {"parsing"},
    "storage": {"county", "parsing"},
    "crawler": {"storage", "county", "parsing"},
    "rules": {"storage", "county", "parsing"},
    "reports": {"storage", "county", "parsing"},
    # `fazhi serve` shows what reports show, so it judges nothing itself
    "web": {"reports", "storage", "county", "parsing"},
    "fazhi": {"web", "crawler", "rules", "reports", "storage", "county", "parsing"},
}
# imports between packages on the same floor that are still to be moved below; none may be added
SIDEWAYS: set[tuple[str, str]] = set()


def imported_modules(path: Path) -> set[str]:
    """The project modules a file imports, as package.module (rules.base, county.config)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from county import config` imports the module county.config
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {".".join(name.split(".")[:2]) for name in names if name.split(".")[0] in PACKAGES}


def upward_imports(root: Path) -> list[str]:
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in sorted((root / package).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            for module in sorted(imported_modules(path)):
                if module.split(".")[0] not in (package, *allowed) and (name, module) not in SIDEWAYS:
                    wrong.append(f"{name} imports {module}")
    return wrong


def test_every_import_runs_downward():
    assert upward_imports(REPOSITORY) == []


def test_the_roof_is_only_the_command_line_and_the_nightly_job():
    # besides them, a city's night of several counties' jobs, the bundled sample portal and its
    # misbehaving front (bench/faults.py's bad nights), and the task engine's app that runs
    # nightly jobs on workers
    expected = ["__init__", "bad_portal", "city", "cli", "jobs", "sample_portal", "workers"]
    assert sorted(p.stem for p in (REPOSITORY / "fazhi").glob("*.py")) == expected


@pytest.mark.parametrize(
    ("module", "source", "import_line"),
    [
        ("reports", "model.py", "from rules.base import registered_checks"),
        ("rules", "base.py", "from fazhi.jobs import check_step"),
        ("storage", "db.py", "from county.config import Config\nfrom rules.engine import judge"),
        ("county", "units.py", "from storage.models import Document"),
        ("parsing", "dates.py", "from county.config import Config"),
        ("crawler", "runner.py", "def later():\n    from reports.render import write_reports"),
    ],
)
def test_an_upward_import_is_caught(tmp_path, module, source, import_line):
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / module / source).write_text(f"{import_line}\n", encoding="utf-8")
    [wrong] = upward_imports(tmp_path)
    assert wrong.startswith(f"{module}/{source} imports ")
