"""A finding keeps its check's title and remedy.

A report is then rendered from the store alone, without the check that made the
finding; findings stored before this revision have neither, and the report
falls back to the work plan's own words for them.

Revision ID: 0003_finding_titles
Revises: 0002_web_lengths
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_finding_titles"
down_revision = "0002_web_lengths"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("findings", sa.Column("title", sa.Text(), nullable=True))
    op.add_column("findings", sa.Column("remedy", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("findings") as findings:
        findings.drop_column("remedy")
        findings.drop_column("title")
