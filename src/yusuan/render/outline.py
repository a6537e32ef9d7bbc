"""The published document as an ordered list of blocks, built once from a Disclosure.

Every renderer (DOCX, PDF, HTML) walks the same outline, so the documents they write have the
same parts, headings, tables and charts in the same order: the order of the disclosure's template
(``Template.layout``: "parts" as Shanxi's 第一部分 … 第四部分 here, "named_sections" as Shanghai's
in ``outline_shanghai``).
"""

from __future__ import annotations

from yusuan.model import Disclosure, FundSources, Indicator, PerformanceTable, Section
from yusuan.numerals import cn_numeral, parse_cn_numeral
from yusuan.render.blocks import (
    Block,
    Chart,
    Heading,
    LabelGrid,
    Outline,
    PageBreak,
    Paragraph,
    TableBlock,
)
from yusuan.render.layout import spec_of, table_grid
from yusuan.templates import template_of

STRUCTURE_CHART = "一般公共预算当年拨款结构图"
THREE_PUBLIC_CHART = "三公经费分布图"


_CAPTIONS = (STRUCTURE_CHART, THREE_PUBLIC_CHART)


def _paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a text; chart captions are left out (the chart block prints its own)."""
    return [
        Paragraph(p.strip()) for p in text.split("\n") if p.strip() and p.strip() not in _CAPTIONS
    ]


def _section_blocks(section: Section, level: int) -> list[Block]:
    separator = "、" if section.number[-1] not in "）)、." else ""
    blocks: list[Block] = [Heading(f"{section.number}{separator}{section.title}", level)]
    blocks += _paragraphs(section.text)
    for sub in section.subsections:
        blocks += _section_blocks(sub, level + 1)
        if parse_cn_numeral(section.number) == 5 and "结构" in sub.title:
            blocks.append(Chart(STRUCTURE_CHART, STRUCTURE_CHART))
    if parse_cn_numeral(section.number) == 7:
        blocks.append(Chart(THREE_PUBLIC_CHART, THREE_PUBLIC_CHART))
    return blocks


def _toc(d: Disclosure, scope: str, year: str) -> list[Block]:
    lines = [
        "第一部分 概况",
        f"一、本{scope}职责",
        "二、机构设置情况",
        f"第二部分 {year}年{scope}预算报表",
    ]
    template = template_of(d)
    for _, table in sorted(d.tables.items()):
        spec = spec_of(table, template)
        lines.append(f"表{cn_numeral(spec.number)}{year}年{spec.name}")
    lines.append(f"第三部分 {year}年度{scope}预算情况说明")
    lines += [f"{s.number}、{s.title}" for s in d.sections]
    lines.append("第四部分 名词解释")
    # Dot leaders as in published documents; they also keep TOC lines apart from table titles.
    return [Heading("目  录", 1), *[Paragraph(f"{line}……", "toc") for line in lines], PageBreak()]


def _full_text(section: Section) -> str:
    return section.text + "".join(_full_text(sub) for sub in section.subsections)


def build_outline(d: Disclosure) -> Outline:
    template = template_of(d)
    if template.kind == "决算":
        from yusuan.render.outline_final import build_final_outline

        return build_final_outline(d)
    if template.layout == "named_sections":
        from yusuan.render.outline_shanghai import build_named_outline

        return build_named_outline(d)
    scope = "部门" if d.meta.scope == "部门" else "单位"
    year = str(d.meta.year or "")
    outline = Outline(d.meta.unit_name, f"{year}年度{scope}预算公开")
    blocks = outline.blocks
    blocks += [Heading(d.meta.unit_name, 0), Paragraph(outline.subtitle, "center"), PageBreak()]
    blocks += _toc(d, scope, year)
    blocks += [Heading("第一部分 概况", 1), Heading(f"一、本{scope}职责", 2)]
    blocks += _paragraphs(d.duties)
    blocks += [Heading("二、机构设置情况", 2), *_paragraphs(d.organization), PageBreak()]
    blocks.append(Heading(f"第二部分 {year}年{scope}预算报表", 1))
    for _, table in sorted(d.tables.items()):
        blocks.append(TableBlock(table_grid(table, d)))
    blocks += [PageBreak(), Heading(f"第三部分 {year}年度{scope}预算情况说明", 1)]
    project_tables = list(d.performance_tables)
    for section in d.sections:
        blocks += _section_blocks(section, 2)
        if parse_cn_numeral(section.number) == 10 and project_tables:
            if "见附件" not in _full_text(section):
                blocks.append(Paragraph("（项目绩效目标表公开情况见附件）"))
            for goals in project_tables:
                if goals.confidence < 0.5:
                    # Nothing trustworthy to print: say so rather than print an empty table.
                    blocks.append(
                        Paragraph(
                            f"附：“{goals.project}”项目支出绩效目标表原件为扫描件，无法识读。"
                        )
                    )
                else:
                    blocks.append(performance_grid(goals, year))
    for annex in d.annexes:
        blocks += [Heading(annex.title, 3), *_paragraphs(annex.text)]
    if d.glossary:
        blocks += [PageBreak(), Heading("第四部分 名词解释", 1)]
        for i, entry in enumerate(d.glossary, start=1):
            blocks.append(Paragraph(f"{cn_numeral(i)}、{entry.term}：{entry.definition}"))
    return outline


def _money(cell: object) -> str:
    text = getattr(cell, "text", "") if cell is not None else ""
    return str(text or "")


def _fund_rows(period: FundSources, annual: FundSources) -> list[list[tuple[str, int]]]:
    names = (
        ("central", "其中：中央财政资金"),
        ("provincial", "省级财政资金"),
        ("local", "市县（区）财政资金"),
        ("own", "单位自筹"),
        ("other", "其他资金"),
    )
    rows = [
        [
            ("项目资金（元）", 1),
            ("实施期资金总额：", 1),
            (_money(period.total), 2),
            ("年度资金总额：", 1),
            (_money(annual.total), 3),
        ]
    ]
    for key, name in names:
        rows.append(
            [
                ("", 1),
                (name, 1),
                (_money(getattr(period, key)), 2),
                (name, 1),
                (_money(getattr(annual, key)), 3),
            ]
        )
    return rows


def _indicator_rows(
    period: list[Indicator], annual: list[Indicator]
) -> list[list[tuple[str, int]]]:
    rows = [
        [
            ("绩效指标", 1),
            ("一级指标", 1),
            ("二级指标", 1),
            ("三级指标", 1),
            ("指标值", 1),
            ("二级指标", 1),
            ("三级指标", 1),
            ("指标值", 1),
        ]
    ]
    last = ("", "", "")
    for i in range(max(len(period), len(annual))):
        left = period[i] if i < len(period) else None
        right = annual[i] if i < len(annual) else None
        level1 = left.level1 if left else (right.level1 if right else "")
        level2 = left.level2 if left else ""
        rows.append(
            [
                ("", 1),
                (level1 if level1 != last[0] else "", 1),
                (level2 if (level1, level2) != last[:2] else "", 1),
                (left.level3 if left else "", 1),
                (left.value if left else "", 1),
                (right.level2 if right and right.level2 != last[2] else "", 1),
                (right.level3 if right else "", 1),
                (right.value if right else "", 1),
            ]
        )
        last = (level1, level2, right.level2 if right else last[2])
    return rows


def performance_grid(table: PerformanceTable, year: str) -> LabelGrid:
    """A performance-goal table in the template's 8-column label grid."""
    if table.whole_unit:
        rows: list[list[tuple[str, int]]] = [[("部门名称", 1), (table.project, 3)]]
        for label in ("部门职责", "部门战略目标", "年度绩效目标"):
            if label in table.texts:
                rows.append([(label, 1), (table.texts[label], 3)])
        rows.append([("一级指标", 1), ("二级指标", 1), ("三级指标", 1), ("指标值", 1)])
        for ind in table.period_indicators:
            rows.append([(ind.level1, 1), (ind.level2, 1), (ind.level3, 1), (ind.value, 1)])
        return LabelGrid(table.title, f"({year})年度", rows, 4)
    rows = [
        [("项目名称", 1), (table.project, 7)],
        [
            ("主管部门及代码", 1),
            (table.department or "", 3),
            ("实施单位", 1),
            (table.implementer or "", 3),
        ],
        [("项目属性", 1), (table.attribute or "", 3), ("项目期", 1), (table.period or "", 3)],
    ]
    rows += _fund_rows(table.period_funds, table.annual_funds)
    for label in (
        "项目概况",
        "立项依据",
        "项目设立必要性",
        "保证项目实施的制度、措施",
        "项目实施计划",
    ):
        if label in table.texts:
            rows.append([(label, 1), (table.texts[label], 7)])
    rows.append([("实施期目标", 4), ("年度目标", 4)])
    rows.append(
        [
            ("总体目标", 1),
            (table.texts.get("总体目标（实施期）", ""), 3),
            (table.texts.get("总体目标（年度）", ""), 4),
        ]
    )
    rows += _indicator_rows(table.period_indicators, table.annual_indicators)
    rows.append([("负责人：", 2), ("经办人：", 2), ("联系电话：", 2), ("填报日期：", 2)])
    title = table.title or "项目支出绩效目标表"
    return LabelGrid(title, f"（{year}年度）", rows, 8)


__all__ = [
    "STRUCTURE_CHART", "THREE_PUBLIC_CHART", "Block", "Chart", "Heading", "LabelGrid", "Outline",
    "PageBreak", "Paragraph", "TableBlock", "build_outline", "performance_grid",
]  # fmt: skip
