"""budget drafts: a unit's budget data edited in the web application, and its regeneration

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 13:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "budget_drafts",
        sa.Column("id", Id, nullable=False),
        sa.Column("unit_id", Id, nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("source_disclosure_id", Id, nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", Id, nullable=True),
        sa.Column("rendered_revision", sa.Integer(), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rendered_dir", sa.String(length=200), nullable=True),
        sa.Column("rendered_files", sa.Text(), nullable=False),
        sa.Column("check_result", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_disclosure_id"], ["disclosures.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "year", name="uq_budget_drafts_unit_year"),
    )
    with op.batch_alter_table("budget_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_drafts_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("budget_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_drafts_unit_id"))
    op.drop_table("budget_drafts")
