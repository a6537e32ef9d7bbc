"""finding_comments: reviewers' comments on a finding

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "finding_comments",
        sa.Column("id", Id, nullable=False),
        sa.Column("finding_id", Id, nullable=False),
        sa.Column("disclosure_id", Id, nullable=False),
        sa.Column("author_id", Id, nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosures.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finding_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finding_comments_disclosure_id"), ["disclosure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finding_comments_finding_id"), ["finding_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("finding_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_comments_finding_id"))
        batch_op.drop_index(batch_op.f("ix_finding_comments_disclosure_id"))
    op.drop_table("finding_comments")
