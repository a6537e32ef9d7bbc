"""HTML both ways: the page ``render/html.py`` writes reads back as the same model, and a page
as a bureau's website publishes it (merged header cells, inline styles, ``&nbsp;`` blanks, page
layout tables, menus, scripts) reads like the text it was made from."""

from __future__ import annotations

import codecs
import copy
import csv
import html
import re
import tempfile
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import yusuan
from tests.conftest import SEED_IDS, parsed, seed_path
from tests.test_docx import _cells, _facts, _funds
from tests.test_synth import errors, every_cell
from yusuan.budget.build import build
from yusuan.budget.io import load_data
from yusuan.cli import main
from yusuan.errors import UnreadableFileError, YusuanError
from yusuan.model import Disclosure
from yusuan.readers import load
from yusuan.readers.encoding import decode_text
from yusuan.readers.html import read_html
from yusuan.readers.html_detect import looks_like_html
from yusuan.readers.html_encoding import declared_charset
from yusuan.render.api import render
from yusuan.render.html import to_html

EXAMPLE = Path(str(files("yusuan.examples").joinpath("example_unit_2025.yaml")))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Disclosure, Path]:
    built = build(load_data(EXAMPLE))
    path = render(built, tmp_path_factory.mktemp("html"), ("html",))["html"]
    return built, path


# --- our own page reads back -----------------------------------------------------------------


def test_example_page_reads_back_cell_for_cell(example: tuple[Disclosure, Path]) -> None:
    built, path = example
    back = yusuan.read(path)
    assert back.meta.extraction == "html"
    assert (back.meta.unit_name, back.meta.year, back.meta.scope, back.meta.units) == (
        "示例市数据服务中心", 2025, "单位", ["示例市数据服务中心"],
    )  # fmt: skip
    assert len(every_cell(built)) > 150
    assert every_cell(back) == every_cell(built)
    assert back.issues == []
    assert errors(back) == []


def test_example_page_sections_facts_and_performance_tables(
    example: tuple[Disclosure, Path],
) -> None:
    built, path = example
    back = yusuan.read(path)
    text = yusuan.read(render(built, path.parent / "txt", ("txt",))["txt"])
    assert [(s.number, s.title) for s in back.sections] == [
        (s.number, s.title) for s in built.sections
    ]
    assert [[(u.number, u.title) for u in s.subsections] for s in back.sections] == [
        [(u.number, u.title) for u in s.subsections] for s in built.sections
    ]
    assert [s.text for s in back.sections] == [s.text for s in text.sections]
    assert _facts(back) == _facts(text)
    assert [t.project for t in back.performance_tables] == [
        t.project for t in built.performance_tables
    ]
    assert len(back.performance_tables) == 8
    for before, after in zip(built.performance_tables, back.performance_tables, strict=True):
        assert after.whole_unit == before.whole_unit
        assert after.department == before.department
        assert (after.implementer, after.attribute, after.period) == (
            before.implementer, before.attribute, before.period,
        )  # fmt: skip
        assert _funds(after) == _funds(before)
        assert after.period_indicators == before.period_indicators
        assert after.annual_indicators == before.annual_indicators
        assert after.texts == before.texts


