"""The disclosure as one standalone HTML page, walking the same outline as the DOCX and PDF.

The page needs nothing from outside: CSS is inline, charts are ``data:`` URIs, there is no script.
Tables keep the template's merged header cells (``colspan``/``rowspan`` from ``Grid.merges``) and
performance tables their label grid. Everything a document says goes through Jinja2 with
autoescape on, so a unit called ``<script>`` is shown as text. Print CSS gives A4 pages with each
table on its own page.

The cell placement helpers here (``header_rows``, ``label_rows``, ``toc_targets``) are shared
with the PDF renderer so both print the same merges.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from yusuan.model import Disclosure
from yusuan.numerals import cn_numeral
from yusuan.render.layout import NO_DATA_NOTE, BodyCell, Grid
from yusuan.render.outline import (
    Block,
    Chart,
    Heading,
    LabelGrid,
    Outline,
    PageBreak,
    Paragraph,
    TableBlock,
    build_outline,
)
from yusuan.version import __version__

# Cells of performance tables printed as labels (shaded) rather than values.
LABELS = frozenset(
    {
        "项目名称",
        "主管部门及代码",
        "实施单位",
        "项目属性",
        "项目期",
        "项目资金（元）",
        "实施期资金总额：",
        "年度资金总额：",
        "其中：中央财政资金",
        "省级财政资金",
        "市县（区）财政资金",
        "单位自筹",
        "其他资金",
        "项目概况",
        "立项依据",
        "项目设立必要性",
        "保证项目实施的制度、措施",
        "项目实施计划",
        "实施期目标",
        "年度目标",
        "总体目标",
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "部门名称",
        "部门职责",
        "部门战略目标",
        "年度绩效目标",
    }
)
SIGNATURE_LABELS = ("负责人：", "经办人：", "联系电话：", "填报日期：")
# Relative column widths of performance tables (8 columns: project goals; 4: whole unit).
LABEL_WIDTHS: dict[int, list[float]] = {
    8: [1.2, 1.3, 1.0, 1.45, 1.05, 1.0, 1.45, 1.0],
    4: [1.0, 1.2, 2.2, 1.4],
}


def label_widths(grid: LabelGrid) -> list[float]:
    return LABEL_WIDTHS.get(grid.columns, [1.0] * grid.columns)


_INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "指标值")


@dataclass(slots=True)
class Placed:
    """A printed cell after merging: its text, where it starts and how far it spans."""

    text: str
    column: int
    rowspan: int = 1
    colspan: int = 1
    numeric: bool = False
    label: bool = False


# ---------------------------------------------------------------- shared placement helpers


def header_rows(grid: Grid) -> list[list[Placed]]:
    """The header rows with merged cells placed once at their top-left corner; cells a merge
    covers are left out (as HTML and reportlab's SPAN expect)."""
    rows, cols = len(grid.header), grid.columns
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for merge in grid.merges:
        for r in range(merge.row, merge.row + merge.rows):
            for c in range(merge.column, merge.column + merge.columns):
                owner[(r, c)] = (merge.row, merge.column)
    spans = {(m.row, m.column): (m.rows, m.columns) for m in grid.merges}
    placed: list[list[Placed]] = []
    for r in range(rows):
        line: list[Placed] = []
        for c in range(cols):
            if owner.get((r, c), (r, c)) != (r, c):
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            line.append(Placed(grid.header[r][c], c, rowspan, colspan, label=True))
        placed.append(line)
    return placed


def is_total_row(cells: list[BodyCell]) -> bool:
    """A 合计/总计 line of a table body (printed with a light shade)."""
    for cell in cells:
        if not cell.numeric and cell.text.strip():
            text = cell.text.strip()
            return "合计" in text or "总计" in text or text == "小计"
    return False


def _flat(grid: LabelGrid) -> list[list[Placed]]:
    rows: list[list[Placed]] = []
    for row in grid.rows:
        column = 0
        line: list[Placed] = []
        for text, span in row:
            line.append(Placed(text, column, colspan=span, label=text in LABELS))
            column += span
        rows.append(line)
    return rows


def label_rows(grid: LabelGrid, max_rowspan: int | None = None) -> list[list[Placed]]:
    """A performance table's rows with vertical merges where the template prints one cell over
    several rows: 项目资金（元） and 绩效指标 down the first column, and an indicator level left
    blank because it repeats the one above (一级/二级指标). Whole-unit tables (4 columns) repeat
    their levels on every row; equal consecutive levels are merged the same way.

    ``max_rowspan`` caps a merge (the PDF cannot break a page inside a merged cell, so a long
    indicator list is merged in blocks that each fit a page)."""
    rows = _flat(grid)
    at: list[dict[int, Placed]] = [{cell.column: cell for cell in line} for line in rows]
    removed: set[tuple[int, int]] = set()
    header = next(
        (
            i
            for i, line in enumerate(rows)
            if tuple(c.text for c in line[-4:]) == _INDICATOR_HEADER
            or (len(line) > 4 and tuple(c.text for c in line[1:5]) == _INDICATOR_HEADER)
        ),
        None,
    )

    def merge_up(r: int, column: int) -> None:
        above = r - 1
        while (above, column) in removed:
            above -= 1
        target = at[above].get(column)
        if target is None or target.colspan != 1:
            return
        if max_rowspan is not None and target.rowspan >= max_rowspan:
            return
        target.rowspan += 1
        removed.add((r, column))

    for r in range(1, len(rows)):
        cells = at[r]
        in_indicators = header is not None and r > header
        if grid.columns == 8:
            first = cells.get(0)
            signature = first is not None and first.text in SIGNATURE_LABELS
            if first is not None and not first.text and first.colspan == 1 and not signature:
                merge_up(r, 0)
            if in_indicators and not signature and r - 1 > (header or 0):
                level1 = cells.get(1)
                if level1 is not None and not level1.text:
                    merge_up(r, 1)
                    for column in (2, 5):
                        cell = cells.get(column)
                        if cell is not None and not cell.text:
                            merge_up(r, column)
        elif in_indicators and r - 1 > (header or 0):
            previous = at[r - 1]
            same1 = _same(cells.get(0), previous.get(0))
            if same1:
                merge_up(r, 0)
                if _same(cells.get(1), previous.get(1)):
                    merge_up(r, 1)
    return [[c for c in line if (r, c.column) not in removed] for r, line in enumerate(rows)]


def _same(cell: Placed | None, above: Placed | None) -> bool:
    return (
        cell is not None
        and above is not None
        and cell.colspan == 1
        and above.colspan == 1
        and bool(cell.text)
        and cell.text == above.text
    )


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).rstrip("…. ")


