"""Write a Shanghai disclosure's text from its tables: the 预算编制说明 and the numbered sections of
其他相关情况说明, in the sentences the district documents use, amounts in 万元.

Every figure is taken from the tables just built (元, rounded to 万元 on its own) or from the data's
own 万元-level facts (prior-year figures, procurement, performance goals). Sections the template
does not fix the wording of (国有资产 and what follows) are kept as the data gives them. The facts
the text states are then read back by the code that reads published documents.
"""

from __future__ import annotations

from decimal import Decimal

from yusuan.budget.amounts import wan_zero
from yusuan.budget.model import BudgetData, Change
from yusuan.model import Disclosure, RowKind, Section, Side, Table
from yusuan.numerals import cn_numeral
from yusuan.recognize.narrative import read_facts
from yusuan.templates import SHANGHAI

ZERO = Decimal(0)


def money(yuan: Decimal | None) -> str:
    """元 as the text prints it in 万元: "9,101.68", "0" for nothing."""
    value = wan_zero(yuan)
    return f"{value:,.2f}" if value else "0"


def compared(current: Decimal | None, before: Change, year: int) -> str:
    """ "，比2024年预算增加X万元" / "，与2024年预算持平"; empty without last year's figure."""
    if before.prior is None:
        return ""
    delta = (wan_zero(current) or ZERO) - (wan_zero(before.prior) or ZERO)
    if delta == 0:
        text = f"，与{year - 1}年预算持平"
    else:
        text = f"，比{year - 1}年预算{'增加' if delta > 0 else '减少'}{abs(delta):,.2f}万元"
    if before.reason:
        text += f"，主要原因是{before.reason.rstrip('。')}"
    return text


def _row(table: Table | None, label: str, side: Side | None = None) -> dict[str, Decimal | None]:
    for row in table.rows if table is not None else []:
        if row.label == label and (side is None or row.side == side):
            return {k: c.amount for k, c in row.cells.items()}
    return {}


def _yuan(value: Decimal | None, table: Table | None) -> Decimal | None:
    """A printed table amount in 元 (the 三公 table prints 万元)."""
    if value is None or table is None:
        return value
    return value * 10000 if table.amount_unit == "万元" else value


def explanation(d: Disclosure, data: BudgetData) -> Section:
    unit, prior = data.unit, data.prior_year
    year, scope = unit.year, "部门" if unit.scope == "部门" else "单位"
    t1, t2 = d.table("budget_summary"), d.table("income_summary")
    t4 = d.table("fiscal_summary")
    total = _row(t1, "收入总计", Side.INCOME).get("amount")
    income = _row(t2, "合计")
    fiscal = income.get("fiscal")
    spent = _row(t4, "支出总计", Side.EXPENDITURE)
    change = compared(fiscal, prior.fiscal.model_copy(update={"reason": ""}), year)
    lines = [
        f"{year}年，{unit.name}收入预算{money(total)}万元，其中：财政拨款收入{money(fiscal)}万元"
        f"{change}；事业收入{money(income.get('business'))}万元；事业单位经营收入"
        f"{money(income.get('operating'))}万元；其他收入{money(income.get('other'))}万元。",
        f"支出预算{money(total)}万元，其中：财政拨款支出预算{money(spent.get('total'))}万元{change}。"
        f"财政拨款支出预算中，一般公共预算拨款支出预算{money(spent.get('general'))}万元"
        f"{compared(spent.get('general'), prior.general_spending, year)}；政府性基金拨款支出预算"
        f"{money(spent.get('fund'))}万元{compared(spent.get('fund'), prior.fund_spending, year)}；"
        f"国有资本经营预算拨款支出预算{money(spent.get('capital'))}万元"
        f"{compared(spent.get('capital'), prior.capital_spending, year)}。",
    ]
    before = prior.fiscal
    if before.reason and before.prior is not None:
        delta = (wan_zero(fiscal) or ZERO) - (wan_zero(before.prior) or ZERO)
        word = "增加" if delta > 0 else "减少" if delta < 0 else "持平"
        lines.append(f"财政拨款收入支出{word}的主要原因是{before.reason.rstrip('。')}。")
    items = _subjects(d, data)
    if items:
        lines.append("财政拨款支出主要内容如下：")
        lines += [f"{i}. {item}" for i, item in enumerate(items, start=1)]
    return Section("", f"{year}年{scope}预算编制说明", "\n".join(lines))