def test_lines_point_at_their_source_lines(example: tuple[Disclosure, Path]) -> None:
    _, path = example
    doc = load(path)
    assert doc.style == "html" and doc.encoding == "utf-8"
    source = path.read_text(encoding="utf-8").split("\n")
    numbers = [line.number for line in doc.lines]
    assert numbers == sorted(numbers)
    for line in doc.lines:
        shown = "".join(html.unescape(source[line.number - 1]).split())
        if line.cells is None:
            assert line.compact[:12] in shown, (line.number, line.text)
        else:
            assert "<tr" in shown and line.cells[0].replace(" ", "") in shown, line.number
    texts = [line.compact for line in doc.lines]
    # No <title>, no chart alt text, no table of contents of links: the cover is read once.
    assert texts.count("示例市数据服务中心") == 1 and texts[0] == "示例市数据服务中心"
    assert "第一部分概况" in texts and texts.count("第一部分概况") == 1
    at = texts.index("2025年预算收支总表")
    assert texts[at - 1] == "预算公开表1"
    assert [line.text for line in doc.lines[at + 1 : at + 3]] == [
        "单位名称：示例市数据服务中心", "单位：万元",
    ]  # fmt: skip
    assert doc.lines[at + 3].cells == ["收入", "", "支出", "", "", ""]
    at2 = texts.index("2025年预算收入总表")
    # 上年结转 spans two header rows: blank below its text, as a DOCX reads.
    assert doc.lines[at2 + 3].cells is not None and doc.lines[at2 + 3].cells[-1] == "上年结转"
    assert doc.lines[at2 + 4].cells is not None and doc.lines[at2 + 4].cells[-1] == ""


def test_markup_in_names_is_plain_text(tmp_path: Path) -> None:
    name = "<script>alert(1)</script>&医保中心"
    disclosure = copy.deepcopy(parsed("001"))
    disclosure.meta.unit_name = name
    for table in disclosure.tables.values():
        table.unit_name = name
    target = tmp_path / "script.html"
    target.write_text(to_html(disclosure, {}), encoding="utf-8")
    back = yusuan.read(target)
    assert back.meta.unit_name == name
    assert all(t.unit_name == name for t in back.tables.values())
    assert _cells(back) == _cells(parsed("001"))


# --- a page written by someone else ----------------------------------------------------------

_AMOUNT = re.compile(r"-?[\d,]+(?:\.\d+)?")


def _header_rows(rows: list[list[str]]) -> int:
    """Rows before the first that holds a number: where a bureau's page merges cells."""
    for index, row in enumerate(rows):
        if any(_AMOUNT.fullmatch(cell.strip()) for cell in row if cell.strip()):
            return index
    return 0


def _bureau_table(rows: list[list[str]]) -> list[str]:
    """A run of tab-separated lines as an old-style web table: header cells merged over the
    blank positions right of and below them (colspan/rowspan), ``&nbsp;`` in blank cells,
    Word-like paragraph and span wrappers, inline styles."""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    header = _header_rows(rows)
    covered: set[tuple[int, int]] = set()
    out = [
        '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
        'style="border-collapse:collapse;border:none;width:100%">'
    ]
    for r, row in enumerate(rows):
        out.append('<tr style="height:18.0pt">')
        for c, value in enumerate(row):
            if (r, c) in covered:
                continue
            text = html.escape(value.strip())
            if not text:
                out.append('<td style="border:solid windowtext 1.0pt">&nbsp;</td>')
                continue
            if r >= header:
                align = ' align="right"' if _AMOUNT.fullmatch(value.strip()) else ""
                out.append(
                    f'<td{align} style="padding:0cm 5.4pt"><p class="MsoNormal">'
                    f'<span style="font-size:10.0pt;font-family:宋体">{text}</span></p></td>'
                )
                continue
            colspan = 1
            while c + colspan < width and not rows[r][c + colspan].strip():
                colspan += 1
            rowspan = 1
            while r + rowspan < header and not any(
                rows[r + rowspan][k].strip() for k in range(c, c + colspan)
            ):
                rowspan += 1
            for below in range(r, r + rowspan):
                for right in range(c, c + colspan):
                    covered.add((below, right))
            spans = (f' colspan="{colspan}"' if colspan > 1 else "") + (
                f" rowspan={rowspan}" if rowspan > 1 else ""
            )
            out.append(f'<td{spans} align="center" bgcolor="#D9D9D9"><b>{text}</b></td>')
        out.append("</tr>")
    out.append("</table>")
    return out


