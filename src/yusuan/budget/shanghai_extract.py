"""Turn a Shanghai disclosure (9 tables in 元) into budget data (``yusuan data``).

The tables print 元 to the fen, so amounts are taken as printed, no reconstruction needed; the
三公 table and the text print 万元 and are multiplied out. What the tables do not print (which
part of a code's 事业收入 is basic spending, how a class's 公用经费 divides among its codes) is
read the way the tables allow and said in the returned notes.
"""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.budget.model import (
    Annex,
    BudgetData,
    Change,
    EconomicItem,
    FiscalSources,
    FunctionLine,
    GlossaryEntry,
    GoalSummary,
    PriorYear,
    Procurement,
    Sources,
    Texts,
    ThreePublic,
    Unit,
    UnitCosts,
)
from yusuan.budget.shanghai_checks import problems
from yusuan.model import Disclosure, Figure, Row, RowKind, Side, Table
from yusuan.money import WAN, parse_amount
from yusuan.sentences import full_text
from yusuan.templates import SHANGHAI

ZERO = Decimal(0)
FISCAL_TABLES = (("general_expenditure", "general"), ("fund_expenditure", "fund"),
                 ("capital_expenditure", "capital"))  # fmt: skip
NON_FISCAL = ("business", "operating", "other")
_NUM = r"(\d[\d,]*(?:\.\d+)?)"


def _rows(table: Table | None) -> dict[str, Row]:
    return {r.code: r for r in (table.rows if table is not None else []) if r.code}


def _leaves(table: Table) -> list[Row]:
    codes = [r.code for r in table.rows if r.code]
    return [r for r in table.rows
            if r.code and not any(c != r.code and c.startswith(r.code) for c in codes)]  # fmt: skip


def _amount(row: Row | None, key: str) -> Decimal | None:
    return row.amount(key) if row is not None else None


def _functions(d: Disclosure, notes: list[str]) -> list[FunctionLine]:
    t3 = d.table("expenditure_summary") or d.table("income_summary")
    if t3 is None:
        return []
    t2 = _rows(d.table("income_summary"))
    fiscal = {source: _rows(d.table(key)) for key, source in FISCAL_TABLES}
    lines = []
    for row in _leaves(t3):
        code = row.code
        assert code is not None
        basic, project = Sources(), Sources()
        for source, rows in fiscal.items():
            setattr(basic, source, _amount(rows.get(code), "basic"))
            setattr(project, source, _amount(rows.get(code), "project"))
        income = t2.get(code)
        if t3.key == "income_summary":  # no 支出预算总表: all of a code's money read as basic
            rest_basic, rest_project = _amount(row, "total") or ZERO, ZERO
        else:
            rest_basic = (_amount(row, "basic") or ZERO) - (basic.total() or ZERO)
            rest_project = (_amount(row, "project") or ZERO) - (project.total() or ZERO)
        for source in NON_FISCAL:  # 事业收入 etc. by code only: basic first, the rest project
            amount = _amount(income, source)
            if amount is None:
                continue
            to_basic = min(amount, max(rest_basic, ZERO))
            rest_basic -= to_basic
            setattr(basic, source, to_basic if to_basic or amount == 0 else None)
            if amount - to_basic:
                setattr(project, source, amount - to_basic)
                rest_project -= amount - to_basic
        if rest_basic or rest_project:
            notes.append(
                f"科目{code}的支出与收入、财政拨款各表合计不一致，已按各表明细数提取，请核对"
            )
        lines.append(FunctionLine(code=code, name=row.label, basic=basic, project=project))
    _public(d, lines, notes)
    _purposes(d, lines)
    return lines


def _public(d: Disclosure, lines: list[FunctionLine], notes: list[str]) -> None:
    """财务收支预算总表 splits basic spending into 人员经费/公用经费 by 类: give each code of the
    class its share of the 公用经费, in code order, up to the code's basic spending."""
    t1 = d.table("budget_summary")
    if t1 is None or t1.column("public", Side.EXPENDITURE) is None:
        return
    t3 = _rows(d.table("expenditure_summary"))
    names = {row.label: code for code, row in t3.items() if len(code) == 3}
    for row in t1.rows:
        if row.side != Side.EXPENDITURE or row.kind == RowKind.TOTAL:
            continue
        code = names.get(re.sub(r"^[一二三四五六七八九十]+、", "", row.label))
        public = row.amount("public")
        if code is None or public is None:
            continue
        for line in (x for x in lines if x.code.startswith(code)):
            share = min(public, line.basic.total())
            if share:
                line.public, public = share, public - share
        if public:
            notes.append(f"财务收支预算总表“{row.label}”的公用经费超过该类基本支出，请核对")


