"""class_spending: each disclosure's 类 rows of the spending table with their share of its 合计,
for comparing every unit's spending by 类 without a join per row; filled for stored documents

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 17:00:00.000000
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Money = sa.Numeric(20, 2)
SPENDING_TABLE = 3
BATCH = 5000  # disclosures per read while filling

_rows = sa.table(
    "table_rows",
    sa.column("disclosure_id", Id), sa.column("table_no", sa.SmallInteger()),
    sa.column("row_no", sa.SmallInteger()), sa.column("code", sa.String(20)),
    sa.column("label", sa.Text()), sa.column("kind", sa.String(12)),
)  # fmt: skip
_cells = sa.table(
    "table_cells",
    sa.column("disclosure_id", Id), sa.column("table_no", sa.SmallInteger()),
    sa.column("row_no", sa.SmallInteger()), sa.column("column", sa.String(40)),
    sa.column("amount", Money),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "class_spending",
        sa.Column("disclosure_id", Id, nullable=False),
        sa.Column("row_no", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("amount", Money, nullable=True),
        sa.Column("share", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosures.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("disclosure_id", "row_no"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_class_spending_code", "class_spending", ["code", "amount"])
    _fill()


def _fill() -> None:
    """The rows for the disclosures already stored, from their table rows and cells, with the
    shares worked out in Python as the writer does (exact decimals on both databases)."""
    connection = op.get_bind()
    target = sa.table(  # typed: the amounts are bound as each database takes decimals
        "class_spending",
        sa.column("disclosure_id", Id), sa.column("row_no", sa.SmallInteger()),
        sa.column("code", sa.String(20)), sa.column("label", sa.Text()),
        sa.column("amount", Money), sa.column("share", sa.Numeric(12, 2)),
    )  # fmt: skip
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM disclosures ORDER BY id"))]
    for start in range(0, len(ids), BATCH):
        low, high = ids[start], ids[min(start + BATCH, len(ids)) - 1]
        query = (
            sa.select(_rows.c.disclosure_id, _rows.c.row_no, _rows.c.code, _rows.c.label,
                      _rows.c.kind, _cells.c.amount)
            .outerjoin(_cells, sa.and_(_cells.c.disclosure_id == _rows.c.disclosure_id,
                                       _cells.c.table_no == _rows.c.table_no,
                                       _cells.c.row_no == _rows.c.row_no,
                                       _cells.c.column == "total"))
            .where(_rows.c.disclosure_id.between(low, high),
                   _rows.c.table_no == SPENDING_TABLE, _rows.c.kind.in_(("class", "total")))
            .order_by(_rows.c.disclosure_id, _rows.c.row_no)
        )  # fmt: skip
        totals: dict[int, Decimal | None] = {}
        classes = []
        for did, row_no, code, label, kind, amount in connection.execute(query):
            if kind == "total":
                totals.setdefault(did, amount)
            elif code:
                classes.append({"disclosure_id": did, "row_no": row_no, "code": code,
                                "label": label, "amount": amount})  # fmt: skip
        for row in classes:
            total = totals.get(row["disclosure_id"])
            amount = row["amount"]
            row["share"] = (
                (amount / total * 100).quantize(Decimal("0.01"))
                if amount is not None and total
                else None
            )
        if classes:
            connection.execute(target.insert(), classes)


def downgrade() -> None:
    op.drop_index("ix_class_spending_code", table_name="class_spending")
    op.drop_table("class_spending")
