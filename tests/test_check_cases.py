"""Runs every check's YAML cases; `pytest -k 7-power-list` runs one check's cases."""

from pathlib import Path

import pytest

from county.catalogue import load_catalogue
from rules.base import registered_checks
from rules.engine import judge
from rules.testing import compare, context_for_case, load_cases

CHECKS_DIR = Path(__file__).resolve().parents[1] / "rules" / "checks"


def _case_params():
    by_module = {cls.__module__.rsplit(".", 1)[-1]: cls for cls in registered_checks()}
    for path in sorted(CHECKS_DIR.glob("*.yaml")):
        slug, cases = load_cases(path)
        check_class = by_module.get(path.stem)
        for case in cases:
            case_id = f"{check_class.indicator if check_class else '?'}-{slug}-{case['id']}"
            yield pytest.param(path, check_class, slug, case, id=case_id)


@pytest.mark.parametrize(("path", "check_class", "slug", "case"), list(_case_params()))
def test_case(path, check_class, slug, case):
    assert check_class is not None, f"{path.name} has no check module {path.stem}.py"
    assert check_class.slug == slug, f"{path.name} names {slug}, module declares {check_class.slug}"
    ctx = context_for_case(case, load_catalogue())
    results = judge(ctx, [check_class])
    assert not compare(case, results), compare(case, results)


def test_every_check_has_cases_of_each_outcome():
    for check_class in registered_checks():
        module = check_class.__module__.rsplit(".", 1)[-1]
        path = CHECKS_DIR / f"{module}.yaml"
        assert path.exists(), f"{check_class.indicator}/{check_class.slug} has no case file {path.name}"
        _, cases = load_cases(path)
        seen = {expect["status"] for case in cases for expect in case["expect"]}
        assert {"pass", "fail"} <= seen or {"pass", "warn"} <= seen, f"{path.name} covers only {seen}"


def test_one_check_per_module():
    modules = [cls.__module__ for cls in registered_checks()]
    assert len(modules) == len(set(modules))
