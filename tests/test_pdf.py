"""PDFs with a text layer: yusuan's own PDFs read back cell for cell, and the real Shanghai PDFs
give table rows whose cells stand in the right columns (checked against the hand transcriptions
in tests/expected/shanghai, at the level of lines and cells)."""

from __future__ import annotations

import importlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

import yusuan
from tests.conftest import SEED_IDS, SHARED, parsed
from tests.test_docx import _cells, _facts, _funds
from yusuan import readers
from yusuan.errors import UnreadableFileError
from yusuan.readers import Line, load
from yusuan.readers.pdf import ScannedPdfError, read_pdf
from yusuan.render.fonts import cjk_font
from yusuan.render.pdf import write_pdf
from yusuan.render.pdf_style import _register

EXAMPLE = Path(yusuan.__file__).parent / "examples" / "example_unit_2025.txt"
SHANGHAI = SHARED / "real-docs" / "shanghai"
SHANGHAI_PDFS = sorted(p.name for p in SHANGHAI.glob("*.pdf"))
_AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for seed in SEED_IDS:
        paths[seed] = folder / f"{seed}.pdf"
        write_pdf(parsed(seed), paths[seed])
    paths["example"] = folder / "example.pdf"
    write_pdf(yusuan.read(EXAMPLE), paths["example"])
    return paths


# --- yusuan's own PDFs read back ---------------------------------------------------------------


@pytest.mark.parametrize("seed", [*SEED_IDS, "example"])
def test_round_trip_tables_and_sections(rendered: dict[str, Path], seed: str) -> None:
    original = parsed(seed) if seed != "example" else yusuan.read(EXAMPLE)
    back = yusuan.read(rendered[seed])
    assert back.meta.extraction == "pdf"
    assert _cells(back) == _cells(original)  # side, code, label, kind and every cell's text
    assert (back.meta.unit_name, back.meta.year, back.meta.scope, back.meta.units) == (
        original.meta.unit_name,
        original.meta.year,
        original.meta.scope,
        original.meta.units,
    )
    assert [(s.number, s.title) for s in back.sections] == [
        (s.number, s.title) for s in original.sections
    ]
    assert [[(u.number, u.title) for u in s.subsections] for s in back.sections] == [
        [(u.number, u.title) for u in s.subsections] for s in original.sections
    ]


@pytest.mark.parametrize("seed", SEED_IDS)
def test_round_trip_facts_and_performance_tables(rendered: dict[str, Path], seed: str) -> None:
    original = parsed(seed)
    back = yusuan.read(rendered[seed])
    assert _facts(back) == _facts(original)  # paragraphs rejoined: sentences as written
    assert [t.project for t in back.performance_tables] == [
        t.project for t in original.performance_tables
    ]
    for before, after in zip(original.performance_tables, back.performance_tables, strict=True):
        if before.confidence < 0.5:
            continue
        assert _funds(after) == _funds(before)
        assert after.period_indicators == before.period_indicators
        assert after.annual_indicators == before.annual_indicators
        assert after.texts == before.texts


@pytest.mark.parametrize("seed", SEED_IDS)
def test_cells_carry_pages_and_boxes(rendered: dict[str, Path], seed: str) -> None:
    back = yusuan.read(rendered[seed])
    pages = len(back.tables) and max(
        c.source.page or 0 for t in back.tables.values() for r in t.rows for c in r.cells.values()
    )
    assert pages > 13  # the tables stand on their own pages after the cover, 目录 and Part 1
    for table in back.tables.values():
        assert table.source is not None and table.source.page is not None
        for row in table.rows:
            for cell in row.cells.values():
                assert cell.source is not None and cell.source.page is not None
                assert cell.source.bbox is not None
                x0, top, x1, bottom = cell.source.bbox
                assert 0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 842
                assert cell.confidence == 1.0
    # Cells of one row share its top and bottom; cells of one column share left and right.
    t3 = back.tables[3]
    total = t3.rows[0]
    boxes = [c.source.bbox for c in total.cells.values() if c.source and c.source.bbox]
    assert len({(b[1], b[3]) for b in boxes}) == 1
    lefts = {r.cells["project"].source.bbox[0] for r in t3.rows if r.cells["project"].source.bbox}
    assert len(lefts) == 1