_SUBJECT = re.compile(r"“([^“”]+?)”(?:科目)?" + _NUM + r"万元[，,]?(?:主要用于([^。\n]*))?")
_PATH_SPLIT = re.compile(r"（[类款项]）|\([类款项]\)|-")


def _purposes(d: Disclosure, lines: list[FunctionLine]) -> None:
    """The 预算编制说明 says what each code's money is for (“类-款-项”科目X万元，主要用于…)."""
    explanation = next((s for s in d.sections if not s.number), None)
    t3 = _rows(d.table("expenditure_summary"))
    if explanation is None:
        return
    paths = {}
    for code, row in t3.items():
        if len(code) == 7 and code[:3] in t3 and code[:5] in t3:
            paths["-".join((t3[code[:3]].label, t3[code[:5]].label, row.label))] = code
    by_code = {line.code: line for line in lines}
    for match in _SUBJECT.finditer(explanation.text):
        parts = [p for p in _PATH_SPLIT.split("".join(match.group(1).split())) if p]
        line = by_code.get(paths.get("-".join(parts), ""))
        if line is not None and match.group(3) and not line.purpose:
            line.purpose = match.group(3).strip()


def _economic(d: Disclosure) -> list[EconomicItem]:
    table = d.table("basic_by_economic")
    items, group = [], ""
    for row in table.rows if table is not None else []:
        if row.kind == RowKind.GROUP:
            group = row.label
        elif row.kind == RowKind.ITEM:
            code = row.code if row.code and len(row.code) == 5 else None
            items.append(EconomicItem(group=group, name=row.label, code=code,
                                      personnel=row.amount("personnel"),
                                      public=row.amount("public")))  # fmt: skip
    return items


def _wan(value: Decimal | None) -> Decimal | None:
    return value * WAN if value is not None else None


def _three_public(d: Disclosure) -> tuple[ThreePublic, list[UnitCosts]]:
    table = d.table("three_public")
    row = table.rows[0] if table is not None and table.rows else None
    unit = table.amount_unit if table is not None else "万元"

    def yuan(key: str) -> Decimal | None:
        value = _amount(row, key)
        return _wan(value) if unit == "万元" else value

    purchase, operation = yuan("car_purchase"), yuan("car_operation")
    if purchase is None and operation is None and yuan("car_total") is not None:
        operation = yuan("car_total")  # a 小计 printed without its parts
    three = ThreePublic(
        abroad=FiscalSources(general=yuan("abroad")),
        reception=FiscalSources(general=yuan("reception")),
        car_purchase=FiscalSources(general=purchase),
        car_operation=FiscalSources(general=operation),
    )
    operating = yuan("operating")
    costs = [UnitCosts(unit=d.meta.unit_name, amounts=FiscalSources(general=operating))]
    return three, costs if operating is not None else []


_CHANGE = (
    r"(?:为)?" + _NUM + r"万元[，,。]?\s*(?:与|比)\d{4}年(?:预算)?(?:执行)?(?:数)?"
    r"(?:持平|一致|相同|(增加|减少)" + _NUM + r"万元)"
    r"(?:[^，。；]*?[，,]\s*主要原因是([^。；]+))?"
)
PRIOR_WORDS = (
    ("fiscal", "财政拨款收入"),
    ("general_spending", "一般公共预算拨款支出预算"),
    ("fund_spending", "政府性基金拨款支出预算"),
    ("capital_spending", "国有资本经营预算拨款支出预算"),
    ("three_public", "“三公”经费预算数"),
    ("abroad", "因公出国（境）费"),
    ("car_total", "公务(?:用)?车购置及运行费"),
    ("car_purchase", "公务用车购置费"),
    ("car_operation", "公务(?:车)?用车运行(?:维护)?费"),
    ("reception", "公务接待费"),
    ("operating_costs", "机关运行经费预算"),
)


