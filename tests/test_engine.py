"""The fetch-error rules of CHECKS.md, applied by the engine to every check."""

from county.catalogue import load_catalogue
from rules.base import Check, Evidence
from rules.engine import judge, to_findings
from rules.testing import context_for_case
from storage.statuses import worst


class MissingEverywhere(Check):
    """Reports the item missing for every department."""

    indicator, slug, scope, roles = "7", "fake-missing", "per_unit", ("department",)

    def judge(self, ctx):
        for unit in ctx.units_with(*self.roles):
            yield self.result(ctx, unit.name, "fail", "未找到", absence=True)


class LateItem(Check):
    """A per-item lateness is not an absence."""

    indicator, slug, scope = "52", "fake-late", "per_item"

    def judge(self, ctx):
        yield self.result(ctx, "县司法局", "fail", "逾期", [Evidence(url="http://gov.test/bm/sfj/1.html")])


class Crashes(Check):
    """Always crashes."""

    indicator, slug, scope = "1", "fake-crash", "county"

    def judge(self, ctx):
        raise RuntimeError("selector matched nothing")


def context(errors=(), start_failed=False):
    case = {"as_of": "2021-09-30", "errors": list(errors), "start_failed": start_failed}
    return context_for_case(case, load_catalogue())


def by_unit(results):
    return {result.unit: result for result in results}


def test_fetch_error_under_a_unit_turns_its_absence_into_unknown_only_for_that_unit():
    results = by_unit(judge(context(["http://gov.test/bm/sfj/list.html"]), [MissingEverywhere]))
    assert results["县司法局"].status == "unknown"
    assert "http://gov.test/bm/sfj/list.html" in results["县司法局"].message
    assert results["县教育局"].status == "fail"


def test_lateness_is_judged_despite_fetch_errors():
    results = judge(context(["http://gov.test/bm/sfj/list.html"]), [LateItem])
    assert results[0].status == "fail"


def test_failed_start_page_makes_everything_unknown():
    ctx = context(["http://gov.test/"], start_failed=True)
    results = judge(ctx, [MissingEverywhere, LateItem])
    assert {result.status for result in results} == {"unknown"}
    for result in results:
        assert result.message.startswith("首页无法访问（http://gov.test/：HTTP 500）")
        assert "未找到" not in result.message


def test_a_crashing_check_becomes_one_unknown_finding_and_others_go_on():
    results = judge(context(), [Crashes, MissingEverywhere])
    crashed = [result for result in results if result.check == "fake-crash"]
    assert len(crashed) == 1 and crashed[0].status == "unknown"
    assert "selector matched nothing" in crashed[0].message
    assert any(result.check == "fake-missing" for result in results)


def test_findings_carry_the_plans_responsible_units_and_evidence():
    findings = to_findings(judge(context(), [LateItem]))
    assert findings[0].responsible == list(load_catalogue().get("52").responsible)
    assert findings[0].evidence[0]["url"] == "http://gov.test/bm/sfj/1.html"


def test_worst_status_order():
    assert worst(["pass", "warn"]) == "warn"
    assert worst(["warn", "unknown"]) == "unknown"
    assert worst(["unknown", "fail", "pass"]) == "fail"