def test_lines_of_a_rendered_pdf(rendered: dict[str, Path]) -> None:
    doc = load(rendered["001"])
    assert doc.style == "pdf"
    assert [line.number for line in doc.lines] == list(range(1, len(doc.lines) + 1))
    assert all(line.page is not None for line in doc.lines)
    texts = [line.compact for line in doc.lines]
    assert not any(re.fullmatch(r"—\d+—", t) for t in texts)  # page numbers dropped
    at = texts.index("2024年预算收支总表")
    assert texts[at - 1] == "预算公开表1"
    assert (
        doc.lines[at + 1].cells is None and "单位名称：汾阳市医疗保障局" in doc.lines[at + 1].text
    )
    assert doc.lines[at + 2].cells == ["收入", "", "支出", "", "", ""]  # merged cells
    columns = ["项目", "2024年", "项目", "2024年合计", "当年预算安排", "上年结转安排"]
    assert doc.lines[at + 3].cells == columns  # "当年预算 / 安排" rejoined
    row = next(
        line for line in doc.lines[at:] if line.cells and line.cells[2] == "十、卫生健康支出"
    )
    assert row.cells == ["", "", "十、卫生健康支出", "1852.71", "1852.71", ""]
    assert row.boxes is not None and len(row.boxes) == 6 and all(row.boxes)
    # Table 4 spans three header rows: vertically merged cells read '' below their text.
    at4 = texts.index("2024年财政拨款收支总表")
    assert doc.lines[at4 + 3].cells == ["项目", "金额", "项目", "金额", "", "", ""]
    sources = ["小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]
    assert doc.lines[at4 + 4].cells == ["", "", "", *sources]


def test_repeated_header_rows_of_continued_tables_are_dropped(rendered: dict[str, Path]) -> None:
    doc = load(rendered["000"])
    titles = [i for i, line in enumerate(doc.lines) if re.fullmatch(r"预算公开表\d+", line.compact)]
    continued = 0
    for start, end in zip(titles, [*titles[1:], len(doc.lines)], strict=True):
        rows = [line for line in doc.lines[start:end] if line.cells is not None]
        if not rows:
            continue
        first = rows[0].cells
        assert sum(1 for line in rows if line.cells == first) == 1
        continued += len({line.page for line in rows}) > 1
    assert continued >= 1  # at least one table runs onto a second page


# --- the Shanghai PDFs ---------------------------------------------------------------------------

TITLES = {
    1: "财务收支预算总表",
    2: "收入预算总表",
    3: "支出预算总表",
    4: "财政拨款收支预算总表",
    5: "一般公共预算支出功能分类预算表",
    6: "政府性基金预算支出功能分类预算表",
    7: "国有资本经营预算支出功能分类预算表",
    8: "一般公共预算基本支出部门预算经济分类预算表",
    9: "机关运行经费预算表",
}
# The header a column key of tests/expected/shanghai stands under (the lowest header cell).
HEADERS = {
    "amount": ("预算数",),
    "total": ("合计", "预算数"),
    "personnel": ("人员经费",),
    "public": ("公用经费",),
    "project": ("项目支出",),
    "basic": ("基本支出",),
    "fiscal": ("财政拨款收入",),
    "business": ("事业收入",),
    "operating": ("事业单位经营收入", "机关运行经费预算数"),
    "other": ("其他收入",),
    "general": ("一般公共预算",),
    "fund": ("政府性基金预算",),
    "capital": ("国有资本经营预算",),
    "abroad": ("因公出国(境)费", "因公出国（境）费"),
    "reception": ("公务接待费",),
    "car_total": ("小计",),
    "car_purchase": ("购置费",),
    "car_operation": ("运行费",),
}


@pytest.fixture(scope="module")
def shanghai() -> dict[str, list[Line]]:
    if not SHANGHAI_PDFS:
        pytest.fail(f"Shanghai PDFs missing under {SHANGHAI}")
    return {name: load(SHANGHAI / name).lines for name in SHANGHAI_PDFS}


def _region(lines: list[Line], number: int) -> list[Line]:
    """The row lines of table ``number``: after its title (the last title line followed by
    rows, so not the 目录 entry) up to the next table's title or the narrative."""
    starts = [
        i
        for i, line in enumerate(lines)
        if line.cells is None
        and line.compact.endswith(TITLES[number])
        and any(x.cells for x in lines[i + 1 : i + 4])
    ]
    assert starts, f"title of table {number} not found"
    rows: list[Line] = []
    for line in lines[starts[-1] + 1 :]:
        if line.cells is None and (
            any(line.compact.endswith(t) for t in TITLES.values()) or "情况说明" in line.compact
        ):
            break
        if line.cells is not None:
            rows.append(line)
    return rows


def _is_body(line: Line) -> bool:
    assert line.cells is not None
    first = line.cells[0]
    return (
        any(_AMOUNT.match(c) for c in line.cells)
        or bool(re.fullmatch(r"\d{3}", first))
        or first in ("合计", "收入总计")
        or first.startswith("一、")
    )


def _leaves(header: list[Line], width: int) -> list[str]:
    """The lowest header text over each column, merged cells (same box) included."""
    leaves = []
    for j in range(width):
        leaf = ""
        for line in reversed(header):
            assert line.cells is not None and line.boxes is not None
            box = line.boxes[j] if j < len(line.boxes) else None
            found = [
                "".join(other.cells[i].split())
                for other in header
                if other.cells is not None and other.boxes is not None
                for i in range(len(other.cells))
                if other.boxes[i] == box and other.cells[i]
            ]
            if found:
                leaf = found[0]
                break
        leaves.append(leaf)
    return leaves


def _expected(name: str) -> Any:
    return importlib.import_module(f"tests.expected.shanghai.{name.removesuffix('.pdf')}")


def _find_row(body: list[Line], number: int, code: str | None, label: str) -> tuple[Line, int]:
    """The row line holding ``label`` (and ``code`` in its code cells) and the label's index."""
    for line in body:
        assert line.cells is not None
        compact = ["".join(c.split()) for c in line.cells]
        for k, cell in enumerate(compact):
            if cell != label:
                continue
            parts = [c for c in compact[:k] if c.isdigit()]
            # 款/项 printed without their leading zero ("2" for 02) in one PDF
            codes = "".join(parts[:1] + [p.zfill(2) for p in parts[1:]])
            if number in (1, 4) or codes == (code or ""):
                return line, k
    raise AssertionError(f"table {number}: no row {code} {label}")


@pytest.mark.parametrize("name", SHANGHAI_PDFS)
def test_shanghai_cells_stand_in_their_columns(shanghai: dict[str, list[Line]], name: str) -> None:
    expected = _expected(name)
    for number, table in expected.TABLES.items():
        region = _region(shanghai[name], number)
        if number == 9:  # headers only, then one row of figures
            start = next(
                i for i, ln in enumerate(region) if any(map(_AMOUNT.match, ln.cells or []))
            )
        else:
            start = next(i for i, line in enumerate(region) if _is_body(line))
        header, body = region[:start], region[start:]
        width = max(len(line.cells or []) for line in region)
        leaves = _leaves(header, width)
        for side, code, label, values, *_ in table["rows"]:
            if number == 9:
                line, at = body[0], -1  # one row of figures under the headers
            else:
                line, at = _find_row(body, number, code, label)
            assert line.cells is not None
            where = f"{name} table {number} row {code or ''} {label}"
            # The side's numeric cells: from the label to the next label (two-sided tables).
            end = len(line.cells)
            if number in (1, 4) and side == "income":
                end = next(k for k in range(at + 1, width) if leaves[k] == "项目")
            shown = {
                k: c for k, c in enumerate(line.cells[at + 1 : end], at + 1) if _AMOUNT.match(c)
            }
            assert sorted(shown.values()) == sorted(values.values()), where
            for key, value in values.items():
                column = next(
                    k for word in HEADERS[key] for k in range(at + 1, end) if word in leaves[k]
                )
                assert line.cells[column] == value, f"{where}: {key} ({leaves[column]})"
        # Header rows printed again on a continuation page are not read as rows.
        assert len({tuple(line.cells or []) for line in header}) == len(header)
        assert not [line for line in body if line.cells in [h.cells for h in header]]


def test_shanghai_known_cell(shanghai: dict[str, list[Line]]) -> None:
    """支出预算总表 of the 政府办公室 unit budget: 一般行政管理事务 has 46,140,000.00 under 合计
    and 项目支出 and nothing under 基本支出 (its text layer holds only two numbers)."""
    region = _region(shanghai["shpt_zfb_2025_unit_budget.pdf"], 3)
    header = ["项目", "", "", "", "支出预算", "", ""]
    assert region[0].cells == header
    assert region[1].cells == [
        "功能分类科目编码",
        "",
        "",
        "功能分类科目名称",
        *["合计", "基本支出", "项目支出"],
    ]
    assert region[2].cells == ["类", "款", "项", "", "", "", ""]
    row = next(line for line in region if line.cells and "一般行政管理事务" in line.cells)
    assert row.cells == [
        "201",
        "03",
        "02",
        "一般行政管理事务",
        "46,140,000.00",
        "",
        "46,140,000.00",
    ]
    assert row.page == 11
    assert row.boxes is not None and all(row.boxes)
    # The blank 基本支出 cell has its own box, between 合计 and 项目支出.
    total, basic, project = row.boxes[4], row.boxes[5], row.boxes[6]
    assert total is not None and basic is not None and project is not None
    assert total[2] <= basic[0] + 1 and basic[2] <= project[0] + 1
    # The table continues on page 12 without its header.
    assert {line.page for line in region} == {11, 12}
    assert region[-1].cells == [
        "合计",
        "",
        "",
        "",
        "91,016,775.35",
        "24,606,775.35",
        "66,410,000.00",
    ]


def test_shanghai_text_lines(shanghai: dict[str, list[Line]]) -> None:
    lines = shanghai["shpt_czj_2025_dept_budget.pdf"]
    texts = [line.text for line in lines]
    # WPS keeps paragraphs that overflowed the previous page in the page, clipped away: they
    # are not read twice.
    assert (
        sum("“卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）”" in t for t in texts) == 1
    )
    unit = shanghai["shpt_zfb_2025_unit_budget.pdf"]
    assert "编制单位：上海市普陀区人民政府办公室 单位：元" in [line.text for line in unit]


# --- other PDFs ----------------------------------------------------------------------------------


def _font() -> str:
    return _register(cjk_font())


def _stream_table_pdf(path: Path) -> None:
    """A table printed without any rules, with blank cells and a wrapped label."""
    font = _font()
    data = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["201", "一般公共服务支出", "1,000.00", "400.00", "600.00"],
        ["20103", "政府办公厅（室）及相关机构事务", "1,000.00", "", "1,000.00"],
        ["2010301", "行政运行", "400.00", "400.00", ""],
        ["208", "社会保障和就业支出", "50.00", "50.00", ""],
    ]
    table = Table(data, colWidths=[60, 150, 80, 80, 80])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ]
        )
    )
    SimpleDocTemplate(str(path), pagesize=A4).build([table])


