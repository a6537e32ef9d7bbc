"""Read a Word document (DOCX) into lines: body paragraphs and table rows in document order.

A paragraph becomes one line (a paragraph with manual line breaks, one line per break). A table
row becomes one line whose ``cells`` hold one entry per column of the table grid: a merged cell's
text stands in its first (top-left) position and the positions it covers are ``''``, as a
tab-separated extraction prints them. Automatic list numbers (一、 （一） 1.) are printed before
their paragraph, as Word shows them. Text boxes, headers, footers and notes are not read.

The main document part is read straight from the ZIP container with the standard library's XML
parser: no part other than the document, its numbering and its styles is parsed, and a document
with macros (.docm) or a template (.dotx) reads like any other.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree as ET

from yusuan.errors import UnreadableFileError
from yusuan.readers.limits import check_zip
from yusuan.readers.text import Line, TextDocument

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_T, _TAB, _PTAB, _BR, _CR = f"{_W}t", f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"
_NO_BREAK_HYPHEN = f"{_W}noBreakHyphen"
_PPR, _TCPR, _TRPR = f"{_W}pPr", f"{_W}tcPr", f"{_W}trPr"
_VAL, _TYPE = f"{_W}val", f"{_W}type"
# Containers whose children are read as if they stood in the parent.
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag"}
# Subtrees that print no text of their paragraph: properties, deleted or moved-away text, field
# codes, drawings and text boxes (read twice otherwise, through their compatibility fallback),
# note marks and ruby annotations.
_SKIP = {
    f"{_W}{name}"
    for name in (
        "pPr", "rPr", "tcPr", "trPr", "tblPr", "tblGrid", "sdtPr", "sdtEndPr", "del",
        "moveFrom", "drawing", "pict", "object", "instrText", "delText", "footnoteReference",
        "endnoteReference", "rt",
    )
} | {f"{_MC}AlternateContent"}  # fmt: skip

_MAX_PART_BYTES = 256 * 1024 * 1024  # a larger document.xml is damaged or hostile
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    ET.ParseError,
    KeyError,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,  # a compression method zipfile does not know
)
_DAMAGED_MESSAGE = "Word 文件已损坏或不完整，无法打开"
_DAMAGED_HINT = "请重新导出或下载该文件，或在 Word/WPS 中打开后另存为 .docx"


def read_docx(path: str | Path, data: bytes) -> TextDocument:
    """Lines of a DOCX file. Raises ``UnreadableFileError`` (Chinese message) when the file is
    damaged, encrypted or not a Word document."""
    name = str(path)
    check_zip(name, data, "Word 文件")  # a member that unpacks to gigabytes is refused unread
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            main = _main_part(archive)
            body = _parse(archive, main).find(f"{_W}body")
            numbering_part = _related(archive, main, "/numbering")
            numbering = _Numbering(_parse(archive, numbering_part) if numbering_part else None)
            styles_part = _related(archive, main, "/styles")
            if numbering.lists and styles_part:
                numbering.read_styles(_read(archive, styles_part))
    except UnreadableFileError:
        raise
    except RuntimeError as exc:  # zipfile: encrypted members
        raise UnreadableFileError(
            name, "Word 文件已加密，无法读取", "请去掉密码保护后再读取"
        ) from exc
    except _DAMAGED as exc:
        raise UnreadableFileError(name, _DAMAGED_MESSAGE, _DAMAGED_HINT) from exc
    if body is None:
        raise UnreadableFileError(name, "Word 文件没有正文", "请确认文件内容完整")
    lines: list[Line] = []
    try:
        for element in _children(body):
            if element.tag == _P:
                for text in _paragraph_text(element, numbering).split("\n"):
                    lines.append(Line(len(lines) + 1, text.rstrip()))
            elif element.tag == _TBL:
                for cells in _table_rows(element, numbering):
                    lines.append(Line(len(lines) + 1, "\t".join(cells), cells))
    except RecursionError as exc:  # elements nested thousands deep: not a real document
        raise UnreadableFileError(name, _DAMAGED_MESSAGE, _DAMAGED_HINT) from exc
    return TextDocument(name, lines, "docx", "utf-8")


# --- the package -----------------------------------------------------------------------------


def _read(archive: zipfile.ZipFile, member: str) -> bytes:
    info = archive.getinfo(member)
    if info.file_size > _MAX_PART_BYTES:
        raise ValueError(f"{member} is too large")
    return archive.read(info)


def _parse(archive: zipfile.ZipFile, member: str) -> ET.Element:
    return ET.fromstring(_read(archive, member))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship type → target part name of the relationships of ``part`` ('' = package)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in archive.namelist():
        return {}
    found: dict[str, str] = {}
    for rel in _parse(archive, rels).iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        name = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found.setdefault(rel.get("Type", ""), posixpath.normpath(name))
    return found


def _main_part(archive: zipfile.ZipFile) -> str:
    for kind, target in _relationships(archive, "").items():
        if kind.endswith("/officeDocument") and target in archive.namelist():
            return target
    return "word/document.xml"


def _related(archive: zipfile.ZipFile, main: str, kind: str) -> str | None:
    """The part related to the main part by a relationship of type ``…kind``."""
    for rel_type, target in _relationships(archive, main).items():
        if rel_type.endswith(kind) and target in archive.namelist():
            return target
    return None


# --- text ------------------------------------------------------------------------------------


def _children(element: ET.Element) -> Iterator[ET.Element]:
    """Child elements, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def _paragraph_text(paragraph: ET.Element, numbering: _Numbering) -> str:
    parts = [numbering.label(paragraph)]
    _collect(paragraph, parts)
    return "".join(parts)


