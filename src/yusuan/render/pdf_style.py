"""Fonts, paragraph styles and text markup of the PDF renderer.

``_register`` embeds the CJK font found by ``fonts.cjk_font`` once per font file and teaches
ReportLab's CJK line breaking the full-width punctuation that must not begin a line; ``Styles``
holds the paragraph styles of every part of the document; ``balanced`` breaks a short header or
label between words into even lines.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as rl_paragraph

from yusuan.render.fonts import FontInfo

LINE = colors.HexColor("#333333")
HEAD = colors.HexColor("#eef1f5")
TOTAL = colors.HexColor("#f6f7f9")
MUTED = colors.HexColor("#666666")
CELL_PAD = 3.0


# Full-width punctuation that must not begin a line. ReportLab's CJK line breaking knows the
# ideographic comma and full stop but not ，；：！？）, so a line could start with "，".
NO_LINE_START = "，。、；：！？）》」』】〕〉”’％…—"


def _line_start_rules() -> None:
    """Teach ReportLab's two CJK line breakers (one for single-run paragraphs, one for mixed
    markup) the full-width punctuation it lacks. Adding characters that cannot start a line only
    changes where CJK lines break."""
    for module in (rl_textsplit, rl_paragraph):
        current = str(getattr(module, "ALL_CANNOT_START", ""))
        missing = "".join(c for c in NO_LINE_START if c not in current)
        if missing:
            module.ALL_CANNOT_START = current + missing


@cache
def _register(font: FontInfo) -> str:
    """Register the CJK font with reportlab once per font file; returns the font name. The same
    face serves as bold and italic so ``<b>`` in markup never falls back to a non-CJK font."""
    digest = hashlib.sha1(f"{font.path}#{font.subfont_index}".encode()).hexdigest()[:8]
    name = f"YusuanCJK-{digest}"
    pdfmetrics.registerFont(TTFont(name, font.path, subfontIndex=font.subfont_index))
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    _line_start_rules()
    return name


@dataclass(slots=True)
class Styles:
    font: str
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    heading: dict[int, ParagraphStyle]
    body: ParagraphStyle
    center: ParagraphStyle
    note: ParagraphStyle
    toc: ParagraphStyle
    toc_part: ParagraphStyle
    marker: ParagraphStyle
    table_title: ParagraphStyle
    meta: ParagraphStyle
    meta_right: ParagraphStyle
    caption: ParagraphStyle
    cells: dict[tuple[float, str], ParagraphStyle] = field(default_factory=dict)

    def cell(self, size: float, kind: str = "text") -> ParagraphStyle:
        """Cell paragraph style: ``text`` (left), ``head`` (centred), ``label`` (centred)."""
        key = (size, kind)
        if key not in self.cells:
            self.cells[key] = ParagraphStyle(
                f"cell-{kind}-{size}",
                fontName=self.font,
                fontSize=size,
                leading=size * 1.3,
                alignment=TA_LEFT if kind == "text" else TA_CENTER,
                wordWrap="CJK",
            )
        return self.cells[key]


def _styles(font: str) -> Styles:
    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        kw.setdefault("leading", size * 1.5)
        return ParagraphStyle(name, fontName=font, fontSize=size, wordWrap="CJK", **kw)

    return Styles(
        font=font,
        cover_title=style("cover", 26, alignment=TA_CENTER, leading=38),
        cover_subtitle=style("cover-sub", 18, alignment=TA_CENTER, spaceBefore=18),
        heading={
            1: style("h1", 16, alignment=TA_CENTER, spaceBefore=8, spaceAfter=14),
            2: style("h2", 13, spaceBefore=10, spaceAfter=6),
            3: style("h3", 11.5, spaceBefore=6, spaceAfter=4, leftIndent=10.5),
            4: style("h4", 11.5, alignment=TA_CENTER, spaceBefore=6, spaceAfter=4),
        },
        body=style(
            "body",
            10.5,
            leading=19,
            firstLineIndent=21,
            spaceAfter=4,
            alignment=TA_JUSTIFY,
            allowWidows=0,
            allowOrphans=0,
        ),
        center=style("center", 10.5, alignment=TA_CENTER, leading=19),
        note=style("note", 9.5, textColor=MUTED),
        toc=style("toc", 10.5, leading=17, leftIndent=21),
        toc_part=style("toc-part", 11, leading=19, spaceBefore=4),
        marker=style("marker", 9, leading=12),
        table_title=style("table-title", 15, alignment=TA_CENTER, spaceBefore=2, spaceAfter=6),
        meta=style("meta", 9, leading=12),
        meta_right=style("meta-right", 9, leading=12, alignment=TA_RIGHT),
        caption=style("caption", 9.5, alignment=TA_CENTER, textColor=MUTED, spaceAfter=8),
    )


def _text(text: str) -> str:
    """Document text as reportlab paragraph markup: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


# Two-character words a header or label is not broken inside (一般公共|预算, not 一般公|共预算).
_WORDS = """公共 预算 基金 资本 经营 专户 管理 资金 支出 结转 安排 收入 科目 编码 名称 指标 目标
财政 项目 部门 单位 合计 经费 代码 实施 总额 中央 省级 自筹 其他 属性 概况 依据 计划 措施 制度"""
WORDS = frozenset(_WORDS.split())


def _two_lines(text: str, width: float, font: str, size: float) -> list[str] | None:
    """The best break of ``text`` into two lines that fit: not inside a word, punctuation not
    first, lines as even as possible (the first one longer on a tie)."""
    best: tuple[int, int] | None = None  # (score, -break position)
    for i in range(1, len(text)):
        first, second = text[:i], text[i:]
        if second[0] in NO_LINE_START:
            continue
        if max(pdfmetrics.stringWidth(part, font, size) for part in (first, second)) > width:
            continue
        score = (10 if text[i - 1 : i + 1] in WORDS else 0) + abs(2 * i - len(text))
        if best is None or (score, -i) < best:
            best = (score, -i)
    return None if best is None else [text[: -best[1]], text[-best[1] :]]


def balanced(text: str, width: float, font: str, size: float) -> str:
    """Markup for a short label that needs more than one line in ``width``: broken between
    words into even lines (政府性 / 基金, 一般公共 / 预算) rather than leaving one character on
    the last line (政府性基 / 金)."""
    if "\n" in text or len(text) > 24 or pdfmetrics.stringWidth(text, font, size) <= width:
        return _text(text)
    two = _two_lines(text, width, font, size)
    if two is not None:
        return "<br/>".join(_text(line) for line in two)
    for count in range(3, 5):
        step = -(-len(text) // count)
        lines = [text[i : i + step] for i in range(0, len(text), step)]
        for i in range(1, len(lines)):  # punctuation stays at the end of the line before
            while lines[i] and lines[i][0] in NO_LINE_START:
                lines[i - 1] += lines[i][0]
                lines[i] = lines[i][1:]
        lines = [line for line in lines if line]
        if all(pdfmetrics.stringWidth(line, font, size) <= width for line in lines):
            return "<br/>".join(_text(line) for line in lines)
    return _text(text)
