"""Budget data being prepared in the web application: one draft per unit and budget year.

A draft holds the unit's ``BudgetData`` (JSON, amounts as exact decimal strings in 元), where it
came from (a stored disclosure, an uploaded workbook or data file, a blank start), who changed
it last and the outcome of the last regeneration (the rendered files and their check counts).
Drafts are not disclosures: regenerating one writes files, not rows of the store's tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yusuan.store.schema import Base, Id, now

ORIGIN_LABELS = {
    "document": "由公开文件提取",
    "workbook": "上传的填报工作簿",
    "data": "上传的数据文件",
    "blank": "空白",
}


class BudgetDraft(Base):
    """A unit's budget data for one year, edited in the browser or uploaded, and regenerated."""

    __tablename__ = "budget_drafts"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_budget_drafts_unit_year"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    data_json: Mapped[str] = mapped_column(Text)  # BudgetData.model_dump_json()
    origin: Mapped[str] = mapped_column(String(10))  # document, workbook, data, blank
    source_disclosure_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosures.id", ondelete="SET NULL")
    )
    notes: Mapped[str] = mapped_column(Text, default="[]")  # JSON: what extraction assumed
    revision: Mapped[int] = mapped_column(Integer, default=1)  # counts up with every change
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The last regeneration: which revision, when, where the files are (relative to the data
    # folder), which files (JSON {format: file name}) and the check outcome (JSON).
    rendered_revision: Mapped[int | None] = mapped_column(Integer)
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rendered_dir: Mapped[str | None] = mapped_column(String(200))
    rendered_files: Mapped[str] = mapped_column(Text, default="{}")
    check_result: Mapped[str] = mapped_column(Text, default="{}")
