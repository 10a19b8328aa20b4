"""The shipped example configuration loads and says what the work plan and lushan.md say; the shipped
systemd units parse and run fazhi commands that exist."""

import shlex
from pathlib import Path

import pytest

from county.config import load_config
from county.deployment import load_deployment

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lushan.toml"


def test_lushan_example_loads_with_the_real_portal_and_its_units():
    config = load_config(EXAMPLE)

    assert config.county == "鲁山县"
    assert config.crawl.start_urls == ("http://www.hnls.gov.cn/",)
    assert set(config.crawl.allowed_domains) == {"www.hnls.gov.cn", "hnls.gov.cn"}
    assert config.crawl.obey_robots and config.crawl.delay >= 1
    assert config.county_unit.name == "县政府"
    townships = [unit for unit in config.units if unit.has_role("township")]
    assert len(townships) == 24
    assert {"让河乡"} <= set(config.unit("瀼河乡").aliases)
    assert {"滚子营乡"} <= set(config.unit("磙子营乡").aliases)
    assert config.unit("县司法局").has_role("department", "enforcement")
    assert not config.unit("县委编办").roles


def test_lushan_example_names_units_as_the_work_plan_does():
    from county.catalogue import load_catalogue

    responsible = {name for item in load_catalogue() for name in item.responsible}
    configured = {unit.name for unit in load_config(EXAMPLE).units if not unit.has_role("township", "county")}
    # 县教育局 is one of the plan's 县直各单位 without being named anywhere
    assert configured - responsible == {"县教育局"}
    assert {"县司法局", "县委编办", "县市场监管局", "县财政局", "县发改委", "县政务服务和大数据服务中心"} <= configured


def test_the_serve_unit_serves_the_nightly_jobs_store_on_localhost_only():
    import shlex

    def exec_start(name: str) -> list[str]:
        line = next(line for line in (EXAMPLE.parent / name).read_text("utf-8").splitlines() if line.startswith("ExecStart="))
        return shlex.split(line.removeprefix("ExecStart="))

    def option(args: list[str], name: str) -> str:
        return args[args.index(name) + 1]

    serve, nightly = exec_start("fazhi-serve.service"), exec_start("fazhi.service")
    assert serve[0].endswith("/fazhi") and serve[1] == "serve"
    assert option(serve, "--host") == "127.0.0.1"  # a TLS reverse proxy in front, never the bare app
    assert (option(serve, "--config"), option(serve, "--db")) == (option(nightly, "--config"), option(nightly, "--db"))
    assert "FAZHI_SESSION_SECRET" in (EXAMPLE.parent / "fazhi-serve.service").read_text("utf-8")


def test_the_city_example_lists_lushan():
    city = load_deployment(EXAMPLE.with_name("city.toml"))
    assert (city.name, [c.slug for c in city.counties], city.counties[0].config.county) == ("平顶山市", ["lushan"], "鲁山县")


UNITS = sorted((EXAMPLE.parent).glob("fazhi*.service")) + sorted((EXAMPLE.parent).glob("fazhi*.timer"))


def unit_sections(path: Path) -> dict[str, dict[str, str]]:
    import configparser

    parser = configparser.ConfigParser(strict=True, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    return {name: dict(parser[name]) for name in parser.sections()}


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_shipped_units_parse_and_start_fazhi_commands_that_exist(unit):
    from fazhi.cli import _parser

    sections = unit_sections(unit)
    assert "Unit" in sections and ("Service" in sections or "Timer" in sections)
    if "Service" in sections:
        program, *arguments = shlex.split(sections["Service"]["ExecStart"])
        assert program.endswith("/fazhi")
        _parser().parse_args(arguments)  # argparse exits on an unknown command or option


def test_every_night_service_has_its_timer_and_workers_stop_without_signalling_their_crawlers():
    names = {unit.name for unit in UNITS}
    assert {"fazhi.timer", "fazhi-night.timer", "fazhi-worker.service"} <= names
    for unit in ("fazhi.service", "fazhi-worker.service"):
        assert unit_sections(EXAMPLE.parent / unit)["Service"]["KillMode"] == "mixed"
