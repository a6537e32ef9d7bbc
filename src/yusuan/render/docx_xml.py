"""The Word document's measures and fonts, and the XML of runs of text that paragraphs and
table cells share."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"

PAGE_WIDTH_CM = 21.0  # A4
PAGE_HEIGHT_CM = 29.7
MARGIN_TOP_CM = 2.5
MARGIN_BOTTOM_CM = 2.3
MARGIN_SIDE_CM = 2.0
_TWIPS_PER_CM = 566.93
TEXT_WIDTH_TWIPS = int((PAGE_WIDTH_CM - 2 * MARGIN_SIDE_CM) * _TWIPS_PER_CM)

BODY_SIZE = 12  # 小四
TABLE_SIZE = 9  # 小五
HEADING_SIZES = {1: 16, 2: 14, 3: 12, 4: 12}  # 三号, 四号, 小四
CHART_WIDTH_CM = 14.0
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
TABLE_STYLE = "TableText"  # paragraph styles of table cells, added to the template's styles
TABLE_HEADING_STYLE = "TableHeading"

_SPACE = re.compile(r"\s")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text safe for XML: control characters other than tab and newline dropped."""
    return _XML_INVALID.sub("", text)


def _twips(points: float) -> int:
    return round(points * 20)


def _run_props(size: float | None = None, font: str | None = None) -> str:
    props = []
    if font is not None:
        props.append(
            f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:hint="eastAsia"/>'
        )
    if size is not None:
        half_points = round(size * 2)
        props.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    return f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""


def _runs(text: str, run_props: str) -> str:
    """Runs of one line of text; tabs become Word tabs."""
    if not text:
        return ""
    content = "<w:tab/>".join(_text_xml(piece) for piece in _clean(text).split("\t"))
    return f"<w:r>{run_props}{content}</w:r>"


def _text_xml(text: str) -> str:
    if text and not _SPACE.search(text):
        return f"<w:t>{escape(text)}</w:t>"
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'  # spaces kept as printed
