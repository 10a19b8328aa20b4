"""A deployment file lists the counties a city checks; each is an ordinary county configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from county.config import ConfigError
from county.deployment import load_deployment

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lushan.toml"


def county_config(folder: Path, name: str, county: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace('name = "鲁山县"', f'name = "{county}"', 1)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def deployment(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "city.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_counties_load_relative_to_the_deployment_file_with_slugs_from_file_names(tmp_path):
    (tmp_path / "counties").mkdir()
    county_config(tmp_path / "counties", "lushan", "鲁山县")
    county_config(tmp_path / "counties", "jiaxian", "郏县")
    path = deployment(tmp_path, '[deployment]\nname = "平顶山市"\ndb = "sqlite:///city.db"\n'
                      '[[counties]]\nconfig = "counties/lushan.toml"\n'
                      '[[counties]]\nconfig = "counties/jiaxian.toml"\nslug = "jia"\n')
    city = load_deployment(path)
    assert city.name == "平顶山市" and city.db == "sqlite:///city.db"
    assert [(c.slug, c.config.county) for c in city.counties] == [("lushan", "鲁山县"), ("jia", "郏县")]
    assert [c.slug for c in city.select(["郏县"])] == ["jia"]
    assert [c.slug for c in city.select(None)] == ["lushan", "jia"]


@pytest.mark.parametrize("body, message", [
    ('[[counties]]\nconfig = "a.toml"\n', "缺少 [deployment]"),
    ('[deployment]\nname = "市"\n', "缺少 counties"),
    ('[deployment]\nname = "市"\n[[counties]]\nconfig = "missing.toml"\n', "counties[1]: 配置文件不存在"),
    ('[deployment]\nname = "市"\n[[counties]]\nconfig = "a.toml"\nslug = "A B"\n', "counties[1].slug 只能用小写字母"),
    ('[deployment]\nname = "市"\n[[counties]]\nconfig = "a.toml"\n[[counties]]\nconfig = "a.toml"\n', "counties[2] 的slug与 counties[1] 重复"),
    ('[deployment]\nname = "市"\ndbs = "x"\n[[counties]]\nconfig = "a.toml"\n', "未知的设置 dbs（是不是 db？）"),
])
def test_a_bad_deployment_is_one_line_naming_the_place(tmp_path, body, message):
    county_config(tmp_path, "a", "鲁山县")
    with pytest.raises(ConfigError) as error:
        load_deployment(deployment(tmp_path, body))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_two_counties_with_one_name_are_refused(tmp_path):
    county_config(tmp_path, "a", "鲁山县")
    county_config(tmp_path, "b", "鲁山县")
    path = deployment(tmp_path, '[deployment]\nname = "市"\n[[counties]]\nconfig = "a.toml"\n[[counties]]\nconfig = "b.toml"\n')
    with pytest.raises(ConfigError, match="县名"):
        load_deployment(path)


def test_an_unknown_county_asked_for_is_named(tmp_path):
    county_config(tmp_path, "a", "鲁山县")
    city = load_deployment(deployment(tmp_path, '[deployment]\nname = "市"\n[[counties]]\nconfig = "a.toml"\n'))
    with pytest.raises(ConfigError, match="没有这些县: 叶县"):
        city.select(["叶县"])


def test_workers_and_shared_politeness_are_read_from_the_deployment_table(tmp_path):
    county_config(tmp_path, "a", "鲁山县")
    city = load_deployment(deployment(tmp_path, '[deployment]\nname = "市"\nbroker = "redis://10.0.0.5:6379/0"\n'
                                      'politeness = "redis://10.0.0.5:6379/1"\nhost_rate = 1.5\nredeliver_after = 120\n'
                                      '[deployment.host_rates]\n"WWW.HNZWFW.GOV.CN" = 0.5\n"127.0.0.1:8080" = 4\n'
                                      '[[counties]]\nconfig = "a.toml"\n'))
    settings = city.settings
    assert (settings.broker, settings.politeness, settings.host_rate, settings.redeliver_after) == (
        "redis://10.0.0.5:6379/0", "redis://10.0.0.5:6379/1", 1.5, 120)
    assert dict(settings.host_rates) == {"www.hnzwfw.gov.cn": 0.5, "127.0.0.1:8080": 4.0}


def test_without_those_keys_the_broker_is_the_local_redis_and_budgets_are_not_shared(tmp_path):
    county_config(tmp_path, "a", "鲁山县")
    settings = load_deployment(deployment(tmp_path, '[deployment]\nname = "市"\n[[counties]]\nconfig = "a.toml"\n')).settings
    assert settings.broker == "redis://127.0.0.1:6379/0" and settings.politeness is None and settings.host_rates == ()


@pytest.mark.parametrize("line, message", [
    ('broker = "http://127.0.0.1:6379"', "deployment.broker 应为 redis:// 或 rediss:// 开头的地址"),
    ('politeness = "127.0.0.1:6379"', "deployment.politeness 应为 redis://"),
    ("host_rate = 0", "deployment.host_rate 应大于 0"),
    ('host_rate = "2"', "deployment.host_rate 应为数字"),
    ('host_rates = 2', "deployment.host_rates 应为表"),
    ('host_rates = { "gov.cn" = 1 }', "是公共后缀"),
    ('host_rates = { "www.a.gov.cn:99999" = 1 }', "端口无效"),
    ('host_rates = { "www.a.gov.cn" = -1 }', "deployment.host_rates.www.a.gov.cn 应大于 0"),
    ("redeliver_after = 1", "deployment.redeliver_after 应不小于 10"),
    ('host_rat = 2', "未知的设置 host_rat（是不是 host_rate？）"),
])
def test_a_bad_worker_or_politeness_setting_is_one_line_naming_the_key(tmp_path, line, message):
    county_config(tmp_path, "a", "鲁山县")
    with pytest.raises(ConfigError) as error:
        load_deployment(deployment(tmp_path, f'[deployment]\nname = "市"\n{line}\n[[counties]]\nconfig = "a.toml"\n'))
    assert message in str(error.value) and "\n" not in str(error.value)