def _subjects(d: Disclosure, data: BudgetData) -> list[str]:
    """“类-款-项”科目X万元，主要用于…: each 项 with 财政拨款 spending, in code order."""
    t3 = d.table("expenditure_summary")
    names = {r.code: r.label for r in (t3.rows if t3 is not None else []) if r.code}
    fiscal: dict[str, Decimal] = {}
    for key in ("general_expenditure", "fund_expenditure", "capital_expenditure"):
        table = d.table(key)
        for row in table.rows if table is not None else []:
            amount = row.amount("total")
            if row.kind == RowKind.ITEM and row.code and amount is not None:
                fiscal[row.code] = fiscal.get(row.code, ZERO) + amount
    purposes = {line.code: line.purpose for line in data.functions}
    items = []
    for code, amount in sorted(fiscal.items()):
        path = "-".join(names.get(code[:n], "") for n in (3, 5, 7))
        purpose = purposes.get(code, "").rstrip("。")
        use = f"，主要用于{purpose}" if purpose else ""
        items.append(f"“{path}”科目{money(amount)}万元{use}。")
    return items


def _three_public(d: Disclosure, data: BudgetData) -> str:
    year, prior = data.unit.year, data.prior_year
    t9 = d.table("three_public")
    row = {k: _yuan(v, t9) for k, v in _row(t9, "合计").items()}
    lines = [
        f"{year}年“三公”经费预算数为{money(row.get('total'))}万元"
        f"{compared(row.get('total'), prior.three_public, year)}。其中：",
        f"（一）因公出国（境）费{money(row.get('abroad'))}万元"
        f"{compared(row.get('abroad'), prior.abroad, year)}。",
        f"（二）公务用车购置及运行费{money(row.get('car_total'))}万元"
        f"{compared(row.get('car_total'), prior.car_total, year)}。其中：公务用车购置费"
        f"{money(row.get('car_purchase'))}万元"
        f"{compared(row.get('car_purchase'), prior.car_purchase, year)}"
        f"；公务用车运行费{money(row.get('car_operation'))}万元"
        f"{compared(row.get('car_operation'), prior.car_operation, year)}。",
        f"（三）公务接待费{money(row.get('reception'))}万元"
        f"{compared(row.get('reception'), prior.reception, year)}。",
    ]  # fmt: skip
    return "\n".join(lines)


def _operating(d: Disclosure, data: BudgetData) -> str:
    t9 = d.table("three_public")
    amount = _yuan(_row(t9, "合计").get("operating"), t9)
    unit = data.unit
    return (
        f"{unit.year}年{unit.name}{data.texts.operating_costs_scope}财政拨款的机关运行经费预算为"
        f"{money(amount)}万元{compared(amount, data.prior_year.operating_costs, unit.year)}。"
    )


def _procurement(data: BudgetData) -> str:
    p, year = data.procurement, data.unit.year
    scope = "部门" if data.unit.scope == "部门" else "单位"
    parts = [p.goods, p.works, p.services]
    total = sum((v for v in parts if v is not None), ZERO)
    text = (
        f"{year}年度本{scope}政府采购预算{money(total)}万元，其中：政府采购货物预算{money(p.goods)}"
        f"万元、政府采购工程预算{money(p.works)}万元、政府采购服务预算{money(p.services)}万元。"
    )
    if p.sme is not None:
        text += (
            f"\n{year}年本{scope}面向中小企业预留政府采购项目预算金额{money(p.sme)}万元，其中，"
            f"预留给小型和微型企业的政府采购项目预算为{money(p.small_micro)}万元。"
        )
    return text


def _goals(data: BudgetData) -> str:
    goals, year = data.goal_summary, data.unit.year
    scope = "部门" if data.unit.scope == "部门" else "单位"
    text = ""
    if goals.projects is not None:
        text = (
            f"{year}年度，本{scope}编报绩效目标的项目共{goals.projects}个，涉及项目预算资金"
            f"{money(goals.amount)}万元。"
        )
    if not text and not goals.detail:
        return f"{year}年度，本{scope}无编报绩效目标的项目。"
    return text + goals.detail


def write_notes(d: Disclosure, data: BudgetData) -> None:
    """The 预算编制说明, then 其他相关情况说明 一 to 四 and the sections the data keeps."""
    year = data.unit.year
    titles = SHANGHAI.sections
    d.sections.append(explanation(d, data))
    fixed = [
        (f"{year}年{titles[1]}", _three_public(d, data)),
        (titles[2], _operating(d, data)),
        (titles[3], _procurement(data)),
        (titles[4], _goals(data)),
        *((note.title, note.text) for note in data.notes),
    ]
    for number, (title, text) in enumerate(fixed, start=1):
        d.sections.append(Section(cn_numeral(number), title, text))
    read_facts(d)
