"""The database schema: units, their disclosures, every table cell, projects, indicators, findings.

One schema for SQLite and PostgreSQL (SQLAlchemy 2 declarative models); Alembic migrations in
``yusuan/store/migrations`` create and change it. Amounts are stored in 元 (``Numeric(20, 2)``,
exact) whatever unit the document printed, so units and years compare directly; the printed text
stays beside each figure.

Keys are chosen so a document's rows can be written without reading ids back: a table row is
``(disclosure_id, table_no, row_no)`` and a cell adds its column key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

Money = Numeric(20, 2, asdecimal=True)

# SQLite only makes INTEGER PRIMARY KEY an alias of its rowid (auto-increment); BigInteger ids
# stay 64-bit on PostgreSQL and become INTEGER there.
Id = BigInteger().with_variant(Integer(), "sqlite")


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A budget unit or a department (a department's units point to it with ``parent_id``)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("profile", "normalized_name", name="uq_units_name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # as last printed
    normalized_name: Mapped[str] = mapped_column(String(200), index=True)
    code: Mapped[str | None] = mapped_column(String(40), index=True)  # 单位编码 where printed
    kind: Mapped[str] = mapped_column(String(10), default="单位")  # 部门 or 单位
    profile: Mapped[str] = mapped_column(String(20), default="shanxi")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    disclosures: Mapped[list[Disclosure]] = relationship(back_populates="unit")


class SourceFile(Base):
    """One ingested file, by content hash: the ingest log that makes ingestion idempotent.

    ``status`` is ``ok`` (its disclosure is stored), ``failed`` (``error`` says why, in Chinese) or
    ``duplicate`` (same unit, year and content as a stored disclosure under another hash)."""

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float | None] = mapped_column(Float)  # parse + check time in the worker
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Disclosure(Base):
    """One published disclosure: a unit's budget for a year, in one version of the document."""

    __tablename__ = "disclosures"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "scope", "version", name="uq_disclosures_version"),
        Index("ix_disclosures_year", "year"),
        Index("ix_disclosures_code", "code", "year"),  # linking across years by unit code
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int | None] = mapped_column(SmallInteger)
    scope: Mapped[str] = mapped_column(String(10))  # 部门 or 单位
    version: Mapped[int] = mapped_column(SmallInteger, default=1)  # republished documents count up
    profile: Mapped[str] = mapped_column(String(20))
    unit_name: Mapped[str] = mapped_column(String(200))  # as printed in this document
    # The unit's own code where this document prints it (主管部门及代码 of a department's own
    # document, ``yusuan.crossyear.links.unit_code``); written with the document (disclosures
    # stored before table ``claims`` existed get it when ``yusuan.crossyear`` links them).
    code: Mapped[str | None] = mapped_column(String(40))
    amount_unit: Mapped[str] = mapped_column(String(10))  # as printed: 万元 or 元
    extraction: Mapped[str] = mapped_column(String(20))  # tab, layout, pdf, docx, xlsx, ocr …
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"), unique=True)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    unit: Mapped[Unit] = relationship(back_populates="disclosures")
    source_file: Mapped[SourceFile] = relationship()


class Document(Base):
    """The whole model of a disclosure as compressed JSON (``yusuan.export.json``): what the web
    view and re-checks load, with every figure's source. Kept apart so queries never read it."""

    __tablename__ = "documents"

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    model_json_gz: Mapped[bytes] = mapped_column(LargeBinary)


class ClaimSet(Base):
    """Part 3's 比上年 claims of a disclosure (``yusuan.crossyear.claims``) as JSON, written with
    the document so the cross-year check never loads its model. A row also says that the
    disclosure's unit code was read when it was written: disclosures stored before this table
    existed have none, and their claims and code are read from their model."""

    __tablename__ = "claims"

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[str] = mapped_column(Text)  # ``yusuan.crossyear.claims.claims_json``


class TableRow(Base):
    """One printed row of a table, with its code, kind, side and source line/page."""

    __tablename__ = "table_rows"
    __table_args__ = ({"sqlite_with_rowid": False},)  # (as table_cells)

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    table_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    row_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # order within the table
    label: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(20))
    code_class: Mapped[str | None] = mapped_column(String(3))  # 类 of a 功能分类 code
    kind: Mapped[str] = mapped_column(String(12))  # yusuan.model.RowKind
    side: Mapped[str | None] = mapped_column(String(12))
    line: Mapped[int | None] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(SmallInteger)


