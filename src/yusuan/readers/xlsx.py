"""Read an Excel workbook (XLSX) into lines the recognizer understands.

Every sheet is read in workbook order and every row that holds something becomes one ``Line``:

* ``page`` is the sheet's 1-based position in the workbook and ``number`` the row's 1-based
  number within its sheet, so a source such as "表3第12行" points at row 12 of that sheet. Line
  numbers therefore repeat across sheets; the recognizer relies on the order of lines only.
* A table row keeps its cells: ``cells`` holds the texts from the column where the sheet's
  tables start (the first column any row of two or more cells uses, so a margin in column A is
  dropped) to the last non-empty cell, blank cells as "", and ``text`` is them joined with tabs
  (the tab style the recognizer reads by position).
* Free text is a line without cells: a row whose only content is in that first column or left
  of it (titles, notes, paragraphs) or whose every filled cell is a caption "名称：值"
  (单位名称：…, 单位：万元, possibly both on one row). Such rows are no table rows and must not be
  taken for header rows. A row whose only content stands further right keeps its cells: in a
  two-sided table it is a row of the right-hand side.

A cell reads as the text it shows: strings stripped (line breaks inside a cell become spaces);
numbers with as many decimals as the cell's number format shows (583 in format ``0.00`` reads
"583.00", ``#,##0.00`` keeps the thousands separator); with the General format an integral
number reads as digits (so a 科目编码 stored as the number 2080505 reads "2080505") and any other
as its shortest exact decimal, rounded to the 15 significant digits Excel keeps, so binary float
noise such as 1908.1399999999999 reads "1908.14". Formulas read as the value Excel last
calculated (none when the file was never opened in Excel: the cell reads blank). Merged cells
show their text in the top-left cell only.
"""

from __future__ import annotations

import math
import re
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from yusuan.errors import UnreadableFileError, YusuanError
from yusuan.readers.limits import check_zip, limits, refuse
from yusuan.readers.text import Line, TextDocument

STYLE = "xlsx"
EXCEL_DIGITS = 15  # significant digits Excel keeps and shows
_CAPTION = re.compile(r"^[^：:]{1,12}[：:]")
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DECIMALS = re.compile(r"\.([0#?]+)")
_PLACEHOLDER = re.compile(r"[0#?]")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CHUNK = 1 << 20


def read_xlsx(path: str | Path, data: bytes) -> TextDocument:
    """Read the workbook ``data`` (the bytes of ``path``) into a ``TextDocument`` of style
    ``xlsx``. Raise ``UnreadableFileError`` when it is not a readable workbook or holds nothing."""
    name = str(path)
    check_zip(name, data, "Excel 工作簿")  # a member that unpacks to gigabytes is refused unread
    try:
        lines = _read_lines(name, data)
    except YusuanError:
        raise
    except Exception as exc:  # openpyxl reports damage with many exception types
        raise UnreadableFileError(
            name,
            f"Excel 工作簿已损坏或格式不正确，无法读取（{type(exc).__name__}）",
            "请在 Excel 或 WPS 中打开并另存为 .xlsx 后重试",
        ) from exc
    if not lines:
        raise UnreadableFileError(
            name, "Excel 工作簿中没有任何内容", "请确认导出或上传的文件是否完整"
        )
    return TextDocument(name, lines, STYLE, "utf-8")


