"""--out always holds one whole night: a report that fails or is killed half-way leaves last night's."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from crawler.siteserver import SiteServer
from fazhi.cli import main
from reports.render import write_reports
from small_county import ROOT, county_routes, folder_state, write_config
from storage.db import open_engine, session_factory
from county.config import load_config

AS_OF = "2024-03-01"


@pytest.fixture()
def two_nights(tmp_path):
    """A store with two checked nights and --out holding the first night's report."""
    db_url = f"sqlite:///{tmp_path / 'fazhi.db'}"
    out = tmp_path / "reports"
    for night in (1, 2):
        with SiteServer(routes=county_routes(night)) as server:
            config = write_config(tmp_path, server.url)
            args = ["--config", str(config), "--db", db_url]
            if night == 1:
                assert main(["run", *args, "--as-of", AS_OF, "--out", str(out)]) == 0
            else:
                assert main(["crawl", *args]) == 0 and main(["check", *args, "--as-of", AS_OF]) == 0
    return config, db_url, out


def test_a_report_that_fails_half_way_leaves_last_nights_whole(two_nights, monkeypatch, capsys):
    config, db_url, out = two_nights
    before = folder_state(out)
    assert len([name for name in before if name.startswith("units/")]) == 3
    written = []

    def disk_full_after_two_pages(path, html):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(path)
        path.write_text(html, encoding="utf-8")

    monkeypatch.setattr("reports.render._write", disk_full_after_two_pages)
    assert main(["report", "--config", str(config), "--db", db_url, "--out", str(out)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert folder_state(out) == before

    monkeypatch.undo()
    assert main(["report", "--config", str(config), "--db", db_url, "--out", str(out)]) == 0
    assert folder_state(out) != before
    assert [entry.name for entry in out.with_name("reports.nights").iterdir() if entry.name.startswith(".partial")] == []


def test_a_report_killed_half_way_leaves_last_nights_whole(two_nights):
    config, db_url, out = two_nights
    before = folder_state(out)
    # SIGKILL from inside the writing, after two pages: a deterministic point half-way through
    script = textwrap.dedent(f"""
        import os, signal, sys
        import reports.render
        written = []
        def write_then_die(path, html):
            if len(written) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            written.append(path)
            path.write_text(html, encoding="utf-8")
        reports.render._write = write_then_die
        from fazhi.cli import main
        sys.exit(main(["report", "--config", {str(config)!r}, "--db", {db_url!r}, "--out", {str(out)!r}]))
    """)
    killed = subprocess.run([sys.executable, "-c", script], env=os.environ | {"PYTHONPATH": str(ROOT)}, capture_output=True)
    assert killed.returncode == -9
    assert folder_state(out) == before


def test_a_report_folder_of_an_earlier_version_is_taken_over_and_kept(two_nights, tmp_path):
    config, db_url, _out = two_nights
    earlier = tmp_path / "old-style"
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        write_reports(session, 1, load_config(config), earlier)  # what fazhi report used to do: write in place
    engine.dispose()
    old_report = folder_state(earlier)

    assert main(["report", "--config", str(config), "--db", db_url, "--out", str(earlier)]) == 0
    assert earlier.is_symlink() and folder_state(earlier) != old_report
    kept = [entry for entry in (tmp_path / "old-style.nights").iterdir() if entry.name.endswith("-earlier")]
    assert len(kept) == 1 and folder_state(kept[0]) == old_report


def test_only_the_last_three_nights_are_kept(two_nights):
    config, db_url, out = two_nights
    for _ in range(4):
        assert main(["report", "--config", str(config), "--db", db_url, "--out", str(out)]) == 0
    nights = sorted(entry.name for entry in out.with_name("reports.nights").iterdir() if entry.is_dir())
    assert len(nights) == 3 and os.readlink(out) == f"reports.nights/{nights[-1]}"


def test_a_folder_holding_other_files_is_refused_before_the_crawl(tmp_path, capsys):
    out = tmp_path / "www"
    out.mkdir()
    (out / "about.html").write_text("the operator's own page", encoding="utf-8")
    with SiteServer(routes=county_routes()) as server:
        config = write_config(tmp_path, server.url)
        code = main(["run", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--out", str(out)])
        assert server.paths() == [], "no request before the report folder is known to be usable"
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert "about.html" in err and "\n" not in err
    assert [path.name for path in out.iterdir()] == ["about.html"] and not out.is_symlink()


@pytest.fixture()
def read_only_folder(tmp_path):
    """A read-only file system: the tests run as root, whom file modes do not stop."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    (folder / "reports").mkdir()  # last night's report folder, before the disk went read-only
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize(("inside", "reason"), [("reports", "Read-only file system"), (".", "是挂载点")])
def test_a_read_only_out_stops_the_run_before_any_request(tmp_path, read_only_folder, inside, reason, capsys):
    out = read_only_folder / inside
    with SiteServer(routes=county_routes()) as server:
        config = write_config(tmp_path, server.url)
        code = main(["run", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--out", str(out)])
        assert server.paths() == []
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert reason in err and "\n" not in err
    assert not (tmp_path / "x.db").exists()
