"""Complete and incomplete runs (CHECKS.md, "complete run"), and what the engine makes of
an incomplete one (CHECKS.md Statuses)."""

from __future__ import annotations

import dataclasses

import pytest

from county.catalogue import load_catalogue
from county.config import ConfigError, StoreSettings, parse_config
from rules.base import Check, ErrorView, PastFinding, PastRun
from rules.completeness import TOO_SMALL, Completeness, assess, start_failures
from rules.engine import judge
from rules.testing import context_for_case
from storage.models import Run

SETTINGS = StoreSettings()


def run(id, documents, errors=0, reason=None):
    return Run(id=id, pages=documents, attachments=0, fetch_errors=errors, incomplete_reason=reason,
               completeness="incomplete" if reason else "complete")


def test_the_first_run_is_complete_when_its_start_pages_answered():
    assert assess(run(1, 3, errors=30), None, None, [], SETTINGS).complete
    first = assess(run(1, 0), None, None, ["http://gov.test/：HTTP 404"], SETTINGS)
    assert not first.complete and "HTTP 404" in first.reason


def test_a_run_reading_less_than_half_of_the_last_complete_run_is_incomplete():
    baseline = run(1, 2751)
    assert assess(run(2, 1376), baseline, baseline, [], SETTINGS).complete
    small = assess(run(2, 120), baseline, baseline, [], SETTINGS)
    assert not small.complete
    assert small.reason == f"{TOO_SMALL}（第 1 次）2,751 份文件中的 120 份"


def test_fetch_errors_on_more_than_a_fifth_of_the_requests_make_a_run_incomplete():
    baseline = run(1, 100)
    assert assess(run(2, 100, errors=25), baseline, baseline, [], SETTINGS).complete
    busy = assess(run(2, 100, errors=26), baseline, baseline, [], SETTINGS)
    assert not busy.complete and "26 个网址抓取失败" in busy.reason


def test_a_site_that_really_shrank_becomes_the_new_baseline_on_the_second_small_night():
    baseline = run(1, 2000)
    first_small = run(2, 600, reason=f"{TOO_SMALL}（第 1 次）2,000 份文件中的 600 份")
    assert assess(run(3, 590), baseline, first_small, [], SETTINGS).complete
    # a night whose start page failed shows nothing about the site's size
    down = run(2, 0, reason="首页未能正常打开（http://gov.test/：连接失败）")
    assert not assess(run(3, 590), baseline, down, [], SETTINGS).complete


def test_the_shares_are_configurable():
    raw = {"county": {"name": "县"}, "crawl": {"start_urls": ["http://gov.test/"], "allowed_domains": ["gov.test"]},
           "units": [{"name": "县政府", "roles": ["county"]}],
           "store": {"complete_min_documents": 0.9, "complete_max_errors": 0.05}}
    settings = parse_config(raw).store
    baseline = run(1, 100)
    assert not assess(run(2, 80), baseline, baseline, [], settings).complete
    assert not assess(run(2, 100, errors=6), baseline, baseline, [], settings).complete
    with pytest.raises(ConfigError, match="complete_max_errors"):
        parse_config(raw | {"store": {"complete_max_errors": 2}})


def test_start_urls_are_compared_in_canonical_form():
    errors = [ErrorView("http://localhost:8080/?a=1&b=2", "县政府", "HTTP 500")]
    assert start_failures(["http://LOCALHOST:8080/?b=2&a=1"], [], errors) == ["http://LOCALHOST:8080/?b=2&a=1：HTTP 500"]


class MissingForCounty(Check):
    """Reports a county item missing."""

    indicator, slug, scope = "1", "fake-missing", "county"

    def judge(self, ctx):
        yield self.result(ctx, ctx.county_unit.name, "fail", "未找到。")


class Found(Check):
    """Reports a county item present."""

    indicator, slug, scope = "2", "fake-found", "county"

    def judge(self, ctx):
        yield self.result(ctx, ctx.county_unit.name, "pass", "已找到。")


