"""Tables continued on the next page of a PDF (``readers.pdf``): a table first on its page
that continues the table the page before ended with is put in that table's columns, and its rows
that repeat the first (header) rows are dropped."""

from __future__ import annotations

from yusuan.readers.mixed import same_row, same_table_width
from yusuan.readers.pdf_grid import SNAP
from yusuan.readers.pdf_parts import Block, Box, Page


def _continues(head: Block, block: Block) -> bool:
    """Whether ``block``, first on its page, continues the table ``head`` ended the page before
    with: both tables, and ruled tables with the same left and right edges."""
    if head.rows is None or block.rows is None:
        return False
    if head.columns is None or block.columns is None:
        return head.columns is None and block.columns is None
    if head.scanned or block.scanned:
        return same_table_width(head.columns, block.columns)
    return (
        abs(head.columns[0] - block.columns[0]) <= 2 * SNAP
        and abs(head.columns[-1] - block.columns[-1]) <= 2 * SNAP
    )


def _realign(block: Block, columns: list[float]) -> None:
    """Rows of a continuation in the columns of the table it continues. A continuation page
    can lack column rules the first page has (only a 合计 row whose cell spans the code
    columns), so its grid has fewer columns; each cell goes to the first column of the
    continued table inside its box, and the columns it covers read ''."""
    own = block.columns
    if own is None or block.rows is None or own == columns:
        return
    snap = 2 * SNAP
    if block.scanned:  # a scan sits a little elsewhere on its page than the table it continues
        shift = columns[0] - own[0]
        own = [x + shift for x in own]
        snap = max(snap, 0.01 * (columns[-1] - columns[0]))
    if not all(any(abs(x - c) <= snap for c in columns) for x in own):
        return  # not the same grid: leave the rows as printed
    count = len(columns) - 1
    middles = [(columns[j] + columns[j + 1]) / 2 for j in range(count)]
    offset = own[0] - (block.columns or own)[0]
    for row in block.rows:
        cells = [""] * count
        boxes: list[Box | None] = [None] * count
        scores = [1.0] * count
        confidences = row.confidences or [1.0] * len(row.cells)
        for text, box, score in zip(row.cells, row.boxes, confidences, strict=True):
            if box is None:
                continue
            inside = [j for j in range(count) if box[0] + offset <= middles[j] <= box[2] + offset]
            for j in inside:
                boxes[j] = box
            if text and inside:
                cells[inside[0]] = text
                scores[inside[0]] = score
        row.cells, row.boxes = cells, boxes
        if row.confidences is not None:
            row.confidences = scores
    block.columns = columns


def _drop_repeated_headers(pages: list[Page]) -> None:
    """A table that ends one page and starts the next is one table: its rows are put in the
    columns of the first part, and rows at the top of the continuation that repeat the first
    rows (the header printed again) are dropped."""
    head: Block | None = None
    for page in pages:
        if not page.blocks:
            continue
        first = page.blocks[0]
        if head is not None and head.rows is not None and _continues(head, first):
            assert first.rows is not None
            if head.columns is not None:
                _realign(first, head.columns)
            same = same_row if first.scanned or head.scanned else _same_cells
            k = 0
            while (
                k < len(first.rows) - 1
                and k < len(head.rows)
                and same(first.rows[k].cells, head.rows[k].cells)
            ):
                k += 1
            del first.rows[:k]
            continues = True
        else:
            continues = False
        last = page.blocks[-1]
        if last.rows is None:
            head = None
        elif not (continues and last is first):
            head = last


def _same_cells(a: list[str], b: list[str]) -> bool:
    return a == b
