"""Recognize a disclosure in the lines of a document: find its parts and tables, fill the model.

The recognizer knows the template, not file formats: it works on ``Line`` objects from any reader.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from yusuan.errors import BlankTemplateError, NotADisclosureError
from yusuan.model import ContentsEntry, Disclosure, RowKind, Source, Table
from yusuan.readers.text import NBSP, Line, TextDocument
from yusuan.recognize.headings import join_split_headings
from yusuan.recognize.narrative import read_glossary, read_part1, read_part3
from yusuan.recognize.tables import TableBuilder, classify_projects
from yusuan.templates import SHANXI, Template, detect
from yusuan.templates.spec import TableSpec

_PART = re.compile(r"^第([一二三四])部分")
_PART1 = re.compile(r"^第一部分概况$")
_PART2 = re.compile(r"^第二部分\d{4}年度?(单位|部门)预算报表$")
_PART3 = re.compile(r"^第三部分\d{4}年度?(单位|部门)预算情况说明$")
_PART4 = re.compile(r"^第四部分名词解释$")
_TOC_ENTRY = re.compile(r"\.{3,}|…{2,}")
_FURNITURE = re.compile(
    r"^(?:@#@#@.*@#@#@"  # page-end markers of some PDF converters
    r"|(?:预算公开表|部门公开表|单位公开表)\d+"
    r"|[-—–]?[0-9一二三四五六七八九十]{1,3}[-—–]?)$"  # page numbers "-28-", "— 七 —"
)
_UNIT_NAME = re.compile(r"(?:编制)?(单位|部门)(?:名称)?[：:]\s*(\S+?)(?:\s|单位[：:]|$)")
_AMOUNT_UNITS = ("元", "万元", "千元")
_AMOUNT_UNIT = re.compile(r"单位[：:]\s*(万元|元|千元)")
_YEAR = re.compile(r"(20\d{2})年")
_COVER_YEAR = re.compile(r"(20\d{2})年度?(?:部门|单位)?(?:预算|决算)")


@dataclass(slots=True)
class Segments:
    part1: list[Line]
    tables: dict[int, tuple[Line, list[Line]]]
    part3: list[Line]
    part4: list[Line]


def _running_headers(lines: list[Line]) -> set[str]:
    """Lines repeated on many pages: running headers such as 'XX2025年单位预算公开报告'."""
    counts = Counter(line.compact for line in lines if line.compact)
    return {
        text
        for text, n in counts.items()
        if n >= 3 and ("预算公开报告" in text or ("预算公开" in text and len(text) > 12))
    }


def _furniture(compact: str) -> bool:
    # (only a short line, a page-end marker or a 公开表 number can match _FURNITURE)
    return (
        len(compact) <= 5 or compact[:5] in _FURNITURE_HEADS or compact.startswith("@#@#@")
    ) and bool(_FURNITURE.match(compact))


_FURNITURE_HEADS = ("预算公开表", "部门公开表", "单位公开表")


def clean_lines(lines: list[Line]) -> list[Line]:
    headers = _running_headers(lines)
    kept = []
    for line in lines:
        compact = line.compact
        if not compact and NBSP not in line.text:
            continue  # a line of no-break spaces is a row of blank cells, not an empty line
        if compact in headers:
            continue
        # (``_furniture`` inlined: its cheap tests first, this runs for every line)
        if (
            len(compact) <= 5 or compact[:5] in _FURNITURE_HEADS or compact.startswith("@#@#@")
        ) and _FURNITURE.match(compact):
            continue
        kept.append(line)
    return kept


def _is_toc(line: Line, before_body: bool = True) -> bool:
    """A table-of-contents entry: dot leaders, or (before the body starts) a heading whose
    last cell is a page number. Inside the body "合计 | 583" is a table row, not a TOC entry."""
    text = line.text
    if ("..." in text or "……" in text) and _TOC_ENTRY.search(text):  # (what it needs)
        return True
    return (
        before_body
        and line.cells is not None
        and len([c for c in line.cells if c]) == 2
        and line.cells[-1].isdigit()
    )


def _is_part(line: Line, pattern: re.Pattern[str]) -> bool:
    """``pattern`` (_PART1, _PART2: "第…部分…") matches the line."""
    compact = line.compact
    return compact.startswith("第") and "部分" in compact[:5] and bool(pattern.match(compact))


def _title_of(line: Line, profile: Template = SHANXI) -> TableSpec | None:
    compact = line.compact
    if "表" not in compact or len(compact) > 60:
        return None
    return profile.title_of(compact)


# Shanghai documents head their parts with the unit's name: "XX主要职能", "XX机构设置".
_SH_DUTIES = re.compile(r"^(?!.*[、.．])\S{2,40}主要职能$")
_SH_GLOSSARY = re.compile(r"^名词解释$")
_SH_EXPLANATION = re.compile(r"^(?:\d{4}年)?(单位|部门)?预算编制说明$")
_SH_NOTES = re.compile(r"^其他相关情况说明$")


def segment_shanghai(lines: list[Line], profile: Template) -> Segments:
    """Shanghai order: 主要职能, 机构设置, 名词解释, 预算编制说明, the tables, 其他相关情况说明."""

    def first(pattern: re.Pattern[str], start: int = 0) -> int | None:
        return next((i for i in range(start, len(lines)) if pattern.match(lines[i].compact)), None)

    duties = first(_SH_DUTIES)
    start = duties or 0
    titles = [(i, spec) for i, ln in enumerate(lines) if i > start
              for spec in [_title_of(ln, profile)] if spec is not None]  # fmt: skip
    notes = first(_SH_NOTES, start)
    glossary = first(_SH_GLOSSARY, start)
    explanation = first(_SH_EXPLANATION, start)
    first_table = titles[0][0] if titles else (notes or len(lines))
    tables: dict[int, tuple[Line, list[Line]]] = {}
    for k, (i, spec) in enumerate(titles):
        stop = titles[k + 1][0] if k + 1 < len(titles) else (notes or len(lines))
        if spec.number not in tables:
            tables[spec.number] = (lines[i], lines[i + 1 : stop])
        else:  # the same table continued after a repeated title on the next page
            tables[spec.number][1].extend(lines[i + 1 : stop])
    ends = [x for x in (glossary, explanation, first_table) if x is not None]
    part1 = lines[start : min(ends)] if duties is not None else []
    part4: list[Line] = []
    if glossary is not None:
        stop = min(
            x for x in (explanation, first_table, len(lines)) if x is not None and x > glossary
        )
        part4 = lines[glossary + 1 : stop]
    part3: list[Line] = []
    if explanation is not None:
        part3 += lines[explanation:first_table]
    if notes is not None:
        part3 += lines[notes + 1 :]
    return Segments(part1, tables, part3, part4)


def _restart(lines: list[Line], heads: list[int], patterns: tuple[re.Pattern[str], ...]) -> int:
    """Where the part headings start again at a lower part than the one before: a 目录 lists
    the parts in order, so that heading begins the body even when the body lacks the parts
    before it (a scan of some pages only). 0 when they never go back."""
    previous = 0
    for i in heads:
        number = next((n for n, p in enumerate(patterns, 1) if _is_part(lines[i], p)), 0)
        if number and number < previous:
            return i
        previous = number or previous
    return 0


def segment(lines: list[Line], profile: Template = SHANXI) -> Segments:
    head1, head2, head3, head4 = profile.part_headings or (_PART1, _PART2, _PART3, _PART4)
    titles: list[tuple[int, TableSpec]] = []
    part1_at = part3_at = part4_at = None
    # Part headings ("第…部分…"), found in one pass: the last Part 1 heading starts the body.
    heads = [i for i, ln in enumerate(lines) if ln.compact.startswith("第")]
    body_start = max((i for i in heads if _is_part(lines[i], head1)), default=0)
    body_start = max(body_start, _restart(lines, heads, (head1, head2, head3, head4)))
    # After the body starts only dot leaders make a TOC entry: look for them before calling.
    toc = [_is_toc(line, True) for line in lines[:body_start]] + [
        _is_toc(line, False) if "..." in line.text or "……" in line.text else False
        for line in lines[body_start:]
    ]
    # A 目录 without page numbers: before the body, a heading printed again in it, and any part
    # heading (also one of a part the body lacks, as in a scan of some of the pages).
    later = {lines[i].compact for i in heads if i >= body_start}
    for i in heads:
        if i < body_start and (lines[i].compact in later or "部分" in lines[i].compact[:5]):
            toc[i] = True
    for i, line in enumerate(lines):
        compact = line.compact
        if toc[i]:
            continue
        if compact.startswith("第") and "部分" in compact[:5]:
            if head1.match(compact):
                part1_at = i
            elif head3.match(compact) and part3_at is None:
                part3_at = i
            elif head4.match(compact):
                part4_at = i
        elif part3_at is None:  # (tables are only looked for before Part 3)
            spec = _title_of(line, profile)
            if spec is not None:
                titles.append((i, spec))
    end_of_tables = part3_at if part3_at is not None else (part4_at or len(lines))
    tables: dict[int, tuple[Line, list[Line]]] = {}
    for k, (i, spec) in enumerate(titles):
        stop = titles[k + 1][0] if k + 1 < len(titles) else end_of_tables
        body = [
            lines[j]
            for j in range(i + 1, stop)
            if not toc[j] and not ("部分" in lines[j].compact and head2.match(lines[j].compact))
        ]
        if spec.number not in tables:
            tables[spec.number] = (lines[i], body)
    start1 = (part1_at + 1) if part1_at is not None else 0
    stops = [x for x in (titles[0][0] if titles else None, part3_at) if x is not None]
    part2_heads = [i for i in heads if _is_part(lines[i], head2) and i > start1]
    stop1 = min(stops + part2_heads[:1]) if (stops or part2_heads) else len(lines)
    part1 = lines[start1:stop1] if part1_at is not None else []
    part3 = lines[part3_at + 1 : part4_at or len(lines)] if part3_at is not None else []
    part4 = lines[part4_at + 1 :] if part4_at is not None else []
    return Segments(part1, tables, part3, part4)


# How a template orders its parts (``Template.layout``).
SEGMENTERS = {"parts": segment, "named_sections": segment_shanghai}


def _meta(disclosure: Disclosure, doc: TextDocument, segments: Segments) -> None:
    meta = disclosure.meta
    meta.source_file = doc.path
    meta.extraction = doc.style
    for _, (_, body) in sorted(segments.tables.items()):
        for line in body[:4]:
            found = _UNIT_NAME.search(line.text.replace("\t", " "))
            if found and found.group(2) in _AMOUNT_UNITS:
                found = None  # "单位：万元" names the amounts' unit, not the body
            if found and not meta.unit_name:
                meta.unit_name = found.group(2)
                meta.scope = "部门" if found.group(1) == "部门" else "单位"
            unit = _AMOUNT_UNIT.search(line.text)
            if unit:
                meta.amount_unit = unit.group(1)
        if meta.unit_name:
            break
    years = Counter(
        int(m.group(1))
        for title, _ in segments.tables.values()
        for m in [_YEAR.search(title.compact)]
        if m
    )
    if years:
        meta.year = years.most_common(1)[0][0]
    head = " ".join(line.compact for line in doc.lines[:40])
    if meta.year is None:  # titles without a year (决算): the cover's "2024年度部门决算"
        cover = _COVER_YEAR.search(head)
        meta.year = int(cover.group(1)) if cover else None
    if "部门预算公开" in head or "部门预算情况说明" in head or "部门决算" in head:
        meta.scope = "部门"
    if not meta.unit_name:
        for line in doc.lines[:10]:
            if line.compact and not _YEAR.search(line.compact) and len(line.compact) < 40:
                meta.unit_name = line.compact
                break


def recognize(doc: TextDocument) -> Disclosure:
    lines = join_split_headings(clean_lines(doc.lines), (_PART1, _PART2, _PART3, _PART4))
    profile = detect([line.compact for line in lines])
    segments = SEGMENTERS[profile.layout](lines, profile)
    if not segments.tables and not segments.part3 and not segments.part1:
        raise NotADisclosureError(
            doc.path,
            "未找到预算公开文件的任何部分（概况、预算报表、情况说明）",
            "请确认这是部门或单位预算（决算）公开文件",
        )
    refuse_blank_template(doc, lines, segments, profile)
    disclosure = Disclosure()
    disclosure.page_starts = _page_starts(doc.lines)
    disclosure.contents = _contents(doc)
    disclosure.meta.profile = profile.key
    disclosure.meta.kind = profile.kind
    disclosure.meta.amount_unit = profile.amount_unit
    _meta(disclosure, doc, segments)
    for number, (title_line, body) in sorted(segments.tables.items()):
        spec = profile.spec(number)
        builder = TableBuilder(spec, doc.path, disclosure.meta.year, doc.style)
        source = Source(doc.path, title_line.number, title_line.page)
        table = builder.build(title_line.compact, body, source)
        table.unit_name = _printed_unit_name(body) or disclosure.meta.unit_name
        table.amount_unit = _table_unit(body) or disclosure.meta.amount_unit
        for message, where in builder.warnings:
            disclosure.warn(message, where)
        disclosure.tables[number] = table
        _warn_low_confidence(disclosure, table)
    _units(disclosure)
    read_part1(disclosure, segments.part1)
    _listed_units(disclosure, segments.part1)
    read_part3(disclosure, segments.part3, doc)
    read_glossary(disclosure, segments.part4)
    _report_missing(disclosure, segments, profile)
    return disclosure


_LEADER = re.compile(r"\s*[.．…·]{2,}.*$|\t\s*\d+\s*$")
_ENTRY = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|"
    r"表[一二三四五六七八九十]+|\d{1,2}\s*[.．、])"
)


def _contents(doc: TextDocument) -> list[ContentsEntry]:
    """The 目录's entries: the numbered lines after a "目录" heading (leader dots and page numbers
    taken off), up to the first line that is not one."""
    lines = doc.lines[:150]
    start = next((i for i, ln in enumerate(lines) if ln.compact == "目录"), None)
    if start is None:
        return []
    found: list[ContentsEntry] = []
    for line in lines[start + 1 :]:
        if not line.compact:
            continue
        text = _LEADER.sub("", line.text).strip()
        if not _ENTRY.match(text) or len(text) > 60:
            break
        found.append(ContentsEntry(text, Source(doc.path, line.number, line.page)))
    return found


def _page_starts(lines: list[Line]) -> list[tuple[int, int]]:
    starts: list[tuple[int, int]] = []
    for line in lines:
        if line.page is not None and (not starts or starts[-1][1] != line.page):
            starts.append((line.number, line.page))
    return starts


LOW_CONFIDENCE = 0.9  # below this an OCR-read cell is reported, never silently trusted


def _warn_low_confidence(disclosure: Disclosure, table: Table) -> None:
    """OCR cells read with low confidence: name table, row, column and page."""
    for row in table.rows:
        for key, cell in row.cells.items():
            source = cell.source
            if cell.confidence >= LOW_CONFIDENCE or source is None or source.bbox is None:
                continue  # a box means a page-based reader set the confidence
            if cell.text and cell.amount is None:
                continue  # already reported as 不是数字
            column = table.column(key, row.side)
            header = column.header if column else key
            read = f"读作“{cell.text}”" if cell.text else "未能读出（该处有字迹）"
            disclosure.warn(
                f"表{table.number}“{row.label or row.code}”行“{header}”列（第{source.page}页）"
                f"识别置信度低（{cell.confidence:.2f}），{read}，请与原件核对",
                source,
            )


def _printed_unit_name(body: list[Line]) -> str | None:
    """The 单位名称/编制单位 a table prints above its header, as printed."""
    for line in body[:4]:
        found = _UNIT_NAME.search(line.text.replace("\t", " "))
        if found and found.group(2) not in _AMOUNT_UNITS:
            return found.group(2)
    return None


def _table_unit(body: list[Line]) -> str | None:
    """A table's own 单位：元/万元 line (Shanghai's 三公 table is in 万元, the others in 元)."""
    for line in body[:6]:
        found = _AMOUNT_UNIT.search(line.text.replace("\t", " "))
        if found:
            return found.group(1)
    return None


def _units(disclosure: Disclosure) -> None:
    t11: Table | None = disclosure.tables.get(11)
    if t11 is not None:
        disclosure.meta.units = [r.label for r in t11.rows if r.kind != RowKind.TOTAL and r.label]
    names = {disclosure.meta.unit_name, *disclosure.meta.units} - {""}
    for number in (12, 13):
        if number in disclosure.tables:
            classify_projects(disclosure.tables[number], names)


def _report_missing(disclosure: Disclosure, segments: Segments, profile: Template) -> None:
    path = disclosure.meta.source_file
    names_by_number = profile.table_names
    missing = [n for n in names_by_number if n not in disclosure.tables]
    if missing:
        names = "、".join(f"表{n}（{names_by_number[n]}）" for n in missing)
        disclosure.warn(f"缺少表格：{names}", Source(path))
    if not segments.part1:
        disclosure.warn("缺少第一部分（概况）", Source(path))
    if not segments.part3:
        disclosure.warn("缺少第三部分（预算情况说明）", Source(path))
    if not segments.part4:
        disclosure.warn("缺少第四部分（名词解释）", Source(path))


# Template placeholders: "上海市XX局", "XXX万元", "占XX%".
_PLACEHOLDER = re.compile(r"X{2,}")
BLANK_TEMPLATE_LINES = 10  # at least this many lines with placeholders …
BLANK_TEMPLATE_SHARE = 0.25  # … making at least this share of the narrative's lines


def refuse_blank_template(
    doc: TextDocument, lines: list[Line], segments: Segments, profile: Template
) -> None:
    """Raise ``BlankTemplateError`` when the document is the template itself: its names and
    figures are still XX placeholders. A filled document with a few left-over XX is read (the
    text rules report the residue)."""
    marked = [line for line in lines if "XX" in line.text and _PLACEHOLDER.search(line.text)]
    narrative = len(segments.part1) + len(segments.part3) + len(segments.part4)
    if len(marked) < BLANK_TEMPLATE_LINES or len(marked) < BLANK_TEMPLATE_SHARE * narrative:
        return
    first = marked[0]
    where = f"第{first.page}页" if first.page is not None else f"第{first.number}行"
    raise BlankTemplateError(
        doc.path,
        f"这是未填写的{profile.kind}公开模板（{profile.name}），不是{profile.kind}公开文件："
        f"{len(marked)}行仍是“XX”占位符（如{where}“{first.compact[:30]}”）",
        "模板本身无需检查；请检查按模板填写后的公开文件",
    )


def _listed_units(disclosure: Disclosure, part1: list[Line]) -> None:
    """The units a department's 决算 lists in its 单位构成 table (序号 | 单位名称 | 备注)."""
    listing = False
    for line in part1:
        cells = [c.strip() for c in line.cells] if line.cells is not None else []
        if len(cells) >= 2 and "单位名称" in "".join(cells):
            listing = True
        elif listing and len(cells) >= 2 and cells[0].isdigit() and cells[1]:
            name = "".join(cells[1].split())
            if name not in disclosure.meta.units:
                disclosure.meta.units.append(name)
        elif listing:
            listing = False
