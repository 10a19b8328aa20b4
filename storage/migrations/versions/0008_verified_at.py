"""When the site last confirmed each document: a night fetches only part of a portal
(crawler.schedule) and carries the rest forward, so a row may be older than its run.

Rows stored before this revision were all fetched by their own run: their
fetched_at is when they were verified.

Revision ID: 0008_verified_at
Revises: 0007_county_scope
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_verified_at"
down_revision = "0007_county_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("verified_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE documents SET verified_at = fetched_at")


def downgrade() -> None:
    op.drop_column("documents", "verified_at")
