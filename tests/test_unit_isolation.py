"""One unit's documents must never hide another unit's findings: a report posted in two
columns on one day, and a per-unit check that crashes on one unit."""

from collections.abc import Iterator

from rules.base import Check, CheckContext, Result
from county.catalogue import load_catalogue
from rules.checks.i051_enforcement_annual_report import EnforcementAnnualReport
from rules.checks.i093_rule_of_law_report import RuleOfLawReport
from rules.engine import judge
from rules.testing import context_for_case

# one report posted in two columns of the 司法局's site on the same day, as real portals do
TWO_COLUMNS = {
    "as_of": "2021-04-01",
    "documents": [
        {"url": "/bm/sfj/tzgg/1.html", "title": "县司法局2020年法治政府建设情况报告", "published": "2021-03-20"},
        {"url": "/bm/sfj/fzzf/1.html", "title": "县司法局2020年法治政府建设情况报告", "published": "2021-03-20"},
        {"url": "/bm/sfj/tzgg/2.html", "title": "县司法局2020年度行政执法统计年报", "published": "2021-01-20"},
        {"url": "/bm/sfj/zfgs/2.html", "title": "县司法局2020年度行政执法统计年报", "published": "2021-01-20"},
        {"url": "/bm/jyj/1.html", "title": "县教育局2020年度法治政府建设工作情况报告", "published": "2021-03-15"},
    ],
}


def _by_unit(results: list[Result]) -> dict[str, str]:
    return {result.unit: result.status for result in results}


def test_a_report_posted_twice_on_one_day_is_judged_like_one():
    ctx = context_for_case(TWO_COLUMNS, load_catalogue())
    statuses = _by_unit(judge(ctx, [RuleOfLawReport]))
    assert statuses["县司法局"] == "pass"
    assert statuses["县教育局"] == "pass"
    assert statuses["县市场监管局"] == "fail"


def test_an_enforcement_report_posted_twice_keeps_every_units_finding():
    ctx = context_for_case(TWO_COLUMNS, load_catalogue())
    statuses = _by_unit(judge(ctx, [EnforcementAnnualReport]))
    assert statuses == {"县司法局": "pass", "县市场监管局": "fail"}


class CrashesOnEducation(Check):
    """一个在某单位的文件上出错的检查"""

    indicator = "93"
    slug = "crashes-on-education"
    scope = "per_unit"
    roles = ("county", "department", "township")

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        for unit in ctx.units_with(*self.roles):
            if unit.name == "县教育局":
                raise ValueError("bad table")
            yield self.result(ctx, unit.name, "pass", "已公开")


def test_a_check_crashing_on_one_unit_leaves_the_other_units_findings():
    ctx = context_for_case(TWO_COLUMNS, load_catalogue())
    results = judge(ctx, [CrashesOnEducation])
    assert _by_unit(results) == {"县政府": "pass", "县司法局": "pass", "县教育局": "unknown", "县市场监管局": "pass", "下汤镇": "pass"}
    [crashed] = [result for result in results if result.status == "unknown"]
    assert "检查程序出错" in crashed.message and "bad table" in crashed.message
