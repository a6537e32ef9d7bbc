"""Part 3 (情况说明) sections read once per check run, and the helpers the narrative rules share:
a stated figure located in its section, a table's total, an amount or a share compared."""

from __future__ import annotations

from decimal import Decimal

from yusuan.checks.engine import Checker, Figure, cell_figure
from yusuan.checks.findings import Location
from yusuan.checks.tolerance import share_tolerance
from yusuan.checks.views import (
    total_row,
)
from yusuan.model import Section, Side, Table
from yusuan.numerals import parse_cn_numeral
from yusuan.sentences import (
    SectionText,
    Stated,
)

HUNDRED = Decimal(100)


def section_texts(ck: Checker) -> dict[int, SectionText]:
    """Part 3 sections by number, read once per check run and shared by the rules."""
    cached = ck.memo.get("sections")
    if cached is None:
        d = ck.disclosure
        cached = {
            parse_cn_numeral(s.number) or 0: SectionText.of(s, d.meta.source_file)
            for s in d.sections
        }
        ck.memo["sections"] = cached
    return cached  # type: ignore[return-value]


def section_text(ck: Checker, number: int) -> SectionText | None:
    return section_texts(ck).get(number)


def section_name(section: Section, stated: Stated | None = None) -> str:
    """The section as findings name it: 第三部分 六、基本支出情况说明."""
    return f"第三部分 {section.number}、{section.title}"


def stated_figure(st: SectionText, stated: Stated) -> Figure:
    return Figure(stated.value, Location(stated.source, section_name(st.section), stated.text))


def table_total(table: Table | None, key: str, side: Side | None = None) -> Figure | None:
    if table is None:
        return None
    row = total_row(table, side)
    return cell_figure(table, row, key) if row is not None else None


def check_amount(
    ck: Checker, st: SectionText, stated: Stated, figure: Figure | None, what: str
) -> None:
    if figure is None:
        return
    ck.same(stated_figure(st, stated), figure, f"{section_name(st.section)}“{what}”与表格")


def check_share(ck: Checker, st: SectionText, stated: Stated, whole: Decimal | None) -> None:
    if stated.share is None or whole is None:
        return
    if whole == 0:
        return
    expected = (stated.value / whole * HUNDRED).quantize(Decimal("0.01"))
    tolerance = share_tolerance(stated.value, whole)
    difference = stated.share - expected
    if abs(difference) <= tolerance:
        return
    ck.report(
        f"{section_name(st.section)}“{stated.name}{stated.text}万元，占{stated.share_text}%”："
        f"按{whole}万元计算应占{expected}%，相差{difference}个百分点",
        [Location(stated.source, section_name(st.section), f"{stated.share_text}%")],
        expected=expected,
        actual=stated.share,
    )


def find_stated(stated: list[Stated], *words: str) -> Stated | None:
    for item in stated:
        if any(w in item.name for w in words):
            return item
    return None
