"""Several counties in one store; URLs keyed by their hash.

A city's or province's counties share one store, so whatever belongs to a county says
which: verdicts carry the county of the findings they are about, users the county
they see (none: every county, a city's reviewer), and runs are indexed by county for
the "previous night of this county" queries. A store made before held one county:
its verdicts and users belong to that county (a verdict to its run's county).

PostgreSQL's btree refuses an index key over ~2,700 bytes, and a redirect target can
be longer: documents and the crawler's link cache are keyed by url_hash (sha256 of
the URL, hex) instead of the URL itself.

Revision ID: 0007_county_scope
Revises: 0006_fix_checks
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0007_county_scope"
down_revision = "0006_fix_checks"
branch_labels = None
depends_on = None

NEWEST_COUNTY = "(SELECT county FROM runs ORDER BY id DESC LIMIT 1)"
PG_HASH = "encode(sha256(convert_to({column}, 'UTF8')), 'hex')"
SQLITE_HASH = "fazhi_url_hash({column})"


def upgrade() -> None:
    op.create_index("ix_runs_county", "runs", ["county", "id"], unique=False)
    _county_of_users_and_verdicts()
    _documents_by_url_hash()
    if sa.inspect(op.get_bind()).has_table("crawl_links"):
        _link_cache_by_url_hash()


def _county_of_users_and_verdicts() -> None:
    op.add_column("users", sa.Column("county", sa.String(length=100), nullable=True))
    op.execute(f"UPDATE users SET county = {NEWEST_COUNTY}")
    op.add_column("verdicts", sa.Column("county", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE verdicts SET county = coalesce((SELECT runs.county FROM runs WHERE runs.id = verdicts.run_id), "
        f"{NEWEST_COUNTY}, '')"
    )
    with op.batch_alter_table("verdicts") as verdicts:
        verdicts.alter_column("county", existing_type=sa.String(length=100), nullable=False)
        verdicts.drop_index("ix_verdicts_finding")
        verdicts.create_index("ix_verdicts_finding", ["county", "indicator", "check", "unit"], unique=False)


def _documents_by_url_hash() -> None:
    op.add_column("documents", sa.Column("url_hash", sa.String(length=64), nullable=True))
    op.execute(f"UPDATE documents SET url_hash = {_hash('url')}")
    with op.batch_alter_table("documents") as documents:
        documents.alter_column("url_hash", existing_type=sa.String(length=64), nullable=False)
        documents.drop_index("ix_documents_run_url")
        documents.drop_index("ix_documents_url_etag")
        documents.create_index("ix_documents_run_url_hash", ["run_id", "url_hash"], unique=True)
        documents.create_index("ix_documents_url_hash_sha256", ["url_hash", "sha256"], unique=False)


def _link_cache_by_url_hash() -> None:
    """The crawler made crawl_links (crawler.store) with the URL in its primary key."""
    op.add_column("crawl_links", sa.Column("url_hash", sa.String(length=64), nullable=True))
    op.execute(f"UPDATE crawl_links SET url_hash = {_hash('url')}")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("crawl_links_pkey", "crawl_links", type_="primary")
        op.alter_column("crawl_links", "url_hash", existing_type=sa.String(length=64), nullable=False)
        op.create_primary_key("crawl_links_pkey", "crawl_links", ["url_hash", "sha256"])
        return
    # SQLite cannot change a primary key in place: the table is rebuilt under its own name
    op.create_table(
        "crawl_links_rekeyed",
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("links", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("url_hash", "sha256"),
    )
    op.execute("INSERT INTO crawl_links_rekeyed (url_hash, sha256, url, links) SELECT url_hash, sha256, url, links FROM crawl_links")
    op.drop_table("crawl_links")
    op.rename_table("crawl_links_rekeyed", "crawl_links")


def _hash(column: str) -> str:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        return PG_HASH.format(column=column)
    # SQLite has no sha256 function: this connection gets Python's, under a name of fazhi's own
    bind.connection.driver_connection.create_function(
        "fazhi_url_hash", 1, lambda url: hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest(), deterministic=True
    )
    return SQLITE_HASH.format(column=column)


def downgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("crawl_links"):
        # a cache: the older crawler makes it again, keyed its way, and the next crawl refills it
        op.drop_table("crawl_links")
    with op.batch_alter_table("documents") as documents:
        documents.drop_index("ix_documents_url_hash_sha256")
        documents.drop_index("ix_documents_run_url_hash")
        documents.create_index("ix_documents_url_etag", ["url", "sha256"], unique=False)
        documents.create_index("ix_documents_run_url", ["run_id", "url"], unique=True)
        documents.drop_column("url_hash")
    with op.batch_alter_table("verdicts") as verdicts:
        verdicts.drop_index("ix_verdicts_finding")
        verdicts.create_index("ix_verdicts_finding", ["indicator", "check", "unit"], unique=False)
        verdicts.drop_column("county")
    with op.batch_alter_table("users") as users:
        users.drop_column("county")
    op.drop_index("ix_runs_county", table_name="runs")
