"""A finding carries its check's title and remedy into the store, so that a report is rendered
from findings alone: for a check since renamed or removed, and without the rules package."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote

from alembic import command
from alembic.config import Config as AlembicConfig
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, inspect, text

from county.catalogue import load_catalogue
from county.config import parse_config
from reports.render import write_reports
from rules.base import Check
from rules.engine import judge, to_findings
from rules.testing import context_for_case
from storage.db import MIGRATIONS, open_engine, run_findings, session_factory
from storage.models import Finding, Run

REPOSITORY = Path(__file__).resolve().parents[1]
COUNTY = {
    "county": {"name": "鲁山县"},
    "crawl": {"start_urls": ["http://gov.test/"], "allowed_domains": ["gov.test"]},
    "units": [
        {"name": "县政府", "url_prefixes": ["http://gov.test/"], "roles": ["county"]},
        {"name": "县司法局", "url_prefixes": ["http://gov.test/bm/sfj/"], "roles": ["department", "enforcement"]},
    ],
}
CONFIG = parse_config(COUNTY)
RETIRED_TITLE = "行政执法公示专栏（已停用的检查）"
RETIRED_REMEDY = "在门户网站开设行政执法公示专栏，公开执法主体、人员和程序"


class PowerListWithAdvice(Check):
    """第7项：本单位权责清单在网上公开"""

    indicator, slug, scope, roles = "7", "fake-power-list", "per_unit", ("department",)
    remedy = "在本单位栏目下公开2021年版权责清单"

    def judge(self, ctx):
        for unit in ctx.units_with(*self.roles):
            yield self.result(ctx, unit.name, "fail", "未找到权责清单", absence=True)


def store_before_titles(url: str) -> None:
    """A store as fazhi left it at revision 0002, with a checked night whose findings have no titles."""
    engine = create_engine(url)
    with engine.begin() as connection:
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0002_web_lengths")
        connection.execute(text(
            "INSERT INTO runs (id, county, started_at, status, as_of, start_urls, pages, attachments, fetch_errors) "
            "VALUES (1, '鲁山县', '2021-09-29 18:00:00', 'checked', '2021-09-30', '[\"http://gov.test/\"]', 10, 0, 0)"
        ))
        connection.execute(text(
            "INSERT INTO findings (run_id, indicator, \"check\", unit, status, message, responsible, evidence) "
            "VALUES (1, '7', 'power-list', '县司法局', 'fail', '未找到本单位的权责清单', '[\"县委编办\"]', '[]')"
        ))
    engine.dispose()


def unit_page(out: Path, unit: str) -> BeautifulSoup:
    units = BeautifulSoup((out / "units.html").read_text("utf-8"), "html.parser")
    href = units.find("a", string=unit)["href"]
    return BeautifulSoup((out / unquote(href)).read_text("utf-8"), "html.parser")


def test_the_engine_stores_each_findings_check_title_and_remedy():
    ctx = context_for_case({"as_of": "2021-09-30"}, load_catalogue())
    [stored, *_] = to_findings(judge(ctx, [PowerListWithAdvice]))
    # the report prints 第7项 beside the title, so the title leaves it out
    assert (stored.title, stored.remedy) == ("本单位权责清单在网上公开", "在本单位栏目下公开2021年版权责清单")


def test_a_store_from_before_titles_upgrades_and_its_findings_still_render(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store_before_titles(url)
    engine = open_engine(url)
    assert {"title", "remedy"} <= {column["name"] for column in inspect(engine).get_columns("findings")}
    with session_factory(engine)() as session:
        [old] = run_findings(session, 1)
        assert (old.title, old.remedy) == (None, None)
        write_reports(session, 1, CONFIG, tmp_path / "out")
    page = unit_page(tmp_path / "out", "县司法局")
    heading = page.select_one(".finding h3").get_text(" ", strip=True)
    plan_task = "全部政府工作部门的权责清单、公共服务事项清单在网上公开。"
    # no slug (power-list) for the reader: the plan's own 网络检索 task names what is checked
    assert heading == f"第7项 {plan_task}"
    assert plan_task in page.select_one(".fix").get_text(strip=True)


def checked_night(path: Path, findings: list[Finding]) -> str:
    url = f"sqlite:///{path}"
    with session_factory(open_engine(url))() as session:
        started = dt.datetime(2021, 9, 29, 18, 0)
        session.add(Run(id=1, county="鲁山县", started_at=started, finished_at=started, status="checked",
                        as_of=dt.date(2021, 9, 30), start_urls=["http://gov.test/"], findings=findings))
        session.commit()
    return url


def retired_finding() -> Finding:
    return Finding(indicator="49", check="retired-enforcement-column", unit="县司法局", status="fail",
                   message="未找到行政执法公示专栏", responsible=["县司法局"], evidence=[],
                   title=RETIRED_TITLE, remedy=RETIRED_REMEDY)


def test_a_findings_own_title_and_remedy_show_although_no_check_has_that_name(tmp_path):
    url = checked_night(tmp_path / "fazhi.db", [retired_finding()])
    with session_factory(open_engine(url))() as session:
        write_reports(session, 1, CONFIG, tmp_path / "out")
    page = unit_page(tmp_path / "out", "县司法局")
    assert RETIRED_TITLE in page.select_one(".finding h3").get_text(strip=True)
    assert RETIRED_REMEDY in page.select_one(".fix").get_text(strip=True)
    indicators = BeautifulSoup((tmp_path / "out" / "indicators.html").read_text("utf-8"), "html.parser")
    assert RETIRED_TITLE in indicators.find(id="i49").select_one(".tasks").get_text(strip=True)


def test_a_report_renders_without_the_rules_package(tmp_path):
    url = checked_night(tmp_path / "fazhi.db", [retired_finding()])
    script = textwrap.dedent(f"""
        import sys
        sys.modules["rules"] = None  # any import of the rule registry now fails
        from pathlib import Path
        from county.config import parse_config
        from reports.render import write_reports
        from storage.db import open_engine, session_factory
        config = parse_config({COUNTY!r})
        with session_factory(open_engine({url!r}))() as session:
            write_reports(session, 1, config, Path({str(tmp_path / "out")!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPOSITORY, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert RETIRED_REMEDY in unit_page(tmp_path / "out", "县司法局").select_one(".fix").get_text(strip=True)
