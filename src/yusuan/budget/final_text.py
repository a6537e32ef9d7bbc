"""第三部分 情况说明 (一 to 六, 八, 九) of a Shanghai 部门决算, written from its tables and its
data in the template's sentences (附件2), amounts in 万元; 七、十、十一 are in ``final_notes``.

Every amount that restates a table is taken from the table just built (as printed); shares, 完成
预算 rates and changes are computed from the printed figures (what a reader can verify), half up
to two decimals. Figures the tables do not print (年初预算 of each 项, last year's totals, the
三公 counts, 政府采购, 绩效) come from the data, each rounded to 万元 on its own. Sections the unit
has nothing for get the template's "无……" sentence; items that do not apply are left out
("不涉及的不列").
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from yusuan.budget.final_model import FinalData
from yusuan.budget.final_tables import PERSONNEL_GROUPS, code_name, spent_of, total
from yusuan.budget.model import Change
from yusuan.model import Disclosure, RowKind, Section, Side, Table
from yusuan.money import WAN
from yusuan.numerals import cn_numeral
from yusuan.templates import get_template

CENT = Decimal("0.01")
ZERO = Decimal(0)
SECTIONS = get_template("shanghai-final").sections
SOURCE_NAMES = {"fund": "政府性基金预算", "capital": "国有资本经营预算"}
TABLE_OF = {"general": "general_expenditure", "fund": "fund_expenditure",
            "capital": "capital_expenditure"}  # fmt: skip


def wan(yuan: Decimal | None) -> Decimal | None:
    return None if yuan is None else (yuan / WAN).quantize(CENT, ROUND_HALF_UP)


def money(value: Decimal | None) -> str:
    """A 万元 figure as the text prints it: "2995.39" (a blank reads 0.00)."""
    return f"{(value if value is not None else ZERO):.2f}"


def rate(part: Decimal | None, whole: Decimal | None) -> str:
    if not whole:
        return "0"
    return f"{((part or ZERO) / whole * 100).quantize(CENT, ROUND_HALF_UP)}"


def _reason(text: str) -> str:
    return text.strip().rstrip("。；;")


def change(subject: str, current: Decimal | None, before: Change) -> str | None:
    """ "收入支出总计减少56.95万元，下降1.87%" / "收入支出总计持平"; None without last year's."""
    prior = wan(before.prior)
    if prior is None:
        return None
    delta = (current or ZERO) - prior
    if delta == 0:
        return f"{subject}持平"
    more = delta > 0
    text = f"{subject}{'增加' if more else '减少'}{money(abs(delta))}万元"
    return text + (f"，{'增长' if more else '下降'}{rate(abs(delta), prior)}%" if prior else "")


def budget_total(data: FinalData, source: str) -> Decimal | None:
    """年初预算 of a fiscal source: the sum of its items' (元)."""
    return total(getattr(line.budget, source) for line in data.functions)


def procurement_total(data: FinalData) -> Decimal | None:
    p = data.procurement
    return total((p.goods, p.works, p.services))


class Figures:
    """The printed figures of the tables just built, by table key, row and column."""

    def __init__(self, d: Disclosure) -> None:
        self.d = d

    def table(self, key: str) -> Table | None:
        return self.d.table(key)

    def get(self, key: str, row: str, column: str, side: Side | None = None) -> Decimal | None:
        table = self.d.table(key)
        if table is None:
            return None
        found = next((r for r in table.rows if r.key == row and r.side in (None, side)), None)
        return found.amount(column) if found is not None else None


def _compared(subject: str, current: Decimal | None, before: Change, year: int) -> str:
    """ "与2023年度相比，X减少…。主要原因：…。" (empty without last year's figure)."""
    said = change(subject, current, before)
    if said is None:
        return ""
    text = f"与{year - 1}年度相比，{said}。"
    return text + (f"主要原因：{_reason(before.reason)}。" if before.reason.strip() else "")


def _listing(items: Iterable[tuple[str, Decimal | None]], whole: Decimal | None) -> str:
    parts = [f"{name}{money(v)}万元，占{rate(v, whole)}%" for name, v in items if v]
    return "；".join(parts)


def overall_sections(d: Disclosure, data: FinalData, f: Figures) -> list[Section]:
    name, year, prior = data.unit.name, data.unit.year, data.prior_year
    grand = f.get("budget_summary", "总计", "amount", Side.INCOME)
    received = f.get("income_summary", "合计", "total")
    columns = (("财政拨款收入", "fiscal"), ("上级补助收入", "superior"), ("事业收入", "business"),
               ("经营收入", "operating"), ("附属单位上缴收入", "affiliated"),
               ("其他收入", "other"))  # fmt: skip
    income = _listing(((n, f.get("income_summary", "合计", k)) for n, k in columns), received)
    out = f.get("expenditure_summary", "合计", "total")
    kinds = (("基本支出", "basic"), ("项目支出", "project"), ("上缴上级支出", "to_superior"),
             ("经营支出", "operating"), ("对附属单位补助支出", "to_affiliated"))  # fmt: skip
    spending = _listing(((n, f.get("expenditure_summary", "合计", k)) for n, k in kinds), out)
    fiscal = f.get("fiscal_summary", "总计", "amount", Side.INCOME)
    texts = (
        f"{name}{year}年度收入支出总计{money(grand)}万元。"
        + _compared("收入支出总计", grand, prior.total, year),
        f"本年收入合计{money(received)}万元" + (f"，其中：{income}。" if income else "。"),
        f"本年支出合计{money(out)}万元" + (f"，其中：{spending}。" if spending else "。"),
        f"{name}{year}年度财政拨款收入支出总计{money(fiscal)}万元。"
        + _compared("财政拨款收入支出总计", fiscal, prior.fiscal, year),
    )
    return [Section(cn_numeral(i), SECTIONS[i], text) for i, text in enumerate(texts, start=1)]


