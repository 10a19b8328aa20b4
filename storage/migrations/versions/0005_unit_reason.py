"""Why a document is credited to its unit, and the lists a crawl could only partly read.

`documents.unit_reason` says what attributed the document (网址前缀, 来源, 发布机构, 索引号, 标题),
so a unit can see why a page counts as its own. `partial_lists` holds each list page that
claims more records than the crawl read (its list API unknown, failing or capped), so that
a missing item under it is judged unknown, never a gap.

Revision ID: 0005_unit_reason
Revises: 0004_review
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_unit_reason"
down_revision = "0004_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: a batch rebuild would copy every document of a large store
    op.add_column("documents", sa.Column("unit_reason", sa.Text(), nullable=True))
    op.create_table(
        "partial_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("claimed", sa.Integer(), nullable=False),
        sa.Column("read", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_partial_lists_run_unit", "partial_lists", ["run_id", "unit"])


def downgrade() -> None:
    op.drop_index("ix_partial_lists_run_unit", table_name="partial_lists")
    op.drop_table("partial_lists")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("unit_reason")
