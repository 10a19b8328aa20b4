import subprocess
import sys
from pathlib import Path

import pytest

from fazhi.cli import main


def test_catalog_lists_all_items_and_marks_automatic_checks(capsys):
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    assert "第93项" in out and "减分项1（D1）" in out
    assert "合计：99 项指标" in out


def test_config_error_exits_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "county.toml"
    bad.write_text('[county]\nname = "鲁山县"\n', encoding="utf-8")
    assert main(["check", "--config", str(bad), "--db", f"sqlite:///{tmp_path}/x.db"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("fazhi: ") and "\n" not in err


def test_report_before_any_check_says_what_to_do(tmp_path, capsys):
    config = tmp_path / "county.toml"
    config.write_text(
        '[county]\nname = "鲁山县"\n[crawl]\nstart_urls = ["http://a.gov.cn/"]\nallowed_domains = ["a.gov.cn"]\n'
        '[[units]]\nname = "县政府"\nroles = ["county"]\n',
        encoding="utf-8",
    )
    code = main(["report", "--config", str(config), "--db", f"sqlite:///{tmp_path}/x.db", "--out", str(tmp_path / "r")])
    assert code == 1
    assert "fazhi check" in capsys.readouterr().err


def test_bad_as_of_is_rejected_by_the_parser(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "fazhi.cli", "check", "--config", "x.toml", "--as-of", "2021-02-30"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 2 and "日期不存在: 2021-02-30" in result.stderr


def test_every_online_search_task_and_51_has_an_automatic_check():
    from county.catalogue import load_catalogue
    from rules.base import automatic_indicators

    online = {item.id for item in load_catalogue() if item.online_tasks}
    assert len(online) == 38
    assert automatic_indicators() == online | {"51"}


def _minimal_config(tmp_path):
    config = tmp_path / "county.toml"
    config.write_text(
        '[county]\nname = "鲁山县"\n[crawl]\nstart_urls = ["http://a.gov.cn/"]\nallowed_domains = ["a.gov.cn"]\n'
        '[[units]]\nname = "县政府"\nroles = ["county"]\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize(
    "db_url, shown",
    [
        ("sqlite:////nonexistent-dir/fazhi.db", "unable to open database file"),
        ("nosuchdb://host/db", "nosuchdb"),
        ("not a url", "not a url"),
    ],
)
def test_a_db_that_cannot_be_opened_is_one_line_not_a_traceback(tmp_path, capsys, db_url, shown):
    config = _minimal_config(tmp_path)
    assert main(["check", "--config", str(config), "--db", db_url]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("fazhi: 无法打开数据库") and shown in err and "\n" not in err


def test_a_db_password_is_not_printed(tmp_path, capsys):
    config = _minimal_config(tmp_path)
    assert main(["check", "--config", str(config), "--db", "nosuchdb://user:s3cret@host/db"]) == 2
    assert "s3cret" not in capsys.readouterr().err


def test_an_out_that_is_a_file_stops_the_nightly_job_before_crawling(tmp_path, capsys):
    config = _minimal_config(tmp_path)
    taken = tmp_path / "report.html"
    taken.write_text("", encoding="utf-8")
    code = main(["run", "--config", str(config), "--db", f"sqlite:///{tmp_path}/x.db", "--out", str(taken)])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert "不是目录" in err and "\n" not in err
    assert not (tmp_path / "x.db").exists(), "no crawl may start when the report cannot be written"


def test_demo_into_a_file_is_one_line(tmp_path, capsys):
    taken = tmp_path / "demo-report"
    taken.write_text("", encoding="utf-8")
    assert main(["demo", "--out", str(taken)]) == 1
    assert "不是目录" in capsys.readouterr().err


def test_demo_prints_the_report_path_that_stays_valid_after_later_nights(tmp_path, capsys):
    out = tmp_path / "demo-report"
    assert main(["demo", "--out", str(out), "--nights", "1"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    # the published night's own folder is deleted a few nights later; --out always shows the newest
    assert printed == out / "index.html" and printed.is_file()