class TableCell(Base):
    """One cell in tidy form: the row it belongs to, its column key, amount in 元, printed text.

    Blank cells (no amount, nothing printed) are not stored, so a row's missing column reads as
    blank (outer joins from ``table_rows`` give NULL); they are six in ten of a template's cells.
    On SQLite the table (like ``table_rows`` and ``table_columns``) is ``WITHOUT ROWID``: its
    rows live in the primary key's b-tree, one tree to write instead of two, and a document's
    rows of one table lie next to each other for the comparisons that read them."""

    __tablename__ = "table_cells"
    __table_args__ = (
        ForeignKeyConstraint(
            ["disclosure_id", "table_no", "row_no"],
            ["table_rows.disclosure_id", "table_rows.table_no", "table_rows.row_no"],
            ondelete="CASCADE",
        ),
        {"sqlite_with_rowid": False},
    )

    disclosure_id: Mapped[int] = mapped_column(Id, primary_key=True)
    table_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    row_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    column: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[Decimal | None] = mapped_column(Money)  # 元; None for blank or text cells
    text: Mapped[str] = mapped_column(Text)  # as printed
    confidence: Mapped[float | None] = mapped_column(Float)  # only below 1 (OCR)


class TableColumn(Base):
    """The printed header of each column key of a stored table."""

    __tablename__ = "table_columns"
    __table_args__ = ({"sqlite_with_rowid": False},)  # (as table_cells)

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    table_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    column: Mapped[str] = mapped_column(String(40), primary_key=True)
    side: Mapped[str] = mapped_column(String(12), primary_key=True, default="")
    header: Mapped[str] = mapped_column(Text)


class Fact(Base):
    """A headline figure of a disclosure, named by a stable key (see ``yusuan.store.facts``):
    totals, 三公经费, 机关运行经费, staffing. Money in 元; counts as whole numbers."""

    __tablename__ = "facts"
    __table_args__ = (
        Index("ix_facts_key", "key", "disclosure_id"),
        Index("ix_facts_key_value", "key", "value"),  # ranking units by a figure (analytics)
    )

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Money)


class ClassSpending(Base):
    """A 类 row of the spending table (table 3, 合计 column, 元) with its share (%) of the
    table's 合计, worked out exactly when the document is stored. The same figures are in
    ``table_rows``/``table_cells``; this summary serves the comparison of every unit's spending
    by 类 with one ordered range read per disclosure instead of a join per row."""

    __tablename__ = "class_spending"
    __table_args__ = (
        Index("ix_class_spending_code", "code", "amount"),  # units spending most on one 类
        {"sqlite_with_rowid": False},
    )

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    row_no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # as in table_rows
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Money)  # None: printed blank
    share: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # % of 合计; None without one


class Project(Base):
    """A project of tables 12/13 (本年预算 / 上年结转)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    table_no: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(Text)
    unit_name: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Money)  # 元


class Indicator(Base):
    """One performance indicator of a project's (or the unit's) performance-goal table."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    project: Mapped[str] = mapped_column(Text)  # the table's project, or the unit for 整体
    whole_unit: Mapped[bool] = mapped_column(Boolean, default=False)
    period: Mapped[str] = mapped_column(String(10))  # annual or period
    level1: Mapped[str] = mapped_column(Text)
    level2: Mapped[str] = mapped_column(Text)
    level3: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)


class Finding(Base):
    """A check finding of a stored disclosure; ``locations`` is the JSON list of cited figures."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_rule", "rule"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(40))
    family: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    rounding: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    expected: Mapped[str | None] = mapped_column(Text)
    actual: Mapped[str | None] = mapped_column(Text)
    difference: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    locations: Mapped[str] = mapped_column(Text, default="[]")


class YearLink(Base):
    """How a disclosure is linked to the same unit's disclosure of the year before."""

    __tablename__ = "year_links"

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosures.id", ondelete="SET NULL"), index=True
    )
    method: Mapped[str] = mapped_column(String(10))  # code, name, none
    candidates: Mapped[int] = mapped_column(SmallInteger, default=0)
    note: Mapped[str | None] = mapped_column(Text)  # Chinese: why a link is ambiguous


class CodeMapping(Base):
    """A 科目 code renamed or renumbered between catalog years: ``old_code`` (valid up to
    ``year - 1``) becomes ``new_code`` from ``year`` on."""

    __tablename__ = "code_mappings"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    old_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    new_code: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
