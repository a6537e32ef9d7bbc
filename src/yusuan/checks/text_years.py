"""The years a reviewer reads line by line, on every template: the year a change is stated
against, the years of titles and headings, the years in the performance forms. Each rule quotes
the words it is about with their line."""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.checks.engine import Checker, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.passages import ALL, context, passages, titles
from yusuan.templates import template_of

# "比2024年预算增加", "与2024年预算持平", "较上年": the year a change is stated against.
_COMPARED = re.compile(
    r"(?:比|较|与|同)\s*(\d{4})\s*年(?:度)?(?:预算|年初预算)?(?:数|执行数)?"
    r"(?=[^，。；]{0,6}(?:增加|减少|增长|下降|持平|相同|一致|基本持平))"
    r"|与\s*(\d{4})\s*年度?\s*相比"  # the 决算's "与2023年度相比，…"
)
_YEAR = re.compile(r"(?<![\d\-—－~至])(\d{4})\s*年")
_RANGE = re.compile(r"\d{4}\s*年?\s*[\-—－~至]\s*\d{4}")


@rule(
    "TEXT-YEAR-COMPARE",
    "narrative",
    Severity.ERROR,
    "增减比较的年度有误",
    "说明中“比××××年增加（减少）”“与××××年持平”的比较年度应为文件年度的上一年"
    "（2025年预算与2024年预算比较）。",
    ALL,
)
def compared_year(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    if year is None:
        return
    kind = template_of(ck.disclosure).kind
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        for match in _COMPARED.finditer(passage.text):
            cited = int(match.group(1) or match.group(2))
            if cited == year - 1:
                continue
            quote = context(passage.text, match.start(), match.end(), 8, 8)
            ck.report(
                f"{passage.label}“{quote}”：{year}年{kind}应与{year - 1}年比较，文中为{cited}年",
                [passage.location(match.start(), quote, path)],
                expected=str(year - 1),
                actual=str(cited),
            )


@rule(
    "TEXT-YEAR-TITLE",
    "completeness",
    Severity.ERROR,
    "标题中的年度与文件年度不符",
    "预算表和说明各节标题中的年度应为文件年度（如2025年部门预算的各表均为“2025年……”）；"
    "“2025-2027年”这样的期间不在此列。",
    ALL,
)
def title_year(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    if year is None:
        return
    for title, location in titles(ck.disclosure):
        compact = "".join(title.split())
        if _RANGE.search(compact):
            continue
        for match in _YEAR.finditer(compact):
            printed = int(match.group(1))
            if printed != year:
                ck.report(
                    f"{location.label}“{compact}”的年度为{printed}年，文件年度为{year}年",
                    [location],
                    expected=str(year),
                    actual=str(printed),
                )
                break


# "应拨付2024年度…专项资金583万元": a year's funds with their amount, in a performance form.
_YEAR_FUNDS = re.compile(
    r"(\d{4})年度?[^，。；]{0,30}?(?:资金|经费)\s*([\d,]+(?:\.\d+)?)\s*(万元|元)"
)


@rule(
    "TEXT-YEAR-FORM",
    "performance",
    Severity.WARNING,
    "绩效目标表所述资金年度与预算年度不符",
    "绩效目标表文字所述某年度资金的金额正是本表的年度资金总额时，该年度应为文件的预算年度"
    "（2025年预算的表写“应拨付2024年度……资金583万元”而本表年度资金为583万元，年度有误）。",
    ALL,
)
def form_year(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    if year is None:
        return
    for form in ck.disclosure.performance_tables:
        total = form.annual_funds.total.amount if form.annual_funds.total else None
        if not total:
            continue
        reported: set[str] = set()
        for field_name, text in form.texts.items():
            for match in _YEAR_FUNDS.finditer(text):
                printed = int(match.group(1))
                amount = Decimal(match.group(2).replace(",", ""))
                in_yuan = amount * 10000 if match.group(3) == "万元" else amount
                if printed == year or in_yuan != total or match.group(0) in reported:
                    continue
                reported.add(match.group(0))
                clause_start = max(text.rfind("，", 0, match.start()) + 1, match.start() - 20)
                quote = text[clause_start : match.end()]
                label = f"绩效目标表“{form.project or form.title}”{field_name}"
                ck.report(
                    f"{label}称“{quote}”：{amount}{match.group(3)}即本表{year}年度资金总额，"
                    f"年度应为{year}年度",
                    [Location(form.source, label, quote)],
                    expected=str(year),
                    actual=str(printed),
                )
