"""A city of three counties from one command: `fazhi run --deployment` runs each county's night
into its own report folder, then the roll-up beside them; on SQLite and on PostgreSQL.

The counties: the sample portal (示范县) on a host of its own, and two small counties (甲县, 乙县)
sharing another host under different paths, as counties on one provincial platform do."""

from __future__ import annotations

import contextlib
import json
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pg import pg_url  # noqa: F401 - the fixture
from sqlalchemy import create_engine, text

from crawler.siteserver import SiteServer
from fazhi.cli import main
from fazhi.sample_portal import PORTAL_CONFIG, serve_portal
from small_county import county_site, write_config

SLUGS = ("shifan", "jia", "yi")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'city.db'}"
    url = request.getfixturevalue("pg_url")
    schema = f"city_{uuid.uuid4().hex[:8]}"
    with create_engine(url).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{url}?options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def city(tmp_path: Path, night: int, serve_yi: bool = True):
    """The three counties' sites as they stand on `night`, and the deployment file naming them."""
    shared_routes = county_site("/jia/", night) | (county_site("/yi/", night) if serve_yi else {})
    with serve_portal(night=night) as portal, SiteServer(routes=shared_routes) as shared:
        counties = tmp_path / "counties"
        counties.mkdir(exist_ok=True)
        sample = PORTAL_CONFIG.read_text(encoding="utf-8").replace("{base}", portal.base_url)
        (counties / "shifan.toml").write_text(sample, encoding="utf-8")
        base = shared.url.rstrip("/")
        write_config(counties, f"{base}/jia/", name="jia.toml", county="甲县")
        write_config(counties, f"{base}/yi/", name="yi.toml", county="乙县")
        deployment = tmp_path / "city.toml"
        deployment.write_text('[deployment]\nname = "平顶山市"\n'
                              + "".join(f'[[counties]]\nconfig = "counties/{slug}.toml"\n' for slug in SLUGS), encoding="utf-8")
        yield deployment


def city_run(deployment: Path, out: Path, store: str, as_of: str, *extra: str) -> int:
    return main(["run", "--deployment", str(deployment), "--db", store, "--as-of", as_of, "--out", str(out), *extra])


def rollup_of(out: Path) -> dict:
    return json.loads((out / "rollup.json").read_text(encoding="utf-8"))


def findings_of(out: Path, slug: str) -> dict:
    return json.loads((out / slug / "findings.json").read_text(encoding="utf-8"))


def test_a_city_of_three_counties_runs_from_one_command(tmp_path, store, capsys):
    out = tmp_path / "www"
    with city(tmp_path, night=1) as deployment:
        assert city_run(deployment, out, store, "2021-09-29") == 0
    with city(tmp_path, night=2) as deployment:
        assert city_run(deployment, out, store, "2021-09-30") == 0
    printed = capsys.readouterr().out.split()
    assert printed[-4:] == [str(out / slug / "index.html") for slug in SLUGS] + [str(out / "index.html")]

    rollup = rollup_of(out)
    assert rollup["deployment"] == "平顶山市" and rollup["as_of"] == "2021-09-30"
    assert [c["slug"] for c in rollup["counties"]] == list(SLUGS)
    for county in rollup["counties"]:
        own = findings_of(out, county["slug"])
        # the roll-up counts what the county's own report shows, nothing of the other counties
        assert county["run"]["id"] == own["run"]["id"] and county["run"]["as_of"] == "2021-09-30"
        statuses = [f["status"] for f in own["findings"]]
        assert county["counts"] == {s: statuses.count(s) for s in ("pass", "fail", "warn", "unknown")}
        assert county["coverage"]["checked"] + county["coverage"]["unknown"] == len(statuses)
        assert len(county["trend"]) == 2 and county["changes"] is not None and county["ranked"]
    shifan = rollup["counties"][0]
    assert shifan["changes"]["new"] > 0 and shifan["changes"]["fixed"] > 0  # the sample portal's second night
    assert len({c["run"]["id"] for c in rollup["counties"]}) == 3

    html = (out / "index.html").read_text(encoding="utf-8")
    for slug in SLUGS:
        assert f'href="{slug}/index.html"' in html and (out / slug / "index.html").is_file()
    book = load_workbook(out / "rollup.xlsx")
    assert book.sheetnames == ["县区一览", "县区×指标", "问题最多的指标", "趋势"]
    assert [book["县区一览"].cell(row=n, column=1).value for n in (2, 3, 4)] == ["示范县", "甲县", "乙县"]