def _read_lines(name: str, data: bytes) -> list[Line]:
    if not zipfile.is_zipfile(BytesIO(data)):
        raise ValueError("not a ZIP archive")
    bounds = limits()
    if _rows_in_sheets(data) > bounds.max_sheet_rows:  # refused before openpyxl parses them all
        raise refuse(
            name, f"Excel 工作簿行数过多（超过 {bounds.max_sheet_rows} 行）", "max_sheet_rows"
        )
    workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        lines: list[Line] = []
        count = cells = 0
        for page, sheet in enumerate(workbook.worksheets, start=1):
            sheet.reset_dimensions()  # some writers record a wrong used range
            rows: list[list[str]] = []
            for row in sheet.iter_rows():  # streamed: read_only parses the sheet as it goes
                count += 1
                cells += len(row)
                if count > bounds.max_sheet_rows:
                    raise refuse(
                        name,
                        f"Excel 工作簿行数过多（超过 {bounds.max_sheet_rows} 行）",
                        "max_sheet_rows",
                    )
                if cells > bounds.max_cells:
                    raise refuse(
                        name,
                        f"Excel 工作簿单元格过多（超过 {bounds.max_cells} 个）",
                        "max_cells",
                    )
                rows.append([cell_text(cell) for cell in row])
            lines += sheet_lines(rows, page)
        return lines
    finally:
        workbook.close()


def _rows_in_sheets(data: bytes) -> int:
    """The row elements of every worksheet, counted in the raw XML (streamed: the members'
    unpacked sizes are already bounded by ``check_zip``)."""
    count = 0
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or info.is_dir():
                continue
            with archive.open(info) as member:
                rest = b""
                while chunk := member.read(_CHUNK):
                    block = rest + chunk
                    cut = block.rfind(b"<", max(0, len(block) - 64))  # a tag may go on
                    cut = len(block) if cut < 0 else cut
                    count += len(_ROW_TAG.findall(block, 0, cut))
                    rest = block[cut:]
                count += len(_ROW_TAG.findall(rest))
    return count


def sheet_lines(rows: list[list[str]], page: int | None = None) -> list[Line]:
    """Lines of one sheet given as rows of cell texts (row 1 first)."""
    filled = [[i for i, text in enumerate(row) if text] for row in rows]
    captions = [
        0 < len(used) <= 3 and all(_CAPTION.match(row[i]) for i in used)
        for row, used in zip(rows, filled, strict=True)
    ]
    # Where the tables start: the first column any row of two or more cells uses.
    starts = [u[0] for u, c in zip(filled, captions, strict=True) if len(u) > 1 and not c]
    first_column = min(starts or [u[0] for u in filled if u] or [0])
    lines: list[Line] = []
    for number, (row, used, caption) in enumerate(zip(rows, filled, captions, strict=True), 1):
        if not used:
            continue
        values = [row[i] for i in used]
        if len(used) == 1 and used[0] <= first_column:
            lines.append(Line(number, values[0], None, page))
        elif caption:
            lines.append(Line(number, "  ".join(values), None, page))
        else:
            cells = row[first_column : used[-1] + 1]
            lines.append(Line(number, "\t".join(cells), cells, page))
    return lines


def cell_text(cell: object) -> str:
    """The text a cell shows (see the module docstring)."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(part.strip() for part in value.strip().splitlines() if part.strip())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return number_text(value, str(getattr(cell, "number_format", None) or "General"))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds").removesuffix(" 00:00:00")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def decimals_shown(number_format: str) -> int | None:
    """Decimal places a number format shows: "0.00" → 2, "#,##0" → 0, General → None."""
    section = _QUOTED.sub("", number_format.split(";")[0])
    if section.strip().lower() in ("", "general", "@"):
        return None
    places = _DECIMALS.search(section)
    if places:
        return len(places.group(1))
    return 0 if _PLACEHOLDER.search(section) else None


def number_text(value: int | float | Decimal, number_format: str = "General") -> str:
    """A number as a cell with ``number_format`` shows it, exactly, never with float noise."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        number = Decimal(repr(value))
    else:
        number = Decimal(value)
    section = _QUOTED.sub("", number_format.split(";")[0])
    percent = "%" in section
    if percent:
        number *= 100
    with localcontext() as context:
        context.prec = EXCEL_DIGITS
        number = +number  # what Excel keeps of a binary float
    places = decimals_shown(number_format)
    if places is None:
        number = number.normalize()
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        text = f"{number:f}"
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = f"{number:,f}" if "," in section else f"{number:f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # -0.00 shows as 0.00
    return text + ("%" if percent else "")
