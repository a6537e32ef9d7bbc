"""DOCX both ways: a rendered disclosure reads back as the same model, and a Word document
written by someone else reads like the text it was made from."""

from __future__ import annotations

import copy
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

import yusuan
from tests.conftest import SEED_IDS, parsed, seed_path
from yusuan.errors import UnreadableFileError, YusuanError
from yusuan.model import Disclosure, Figure, PerformanceTable
from yusuan.readers import load
from yusuan.readers.docx import format_number, read_docx
from yusuan.readers.encoding import decode_text
from yusuan.render.docx import write_docx
from yusuan.render.outline import STRUCTURE_CHART, THREE_PUBLIC_CHART


def _cells(d: Disclosure) -> dict[int, tuple[bool, list[tuple[Any, ...]]]]:
    """Every table cell as printed: row code, label, side, kind and each cell's text."""
    return {
        n: (
            t.no_data,
            [
                (r.code, r.label, r.side, r.kind, {k: c.text for k, c in r.cells.items()})
                for r in t.rows
            ],
        )
        for n, t in sorted(d.tables.items())
    }


def _figure(f: Figure | None) -> tuple[Any, ...] | None:
    return None if f is None else (f.value, f.text, f.sentence)


def _facts(d: Disclosure) -> dict[str, Any]:
    p, perf, a = d.procurement, d.performance, d.assets
    return {
        "staffing": d.staffing,
        "procurement": [_figure(f) for f in (p.total, p.goods, p.works, p.services)],
        "performance": (
            _figure(perf.whole_unit_amount),
            perf.whole_unit_goal,
            perf.projects,
            _figure(perf.amount),
            [(k.kind, k.count, _figure(k.amount)) for k in perf.kinds],
            perf.published_projects,
            _figure(perf.published_amount),
            _figure(perf.published_share),
            [(k.kind, k.count, _figure(k.amount)) for k in perf.published_kinds],
        ),
        "assets": (a.as_of, a.vehicles, _figure(a.office_area), a.equipment_50, a.equipment_100),
        "glossary": [(g.term, g.definition) for g in d.glossary],
        "annexes": [a.title for a in d.annexes],
        "duties": d.duties,
        "organization": d.organization,
    }


def _funds(t: PerformanceTable) -> list[str | None]:
    return [
        None if cell is None else cell.text
        for funds in (t.period_funds, t.annual_funds)
        for cell in (funds.total, funds.central, funds.provincial, funds.local, funds.own)
    ]