def _collect(element: ET.Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag == _BR:
            if child.get(_TYPE) in (None, "textWrapping"):
                parts.append("\n")
        elif tag == _CR:
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag not in _SKIP:
            _collect(child, parts)


def _int_value(element: ET.Element | None, default: int = 0) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_VAL, default))
    except ValueError:
        return default


def _table_rows(table: ET.Element, numbering: _Numbering) -> Iterator[list[str]]:
    for row in _children(table):
        if row.tag != _TR:
            continue
        properties = row.find(_TRPR)
        before = _int_value(properties.find(f"{_W}gridBefore")) if properties is not None else 0
        cells = [""] * max(0, before)
        for cell in _children(row):
            if cell.tag != _TC:
                continue
            span, covered = _cell_layout(cell)
            if covered:
                cells += [""] * span
                continue
            texts = (_paragraph_text(p, numbering).strip() for p in _cell_paragraphs(cell))
            cells.append("\n".join(t for t in texts if t))
            cells += [""] * (span - 1)
        yield cells


def _cell_layout(cell: ET.Element) -> tuple[int, bool]:
    """Columns a cell spans, and whether it is covered by the merged cell above it
    (w:vMerge without "restart") or to its left (the legacy w:hMerge)."""
    properties = cell.find(_TCPR)
    if properties is None:
        return 1, False
    span = max(1, _int_value(properties.find(f"{_W}gridSpan"), 1))
    covered = False
    for tag in ("vMerge", "hMerge"):
        merge = properties.find(f"{_W}{tag}")
        if merge is not None and merge.get(_VAL, "continue") != "restart":
            covered = True
    return span, covered


def _cell_paragraphs(element: ET.Element) -> Iterator[ET.Element]:
    """Paragraphs of a cell in order, including those of tables nested in it."""
    for child in element:
        if child.tag == _P:
            yield child
        elif child.tag not in _SKIP:
            yield from _cell_paragraphs(child)


# --- automatic numbering ---------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"  # digit by digit: 二〇二五
_CN_COUNT = "零一二三四五六七八九"  # counting: 一百零五
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_PLACEHOLDER = re.compile(r"%([1-9])")


