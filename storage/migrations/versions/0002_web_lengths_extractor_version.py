"""Web values of any length; the extractor version of each document; a run's completeness.

A site's ETag, Content-Type, file extension or redirect target can be longer than
any length a column assumes, and PostgreSQL refuses the whole batch holding it.
A document's extractor version lets a re-crawl re-read an unchanged page when the
extractor improved.

Revision ID: 0002_web_lengths
Revises: 0001_baseline
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_web_lengths"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

# table -> column -> its length before this revision
LIMITED = {
    "documents": {"url": 2000, "unit": 200, "parent_url": 2000, "extension": 10, "content_type": 200,
                  "encoding": 40, "etag": 300, "last_modified": 100},
    "fetch_errors": {"url": 2000, "unit": 200},
    "snapshots": {"content_type": 200, "url": 2000},
}
# the crawler's link cache (crawler.store), made by the crawler when it first ran
LINK_CACHE = {"crawl_links": {"url": 2000}}


def upgrade() -> None:
    op.add_column("documents", sa.Column("extractor_version", sa.Integer(), nullable=True))
    op.add_column("runs", sa.Column("completeness", sa.String(length=20), nullable=True))
    op.add_column("runs", sa.Column("incomplete_reason", sa.Text(), nullable=True))
    _retype(lambda length: sa.String(length=length), lambda length: sa.Text())


def downgrade() -> None:
    _retype(lambda length: sa.Text(), lambda length: sa.String(length=length))
    with op.batch_alter_table("runs") as runs:
        runs.drop_column("incomplete_reason")
        runs.drop_column("completeness")
    with op.batch_alter_table("documents") as documents:
        documents.drop_column("extractor_version")


def _retype(old, new) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return  # SQLite never enforced a length: its columns hold any text already, no table copy needed
    tables = LIMITED | (LINK_CACHE if sa.inspect(bind).has_table("crawl_links") else {})
    for table, columns in tables.items():
        for column, length in columns.items():
            op.alter_column(table, column, existing_type=old(length), type_=new(length))
