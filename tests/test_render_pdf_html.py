"""PDF, HTML and chart rendering on the bundled example and the four real seeds."""

from __future__ import annotations

import copy
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

import yusuan
from tests.conftest import SEED_IDS, parsed
from yusuan.model import Disclosure, Indicator
from yusuan.render import fonts
from yusuan.render.charts import charts, three_public_slices
from yusuan.render.html import to_html
from yusuan.render.layout import NO_DATA_NOTE, grids
from yusuan.render.outline import STRUCTURE_CHART, THREE_PUBLIC_CHART
from yusuan.render.pdf import write_pdf

EXAMPLE = Path(yusuan.__file__).parent / "examples" / "example_unit_2025.txt"
DOCS = ("example", *SEED_IDS)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
STANDARD_14 = {
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Symbol",
    "ZapfDingbats",
}


@cache
def disclosure(doc: str) -> Disclosure:
    return yusuan.read(EXAMPLE) if doc == "example" else parsed(doc)


@cache
def pictures(doc: str) -> dict[str, bytes]:
    return charts(disclosure(doc))


@dataclass
class Rendered:
    path: Path
    reader: PdfReader
    pages: list[str]  # extracted text per page

    @property
    def text(self) -> str:
        return re.sub(r"\s+", "", "".join(self.pages))


_PDFS: dict[str, Rendered] = {}


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


def rendered(doc: str, folder: Path) -> Rendered:
    if doc not in _PDFS:
        path = folder / f"{doc}.pdf"
        write_pdf(disclosure(doc), path, pictures(doc))
        reader = PdfReader(path)
        _PDFS[doc] = Rendered(path, reader, [page.extract_text() for page in reader.pages])
    return _PDFS[doc]


def numeric_texts(d: Disclosure) -> set[str]:
    return {cell.text for grid in grids(d) for row in grid.body for cell in row if cell.numeric}


# ---------------------------------------------------------------- fonts


def test_font_found_is_truetype() -> None:
    font = fonts.cjk_font()
    assert Path(font.path).is_file()
    assert fonts.is_truetype(font.path, font.subfont_index)


def test_font_env_var_must_be_truetype(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake.ttf"
    fake.write_bytes(b"OTTO" + b"\0" * 64)  # a CFF-flavoured OpenType header: not embeddable
    monkeypatch.setenv(fonts.ENV_VAR, str(fake))
    with pytest.raises(fonts.FontNotFoundError, match="TrueType"):
        fonts.cjk_font()
    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "missing.ttf"))
    with pytest.raises(fonts.FontNotFoundError, match="不存在"):
        fonts.cjk_font()


def test_font_env_var_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    found = fonts.cjk_font()
    monkeypatch.setenv(fonts.ENV_VAR, f"{found.path}#{found.subfont_index}")
    assert fonts.cjk_font() == found


def test_no_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts, "KNOWN_FONTS", ())
    monkeypatch.setattr(shutil, "which", lambda name: None)
    fonts._system_font.cache_clear()
    try:
        with pytest.raises(fonts.FontNotFoundError) as raised:
            fonts.cjk_font()
    finally:
        fonts._system_font.cache_clear()
    message = str(raised.value)
    assert "apt-get install fonts-wqy-zenhei" in message
    assert fonts.ENV_VAR in message


# ---------------------------------------------------------------- charts


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("doc", DOCS)
def test_charts_are_png(doc: str) -> None:
    drawn = pictures(doc)
    assert set(drawn) == {STRUCTURE_CHART, THREE_PUBLIC_CHART}
    for png in drawn.values():
        width, height = png_size(png)
        assert 600 <= width <= 1400 and 150 <= height <= 900
        assert len(png) > 8_000  # text and shapes drawn, not a blank canvas
        assert b"tIME" not in png  # no timestamp chunk


def test_charts_are_deterministic() -> None:
    assert charts(disclosure("example")) == pictures("example")


@pytest.mark.parametrize("doc", ["000", "002"])
def test_no_three_public_money_still_draws_a_chart(doc: str) -> None:
    slices = three_public_slices(disclosure(doc))
    assert slices is not None and not any(s.amount for s in slices[0])
    png_size(pictures(doc)[THREE_PUBLIC_CHART])