def _chinese_count(n: int, digits: str = _CN_COUNT, ten: str = "十") -> str:
    """1..9999 in Chinese counting: 一, 十, 十一, 二十, 一百零五."""
    if n <= 0 or n > 9999:
        return str(n)
    units = (("千", 1000), ("百", 100), (ten, 10), ("", 1))
    out = ""
    zero = False
    for unit, size in units:
        digit = n // size % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        if not (unit == ten and digit == 1 and not out):
            out += digits[digit]
        out += unit
    return out


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = ""
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out += numeral * count
    return out


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    letter = chr(ord("A") + (n - 1) % 26)
    return letter * ((n - 1) // 26 + 1)  # Word's AA, BB … after Z


def format_number(n: int, fmt: str) -> str:
    """A list number in one of Word's number formats."""
    if fmt in ("bullet", "none"):
        return ""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting"):
        return _chinese_count(n)
    if fmt in ("taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese_count(n)
    if fmt == "chineseLegalSimplified":
        return _chinese_count(n, _CN_LEGAL, "拾")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("ideographTraditional", "ideographZodiac"):
        names = _HEAVENLY_STEMS if fmt == "ideographTraditional" else _EARTHLY_BRANCHES
        return names[n - 1] if 0 < n <= len(names) else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return chr(0x2460 + n - 1) if 0 < n <= 20 else str(n)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n) if fmt == "upperLetter" else _letters(n).lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return str(n)


@dataclass(slots=True)
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    suffix: str = "tab"


@dataclass(slots=True)
class _List:
    abstract: str
    levels: dict[int, _Level] = field(default_factory=dict)  # overrides of the abstract list
    starts: dict[int, int] = field(default_factory=dict)  # w:startOverride
    used: bool = False


def _levels(element: ET.Element) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in element.iter(f"{_W}lvl"):
        fmt = lvl.find(f"{_W}numFmt")
        text = lvl.find(f"{_W}lvlText")
        suffix = lvl.find(f"{_W}suff")
        levels[int(lvl.get(f"{_W}ilvl", "0"))] = _Level(
            fmt.get(_VAL, "decimal") if fmt is not None else "decimal",
            text.get(_VAL, "") if text is not None else "",
            _int_value(lvl.find(f"{_W}start"), 1),
            suffix.get(_VAL, "tab") if suffix is not None else "tab",
        )
    return levels


_STYLE_BLOCK = re.compile(rb"<w:style\b([^>]*)>(.*?)</w:style>", re.S)
_STYLE_ID = re.compile(rb'w:styleId="([^"]*)"')
_BASED_ON = re.compile(rb'<w:basedOn\s+w:val="([^"]*)"')
_NUM_PR = re.compile(rb"<w:numPr>(.*?)</w:numPr>", re.S)
_NUM_ID = re.compile(rb'<w:numId\s+w:val="(\d+)"')
_ILVL = re.compile(rb'<w:ilvl\s+w:val="(\d+)"')


class _Numbering:
    """Word's automatic list numbers: the label each numbered paragraph shows, in order."""

    def __init__(self, numbering: ET.Element | None) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.lists: dict[str, _List] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbers: dict[str, tuple[str | None, int | None]] = {}
        if numbering is not None:
            for abstract in numbering.iter(f"{_W}abstractNum"):
                self.abstracts[abstract.get(f"{_W}abstractNumId", "")] = _levels(abstract)
            for num in numbering.iter(f"{_W}num"):
                abstract_id = num.find(f"{_W}abstractNumId")
                entry = _List(abstract_id.get(_VAL, "") if abstract_id is not None else "")
                for override in num.iter(f"{_W}lvlOverride"):
                    level = int(override.get(f"{_W}ilvl", "0"))
                    start = override.find(f"{_W}startOverride")
                    if start is not None:
                        entry.starts[level] = _int_value(start, 1)
                    entry.levels.update(_levels(override))
                self.lists[num.get(f"{_W}numId", "")] = entry

    def read_styles(self, data: bytes) -> None:
        """Numbering that paragraph styles carry (headings numbered through their style),
        following ``basedOn``. Word's styles part is large and only a few facts are needed, so
        they are picked out of the text; a part written with another namespace prefix is
        parsed."""
        own: dict[str, tuple[str | None, int | None]] = {}
        based: dict[str, str] = {}
        if b"<w:styles" in data:
            for block in _STYLE_BLOCK.finditer(data):
                found = _STYLE_ID.search(block.group(1))
                if found is None:
                    continue
                style_id = found.group(1).decode("utf-8", "replace")
                parent = _BASED_ON.search(block.group(2))
                if parent is not None:
                    based[style_id] = parent.group(1).decode("utf-8", "replace")
                num_pr = _NUM_PR.search(block.group(2))
                if num_pr is not None:
                    id_match = _NUM_ID.search(num_pr.group(1))
                    level_match = _ILVL.search(num_pr.group(1))
                    own[style_id] = (
                        id_match.group(1).decode() if id_match is not None else None,
                        int(level_match.group(1)) if level_match is not None else None,
                    )
        else:
            for style in ET.fromstring(data).iter(f"{_W}style"):
                style_id = style.get(f"{_W}styleId", "")
                parent_element = style.find(f"{_W}basedOn")
                if parent_element is not None:
                    based[style_id] = parent_element.get(_VAL, "")
                num_pr_element = style.find(f"{_PPR}/{_W}numPr")
                if num_pr_element is not None:
                    id_element = num_pr_element.find(f"{_W}numId")
                    level_element = num_pr_element.find(f"{_W}ilvl")
                    own[style_id] = (
                        id_element.get(_VAL) if id_element is not None else None,
                        _int_value(level_element) if level_element is not None else None,
                    )
        for style_id in set(own) | set(based):
            chain: list[tuple[str | None, int | None]] = []
            current, seen = style_id, set()
            while current and current not in seen:
                seen.add(current)
                chain.append(own.get(current, (None, None)))
                current = based.get(current, "")
            num_id = next((n for n, _ in chain if n is not None), None)
            level = next((lv for _, lv in chain if lv is not None), None)
            if num_id is not None:
                self.style_numbers[style_id] = (num_id, level)

    def label(self, paragraph: ET.Element) -> str:
        if not self.lists:
            return ""
        properties = paragraph.find(_PPR)
        if properties is None:
            return ""
        num_id: str | None = None
        level: int | None = None
        style = properties.find(f"{_W}pStyle")
        if style is not None:
            num_id, level = self.style_numbers.get(style.get(_VAL, ""), (None, None))
        num_pr = properties.find(f"{_W}numPr")
        if num_pr is not None:
            own_id = num_pr.find(f"{_W}numId")
            own_level = num_pr.find(f"{_W}ilvl")
            if own_id is not None:
                num_id = own_id.get(_VAL)
            if own_level is not None:
                level = _int_value(own_level)
        entry = self.lists.get(num_id or "")
        if entry is None:  # numId 0 or unknown: numbering removed
            return ""
        return self._next(entry, min(max(level or 0, 0), 8))

    def _level(self, entry: _List, level: int) -> _Level:
        return entry.levels.get(level) or self.abstracts.get(entry.abstract, {}).get(
            level, _Level()
        )

    def _next(self, entry: _List, level: int) -> str:
        counters = self.counters.setdefault(entry.abstract, {})
        if not entry.used:  # a list that restarts its numbering
            entry.used = True
            for restart, start in entry.starts.items():
                counters[restart] = start - 1
        definition = self._level(entry, level)
        counters[level] = counters.get(level, definition.start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]

        def number(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            shown = self._level(entry, at)
            value = counters.get(at, shown.start)
            return format_number(
                value, "decimal" if at != level and shown.fmt == "bullet" else shown.fmt
            )

        if definition.fmt == "none" or not definition.text:
            return ""
        text = definition.text if definition.fmt != "bullet" else ""
        label = _PLACEHOLDER.sub(number, text)
        if not label:
            return ""
        return label + ("" if definition.suffix == "nothing" else " ")
