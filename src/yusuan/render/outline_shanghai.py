"""The outline of a document in the "named_sections" layout (Shanghai): a cover with its 目录,
主要职能, 机构设置, 名词解释, 预算编制说明, the tables, then 其他相关情况说明 with its numbered
sections, as the district documents order them. No charts: the template prints none."""

from __future__ import annotations

import re

from yusuan.model import Disclosure
from yusuan.numerals import cn_numeral
from yusuan.render.blocks import Block, Heading, Outline, PageBreak, Paragraph, TableBlock
from yusuan.render.layout import table_grid

NOTES = "其他相关情况说明"
GLOSSARY = "名词解释"
_DISTRICT = re.compile(r"^(上海市\S{1,6}?区)")


def _paragraphs(text: str) -> list[Block]:
    return [Paragraph(p.strip()) for p in text.split("\n") if p.strip()]


def build_named_outline(d: Disclosure) -> Outline:
    department = d.meta.scope == "部门"
    scope = "部门" if department else "单位"
    year = str(d.meta.year or "")
    name = d.meta.unit_name
    district = _DISTRICT.match(name)
    title = f"{district.group(1) if district else '上海市'}{year}年区级{scope}预算"
    outline = Outline(name, title)
    blocks = outline.blocks
    owner = "预算主管部门" if department else "预算单位"
    blocks += [Heading(title, 0), Paragraph(f"{owner}：{name}", "center")]
    grids = [table_grid(t, d) for _, t in sorted(d.tables.items())]
    explanation = next((s for s in d.sections if not s.number), None)
    toc = [f"一、{scope}主要职能", f"二、{scope}机构设置", f"三、{GLOSSARY}",
           f"四、{scope}预算编制说明", f"五、{scope}预算表",
           *(f"{i}. {g.title}" for i, g in enumerate(grids, start=1)), f"六、{NOTES}"]  # fmt: skip
    blocks += [Heading("目  录", 1), *(Paragraph(line, "toc") for line in toc), PageBreak()]
    blocks += [Heading(f"{name}主要职能", 1), *_paragraphs(d.duties)]
    blocks += [Heading(f"{name}机构设置", 1), *_paragraphs(d.organization), PageBreak()]
    blocks.append(Heading(GLOSSARY, 1))
    for i, entry in enumerate(d.glossary, start=1):
        blocks.append(Paragraph(f"（{cn_numeral(i)}）{entry.term}：{entry.definition}"))
    blocks.append(PageBreak())
    if explanation is not None:
        blocks += [Heading(explanation.title, 1), *_paragraphs(explanation.text)]
    blocks += [TableBlock(grid) for grid in grids]
    blocks += [PageBreak(), Heading(NOTES, 1)]
    for section in (s for s in d.sections if s.number):
        blocks += [Heading(f"{section.number}、{section.title}", 2), *_paragraphs(section.text)]
        for sub in section.subsections:
            blocks += [Heading(f"{sub.number}{sub.title}", 3), *_paragraphs(sub.text)]
    return outline