def _prior(d: Disclosure, notes: list[str]) -> PriorYear:
    """Last year's figures the 比上年 sentences imply (万元 → 元), with their reasons. A claim
    that implies a negative figure is a defect of the document and is not taken."""
    text = "\n".join(full_text(s) for s in d.sections)
    flat = re.sub(r"[ \t]+", "", text)
    prior = PriorYear()
    for key, word in PRIOR_WORDS:
        found = re.search(word + _CHANGE, flat)
        if found is None:
            continue
        current = parse_amount(found.group(1)) or ZERO
        delta = parse_amount(found.group(3)) or ZERO
        value = current - delta if found.group(2) == "增加" else current + delta
        if value < 0:
            notes.append(
                f"“{found.group(0)}”推算的上年数为{value}万元，不可能，未提取上年数，请核对"
            )
            continue
        setattr(prior, key, Change(prior=value * WAN, reason=(found.group(4) or "").strip()))
    reason = re.search(r"财政拨款收入支出(?:增加|减少|持平)的主要原因是[：:]?([^。]+)", flat)
    if reason and prior.fiscal.prior is not None:
        prior.fiscal.reason = reason.group(1).strip()
    return prior


def _figure(figure: Figure | None) -> Decimal | None:
    return _wan(figure.value) if figure is not None else None


def _procurement(d: Disclosure) -> Procurement:
    p = d.procurement
    section = next((s for s in d.sections if "政府采购" in s.title), None)
    flat = re.sub(r"\s+", "", full_text(section)) if section is not None else ""
    sme = re.search(r"面向中小企业预留政府采购项目预算金额" + _NUM + "万元", flat)
    small = re.search(r"预留给小型和微型企业的政府采购项目预算为" + _NUM + "万元", flat)
    return Procurement(
        goods=_figure(p.goods), works=_figure(p.works), services=_figure(p.services),
        sme=_wan(parse_amount(sme.group(1))) if sme else None,
        small_micro=_wan(parse_amount(small.group(1))) if small else None,
    )  # fmt: skip


_FIXED = ("三公", "机关运行经费", "政府采购", "绩效目标设置")


def _goals(d: Disclosure) -> GoalSummary:
    perf = d.performance
    section = next((s for s in d.sections if "绩效目标设置" in s.title), None)
    detail = ""
    if section is not None and perf.amount is not None:
        text = full_text(section)
        at = text.find(perf.amount.text + "万元")
        end = text.find("。", at) if at >= 0 else -1
        detail = text[end + 1 :].strip() if end >= 0 else ""
    elif section is not None:
        detail = full_text(section).strip()
    return GoalSummary(projects=perf.projects, amount=_figure(perf.amount), detail=detail)


def _operating_scope(d: Disclosure) -> str:
    section = next((s for s in d.sections if "机关运行经费" in s.title), None)
    if section is None:
        return ""
    flat = re.sub(r"\s+", "", full_text(section))
    found = re.search(re.escape(d.meta.unit_name) + r"(.{0,40}?)财政拨款的机关运行经费", flat)
    return found.group(1) if found else ""


def to_shanghai_data(d: Disclosure) -> tuple[BudgetData, list[str]]:
    """Budget data that re-creates the Shanghai document ``d``, and notes on what was assumed."""
    notes: list[str] = []
    three, costs = _three_public(d)
    tables = list(d.tables.values())
    numbered = [s for s in d.sections if s.number]
    kept = [s for s in numbered if not any(word in s.title for word in _FIXED)]
    data = BudgetData(
        template=SHANGHAI.key,
        unit=Unit(name=d.meta.unit_name, year=d.meta.year or 2025,
                  scope="部门" if d.meta.scope == "部门" else "单位",
                  units=[u for u in d.meta.units if u != d.meta.unit_name]),
        texts=Texts(duties=d.duties, organization=d.organization,
                    operating_costs_scope=_operating_scope(d)),
        code_names={r.code: r.label for t in tables for r in t.rows if r.code and r.label},
        functions=_functions(d, notes),
        economic=_economic(d),
        three_public=three,
        operating_costs=costs,
        prior_year=_prior(d, notes),
        procurement=_procurement(d),
        goal_summary=_goals(d),
        notes=[Annex(title=s.title, text=full_text(s)) for s in kept],
        glossary=[GlossaryEntry(term=g.term, definition=g.definition) for g in d.glossary],
    )  # fmt: skip
    if not any(not s.number for s in d.sections):
        notes.append("文件中没有预算编制说明，生成时将按表格数字写出，各科目“主要用于”说明留空")
    notes += problems(data)
    return data, notes


__all__ = ["to_shanghai_data"]
