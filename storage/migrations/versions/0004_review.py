"""Users of `fazhi serve` and the verdicts they give on findings.

Verdicts are people's work: the table is append-only (a later verdict on the same
finding supersedes an earlier one by being newer) and holds no foreign key to a
run, so that pruning old runs never takes a decision or its audit trail with it.

Revision ID: 0004_review
Revises: 0003_finding_titles
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_review"
down_revision = "0003_finding_titles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=10), nullable=False),
        sa.Column("check", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fix_url", sa.Text(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("finding_status", sa.String(length=10), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_verdicts_finding", "verdicts", ["indicator", "check", "unit"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_verdicts_finding", table_name="verdicts")
    op.drop_table("verdicts")
    op.drop_table("users")