def test_three_public_shares() -> None:
    data = three_public_slices(disclosure("example"))
    assert data is not None
    slices, total = data
    assert total == Decimal("4.70")
    assert [s.label for s in slices] == [
        "因公出国（境）费",
        "公务接待费",
        "公务用车购置费",
        "公务用车运行维护费",
    ]
    assert sum(s.amount for s in slices) == total


# ---------------------------------------------------------------- PDF


@pytest.mark.parametrize("doc", DOCS)
def test_pdf_pages_and_text(doc: str, pdf_dir: Path) -> None:
    d = disclosure(doc)
    pdf = rendered(doc, pdf_dir)
    # cover, 目录, Part 1, each table and performance table on its own page(s), Part 3, Part 4
    least = 3 + len(d.tables) + len(d.performance_tables) + 1
    assert least <= len(pdf.reader.pages) <= least + 14
    text = pdf.text
    assert d.meta.unit_name in text
    for grid in grids(d):
        assert grid.title in text, grid.title
    assert "预算收支总表" in text
    missing = [amount for amount in numeric_texts(d) if amount not in text]
    assert not missing
    if any(grid.no_data for grid in grids(d)):
        assert NO_DATA_NOTE in text
    for entry in d.glossary:
        assert entry.term in text


def test_pdf_seed_000_amounts(pdf_dir: Path) -> None:
    text = rendered("000", pdf_dir).text
    for amount in ("1908.14", "1325.14", "355.41", "969.73"):
        assert amount in text


@pytest.mark.parametrize("doc", DOCS)
def test_pdf_tables_start_their_own_page(doc: str, pdf_dir: Path) -> None:
    pdf = rendered(doc, pdf_dir)
    pages = [re.sub(r"\s+", "", page) for page in pdf.pages]
    found = []
    for grid in grids(disclosure(doc)):
        on = [i for i, page in enumerate(pages) if grid.marker + grid.title in page]
        assert len(on) == 1, grid.marker
        found.append(on[0])
    assert found == sorted(set(found))