def _png() -> bytes:
    """A valid 4×3 grey PNG, small enough to build by hand."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * 4 for _ in range(3))
    header = struct.pack(">IIBBBBB", 4, 3, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docx")
    paths = {}
    for seed in SEED_IDS:
        paths[seed] = folder / f"{seed}.docx"
        write_docx(parsed(seed), paths[seed])
    return paths


# --- rendered documents read back ------------------------------------------------------------


@pytest.mark.parametrize("seed", SEED_IDS)
def test_round_trip_tables(rendered: dict[str, Path], seed: str) -> None:
    original = parsed(seed)
    back = yusuan.read(rendered[seed])
    assert back.meta.extraction == "docx"
    assert _cells(back) == _cells(original)
    assert back.meta.unit_name == original.meta.unit_name
    assert (back.meta.year, back.meta.scope, back.meta.units) == (
        original.meta.year,
        original.meta.scope,
        original.meta.units,
    )
    assert not [i.message for i in back.issues if i not in original.issues and "缺少" in i.message]


@pytest.mark.parametrize("seed", SEED_IDS)
def test_round_trip_narrative_and_facts(rendered: dict[str, Path], seed: str) -> None:
    original = parsed(seed)
    back = yusuan.read(rendered[seed])
    assert [(s.number, s.title) for s in back.sections] == [
        (s.number, s.title) for s in original.sections
    ]
    assert [[(u.number, u.title) for u in s.subsections] for s in back.sections] == [
        [(u.number, u.title) for u in s.subsections] for s in original.sections
    ]
    assert _facts(back) == _facts(original)


@pytest.mark.parametrize("seed", SEED_IDS)
def test_round_trip_performance_tables(rendered: dict[str, Path], seed: str) -> None:
    original = parsed(seed).performance_tables
    back = yusuan.read(rendered[seed]).performance_tables
    assert [t.project for t in back] == [t.project for t in original]
    assert [t.whole_unit for t in back] == [t.whole_unit for t in original]
    assert [t.confidence < 0.5 for t in back] == [t.confidence < 0.5 for t in original]
    for before, after in zip(original, back, strict=True):
        if before.confidence < 0.5:
            continue  # scanned noise: only the name was kept, and only the name is printed
        assert after.department == before.department
        assert (after.implementer, after.attribute, after.period) == (
            before.implementer,
            before.attribute,
            before.period,
        )
        assert _funds(after) == _funds(before)
        assert len(after.period_indicators) == len(before.period_indicators)
        assert len(after.annual_indicators) == len(before.annual_indicators)
        assert after.period_indicators == before.period_indicators
        assert after.texts == before.texts


def test_fonts_page_and_structure(rendered: dict[str, Path]) -> None:
    with zipfile.ZipFile(rendered["001"]) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        styles = archive.read("word/styles.xml").decode("utf-8")
        names = archive.namelist()
    # Headings and titles in 黑体 in the document itself; body text in 宋体 through the
    # document defaults and the Normal style, with theme fonts (which would win) removed.
    assert 'w:eastAsia="黑体"' in document
    assert 'w:eastAsia="宋体"' in styles
    assert "eastAsiaTheme" not in styles.split("</w:docDefaults>")[0]
    assert '<w:pgSz w:w="11906" w:h="16838"/>' in document  # A4 portrait
    assert document.count("<w:tbl>") == 13 + len(parsed("001").performance_tables)
    assert "<w:tblHeader/>" in document and "<w:vMerge" in document
    assert '<w:jc w:val="right"/>' in document  # amounts
    assert "docProps/thumbnail.jpeg" not in names
    assert "word/stylesWithEffects.xml" not in names
    doc = Document(str(rendered["001"]))  # python-docx opens it and sees the tables
    assert len(doc.tables) == 13 + len(parsed("001").performance_tables)
    table1 = doc.tables[0]
    assert table1.rows[0].cells[0].text == "收入"
    assert table1.rows[0].cells[0]._tc is table1.rows[0].cells[1]._tc  # 收入 spans two columns


def test_document_order_and_lines(rendered: dict[str, Path]) -> None:
    doc = load(rendered["001"])
    assert doc.style == "docx"
    assert [line.number for line in doc.lines] == list(range(1, len(doc.lines) + 1))
    assert all(line.page is None for line in doc.lines)
    texts = [line.compact for line in doc.lines]
    # The marker, title and unit line stand right above their table's header rows.
    at = texts.index("2024年预算收支总表")
    assert texts[at - 1] == "预算公开表1"
    assert doc.lines[at + 1].text == "单位名称：汾阳市医疗保障局\t单位：万元"
    header = doc.lines[at + 2]
    assert header.cells == ["收入", "", "支出", "", "", ""]
    columns = ["项目", "2024年", "项目", "2024年合计", "当年预算安排", "上年结转安排"]
    assert doc.lines[at + 3].cells == columns
    # Table 4's three-row header: vertically merged cells read as '' below their text.
    at4 = texts.index("2024年财政拨款收支总表")
    assert doc.lines[at4 + 3].cells == ["项目", "金额", "项目", "金额", "", "", ""]
    sources = ["小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]
    assert doc.lines[at4 + 4].cells == ["", "", "", *sources]
    assert texts.index("第三部分2024年度单位预算情况说明") > at


def test_charts_are_embedded_with_their_captions(tmp_path: Path) -> None:
    target = tmp_path / "charts.docx"
    write_docx(parsed("000"), target, charts={STRUCTURE_CHART: _png()})
    with zipfile.ZipFile(target) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert len(media) == 1
    drawing = document.index("<w:drawing>")
    assert drawing < document.index(STRUCTURE_CHART)  # caption under the image
    assert document.count("<w:drawing>") == 1  # 三公 chart without an image: caption only
    assert THREE_PUBLIC_CHART in document
    assert _cells(yusuan.read(target)) == _cells(parsed("000"))


def test_markup_in_names_is_plain_text(tmp_path: Path) -> None:
    name = "<script>alert(1)</script>&医保中心"
    disclosure = copy.deepcopy(parsed("001"))
    disclosure.meta.unit_name = name
    for table in disclosure.tables.values():
        table.unit_name = name
    target = tmp_path / "script.docx"
    write_docx(disclosure, target)
    with zipfile.ZipFile(target) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "<script>" not in document and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in document
    back = yusuan.read(target)
    assert back.meta.unit_name == name
    assert all(t.unit_name == name for t in back.tables.values())


def test_write_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    write_docx(parsed("003"), target)
    before = target.read_bytes()
    with pytest.raises(Exception):  # noqa: B017 - python-docx's own image error
        write_docx(parsed("003"), target, charts={STRUCTURE_CHART: b"not a picture"})
    assert target.read_bytes() == before
    write_docx(parsed("002"), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]
    assert yusuan.read(target).meta.unit_name == parsed("002").meta.unit_name


# --- documents written by someone else -------------------------------------------------------


def _foreign_docx(path: Path) -> None:
    """Seed 001 as a person would paste it into Word: a paragraph per text line and a plain
    Word table for each run of tab-separated lines. No yusuan code is involved."""
    text, _ = decode_text(seed_path("001").read_bytes(), "001")
    document = Document()
    run: list[list[str]] = []

    def flush() -> None:
        if not run:
            return
        width = max(len(cells) for cells in run)
        table = document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for cells in run:
            row = table.add_row().cells
            for cell, value in zip(row, cells, strict=False):
                cell.text = value.strip()
        run.clear()

    for line in text.splitlines():
        if "\t" in line:
            run.append(line.split("\t"))
        else:
            flush()
            document.add_paragraph(line)
    flush()
    document.save(str(path))


def test_foreign_docx_reads_like_its_text(tmp_path: Path) -> None:
    target = tmp_path / "汾阳.docx"
    _foreign_docx(target)
    from_docx = yusuan.read(target)
    from_text = parsed("001")
    assert from_docx.meta.extraction == "docx"
    assert _cells(from_docx) == _cells(from_text)
    assert [s.title for s in from_docx.sections] == [s.title for s in from_text.sections]
    assert from_docx.staffing == from_text.staffing
    assert [t.project for t in from_docx.performance_tables] == [
        t.project for t in from_text.performance_tables
    ]


def _merged_table_docx(path: Path) -> None:
    document = Document()
    document.add_paragraph("前言")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "收入"  # horizontal
    table.cell(0, 2).merge(table.cell(1, 2)).text = "合计"  # vertical
    table.cell(0, 3).text = "备注"
    table.cell(1, 0).text = "项目"
    table.cell(1, 1).text = "金额"
    block = table.cell(1, 3).merge(table.cell(2, 3))  # vertical, bottom row
    block.text = "说明"
    table.cell(2, 0).text = "一、一般公共预算"
    table.cell(2, 1).text = "1,867.77"
    table.cell(2, 2).text = "a\nb"  # two lines in one cell
    document.add_paragraph("第一行\n第二行")  # a manual line break
    document.save(str(path))


def test_merged_cells_and_order(tmp_path: Path) -> None:
    target = tmp_path / "merged.docx"
    _merged_table_docx(target)
    doc = read_docx(target, target.read_bytes())
    assert [(line.number, line.text, line.cells) for line in doc.lines] == [
        (1, "前言", None),
        (2, "收入\t\t合计\t备注", ["收入", "", "合计", "备注"]),
        (3, "项目\t金额\t\t说明", ["项目", "金额", "", "说明"]),
        (4, "一、一般公共预算\t1,867.77\ta\nb\t", ["一、一般公共预算", "1,867.77", "a\nb", ""]),
        (5, "第一行", None),
        (6, "第二行", None),
    ]


_NUMBERING = (
    '<w:abstractNum {ns} w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>'
    "</w:abstractNum>"
)


def test_automatic_numbering_is_printed(tmp_path: Path) -> None:
    """Headings numbered by Word (一、 （一）) keep their numbers, directly or through a style."""
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING.format(ns=nsdecls("w"))))
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    heading = document.styles["Heading 2"].element.get_or_add_pPr()
    heading.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="90"/></w:numPr>'))

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            )
        )

    numbered("收入预算情况说明", 0)
    numbered("规模变化", 1)
    numbered("结构", 1)
    document.add_heading("支出预算情况说明", level=2)  # numbered through its style
    numbered("基本支出", 1)
    for _ in range(9):
        numbered("……", 0)
    target = tmp_path / "numbered.docx"
    document.save(str(target))
    lines = [line.text for line in read_docx(target, target.read_bytes()).lines]
    assert lines[:5] == [
        "一、收入预算情况说明",
        "（一）规模变化",
        "（二）结构",
        "二、支出预算情况说明",
        "（一）基本支出",
    ]
    assert lines[-1] == "十一、……"


@pytest.mark.parametrize(
    ("n", "fmt", "shown"),
    [
        (1, "decimal", "1"),
        (12, "chineseCounting", "十二"),
        (20, "chineseCountingThousand", "二十"),
        (105, "chineseCounting", "一百零五"),
        (3, "ideographTraditional", "丙"),
        (2, "decimalEnclosedCircleChinese", "②"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (3, "bullet", ""),
    ],
)
def test_number_formats(n: int, fmt: str, shown: str) -> None:
    assert format_number(n, fmt) == shown


# --- damaged input ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncated", "bad-xml", "encrypted", "other-zip", "renamed"])
def test_damaged_docx_is_unreadable(rendered: dict[str, Path], tmp_path: Path, damage: str) -> None:
    data = rendered["003"].read_bytes()
    target = tmp_path / "坏.docx"
    if damage == "truncated":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "bad-xml":
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr("word/document.xml", b"<w:document><w:body><w:p>")
    elif damage == "encrypted":  # what Word writes for a password-protected document
        target.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage")
    elif damage == "other-zip":
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr("content.xml", b"<office:document/>")
    else:  # a damaged ZIP whose name does not say what it is
        target = tmp_path / "坏.bin"
        target.write_bytes(data[:2000])
    with pytest.raises(UnreadableFileError) as info:
        yusuan.read(target)
    message = info.value.describe()
    assert str(target) in message and "Traceback" not in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


_SAMPLE: list[bytes] = []


def _sample_docx() -> bytes:
    if not _SAMPLE:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "sample.docx"
            write_docx(parsed("003"), target)
            _SAMPLE.append(target.read_bytes())
    return _SAMPLE[0]


@settings(max_examples=60, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=40_000),
    flips=st.lists(st.tuples(st.integers(0, 40_000), st.integers(0, 255)), max_size=12),
)
def test_damaged_docx_never_crashes(cut: int, flips: list[tuple[int, int]]) -> None:
    """Whatever the damage, reading ends in a model or a Chinese error, never a traceback."""
    data = bytearray(_sample_docx())
    for at, value in flips:
        data[at % len(data)] = value
    if cut:
        data = data[: cut % len(data)]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "damaged.docx"
        target.write_bytes(bytes(data))
        try:
            yusuan.read(target)
        except YusuanError as exc:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)


def test_docx_is_detected_by_content(rendered: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "disclosure.txt"
    target.write_bytes(rendered["002"].read_bytes())
    assert _cells(yusuan.read(target)) == _cells(parsed("002"))


def test_cli_reports_a_damaged_docx_in_chinese(tmp_path: Path) -> None:
    from tests.test_cli import run

    target = tmp_path / "坏.docx"
    target.write_bytes(b"PK\x03\x04" + bytes(200))
    result = run("parse", str(target))
    assert result.returncode == 1
    assert "Word 文件已损坏" in result.stderr and "Traceback" not in result.stderr