def _bureau_page(seed: str) -> bytes:
    """Seed ``seed`` as a county bureau's site publishes it: GB2312, a page layout table around
    the content, a menu, a hidden block and a script that must not be read, every text line a
    styled paragraph and every run of tab-separated lines a table. No yusuan code involved."""
    text, _ = decode_text(seed_path(seed).read_bytes(), seed)
    body: list[str] = []
    run: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if "\t" in line:
            run.append(line.split("\t"))
            continue
        if run:
            body += _bureau_table(run)
            run = []
        if line.strip():
            body.append(
                '<p class="MsoNormal" style="text-indent:2em;line-height:150%">'
                '<span style="font-family:仿宋_GB2312;font-size:16pt">'
                f"{html.escape(line)}</span></p>"
            )
        else:
            body.append("<p>&nbsp;</p>")
    page = "\n".join(
        [
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
            '<html xmlns="http://www.w3.org/1999/xhtml">',
            '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" />',
            "<title>2024年预算公开_汾阳市人民政府</title>",
            '<style type="text/css">',
            "  body { font-size: 12px } .hide { display: none } .menu li { display: inline }",
            "  #share { visibility: hidden } @media print { .noprint { display: none } }",
            "</style>",
            '<script type="text/javascript">',
            '  document.write("<p>表一2023年预算收支总表</p>"); var _hmt = _hmt || [];',
            "</script></head>",
            '<body><table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">',
            '<tr><td class="noprint"><ul class="menu"><li><a href="/">网站首页</a></li>',
            "<li>政务公开</li><li>财政预决算</li></ul></td></tr>",
            '<tr><td><div class="hide">表一2023年预算收支总表 单位名称：某某局 1.00</div>',
            '<div id="share">分享到：微信 微博</div>',
            '<div class="TRS_Editor" style="font-family:宋体">',
            *body,
            "</div></td></tr>",
            "</table></body></html>",
        ]
    )
    return page.encode("gb18030")


def test_bureau_page_reads_like_its_text(tmp_path: Path) -> None:
    target = tmp_path / "汾阳.htm"
    target.write_bytes(_bureau_page("001"))
    from_html = yusuan.read(target)
    from_text = parsed("001")
    assert from_html.meta.extraction == "html"
    assert load(target).encoding == "gb18030"
    assert _cells(from_html) == _cells(from_text)
    assert from_html.meta.unit_name == from_text.meta.unit_name
    assert [s.title for s in from_html.sections] == [s.title for s in from_text.sections]
    assert from_html.staffing == from_text.staffing
    assert [t.project for t in from_html.performance_tables] == [
        t.project for t in from_text.performance_tables
    ]
    assert sorted(f.rule for f in yusuan.check(from_html).errors) == sorted(
        f.rule for f in yusuan.check(from_text).errors
    )
    texts = [line.compact for line in load(target).lines]
    assert "网站首页政务公开财政预决算" in texts  # the menu: inline list items on one line
    hidden = ("表一2023年预算收支总表", "某某局", "分享到", "_汾阳市人民政府")
    assert not [t for t in texts if any(h in t for h in hidden)]


_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>不读标题</title>
<style>
.hide { display: none }
div.meta { display: flex }
@media print { .screen { display: none } }
</style>
<script>document.write("<p>不读脚本</p>");</script>
</head>
<body>
<div class="hide">不读隐藏</div><p hidden>不读属性</p>
<h1 style="text-align:center">2024年<font color="red">财政拨款</font>收支总表</h1>
<div class="meta"><span>单位名称：汾阳市医疗保障局</span><span>单位：万元</span></div>
<table border="1" cellspacing="0" style="border-collapse:collapse">
<caption>表四</caption>
<tr><td colspan="2" align="center"><b>收&nbsp;入</b></td><td colspan=5>支出</td></tr>
<tr><td rowspan="2">项目</td><td rowspan="2">金额</td><td rowspan="2">项目</td>
<td colspan="4">金额</td></tr>
<tr><td>小计</td><td>一般公共<br>预算</td><td>政府性基金预算</td><td>国有资本经营预算</td></tr>
<tr style="display:none"><td>不读隐藏行</td></tr>
<tr>
  <td><p class="MsoNormal"><span style="font-size:10pt">一、一般公共预算</span></p></td>
  <td align="right">1,867.77</td><td>一、一般公共服务支出</td><td>&nbsp;</td><td> </td>
  <td>&nbsp;</td><td>&#160;</td>
