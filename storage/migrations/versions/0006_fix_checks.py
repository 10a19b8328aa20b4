"""A finding keeps the night's judgement of the unit's 已整改 address.

The check step decides, with the night's documents and fetch errors at hand,
whether the address a unit gave was fetched and whether the finding now passes
with it; the report then shows that from the finding alone and never reads
pages. Findings stored before this revision have none.

Revision ID: 0006_fix_checks
Revises: 0005_unit_reason
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_fix_checks"
down_revision = "0005_unit_reason"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("findings", sa.Column("fix_check", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("findings") as findings:
        findings.drop_column("fix_check")