def _verdict(budget: Decimal | None, final: Decimal | None, reason: str) -> str:
    if budget is None:
        return ""
    if budget == (final or ZERO):
        return "决算数与预算数持平。"
    word = "大于" if (final or ZERO) > budget else "小于"
    reason = _reason(reason)
    return f"决算数{word}预算数的主要原因：{reason}。" if reason else f"决算数{word}预算数。"


def _items(data: FinalData, f: Figures, source: str) -> list[str]:
    """ "1、X（类）Y（款）Z（项）。主要用于：…。年初预算为A万元，支出决算为B万元。决算数…" """
    key = TABLE_OF[source]
    chosen = [
        x
        for x in data.functions
        if spent_of(x, source) is not None or getattr(x.budget, source) is not None
    ]
    items = []
    for i, line in enumerate(sorted(chosen, key=lambda x: x.code), start=1):
        names = [code_name(data, line.code[:n]) for n in (3, 5, 7)]
        budget = wan(getattr(line.budget, source))
        final = f.get(key, line.code, "total") or ZERO
        use = f"主要用于：{_reason(line.purpose)}。" if line.purpose.strip() else ""
        figures = f"支出决算为{money(final)}万元。"
        if budget is not None:
            figures = f"年初预算为{money(budget)}万元，" + figures
        items.append(f"{i}、{names[0]}（类）{names[1]}（款）{names[2]}（项）。{use}{figures}"
                     + _verdict(budget, final, line.reason))  # fmt: skip
    return items


def general_section(d: Disclosure, data: FinalData, f: Figures) -> Section:
    name, year = data.unit.name, data.unit.year
    spent = f.get("general_expenditure", "合计", "total")
    out = f.get("expenditure_summary", "合计", "total")
    section = Section("五", SECTIONS[5])
    if spent is None:
        section.text = f"{name}{year}年度无一般公共预算财政拨款支出。"
        return section
    overall = (
        f"一般公共预算财政拨款支出{money(spent)}万元，占本年支出合计的{rate(spent, out)}%。"
        + _compared("一般公共预算财政拨款支出", spent, data.prior_year.general, year)
    )
    table = f.table("general_expenditure")
    classes = [(f"{r.label}（类）", r.amount("total")) for r in (table.rows if table else [])
               if r.kind == RowKind.CLASS]  # fmt: skip
    listed = _listing(classes, spent)
    structure = f"一般公共预算财政拨款支出{money(spent)}万元" + (
        f"，主要用于以下方面：{listed}。" if listed else "。"
    )
    budget = wan(budget_total(data, "general"))
    detail = [f"一般公共预算财政拨款支出决算为{money(spent)}万元。其中："]
    if budget is not None:
        detail = [
            f"一般公共预算财政拨款支出年初预算为{money(budget)}万元，支出决算为{money(spent)}万元，"
            f"完成年初预算的{rate(spent, budget)}%。"
            + _verdict(budget, spent, data.reasons.general)
            + "其中："
        ]
    detail += _items(data, f, "general")
    titles = ("一般公共预算财政拨款支出决算总体情况", "一般公共预算财政拨款支出决算结构情况",
              "一般公共预算财政拨款支出决算具体情况")  # fmt: skip
    texts = (overall, structure, "\n".join(detail))
    numbered = enumerate(zip(titles, texts, strict=True), start=1)
    section.subsections = [Section(f"（{cn_numeral(i)}）", t, x) for i, (t, x) in numbered]
    return section


def basic_section(data: FinalData, f: Figures) -> Section:
    key = "basic_by_economic"
    table = f.table(key)
    rows = table.rows if table is not None else []

    def names(personnel: bool) -> str:
        chosen = [
            r.label
            for r in rows
            if r.kind == RowKind.ITEM
            and r.code
            and (r.code[:3] in PERSONNEL_GROUPS) == personnel
            and r.amount("amount")
        ]
        return "、".join(chosen)  # fmt: skip

    parts = []
    for personnel, label in ((True, "人员经费"), (False, "公用经费")):
        amount = f.get(key, f"{label}合计", "amount")
        listed = names(personnel)
        parts.append(f"{label}{money(amount)}万元" + (f"，主要包括：{listed}" if listed else ""))
    spent = f.get("general_expenditure", "合计", "basic")
    text = f"一般公共预算财政拨款基本支出{money(spent)}万元。其中：{'；'.join(parts)}。"
    return Section("六", SECTIONS[6], text)


def fund_section(data: FinalData, f: Figures, source: str, number: int) -> Section:
    name, year, what = data.unit.name, data.unit.year, SOURCE_NAMES[source]
    key = TABLE_OF[source]
    received, spent = f.get(key, "合计", "income"), f.get(key, "合计", "total")
    items = _items(data, f, source)
    if received is None and spent is None and not items:
        text = f"{name}{year}年度无{what}财政拨款收入和支出。"
    else:
        head = f"{what}财政拨款收入{money(received)}万元，支出{money(spent)}万元"
        text = "\n".join([head + ("，支出具体情况如下：" if items else "。"), *items])
    return Section(cn_numeral(number), SECTIONS[number], text)


__all__ = ["Figures", "basic_section", "budget_total", "change", "fund_section", "general_section",
           "money", "overall_sections", "procurement_total", "rate", "wan"]  # fmt: skip
