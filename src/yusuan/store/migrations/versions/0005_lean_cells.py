"""lean cells: blank cells are no longer stored; on SQLite table_cells and table_columns become
WITHOUT ROWID tables (rows kept in the primary key's b-tree: one tree to write, not two)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 16:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _cells(name: str, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column("disclosure_id", Id, nullable=False),
        sa.Column("table_no", sa.SmallInteger(), nullable=False),
        sa.Column("row_no", sa.SmallInteger(), nullable=False),
        sa.Column("column", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["disclosure_id", "table_no", "row_no"],
            ["table_rows.disclosure_id", "table_rows.table_no", "table_rows.row_no"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("disclosure_id", "table_no", "row_no", "column"),
        sqlite_with_rowid=with_rowid,
    )


def _columns(name: str, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column("disclosure_id", Id, nullable=False),
        sa.Column("table_no", sa.SmallInteger(), nullable=False),
        sa.Column("column", sa.String(length=40), nullable=False),
        sa.Column("side", sa.String(length=12), nullable=False),
        sa.Column("header", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosures.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("disclosure_id", "table_no", "column", "side"),
        sqlite_with_rowid=with_rowid,
    )


_NOT_BLANK = "NOT (amount IS NULL AND text = '')"


def _rebuild(with_rowid: bool, keep: str) -> None:
    """SQLite: copy both tables into new ones of the wanted kind (neither has rows pointing at
    it, so dropping the old ones cascades nowhere)."""
    for table, create in (("table_cells", _cells), ("table_columns", _columns)):
        create(f"{table}_new", with_rowid)
        where = f" WHERE {keep}" if table == "table_cells" and keep else ""
        op.execute(f'INSERT INTO {table}_new SELECT * FROM "{table}"{where}')
        op.drop_table(table)
        op.rename_table(f"{table}_new", table)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_rowid=False, keep=_NOT_BLANK)
    else:
        op.execute(f"DELETE FROM table_cells WHERE NOT ({_NOT_BLANK})")


def downgrade() -> None:
    # The blank cells are not restored: a missing cell reads as blank everywhere.
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_rowid=True, keep="")