class PerItem(Check):
    """A per-item check whose items only 县教育局 has tonight."""

    indicator, slug, scope = "52", "fake-items", "per_item"

    def judge(self, ctx):
        yield self.result(ctx, "县教育局", "pass", "共1项：1项按时公开")


INCOMPLETE = Completeness(False, f"{TOO_SMALL}（第 1 次）2,751 份文件中的 120 份")


def context(errors=(), completeness=Completeness(), baseline=None):
    ctx = context_for_case({"as_of": "2021-09-30", "errors": list(errors)}, load_catalogue())
    return dataclasses.replace(ctx, completeness=completeness, baseline=baseline)


def statuses(results):
    return {(result.indicator, result.unit): result for result in results}


def test_an_incomplete_run_turns_would_be_fails_and_negative_hit_passes_into_unknown():
    from rules.checks.i027_normative_doc_negative import NormativeDocNegative

    results = statuses(judge(context(completeness=INCOMPLETE), [MissingForCounty, Found, NormativeDocNegative]))
    assert results[("1", "县政府")].status == "unknown"
    assert "2,751 份文件中的 120 份" in results[("1", "县政府")].message
    assert results[("2", "县政府")].status == "pass"
    assert results[("27", "县政府")].status == "unknown"
    assert "未读到的页面中可能有" in results[("27", "县政府")].message


def test_a_complete_run_keeps_its_fails_and_negative_hit_passes():
    from rules.checks.i027_normative_doc_negative import NormativeDocNegative

    results = statuses(judge(context(), [MissingForCounty, NormativeDocNegative]))
    assert results[("1", "县政府")].status == "fail" and results[("27", "县政府")].status == "pass"


def test_a_unit_with_per_item_findings_last_time_keeps_one_unknown_finding_when_its_pages_failed():
    baseline = PastRun(1, None, (PastFinding("52", "fake-items", "县司法局", "fail"), PastFinding("52", "fake-items", "县市场监管局", "pass")))
    results = statuses(judge(context(["http://gov.test/bm/sfj/list.html"], baseline=baseline), [PerItem]))
    assert results[("52", "县司法局")].status == "unknown"
    assert "http://gov.test/bm/sfj/list.html" in results[("52", "县司法局")].message
    # a unit whose pages were all read and that has no item tonight simply has none
    assert ("52", "县市场监管局") not in results
    assert results[("52", "县教育局")].status == "pass"


def test_in_an_incomplete_run_every_unit_with_items_last_time_keeps_its_finding():
    baseline = PastRun(1, None, (PastFinding("52", "fake-items", "县市场监管局", "pass"),))
    results = statuses(judge(context(completeness=INCOMPLETE, baseline=baseline), [PerItem]))
    assert results[("52", "县市场监管局")].status == "unknown"
    assert "抓取不完整" in results[("52", "县市场监管局")].message


class MissingListForCounty(Check):
    """Reports the county's 行政审批事项清单 missing."""

    indicator, slug, scope = "1", "fake-missing", "county"

    def judge(self, ctx):
        yield self.result(ctx, ctx.county_unit.name, "fail", "未找到行政审批事项清单；请公开。")


def test_a_county_item_last_seen_behind_a_failed_url_is_unknown_only_for_what_is_missing():
    from rules.base import Sighting

    seen = Sighting(1, None, "http://gov.test/xxgk/qd/1.html", "http://gov.test/xxgk/qd/", "HTTP 500", "行政审批事项清单")
    other = Sighting(1, None, "http://gov.test/xxgk/qd/2.html", "http://gov.test/xxgk/qd/", "HTTP 500", "另一份文件")
    ctx = context(["http://gov.test/xxgk/qd/"])
    missing = dataclasses.replace(ctx, last_seen={("1", "fake-missing"): [other, seen]})
    result = judge(missing, [MissingListForCounty])[0]
    assert result.status == "unknown" and "曾在 http://gov.test/xxgk/qd/1.html 找到" in result.message
    found_elsewhere = dataclasses.replace(ctx, last_seen={("1", "fake-missing"): [other]})
    assert judge(found_elsewhere, [MissingListForCounty])[0].status == "fail"