def toc_targets(outline: Outline, year: str) -> dict[int, int]:
    """For each 目录 line (index of its Paragraph block), the index of the heading or table it
    names, matched in document order."""
    anchors: list[tuple[int, str]] = []
    for index, block in enumerate(outline.blocks):
        if isinstance(block, Heading) and 1 <= block.level <= 3:
            anchors.append((index, _key(block.text)))
        elif isinstance(block, TableBlock):
            # A 目录 line names a table by its number and title: "表一2025年预算收支总表" (Shanxi)
            # or "1. 2025年部门财务收支预算总表" (Shanghai).
            grid = block.grid
            anchors.append((index, _key(f"表{cn_numeral(grid.number)}{year}年{grid.name}")))
            anchors.append((index, _key(f"{grid.number}.{grid.title}")))
    targets: dict[int, int] = {}
    position = 0
    for index, block in enumerate(outline.blocks):
        if not (isinstance(block, Paragraph) and block.style == "toc"):
            continue
        key = _key(block.text)
        for k in range(position, len(anchors)):
            if anchors[k][1] == key and anchors[k][0] > index:
                targets[index] = anchors[k][0]
                position = k + 1
                break
    return targets


# ---------------------------------------------------------------- page


@dataclass(slots=True)
class View:
    """One outline block prepared for the template."""

    kind: str  # cover, heading, paragraph, toc, table, labels, chart, break
    anchor: str = ""
    text: str = ""
    subtitle: str = ""
    widths: list[float] = field(default_factory=list)  # percent
    level: int = 0
    style: str = "body"
    href: str = ""
    grid: Grid | None = None
    header: list[list[Placed]] = field(default_factory=list)
    body: list[tuple[bool, list[BodyCell]]] = field(default_factory=list)
    labels: LabelGrid | None = None
    rows: list[list[Placed]] = field(default_factory=list)
    image: str = ""  # data URI
    new_page: bool = False


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _views(outline: Outline, charts: dict[str, bytes], year: str) -> list[View]:
    targets = toc_targets(outline, year)
    linked = set(targets.values())
    views: list[View] = []
    previous: Block | None = None
    for index, block in enumerate(outline.blocks):
        anchor = f"b{index}" if index in linked else ""
        if isinstance(block, Heading) and block.level == 0:
            views.append(View("cover", text=block.text))
        elif isinstance(block, Heading):
            views.append(View("heading", anchor, block.text, level=block.level))
        elif isinstance(block, Paragraph):
            cover = views[-1] if views and views[-1].kind == "cover" else None
            if cover is not None and block.style == "center" and not cover.subtitle:
                cover.subtitle = block.text
            elif block.style == "toc":
                target = targets.get(index)
                href = f"#b{target}" if target is not None else ""
                views.append(View("toc", text=block.text.rstrip("…"), href=href))
            else:
                views.append(View("paragraph", text=block.text, style=block.style))
        elif isinstance(block, TableBlock):
            grid = block.grid
            body = [(is_total_row(row), row) for row in grid.body]
            total = sum(grid.widths) or 1.0
            new_page = not isinstance(previous, Heading | PageBreak)
            views.append(
                View(
                    "table",
                    anchor or f"b{index}",
                    grid=grid,
                    header=header_rows(grid),
                    body=body,
                    widths=[100 * w / total for w in grid.widths],
                    new_page=new_page,
                )
            )
        elif isinstance(block, LabelGrid):
            widths = label_widths(block)
            views.append(
                View(
                    "labels",
                    labels=block,
                    rows=label_rows(block),
                    widths=[100 * w / sum(widths) for w in widths],
                    new_page=True,
                )
            )
        elif isinstance(block, Chart):
            png = charts.get(block.key)
            views.append(View("chart", text=block.caption, image=_data_uri(png) if png else ""))
        elif isinstance(block, PageBreak):
            views.append(View("break"))
        previous = block
    return views


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("yusuan.render", "templates"),
        autoescape=True,  # document text is data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def to_html(disclosure: Disclosure, charts: dict[str, bytes] | None = None) -> str:
    """The whole disclosure as one standalone HTML page. ``charts`` maps the outline's chart keys
    to PNG bytes; ``None`` draws them (``yusuan.render.charts``), ``{}`` leaves them out."""
    if charts is None:
        from yusuan.render.charts import charts as draw

        charts = draw(disclosure)
    outline = build_outline(disclosure)
    year = str(disclosure.meta.year or "")
    template = _environment().get_template("disclosure.html")
    return template.render(
        title=f"{outline.title}{outline.subtitle}",
        outline=outline,
        views=_views(outline, charts, year),
        no_data_note=NO_DATA_NOTE,
        signature_labels=SIGNATURE_LABELS,
        generator=f"yusuan {__version__}",
    )
