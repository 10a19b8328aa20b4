"""Every table and value of the configuration is checked, and a mistake is one
Chinese line naming the key path (units and list items counted from 1)."""

from dataclasses import fields

import pytest

from county import config as config_module
from county.config import ConfigError, load_config
from fazhi.cli import main

BASE = """
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
aliases = ["鲁山县司法局"]
url_prefixes = ["http://www.example.gov.cn/bm/sfj/"]
roles = ["department", "enforcement"]

[[units]]
name = "下汤镇"
aliases = ["下汤镇人民政府"]
roles = ["township"]

[major_decisions]
titles = ["鲁山县国土空间总体规划"]

[calendar]
extra_holidays = ["2027-01-01"]

[store]
keep_runs = 14
"""


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "county.toml"
    path.write_bytes(text.encode(encoding))
    return path


def error_for(tmp_path, text) -> str:
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    message = str(error.value)
    assert "\n" not in message
    return message


def crawl(line: str) -> str:
    return BASE.replace("[crawl]\n", f"[crawl]\n{line}\n")


def test_the_base_configuration_loads(tmp_path):
    config = load_config(write(tmp_path, BASE))
    assert config.major_decisions == ("鲁山县国土空间总体规划",) and config.store.keep_runs == 14


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('major_decisions = "x"\n' + BASE.replace('[major_decisions]\ntitles = ["鲁山县国土空间总体规划"]', ""),
         'major_decisions 应为表（[major_decisions]），现为 "x"'),
        (BASE.replace('extra_holidays = ["2027-01-01"]', "extra_holidays = 2021"), "calendar.extra_holidays 应为列表"),
        (BASE.replace('start_urls = ["http://www.example.gov.cn/"]', 'start_urls = ["http://[::1/"]'),
         'crawl.start_urls[1] 不是有效的网址: "http://[::1/"'),
        (BASE.replace('aliases = ["下汤镇人民政府"]', 'aliases = "下汤镇人民政府"'), "units[3].aliases 应为列表"),
        (BASE.replace('name = "县司法局"', "name = 7"), "units[2].name 应为字符串"),
        (BASE.replace('extra_holidays = ["2027-01-01"]', 'extra_holidays = ["2027-02-30"]'),
         "calendar.extra_holidays[1] 日期不存在: 2027-02-30"),
        (BASE.replace('extra_holidays = ["2027-01-01"]', 'extra_holidays = ["1/5/2027"]'),
         "calendar.extra_holidays[1] 日期格式应为 YYYY-MM-DD"),
        (BASE.replace('extra_holidays = ["2027-01-01"]', "extra_holidays = [2027-01-01T08:00:00]"),
         "calendar.extra_holidays[1] 应为日期"),
        (BASE.replace("keep_runs = 14", "keep_runs = 1"), "store.keep_runs 应不小于 2"),
    ],
)
def test_a_value_of_the_wrong_shape_is_one_line_naming_the_key(tmp_path, text, message):
    assert message in error_for(tmp_path, text)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("timeout = 0", "crawl.timeout 应大于 0，现为 0"),
        ("retries = -1", "crawl.retries 应不小于 0，现为 -1"),
        # Scrapy would read a depth limit of 0 as no limit at all
        ("max_depth = 0", "crawl.max_depth 应不小于 1"),
        ("max_depth = -1", "crawl.max_depth 应不小于 1"),
        ("delay = nan", "crawl.delay 应为有限的数字，现为 nan"),
        ("delay = inf", "crawl.delay 应为有限的数字"),
        ("delay = -0.5", "crawl.delay 应不小于 0"),
        # the crawler would read 0 as no limit on attachments
        ("max_attachment_mb = 0", "crawl.max_attachment_mb 应大于 0"),
        ("concurrency_per_domain = 0", "crawl.concurrency_per_domain 应不小于 1"),
        ("max_pages = 0", "crawl.max_pages 应不小于 1"),
        ("max_pages = 2.5", "crawl.max_pages 应为整数"),
        ('jobdir = ""', "crawl.jobdir 不能为空"),
        ('allowed_networks = "10.0.0.0/8"', "crawl.allowed_networks 应为列表"),
        ('allowed_networks = ["10.0.0.1/8"]', "crawl.allowed_networks[1] 应为主机名或网段"),
        ('allowed_networks = ["999.1.1.1"]', "crawl.allowed_networks[1] 应为主机名或网段"),
        # 0 would never re-verify a carried document: deleted pages would stay present for ever
        ("reverify_days = 0", "crawl.reverify_days 应不小于 1，现为 0"),
        ("reverify_days = 3.5", "crawl.reverify_days 应为整数，现为 3.5"),
        ('reverify_days = "7"', 'crawl.reverify_days 应为整数，现为 "7"'),
    ],
)
def test_numbers_and_lists_in_crawl_are_range_checked(tmp_path, line, message):
    assert message in error_for(tmp_path, crawl(line))


@pytest.mark.parametrize(
    ("domains", "message"),
    [
        ('[""]', 'crawl.allowed_domains[1] 应为域名'),
        ('["www.example.gov.cn", "cn"]', 'crawl.allowed_domains[2] 是公共后缀 "cn"'),
        ('["gov.cn"]', '是公共后缀 "gov.cn"'),
        ('["com.cn"]', '是公共后缀 "com.cn"'),
        ('["hn.cn"]', '是公共后缀 "hn.cn"'),
        ('["http://www.example.gov.cn/"]', "应为域名（如 www.example.gov.cn，不含 http:// 和路径）"),
        ("[]", "crawl.allowed_domains 至少需要 1 项"),
    ],
)
def test_allowed_domains_are_sites_not_public_suffixes(tmp_path, domains, message):
    text = BASE.replace('allowed_domains = ["www.example.gov.cn"]', f"allowed_domains = {domains}")
    assert message in error_for(tmp_path, text)


