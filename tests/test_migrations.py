"""Stores made before a schema change keep working: open_engine brings them to the newest revision."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from pg import pg_url  # noqa: F401 - the fixture
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, create_engine, inspect, select, text

from crawler.store import CrawlBase, PageLinks
from storage.db import MIGRATIONS, StoreError, open_engine, run_documents, session_factory
from storage.models import Base, Document, Run, url_hash

BODY_SHA = "ab" * 32
HEAD = "0008_verified_at"
OLD_LINK_CACHE = MetaData()
# crawl_links as the crawler made it before 0007: keyed by the URL itself
Table("crawl_links", OLD_LINK_CACHE, Column("url", String(2000), primary_key=True), Column("sha256", String(64), primary_key=True),
      Column("links", LargeBinary, nullable=False))


def pre_alembic_store(url: str) -> None:
    """A store as fazhi made it before Alembic: today's tables, no alembic_version, a night's rows."""
    engine = create_engine(url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_baseline")
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text(
            "INSERT INTO runs (id, county, started_at, status, start_urls, pages, attachments, fetch_errors) "
            "VALUES (1, '测试县', '2021-09-29 20:00:00', 'checked', '[\"http://gov.test/\"]', 1, 0, 0)"
        ))
        connection.execute(text(
            "INSERT INTO documents (run_id, url, kind, http_status, title, text, meta, fields, tables, sha256, "
            "extension, etag, fetched_at) VALUES (1, 'http://gov.test/a.html', 'page', 200, '关于开展法治宣传的通知', "
            "'正文', '{}', '{\"发布机构\": \"县司法局\"}', '[]', :sha, 'html', '\"v1\"', '2021-09-29 20:01:00')"
        ), {"sha": BODY_SHA})
    OLD_LINK_CACHE.create_all(engine)  # the crawler's link cache, as the first crawl made it
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO crawl_links (url, sha256, links) VALUES ('http://gov.test/a.html', :sha, :links)"),
                           {"sha": BODY_SHA, "links": b"x"})
    engine.dispose()


def assert_night_kept(url: str) -> None:
    with session_factory(open_engine(url))() as session:
        run = session.get(Run, 1)
        [document] = run_documents(session, 1)
        assert (run.status, run.completeness, run.incomplete_reason) == ("checked", None, None)
        assert (document.title, document.fields, document.sha256) == ("关于开展法治宣传的通知", {"发布机构": "县司法局"}, BODY_SHA)
        assert document.extractor_version is None  # read by an extractor older than versions: re-read next crawl
        assert document.url_hash == url_hash("http://gov.test/a.html")
        [links] = session.scalars(select(PageLinks)).all()
        assert (links.url_hash, links.url, links.sha256) == (url_hash("http://gov.test/a.html"), "http://gov.test/a.html", BODY_SHA)
        assert document.verified_at == document.fetched_at  # fetched by its own run, the only kind before schedules
        session.add(Document(run_id=1, url="http://gov.test/" + "b" * 2500, kind="attachment", http_status=200,
                             extension="documentarchive", etag='"' + "e" * 998 + '"', extractor_version=1))
        session.commit()
        assert len(run_documents(session, 1)) == 2


def test_a_pre_alembic_sqlite_store_is_upgraded_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    pre_alembic_store(url)

    assert_night_kept(url)
    with create_engine(url).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD
        assert {"extractor_version", "unit_reason"} <= {column["name"] for column in inspect(connection).get_columns("documents")}
        assert "partial_lists" in inspect(connection).get_table_names()


def test_a_new_store_is_made_at_the_newest_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    open_engine(url).dispose()
    with create_engine(url).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD
        assert set(inspect(connection).get_table_names()) >= {"runs", "documents", "fetch_errors", "findings", "snapshots"}


def test_a_pre_alembic_postgresql_store_is_upgraded_to_the_models_schema(pg_url):  # noqa: F811
    schema = f"old_{uuid.uuid4().hex[:8]}"
    with create_engine(pg_url).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{pg_url}?options=-csearch_path%3D{schema}"
    pre_alembic_store(url)

    assert_night_kept(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, [Base.metadata, CrawlBase.metadata])
        # the revisions build what the models say; the crawler makes its list-claims cache on its first crawl
        assert [d for d in differences if d[:1] != ("add_table",) or d[1].name != "crawl_list_claims"] == []
        lengths = {column["name"]: column["type"] for column in inspect(connection).get_columns("crawl_links")}
        assert str(lengths["url"]) == "TEXT"
        newest = connection.execute(select(Document.fetched_at).order_by(Document.id)).scalars().first()
    engine.dispose()
    assert newest == dt.datetime(2021, 9, 29, 20, 1)


def test_a_store_from_a_newer_fazhi_is_refused_with_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    open_engine(url).dispose()
    with create_engine(url).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))

    with pytest.raises(StoreError) as refused:
        open_engine(url)
    assert str(refused.value).startswith("无法打开数据库") and "0099_future" in str(refused.value)
    assert "\n" not in str(refused.value)


def store_at_0003(url: str) -> None:
    """A store as the fazhi before the review loop made it, with one judged night."""
    engine = create_engine(url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0003_finding_titles")
        connection.execute(text(
            "INSERT INTO runs (id, county, started_at, status, start_urls, pages, attachments, fetch_errors) "
            "VALUES (1, '测试县', '2021-09-29 20:00:00', 'checked', '[]', 1, 0, 0)"
        ))
        connection.execute(text(
            "INSERT INTO findings (run_id, indicator, \"check\", unit, status, message, responsible, evidence) "
            "VALUES (1, '7', 'power-list', '县司法局', 'fail', '未找到权责清单', '[]', '[]')"
        ))
    engine.dispose()


def test_a_store_before_the_review_loop_gains_users_and_verdicts_that_outlive_its_runs(tmp_path):
    from storage.review import User, Verdict, all_verdicts, find_user

    url = f"sqlite:///{tmp_path / 'before-review.db'}"
    store_at_0003(url)

    with session_factory(open_engine(url))() as session:
        session.add(User(name="张审核", role="reviewer", password_hash="x"))
        session.add(Verdict(county="测试县", indicator="7", check="power-list", unit="县司法局", action="dismiss",
                            reason="已在政务公开专栏发布", finding_status="fail", run_id=1, user_name="张审核"))
        session.commit()
        session.delete(session.get(Run, 1))  # pruning the night the verdict was given on
        session.commit()
        assert [v.reason for v in all_verdicts(session, "测试县")] == ["已在政务公开专栏发布"]
        assert find_user(session, "张审核").role == "reviewer"
    with create_engine(url).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD


def test_a_store_of_the_first_review_schema_keeps_its_verdicts_and_findings_gain_a_fix_check(tmp_path):
    from storage.models import Finding
    from storage.review import all_verdicts

    url = f"sqlite:///{tmp_path / 'review-0004.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0004_review")
        connection.execute(text(
            "INSERT INTO runs (id, county, started_at, status, start_urls, pages, attachments, fetch_errors) "
            "VALUES (1, '测试县', '2021-09-29 20:00:00', 'checked', '[]', 1, 0, 0)"
        ))
        connection.execute(text(
            "INSERT INTO findings (run_id, indicator, \"check\", unit, status, message, responsible, evidence) "
            "VALUES (1, '7', 'power-list', '县司法局', 'fail', '未找到权责清单', '[]', '[]')"
        ))
        connection.execute(text(
            "INSERT INTO verdicts (indicator, \"check\", unit, action, reason, fix_url, user_name, created_at) "
            "VALUES ('7', 'power-list', '县司法局', 'fixed', '', 'http://gov.test/sfj/qd.html', '司法局小李', '2021-09-29 09:00:00')"
        ))
    engine.dispose()

    with session_factory(open_engine(url))() as session:
        [finding] = session.scalars(select(Finding)).all()
        assert (finding.status, finding.fix_check) == ("fail", None)
        assert [(v.action, v.fix_url) for v in all_verdicts(session, "测试县")] == [("fixed", "http://gov.test/sfj/qd.html")]
    with create_engine(url).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD


def store_at_0004(url: str) -> None:
    """A one-county store as fazhi made it before counties shared stores: two nights, a reviewer,
    a unit user and verdicts, the older one given on a night that has since been deleted."""
    engine = create_engine(url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0004_review")
        for run_id in (1, 2):
            connection.execute(text(
                "INSERT INTO runs (id, county, started_at, status, start_urls, pages, attachments, fetch_errors) "
                f"VALUES ({run_id}, '测试县', '2021-09-2{run_id} 20:00:00', 'checked', '[]', 1, 0, 0)"
            ))
        connection.execute(text(
            "INSERT INTO documents (run_id, url, kind, http_status, title, text, meta, fields, tables, fetched_at) "
            "VALUES (2, :url, 'page', 200, '很长的地址', '', '{}', '{}', '[]', '2021-09-22 20:01:00')"
        ), {"url": LONG_URL})
        connection.execute(text(
            "INSERT INTO users (name, role, unit, password_hash, created_at) VALUES "
            "('张审核', 'reviewer', NULL, 'x', '2021-09-21 09:00:00'), ('司法局小李', 'unit', '县司法局', 'x', '2021-09-21 09:00:00')"
        ))
        for run_id, reason in ((7, "已在政务公开专栏发布"), (2, "已确认")):
            connection.execute(text(
                "INSERT INTO verdicts (indicator, \"check\", unit, action, reason, finding_status, run_id, user_name, created_at) "
                "VALUES ('7', 'power-list', '县司法局', 'dismiss', :reason, 'fail', :run_id, '张审核', '2021-09-22 09:00:00')"
            ), {"reason": reason, "run_id": run_id})
    engine.dispose()


LONG_URL = "http://gov.test/" + "a" * 1800 + ".html"


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_a_one_county_store_gives_its_verdicts_and_users_to_its_county(store, tmp_path, request):
    from storage.review import all_verdicts, find_user

    url = f"sqlite:///{tmp_path / 'old.db'}" if store == "sqlite" else request.getfixturevalue("pg_url")
    if store == "postgresql":
        schema = f"v4_{uuid.uuid4().hex[:8]}"
        with create_engine(url).begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{url}?options=-csearch_path%3D{schema}"
    store_at_0004(url)

    with session_factory(open_engine(url))() as session:
        assert [v.reason for v in all_verdicts(session, "测试县")] == ["已在政务公开专栏发布", "已确认"]
        assert all_verdicts(session, "郏县") == []
        assert (find_user(session, "张审核").county, find_user(session, "司法局小李").county) == ("测试县", "测试县")
        [document] = run_documents(session, 2)
        assert document.url_hash == url_hash(LONG_URL)
    with create_engine(url).connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD
        if store == "postgresql":
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