</tr>
<tr><td>合&nbsp;&nbsp;计</td><td>1,867.77&nbsp;</td><td>R&amp;D &lt;支出&gt;</td>
<td colspan="4" rowspan="9">说明</td></tr>
<tr><td>注
</table>
<p class="screen">第一行<br>第二行</p>
<pre>  甲\t乙
  丙</pre>
</body>
</html>
"""


def _source_line(text: str) -> int:
    return _PAGE.split("\n").index(next(s for s in _PAGE.split("\n") if text in s)) + 1


def test_page_lines_and_cells(tmp_path: Path) -> None:
    target = tmp_path / "表四.html"
    target.write_bytes(_PAGE.encode("gbk"))
    doc = read_html(target, target.read_bytes())
    assert doc.style == "html" and doc.encoding == "gb18030"
    blank = [""] * 6
    assert [line.text for line in doc.lines if line.cells] == [
        "\t".join(line.cells) for line in doc.lines if line.cells
    ]
    assert [(line.number, line.cells or line.text) for line in doc.lines] == [
        (_source_line("<h1"), "2024年财政拨款收支总表"),
        (_source_line("单位名称"), "单位名称：汾阳市医疗保障局"),
        (_source_line("单位名称"), "单位：万元"),
        (_source_line("<caption>"), "表四"),
        (_source_line("收&nbsp;入"), ["收 入", "", "支出", *blank[:4]]),
        (_source_line('<td rowspan="2">项目'), ["项目", "金额", "项目", "金额", "", "", ""]),
        (_source_line("<td>小计"),
         ["", "", "", "小计", "一般公共\n预算", "政府性基金预算", "国有资本经营预算"]),
        (_source_line("一、一般公共预算") - 1,
         ["一、一般公共预算", "1,867.77", "一、一般公共服务支出", *blank[:4]]),
        (_source_line("合&nbsp;"), ["合  计", "1,867.77", "R&D <支出>", "说明", "", "", ""]),
        (_source_line("<tr><td>注"), ["注", *blank]),
        (_source_line("第一行"), "第一行"),
        (_source_line("第一行"), "第二行"),
        (_source_line("<pre>"), "甲\t乙"),
        (_source_line("<pre>") + 1, "丙"),
    ]  # fmt: skip


def test_page_with_bom_or_without_declaration(tmp_path: Path) -> None:
    """The declared charset, a BOM, detection without a declaration, and a page whose
    declaration is wrong (UTF-8 bytes declared GB2312) all give the same lines."""
    expected = [(line.text, line.cells) for line in read_html("x", _PAGE.encode("gbk")).lines]
    undeclared = _PAGE.replace('<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
                               "")  # fmt: skip
    variants = {
        "utf-8": undeclared.encode("utf-8"),
        "gb18030": undeclared.encode("gb18030"),
        "utf-16": codecs.BOM_UTF16_LE + _PAGE.encode("utf-16-le"),
        "mislabelled": _PAGE.replace("gbk", "gb2312").encode("utf-8"),
    }
    for name, data in variants.items():
        assert looks_like_html(data), name
        target = tmp_path / f"{name}.txt"  # the name says nothing: the content decides
        target.write_bytes(data)
        doc = load(target)
        assert doc.style == "html", name
        assert [(line.text, line.cells) for line in doc.lines] == expected, name
    assert declared_charset(b'<meta charset="GB2312">') == "gb18030"
    assert declared_charset(b"<meta charset=utf-8>") == "utf-8"
    assert declared_charset(b'<meta charset="no-such-charset">') is None


_MARKDOWN_WITH_TABLES = """# 2024年预算收支总表

