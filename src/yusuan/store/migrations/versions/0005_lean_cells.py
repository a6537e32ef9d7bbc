"""lean cells: blank cells are no longer stored; on SQLite table_rows, table_cells and
table_columns become WITHOUT ROWID tables (rows kept in the primary key's b-tree: one tree to
write, not two, and a document's rows of a table next to each other for the comparisons)

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


def _rows(name: str, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column("disclosure_id", Id, nullable=False),
        sa.Column("table_no", sa.SmallInteger(), nullable=False),
        sa.Column("row_no", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("code_class", sa.String(length=3), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("side", sa.String(length=12), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("page", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosures.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("disclosure_id", "table_no", "row_no"),
        sqlite_with_rowid=with_rowid,
    )


def _cells(name: str, rows: str, with_rowid: bool) -> None:
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
            [f"{rows}.disclosure_id", f"{rows}.table_no", f"{rows}.row_no"],
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


def _rebuild(with_rowid: bool, keep_cells: str) -> None:
    """SQLite: copy the three tables into new ones of the wanted kind. The new cells point at
    the new rows from the start, so dropping the old rows (after the old cells) cascades nowhere;
    renaming the new rows table updates that reference."""
    _rows("table_rows_new", with_rowid)
    op.execute("INSERT INTO table_rows_new SELECT * FROM table_rows")
    _cells("table_cells_new", "table_rows_new", with_rowid)
    op.execute(f"INSERT INTO table_cells_new SELECT * FROM table_cells WHERE {keep_cells}")
    _columns("table_columns_new", with_rowid)
    op.execute("INSERT INTO table_columns_new SELECT * FROM table_columns")
    for table in ("table_cells", "table_rows", "table_columns"):
        op.drop_table(table)
    for table in ("table_rows", "table_cells", "table_columns"):
        op.rename_table(f"{table}_new", table)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_rowid=False, keep_cells=_NOT_BLANK)
    else:
        op.execute(f"DELETE FROM table_cells WHERE NOT ({_NOT_BLANK})")


def downgrade() -> None:
    # The blank cells are not restored: a missing cell reads as blank everywhere.
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_rowid=True, keep_cells="1 = 1")