def test_stream_table_columns_from_positions(tmp_path: Path) -> None:
    path = tmp_path / "stream.pdf"
    _stream_table_pdf(path)
    lines = [line for line in read_pdf(path).lines if line.cells is not None]
    assert [line.cells for line in lines] == [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["201", "一般公共服务支出", "1,000.00", "400.00", "600.00"],
        ["20103", "政府办公厅（室）及相关机构事务", "1,000.00", "", "1,000.00"],
        ["2010301", "行政运行", "400.00", "400.00", ""],
        ["208", "社会保障和就业支出", "50.00", "50.00", ""],
    ]


def test_furniture_and_watermarks_are_dropped(tmp_path: Path) -> None:
    font = _font()
    path = tmp_path / "furniture.pdf"
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for page in range(1, 5):
        canvas.setFont(font, 9)
        canvas.drawString(72, height - 30, "某某单位2025年部门预算公开")  # running head
        canvas.drawCentredString(width / 2, 25, f"- {page} -")  # page number
        canvas.setFont(font, 11)
        canvas.drawString(72, height - 120, f"第{page}页的正文。")
        canvas.saveState()
        canvas.setFont(font, 40)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, 0, "仅供内部审核")  # watermark
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    doc = read_pdf(path)
    assert [(line.page, line.text) for line in doc.lines] == [
        (page, f"第{page}页的正文。") for page in range(1, 5)
    ]