def test_a_registrable_domain_an_ip_address_and_a_test_domain_are_accepted(tmp_path):
    for domains, url in ((["example.gov.cn"], "http://www.example.gov.cn/"), (["127.0.0.1"], "http://127.0.0.1:8080/"),
                         (["gov.test"], "http://gov.test/")):
        text = BASE.replace('start_urls = ["http://www.example.gov.cn/"]', f'start_urls = ["{url}"]')
        text = text.replace('allowed_domains = ["www.example.gov.cn"]', f'allowed_domains = ["{domains[0]}"]')
        text = text.replace('url_prefixes = ["http://www.example.gov.cn/"]', f'url_prefixes = ["{url}"]')
        text = text.replace('url_prefixes = ["http://www.example.gov.cn/bm/sfj/"]', f'url_prefixes = ["{url}bm/sfj/"]')
        assert load_config(write(tmp_path, text)).crawl.allowed_domains == tuple(domains)


def test_allowed_networks_takes_host_names_and_networks(tmp_path):
    config = load_config(write(tmp_path, crawl('allowed_networks = ["10.0.0.0/8", "fd00::/8", "intranet.example.gov.cn"]')))
    assert config.crawl.allowed_networks == ("10.0.0.0/8", "fd00::/8", "intranet.example.gov.cn")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE.replace('aliases = ["鲁山县司法局"]', 'alias = ["鲁山县司法局"]'), "units[2] 中有未知的设置 alias（是不是 aliases？）"),
        (BASE.replace("[store]", "[stroe]"), "配置中有未知的设置 stroe（是不是 store？）"),
        (BASE.replace("extra_holidays", "extra_holiday"), "calendar 中有未知的设置 extra_holiday（是不是 extra_holidays？）"),
        (BASE.replace('name = "鲁山县"', 'nmae = "鲁山县"'), "county 中有未知的设置 nmae（是不是 name？）"),
        (BASE.replace("titles =", "title ="), "major_decisions 中有未知的设置 title（是不是 titles？）"),
        (BASE.replace("keep_runs", "keep_run"), "store 中有未知的设置 keep_run（是不是 keep_runs？）"),
        (BASE.replace("[[units]]", "[[unit]]"), "配置中有未知的设置 unit（是不是 units？）"),
        (crawl("timeuot = 5"), "crawl 中有未知的设置 timeuot（是不是 timeout？）"),
        (crawl("colour = 5"), "crawl 中有未知的设置 colour（可用: start_urls, allowed_domains,"),
    ],
)
def test_a_typo_in_any_table_is_rejected_with_a_suggestion(tmp_path, text, message):
    assert message in error_for(tmp_path, text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE.replace('url_prefixes = ["http://www.example.gov.cn/bm/sfj/"]', 'url_prefixes = ["http://sfj.example.gov.cn/"]'),
         "units[2].url_prefixes[1] 中的 http://sfj.example.gov.cn/ 不在 crawl.allowed_domains 之内"),
        (BASE.replace('url_prefixes = ["http://www.example.gov.cn/bm/sfj/"]', 'url_prefixes = ["/bm/sfj/"]'),
         "units[2].url_prefixes[1] 应为 http:// 或 https:// 开头的网址"),
        (BASE.replace('roles = ["township"]', 'roles = ["county"]'), "现有 2 个: units[1]、units[3]"),
        (BASE.replace('name = "下汤镇"', 'name = "县司法局"'), "units[3].name 与 units[2] 重复: 县司法局"),
        (BASE.replace('roles = ["township"]', 'roles = ["village"]'), 'units[3].roles[1] 无效: "village"'),
    ],
)
def test_units_are_checked_against_each_other_and_the_crawl(tmp_path, text, message):
    assert message in error_for(tmp_path, text)


def test_a_config_saved_as_gbk_is_told_to_be_saved_as_utf8(tmp_path):
    path = write(tmp_path, BASE, encoding="gbk")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"配置文件 {path} 不是 UTF-8 编码（看起来是 GBK），请另存为 UTF-8"


def test_a_config_saved_by_notepad_with_a_byte_order_mark_loads(tmp_path):
    assert load_config(write(tmp_path, BASE, encoding="utf-8-sig")).county == "鲁山县"


def test_every_key_of_every_table_has_a_check():
    tables = (config_module.CountySettings, config_module.CrawlSettings, config_module.Unit,
              config_module.CalendarSettings, config_module.MajorDecisions, config_module.StoreSettings)
    unchecked = [f"{table.__name__}.{spec.name}" for table in tables for spec in fields(table) if "check" not in spec.metadata]
    assert unchecked == []


@pytest.mark.parametrize(
    ("as_of", "message"),
    [("2021-02-30", "日期不存在: 2021-02-30"), ("2021-2-3", "日期格式应为 YYYY-MM-DD: '2021-2-3'")],
)
def test_as_of_says_whether_the_day_does_not_exist_or_the_format_is_wrong(capsys, as_of, message):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--config", "county.toml", "--as-of", as_of])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
