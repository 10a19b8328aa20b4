"""The engine holds every check to what it declares: a finding outside its scope or its
statuses is a bug in the check and shows as unknown, never as a verdict; and a check of a
known kind is data, judged for each unit by the engine."""

import logging

from county.catalogue import load_catalogue
from rules.base import Check
from rules.engine import judge
from rules.matching import Phrase
from rules.testing import context_for_case
from rules.unit_checks import YearlyItemCheck

CASE = {
    "as_of": "2021-04-01",
    "documents": [
        {"url": "/bm/sfj/1.html", "title": "县司法局2020年度行政执法统计年报", "published": "2021-01-20"},
        {"url": "/bm/sfj/2.html", "title": "县司法局2020年度政务公开工作年报", "published": "2021-03-02"},
        {"url": "/bm/jyj/1.html", "title": "县教育局2020年度政务公开工作年报", "published": "2021-04-01"},
    ],
}


def context():
    return context_for_case(CASE, load_catalogue())


class CountyCheckNamingADepartment(Check):
    """一个县级检查，却给某部门下了结论"""

    indicator, slug, scope = "1", "county-names-a-department", "county"

    def judge(self, ctx):
        yield self.result(ctx, ctx.county_unit.name, "pass", "已公开")
        yield self.result(ctx, "县司法局", "fail", "未找到")


class PerUnitCheckNamingAnother(Check):
    """一个分单位检查，判断甲单位时却给乙单位下了结论"""

    indicator, slug, scope, roles = "93", "names-another-unit", "per_unit", ("department",)

    def judge(self, ctx):
        for unit in ctx.units_with(*self.roles):
            other = "县教育局" if unit.name == "县司法局" else unit.name
            yield self.result(ctx, other, "pass", "已公开")


class WarnOnlyCheckThatFails(Check):
    """一个只应提示（warn）的检查，却给出了 fail"""

    indicator, slug, scope = "D1", "warn-only-fails", "county"
    statuses = ("pass", "warn", "unknown")

    def judge(self, ctx):
        yield self.result(ctx, ctx.county_unit.name, "fail", "发现负面信息")


def test_a_finding_for_a_unit_outside_a_county_checks_scope_is_unknown(caplog):
    with caplog.at_level(logging.ERROR, logger="rules.engine"):
        results = judge(context(), [CountyCheckNamingADepartment])
    assert {(result.unit, result.status) for result in results} == {("县政府", "pass"), ("县司法局", "unknown")}
    [wrong] = [result for result in results if result.unit == "县司法局"]
    assert "检查程序出错" in wrong.message and "范围（county）之外" in wrong.message
    assert "检查 1/county-names-a-department 给出了范围（county）之外的单位“县司法局”的结论，已改为无法判断" in caplog.text


def test_a_per_unit_check_speaks_only_for_the_unit_it_judges(caplog):
    with caplog.at_level(logging.ERROR, logger="rules.engine"):
        results = judge(context(), [PerUnitCheckNamingAnother])
    statuses = sorted((result.unit, result.status) for result in results)
    # judging 县司法局 it spoke for 县教育局: that one finding is unknown, the unit's own ones stand
    assert statuses == [("县市场监管局", "pass"), ("县教育局", "pass"), ("县教育局", "unknown")]
    assert "names-another-unit 给出了范围（per_unit）之外的单位“县教育局”的结论" in caplog.text


def test_a_status_the_check_does_not_declare_is_unknown(caplog):
    with caplog.at_level(logging.ERROR, logger="rules.engine"):
        [result] = judge(context(), [WarnOnlyCheckThatFails])
    assert result.status == "unknown"
    assert "未声明的结论“fail”" in result.message
    assert "warn-only-fails 给出了未声明的结论“fail”" in caplog.text


class OpennessReport(YearlyItemCheck):
    """政务公开工作年度报告于3月31日前公开"""

    indicator, slug, roles = "76", "openness-report", ("department",)
    phrases = (Phrase("政务公开工作年报", variants=("政务公开工作年度报告",)),)
    item_name = "政务公开工作年报"
    due = (3, 31)


def test_a_yearly_item_check_is_data_judged_for_every_unit_of_its_roles():
    ctx = context_for_case(CASE | {"as_of": "2021-04-02"}, load_catalogue())
    results = {result.unit: result for result in judge(ctx, [OpennessReport])}
    assert {unit: result.status for unit, result in results.items()} == {"县司法局": "pass", "县教育局": "fail", "县市场监管局": "fail"}
    assert results["县教育局"].message == "2020年度政务公开工作年报发布于2021-04-01，晚于3月31日"
    assert results["县市场监管局"].message == "未找到本单位2020年度政务公开工作年报（期限 2021-03-31）"