def test_scanned_pdf_has_no_text_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "scan.pdf"
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.rect(100, 100, 200, 300, fill=1)  # a page with graphics but no text
    canvas.showPage()
    canvas.save()
    monkeypatch.setattr(readers, "_ocr_reader", lambda: None)
    with pytest.raises(ScannedPdfError) as error:
        load(path)
    assert "扫描件" in error.value.message and isinstance(error.value, UnreadableFileError)
    # Once readers.ocr exists, a scanned PDF goes to it.
    calls: list[Path] = []

    def fake_ocr(p: Path, data: bytes) -> Any:
        calls.append(p)
        return read_pdf(p, data)  # stands in for the OCR reader's document

    monkeypatch.setattr(readers, "_ocr_reader", lambda: fake_ocr)
    with pytest.raises(ScannedPdfError):
        load(path)
    assert calls == [path]


def test_encrypted_and_damaged_pdfs(rendered: dict[str, Path], tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=rendered["003"])
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    encrypted = tmp_path / "encrypted.pdf"
    with encrypted.open("wb") as out:
        writer.write(out)
    with pytest.raises(UnreadableFileError) as error:
        yusuan.read(encrypted)
    assert "加密" in error.value.message and "密码" in error.value.hint
    # Protected only against editing (empty user password): readable.
    writer = PdfWriter(clone_from=rendered["003"])
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    protected = tmp_path / "protected.pdf"
    protected.write_bytes(buffer.getvalue())
    assert _cells(yusuan.read(protected)) == _cells(parsed("003"))
    data = rendered["003"].read_bytes()
    for name, damaged in (
        ("truncated.pdf", data[: len(data) // 2]),
        ("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8),
        ("header.pdf", b"%PDF-"),
    ):
        target = tmp_path / name
        target.write_bytes(damaged)
        with pytest.raises(UnreadableFileError) as error:
            yusuan.read(target)
        assert "PDF" in error.value.message and "损坏" in error.value.message


def test_kangxi_radicals_read_as_ideographs() -> None:
    from yusuan.readers.pdf_chars import _normalise

    assert _normalise(0x2F00) == "一" and _normalise(0x2F08) == "人"  # ⼀ ⼈
    assert _normalise(ord("：")) == "："  # full-width punctuation stays as printed


def test_rotated_pages_read_as_displayed(rendered: dict[str, Path], tmp_path: Path) -> None:
    """Landscape content drawn turned by 90° on a page with /Rotate 90 (as scanners and some
    producers write it) reads as the upright page: same lines, cells and boxes."""
    from pypdf import Transformation
    from pypdf.generic import RectangleObject

    writer = PdfWriter(clone_from=rendered["003"])
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        page.add_transformation(Transformation().rotate(90).translate(height, 0))
        page.mediabox = RectangleObject([0, 0, height, width])
        page.cropbox = RectangleObject([0, 0, height, width])
        page.rotate(90)
    turned = tmp_path / "turned.pdf"
    with turned.open("wb") as out:
        writer.write(out)
    upright, rotated = read_pdf(rendered["003"]).lines, read_pdf(turned).lines
    assert [(x.text, x.cells, x.page) for x in rotated] == [
        (x.text, x.cells, x.page) for x in upright
    ]
    for a, b in zip(upright, rotated, strict=True):
        assert a.boxes is not None and b.boxes is not None
        for box_a, box_b in zip(a.boxes, b.boxes, strict=True):
            assert box_a is not None and box_b is not None
            assert all(abs(p - q) < 0.05 for p, q in zip(box_a, box_b, strict=True))