仅供内部审核

**单位名称：汾阳市医疗保障局**

单位：万元

仅供内部审核

<table><tr><td colspan="2">收入</td><td colspan="4">支出</td></tr>
<tr><td>项目</td><td>2024年</td><td>项目</td><td>2024年合计</td><td>当年预算安排</td><td>上年结转安排</td></tr>
<tr><td>一、一般公共预算</td><td>1867.77</td><td>一、一般公共服务支出</td><td></td><td></td><td></td></tr>
</table>

仅供内部审核

仅供内部审核
"""


def test_markdown_made_of_html_tables_is_read_as_a_fragment(tmp_path: Path) -> None:
    """A PDF-to-Markdown conversion whose tables are HTML: its lines stay lines, its Markdown
    marks and watermarks go, its tables keep their cells."""
    data = _MARKDOWN_WITH_TABLES.encode("utf-8")
    assert looks_like_html(data)
    doc = load(tmp_path / "converted.md", data)
    assert doc.style == "html"
    assert [(line.number, line.text, line.cells) for line in doc.lines] == [
        (1, "2024年预算收支总表", None),
        (5, "单位名称：汾阳市医疗保障局", None),
        (7, "单位：万元", None),
        (11, "收入\t\t支出\t\t\t", ["收入", "", "支出", "", "", ""]),
        (12, "项目\t2024年\t项目\t2024年合计\t当年预算安排\t上年结转安排",
         ["项目", "2024年", "项目", "2024年合计", "当年预算安排", "上年结转安排"]),
        (13, "一、一般公共预算\t1867.77\t一、一般公共服务支出\t\t\t",
         ["一、一般公共预算", "1867.77", "一、一般公共服务支出", "", "", ""]),
    ]  # fmt: skip


@pytest.mark.parametrize("seed", SEED_IDS)
def test_text_extractions_stay_text(tmp_path: Path, seed: str) -> None:
    """The seeds (002 carries <b> and <p> tags and # headings) go to the text reader; so does a
    tab-separated extraction with a stray HTML table fragment in it."""
    data = seed_path(seed).read_bytes()
    assert not looks_like_html(data)
    assert load(seed_path(seed)).style in ("tab", "markdown", "layout")
    lines = data.decode("utf-8").split("\n")
    fragment = "<table><tr><td>附表</td><td>说明</td></tr></table>"
    mixed = "\n".join([*lines[:30], fragment, *lines[30:]]).encode("utf-8")
    assert not looks_like_html(mixed)
    assert load(tmp_path / "mixed.txt", mixed).style in ("tab", "markdown", "layout")


# --- damaged input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>", "没有可读取"),
        (b"<html><body><script>var a = 1;</script><p hidden>x</p></body></html>", "没有可读取"),
        (b"<html>\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", "二进制"),
    ],
)
def test_page_without_text_is_unreadable(tmp_path: Path, data: bytes, message: str) -> None:
    target = tmp_path / "空.html"
    target.write_bytes(data)
    with pytest.raises(UnreadableFileError) as info:
        yusuan.read(target)
    assert message in info.value.describe() and str(target) in info.value.describe()


def test_truncated_page_keeps_what_is_there(example: tuple[Disclosure, Path]) -> None:
    built, path = example
    page = path.read_text(encoding="utf-8")
    cut = page.index("预算公开表5")
    back = yusuan.read(path.name, page[:cut].encode("utf-8"))
    assert sorted(back.tables) == [1, 2, 3, 4]
    assert every_cell(back) == [row for row in every_cell(built) if row[0] <= 4]
    assert any("缺少表格" in issue.message for issue in back.issues)


@settings(max_examples=40, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=3000),
    flips=st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 255)), max_size=12),
)
def test_damaged_page_never_crashes(cut: int, flips: list[tuple[int, int]]) -> None:
    """Whatever the damage, reading ends in a model or a Chinese error, never a traceback."""
    data = bytearray(_PAGE.encode("gbk"))
    for at, value in flips:
        data[at % len(data)] = value
    if cut:
        data = data[: cut % len(data)]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "damaged.html"
        target.write_bytes(bytes(data))
        try:
            yusuan.read(target)
        except YusuanError as exc:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)


def test_deeply_nested_page_is_a_chinese_error_or_a_model(tmp_path: Path) -> None:
    target = tmp_path / "deep.html"
    target.write_bytes(b"<html><body>" + b"<div><span>" * 5000 + b"x</body></html>")
    try:
        yusuan.read(target)
    except YusuanError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)


# --- the synthetic corpus --------------------------------------------------------------------


def test_synthetic_html_corpus_is_read_checked_and_ingested(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    result = CliRunner().invoke(
        main, ["synth", "--count", "3", "-o", str(corpus), "--seed", "4", "--formats", "html",
               "--defect-rate", "0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with (corpus / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 and {row["format"] for row in rows} == {"html"}
    for row in rows:
        back = yusuan.read(corpus / row["file"])
        assert back.meta.extraction == "html" and len(back.tables) == 13, row["file"]
        assert back.meta.unit_name == row["unit"]
        assert errors(back) == [], row["file"]
    parsed_cli = CliRunner().invoke(main, ["parse", str(corpus / rows[0]["file"])])
    assert parsed_cli.exit_code == 0, parsed_cli.output
    db = tmp_path / "语料.db"
    pages = [str(corpus / row["file"]) for row in rows]
    ingested = CliRunner().invoke(main, ["ingest", *pages, "--db", str(db), "--workers", "1"])
    assert ingested.exit_code == 0, ingested.output
    assert "新入库      3" in ingested.output and "失败        0" in ingested.output
    from sqlalchemy import create_engine, text

    from yusuan.store import database_url

    engine = create_engine(database_url(str(db)))
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT extraction FROM disclosures")).scalars().all()
    engine.dispose()
    assert sorted(stored) == ["html"] * 3


def test_title_and_unit_rows_inside_the_table() -> None:
    """Many sites put the title and the unit line in the table itself, across all columns."""
    page = """<html><head><meta charset="utf-8"></head><body>
<table border=1>
<tr><td colspan="6" align="center"><b>2024年预算收支总表</b></td></tr>
<tr><td colspan="3">单位名称：汾阳市医疗保障局</td>
<td colspan="3" align="right">单位：万元</td></tr>
<tr><td colspan="2">收入</td><td colspan="4">支出</td></tr>
<tr><td>项目</td><td>2024年</td><td>项目</td><td>2024年合计</td><td>当年预算安排</td>
<td>上年结转安排</td></tr>
<tr><td>一、一般公共预算</td><td>1867.77</td><td>一、一般公共服务支出</td><td>&nbsp;</td>
<td>&nbsp;</td><td>&nbsp;</td></tr>
<tr><td>收入总计</td><td>1867.77</td><td>支出总计</td><td>1867.77</td><td>1867.77</td>
<td>&nbsp;</td></tr>
</table></body></html>"""
    back = yusuan.read("收支总表.html", page.encode("utf-8"))
    assert back.meta.unit_name == "汾阳市医疗保障局" and back.meta.amount_unit == "万元"
    table = back.tables[1]
    expected = parsed("001").tables[1]
    for label, column in (("一、一般公共预算", "amount"), ("收入总计", "amount"),
                          ("支出总计", "total"), ("支出总计", "current")):  # fmt: skip
        assert table.value(label, column) == expected.value(label, column), (label, column)
    assert table.value("支出总计", "carryover") is None
