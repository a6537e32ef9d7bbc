"""The blocks an outline is made of (headings, paragraphs, tables, label grids, charts, page
breaks): what every renderer knows how to write. Kept apart from the outline builders so that each
template's builder can use them."""

from __future__ import annotations

from dataclasses import dataclass, field

from yusuan.render.layout import Grid


@dataclass(slots=True)
class Heading:
    text: str
    level: int  # 0 cover title, 1 part, 2 section, 3 sub-section, 4 table/annex title


@dataclass(slots=True)
class Paragraph:
    text: str
    style: str = "body"  # body, center, note, toc


@dataclass(slots=True)
class TableBlock:
    grid: Grid


@dataclass(slots=True)
class LabelGrid:
    """A label/value grid (performance tables): rows of cells, each cell (text, column span)."""

    title: str
    subtitle: str
    rows: list[list[tuple[str, int]]]
    columns: int


@dataclass(slots=True)
class Chart:
    key: str  # STRUCTURE_CHART or THREE_PUBLIC_CHART
    caption: str


@dataclass(slots=True)
class PageBreak:
    pass


Block = Heading | Paragraph | TableBlock | LabelGrid | Chart | PageBreak


@dataclass(slots=True)
class Outline:
    title: str  # "示例市数据服务中心"
    subtitle: str  # "2025年度单位预算公开"
    blocks: list[Block] = field(default_factory=list)
