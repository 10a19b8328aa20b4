import pytest

from county.config import ConfigError, load_config, parse_config
from county.units import attribute, attribute_url

MINIMAL = """
[county]
name = "鲁山县"

[crawl]
start_urls = ["http://www.example.gov.cn/"]
allowed_domains = ["www.example.gov.cn"]

[[units]]
name = "县政府"
url_prefixes = ["http://www.example.gov.cn/"]
roles = ["county"]

[[units]]
name = "县司法局"
aliases = ["鲁山县司法局", "司法局"]
url_prefixes = ["http://www.example.gov.cn/bm/sfj/"]
roles = ["department", "enforcement"]

[[units]]
name = "下汤镇"
url_prefixes = ["http://www.example.gov.cn/xz/xtz/"]
roles = ["township"]

[calendar]
extra_holidays = ["2027-01-01"]
extra_workdays = [2027-02-07]
"""


def write(tmp_path, text):
    path = tmp_path / "county.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_units_roles_and_calendar(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.county == "鲁山县"
    assert config.county_unit.name == "县政府"
    assert config.unit("县司法局").has_role("enforcement")
    assert [d.isoformat() for d in config.calendar.extra_workdays] == ["2027-02-07"]
    assert config.crawl.concurrency_per_domain == 2 and config.crawl.obey_robots


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace('roles = ["county"]', 'roles = ["department"]'), "county"),
        (lambda t: t.replace('roles = ["township"]', 'roles = ["village"]'), "village"),
        (lambda t: t.replace('allowed_domains = ["www.example.gov.cn"]', ""), "allowed_domains"),
        (lambda t: t.replace('"http://www.example.gov.cn/"]\nallowed', '"ftp://x"]\nallowed'), "start_urls"),
        (lambda t: t.replace('"2027-01-01"', '"2027-13-01"'), "extra_holidays"),
        (lambda t: t.replace("[crawl]", "[crawl]\nspeed = 3"), "speed"),
        (lambda t: t + "\n[[units]]\nname = \"县司法局\"\n", "重复"),
        (lambda t: t.replace("[county]", "[county"), "TOML"),
        (lambda t: t.replace("[2027-02-07]", '["2027-01-01"]'), "既是放假又是上班"),
        (lambda t: t.replace("[crawl]", '[crawl]\nmax_pages = "lots"'), "crawl.max_pages 应为整数"),
        (lambda t: t.replace("[crawl]", '[crawl]\nobey_robots = "no"'), "crawl.obey_robots 应为 true 或 false"),
        (lambda t: t.replace("[crawl]", "[crawl]\ndelay = true"), "crawl.delay 应为数字"),
        (lambda t: t.replace('start_urls = ["http://www.example.gov.cn/"]', 'start_urls = ["http://www.lushan.gov.cn/"]'),
         "不在 crawl.allowed_domains 之内"),
    ],
)
def test_bad_config_is_one_clear_line(tmp_path, change, message):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, change(MINIMAL)))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="不存在"):
        load_config(tmp_path / "nope.toml")


def test_a_folder_given_as_config_is_one_clear_line(tmp_path):
    with pytest.raises(ConfigError, match="无法读取配置文件"):
        load_config(tmp_path)


def test_whole_numbers_are_fine_where_seconds_are_expected(tmp_path):
    config = load_config(write(tmp_path, MINIMAL.replace("[crawl]", "[crawl]\ndelay = 2\ntimeout = 60")))
    assert config.crawl.delay == 2.0 and config.crawl.timeout == 60.0


def test_a_start_url_on_a_subdomain_of_an_allowed_domain_is_accepted(tmp_path):
    text = MINIMAL.replace('allowed_domains = ["www.example.gov.cn"]', 'allowed_domains = ["example.gov.cn"]')
    assert load_config(write(tmp_path, text)).crawl.start_urls == ("http://www.example.gov.cn/",)


def test_documents_belong_to_units_by_prefix_then_publisher(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert attribute("https://www.example.gov.cn/bm/sfj/2021/1.html", {}, config) == "县司法局"
    assert attribute("http://www.example.gov.cn/xxgk/1.html", {"发布机构": "鲁山县司法局"}, config) == "县司法局"
    assert attribute("http://www.example.gov.cn/xxgk/1.html", {"ContentSource": "县司法局"}, config) == "县司法局"
    assert attribute("http://www.example.gov.cn/xxgk/1.html", {"来源": "新华网"}, config) == "县政府"
    assert attribute_url("http://www.example.gov.cn/xz/xtz/list.html", config) == "下汤镇"
    assert attribute_url("http://elsewhere.gov.cn/", config) == "县政府"


def test_parse_config_rejects_missing_units():
    with pytest.raises(ConfigError, match="units"):
        parse_config({"county": {"name": "x"}, "crawl": {"start_urls": ["http://a.gov.cn/"], "allowed_domains": ["a.gov.cn"]}})