def _fonts(resources: Any, seen: set[int], out: list[DictionaryObject]) -> None:
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        out.append(font)
        for descendant in font.get("/DescendantFonts") or []:
            out.append(descendant.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        obj = xobject.get_object()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        _fonts(obj.get("/Resources"), seen, out)


@pytest.mark.parametrize("doc", DOCS)
def test_pdf_fonts_embedded(doc: str, pdf_dir: Path) -> None:
    pdf = rendered(doc, pdf_dir)
    found: list[DictionaryObject] = []
    seen: set[int] = set()
    for page in pdf.reader.pages:
        _fonts(page.get("/Resources"), seen, found)
    assert found
    for font in found:
        name = str(font.get("/BaseFont", "")).lstrip("/")
        assert name.split("+")[-1] not in STANDARD_14, name
        if font.get("/Subtype") == "/Type0":
            continue  # its descendant carries the descriptor
        descriptor = font["/FontDescriptor"].get_object()
        assert isinstance(descriptor, DictionaryObject), name
        assert any(key in descriptor for key in ("/FontFile2", "/FontFile3")), name
        assert "+" in name  # subset prefix: only the glyphs used are embedded


@pytest.mark.parametrize("doc", DOCS)
def test_pdf_has_charts_and_metadata(doc: str, pdf_dir: Path) -> None:
    pdf = rendered(doc, pdf_dir)
    images = sum(len(page.images) for page in pdf.reader.pages)
    assert images >= 2
    assert pdf.reader.metadata is not None
    assert disclosure(doc).meta.unit_name in str(pdf.reader.metadata.title)
    created = str(pdf.reader.metadata.get("/CreationDate", ""))
    assert created == "" or created.startswith("D:2000")  # invariant: no real date


def test_pdf_toc_has_page_numbers(pdf_dir: Path) -> None:
    pdf = rendered("example", pdf_dir)
    toc = pdf.pages[1]
    table_one = next(i for i, page in enumerate(pdf.pages) if "预算公开表1" in page)
    assert re.search(rf"表一2025年预算收支总表……\s*{table_one + 1}\b", toc)


@pytest.mark.parametrize("doc", DOCS)
def test_pdf_pages_render(doc: str, pdf_dir: Path, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: make system-deps")
    pdf = rendered(doc, pdf_dir)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf.path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pdf.reader.pages)
    for image in images:
        data = image.read_bytes()
        width, height = png_size(data)
        assert width > 100 and height > 100 and len(data) > 1000


def test_write_pdf_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    write_pdf(disclosure("example"), target, {})
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


def test_pdf_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_pdf(disclosure("002"), first, pictures("002"))
    write_pdf(disclosure("002"), second, pictures("002"))
    assert first.read_bytes() == second.read_bytes()


def test_pdf_wide_amounts_and_long_texts(tmp_path: Path) -> None:
    """Amounts too wide for a portrait page get a landscape page; a performance-table text and
    an indicator list longer than a page are broken across pages."""
    d = copy.deepcopy(disclosure("example"))
    for row in d.tables[2].rows[:3]:
        for cell in row.cells.values():
            if cell.amount is not None:
                cell.text, cell.amount = "123456789012.34", Decimal("123456789012.34")
    goals = d.performance_tables[1]
    goals.texts["项目概况"] = "项目概况的很长文字，" * 400
    goals.annual_indicators = [
        Indicator("产出指标", f"数量指标{i // 5}", f"指标{i}", f"{i}个") for i in range(60)
    ]
    goals.period_indicators = list(goals.annual_indicators)
    path = tmp_path / "wide.pdf"
    write_pdf(d, path, {})
    reader = PdfReader(path)
    widths = {round(float(page.mediabox.width)) for page in reader.pages}
    assert widths == {595, 842}
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "123456789012.34" in text
    assert "指标59" in text


# ---------------------------------------------------------------- HTML


def _row_widths(html: str) -> list[list[int]]:
    """Each table's row widths (HTML tables with rowspans, checked the simple way: a row's own
    cells plus the cells still covered from rows above)."""
    widths: list[list[int]] = []
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        covered: list[int] = []  # rows left per covered column slot
        rows: list[int] = []
        for row in re.findall(r"<tr.*?</tr>", table, flags=re.S):
            width = len(covered)
            opened: list[int] = []
            for attrs in re.findall(r"<t[hd]([^>]*)>", row):
                colspan = re.search(r'colspan="(\d+)"', attrs)
                rowspan = re.search(r'rowspan="(\d+)"', attrs)
                span = int(colspan.group(1)) if colspan else 1
                width += span
                if rowspan:
                    opened += [int(rowspan.group(1)) - 1] * span
            rows.append(width)
            covered = [left - 1 for left in covered if left > 1] + opened
        widths.append(rows)
    return widths


@cache
def html_of(doc: str) -> str:
    return to_html(disclosure(doc), pictures(doc))


@pytest.mark.parametrize("doc", DOCS)
def test_html_content(doc: str) -> None:
    d = disclosure(doc)
    html = html_of(doc)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html and '<meta charset="utf-8">' in html
    assert len(d.tables) == 13
    for grid in grids(d):
        assert grid.title in html, grid.title
    for amount in numeric_texts(d):
        assert f">{amount}<" in html, amount
    assert "colspan=" in html and "rowspan=" in html
    assert "@media print" in html
    assert html.count("data:image/png;base64,") == 2
    assert d.meta.unit_name in html


@pytest.mark.parametrize("doc", DOCS)
def test_html_is_standalone(doc: str) -> None:
    html = html_of(doc)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert not re.search(r"url\(|@import|<script|<link|<iframe", html, flags=re.I)


@pytest.mark.parametrize("doc", DOCS)
def test_html_tables_are_rectangular(doc: str) -> None:
    for rows in _row_widths(html_of(doc)):
        assert len(set(rows)) == 1, rows


def test_html_escapes_document_text() -> None:
    d = copy.deepcopy(disclosure("example"))
    d.meta.unit_name = "<script>alert(1)</script>"
    d.duties = '职责 <img src="http://x/y.png"> & 说明'
    html = to_html(d, {})
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; 说明" in html


def test_html_without_charts_keeps_captions() -> None:
    html = to_html(disclosure("example"), {})
    assert "data:image" not in html
    assert STRUCTURE_CHART in html and THREE_PUBLIC_CHART in html


def test_html_toc_links_resolve() -> None:
    html = html_of("example")
    targets = re.findall(r'href="#([^"]+)"', html)
    assert len(targets) >= 13 + 12
    for target in targets:
        assert f'id="{target}"' in html