def test_one_county_failing_leaves_the_others_their_night_and_the_worst_status(tmp_path, store, capsys):
    out = tmp_path / "www"
    out.mkdir()
    (out / "yi").write_text("不是目录", encoding="utf-8")  # 乙县's report folder cannot be published
    with city(tmp_path, night=1) as deployment:
        assert city_run(deployment, out, store, "2021-09-29") == 1
    err = capsys.readouterr().err
    assert "fazhi: 乙县：输出目录" in err
    assert (out / "shifan" / "index.html").is_file() and (out / "jia" / "index.html").is_file()
    yi = rollup_of(out)["counties"][2]
    assert (yi["run"], yi["ranked"], yi["note"]) == (None, False, "尚无检查结果")


def test_an_incomplete_county_exits_3_and_is_flagged_never_ranked(tmp_path, store, capsys):
    out = tmp_path / "www"
    with city(tmp_path, night=1) as deployment:
        assert city_run(deployment, out, store, "2021-09-29", "--county", "jia", "--county", "乙县") == 0
    with city(tmp_path, night=2, serve_yi=False) as deployment:  # 乙县's site is down tonight
        assert city_run(deployment, out, store, "2021-09-30", "--county", "jia", "--county", "yi") == 3
    assert "fazhi: 乙县：本次抓取不完整" in capsys.readouterr().err
    rollup = rollup_of(out)
    shifan, jia, yi = rollup["counties"]
    assert shifan["run"] is None, "示范县 was not asked for"
    assert not yi["ranked"] and yi["note"].startswith("抓取不完整") and yi["run"]["complete"] is False
    assert yi["counts"]["fail"] == 0 and yi["changes"] is None
    assert jia["ranked"] and jia["counts"]["fail"] > 0
    html = (out / "index.html").read_text(encoding="utf-8")
    worst = html[html.index('id="worst-counties"'):html.index("</table>", html.index('id="worst-counties"'))]
    assert "甲县" in worst and "乙县" not in worst


def test_rollup_alone_renders_from_the_store(tmp_path, store):
    out = tmp_path / "www"
    with city(tmp_path, night=1) as deployment:
        assert city_run(deployment, out, store, "2021-09-29", "--county", "jia") == 0
        (out / "index.html").unlink()
        assert main(["rollup", "--deployment", str(deployment), "--db", store, "--as-of", "2021-09-29", "--out", str(out)]) == 0
    assert [c["run"] is not None for c in rollup_of(out)["counties"]] == [False, True, False]
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("args, message", [
    (["run", "--deployment", "{missing}", "--out", "{out}"], "fazhi: 部署文件不存在: "),
    (["run", "--deployment", "{deployment}", "--county", "叶县", "--out", "{out}"], "fazhi: 部署 "),
    (["run", "--config", "{county}", "--county", "jia", "--out", "{out}"], "fazhi: --county 只能与 --deployment 一起使用"),
    (["rollup", "--deployment", "{bad}", "--out", "{out}"], "fazhi: 部署文件 "),
])
def test_bad_deployment_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    write_config(tmp_path, "http://127.0.0.1:9/jia/", name="jia.toml", county="甲县")
    deployment = tmp_path / "city.toml"
    deployment.write_text('[deployment]\nname = "平顶山市"\n[[counties]]\nconfig = "jia.toml"\n', encoding="utf-8")
    (tmp_path / "bad.toml").write_text('[deployment]\nname = "平顶山市"\n', encoding="utf-8")
    paths = {"missing": tmp_path / "none.toml", "deployment": deployment, "county": tmp_path / "jia.toml",
             "bad": tmp_path / "bad.toml", "out": tmp_path / "www"}

    assert main([arg.format(**paths) for arg in args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "www").exists() and not list(tmp_path.glob("*.db"))
