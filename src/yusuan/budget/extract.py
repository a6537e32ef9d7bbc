"""Turn a disclosure yusuan has read into editable budget data (``yusuan data``), so that last
year's published document becomes the starting point of this year's.

Amounts come back in 元 through ``reconstruct`` so that building the data again reproduces every
printed figure, 尾差 included. What the template does not print (which part of a code's 单位资金
is basic spending, which source carried-over money came from) is filled with the reading the
tables allow and reported in the returned notes.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from itertools import combinations

from yusuan.budget.model import (
    Annex,
    Assets,
    BudgetData,
    Change,
    EconomicItem,
    FiscalSources,
    FunctionLine,
    GlossaryEntry,
    Goals,
    Indicator,
    LevelSources,
    Procurement,
    Project,
    Sources,
    Staffing,
    Texts,
    ThreePublic,
    Unit,
    UnitCosts,
)
from yusuan.budget.reconstruct import Reconstruction, reconstruct
from yusuan.model import (
    Cell,
    Disclosure,
    Figure,
    FundSources,
    PerformanceTable,
    Row,
    RowKind,
    Side,
    Table,
)
from yusuan.money import WAN
from yusuan.numerals import parse_cn_numeral
from yusuan.sentences import SectionText, changes
from yusuan.templates import UnsupportedStageError, template_of

ZERO = Decimal(0)


def _none_if_zero(value: Decimal | None) -> Decimal | None:
    return value if value else None


class _Reader:
    def __init__(self, d: Disclosure, r: Reconstruction) -> None:
        self.d = d
        self.r = r
        self.notes: list[str] = []

    def table(self, key: str) -> Table | None:
        return self.d.table(key)

    def y(self, row: Row | None, key: str) -> Decimal | None:
        return self.r.of(row.cells.get(key)) if row is not None else None

    def code_row(self, key: str, code: str, side: Side | None = None) -> Row | None:
        table = self.table(key)
        if table is None:
            return None
        return next((r for r in table.rows if r.code == code and r.side == side), None)


def _leaves(table: Table) -> list[Row]:
    codes = [r.code for r in table.rows if r.code]
    return [
        r
        for r in table.rows
        if r.code and not any(c != r.code and c.startswith(r.code) for c in codes)
    ]


def _functions(rd: _Reader) -> list[FunctionLine]:
    t3 = rd.table("expenditure_summary") or rd.table("income_summary")
    if t3 is None:
        return []
    carry_source = _carryover_source(rd)
    lines = []
    for row in _leaves(t3):
        code = row.code
        assert code is not None
        t2 = rd.code_row("income_summary", code)
        t5 = rd.code_row("general_expenditure", code)
        t8 = rd.code_row("fund_expenditure", code)
        t9 = rd.code_row("capital_budget", code, Side.EXPENDITURE)
        basic = Sources(
            general=rd.y(t5, "basic"), fund=rd.y(t8, "basic"), capital=rd.y(t9, "basic")
        )
        project = Sources(
            general=rd.y(t5, "project"), fund=rd.y(t8, "project"), capital=rd.y(t9, "project")
        )
        carried = rd.y(t2, "carryover") or ZERO
        basic3 = rd.y(row, "basic") or ZERO
        project3 = rd.y(row, "project") or ZERO
        if t3.key == "income_summary":  # no 预算支出总表: all current money is read as basic
            basic3, project3 = rd.y(row, "total") or ZERO, ZERO
        other_basic = basic3 - basic.total()
        other_project = project3 - project.total()
        carry_project = min(carried, max(other_project, ZERO))
        carry_basic = carried - carry_project
        rest_basic = other_basic - carry_basic
        special, unit = rd.y(t2, "special") or ZERO, rd.y(t2, "unit") or ZERO
        unit_basic = min(unit, max(rest_basic, ZERO))
        special_basic = max(rest_basic - unit_basic, ZERO)
        basic.unit, basic.special = _none_if_zero(unit_basic), _none_if_zero(special_basic)
        project.unit = _none_if_zero(unit - unit_basic)
        project.special = _none_if_zero(special - special_basic)
        line = FunctionLine(code=code, name=row.label, basic=basic, project=project)
        if carry_basic:
            setattr(line.carryover_basic, carry_source, carry_basic)
        if carry_project:
            setattr(line.carryover_project, carry_source, carry_project)
        lines.append(line)
    return lines


def _carryover_source(rd: _Reader) -> str:
    """Which fiscal source carried-over money came from (table 4 splits it, by total only)."""
    t4 = rd.table("fiscal_summary")
    if t4 is None:
        return "general"
    found, after = [], False
    for row in t4.rows:
        if row.side != Side.INCOME:
            continue
        if row.label == "上年财政拨款结转":
            after = True
        elif after and row.amount("amount"):
            found.append(row.label)
    keys = {
        "一、一般公共预算": "general",
        "二、政府性基金预算": "fund",
        "三、国有资本经营预算": "capital",
    }
    sources = [keys[f] for f in found if f in keys]
    if len(sources) > 1:
        rd.notes.append("上年结转来自多个财政拨款来源，已全部按第一个来源记录，请核对")
    return sources[0] if sources else "general"


_PROJECT_KEYS = ("general", "fund", "capital", "special", "unit")


def _projects(rd: _Reader) -> list[Project]:
    projects: list[Project] = []
    by_name: dict[tuple[str, str], Project] = {}
    tables = (("projects_current", "current"), ("projects_carryover", "carryover"))
    for table_key, attribute in tables:
        table = rd.table(table_key)
        unit_name = rd.d.meta.unit_name
        for row in table.rows if table is not None else []:
            if row.kind == RowKind.UNIT:
                unit_name = row.label
                continue
            if row.kind != RowKind.PROJECT:
                continue
            money = Sources(**{k: rd.y(row, k) for k in _PROJECT_KEYS if k in row.cells})
            key = (unit_name, row.label)
            if attribute == "carryover" and key in by_name and not by_name[key].carryover.total():
                by_name[key].carryover = money
                continue
            project = Project(name=row.label, unit=unit_name, **{attribute: money})
            if attribute == "current":
                by_name.setdefault(key, project)
            projects.append(project)
    if len({p.unit for p in projects}) == 1 and rd.d.meta.scope != "部门":
        for project in projects:
            project.unit = None
    _kinds(rd, projects)
    _goals(rd, projects)
    return projects


def _kinds(rd: _Reader, projects: list[Project]) -> None:
    """Section 十 says how many projects of each kind and their money; find which ones."""
    kinds = rd.d.performance.kinds
    current = [p for p in projects if p.current.total()]
    names = list(dict.fromkeys(p.name for p in current))
    if len(kinds) != 2 or len(names) > 24:
        return
    amounts = {
        n: sum((p.current.total() for p in current if p.name == n), ZERO) / WAN for n in names
    }
    first = kinds[0]
    target = first.amount.value if first.amount and first.amount.value is not None else None
    if target is None:
        return
    for chosen in combinations(names, first.count):
        if abs(sum((amounts[n] for n in chosen), ZERO) - target) <= Decimal("0.005") * (
            len(chosen) + 1
        ):
            for project in current:
                project.kind = first.kind if project.name in chosen else kinds[1].kind
            return
    rd.notes.append("未能确定各项目属于哪一类（其他运转类/特定目标类），项目类别留空")


def _level_sources(funds: FundSources) -> LevelSources:
    values = {}
    for key in ("total", "central", "provincial", "local", "own", "other"):
        cell = getattr(funds, key)
        values[key] = cell.amount if cell is not None else None
    return LevelSources(**values)


def _goals(rd: _Reader, projects: list[Project]) -> None:
    tables: dict[str, PerformanceTable] = {}
    for table in rd.d.performance_tables:
        if not table.whole_unit and table.confidence >= 0.5:
            tables.setdefault("".join(table.project.split()), table)
    for project in projects:
        key = "".join(project.name.split())
        if key not in tables:
            continue
        table = tables.pop(key)
        project.goals = Goals(
            department=table.department,
            implementer=table.implementer,
            attribute=table.attribute,
            period=table.period,
            period_funds=_level_sources(table.period_funds),
            annual_funds=_level_sources(table.annual_funds),
            texts=dict(table.texts),
            period_indicators=[Indicator(**_ind(i)) for i in table.period_indicators],
            annual_indicators=[Indicator(**_ind(i)) for i in table.annual_indicators],
        )


def _ind(indicator: object) -> dict[str, str]:
    return {k: getattr(indicator, k) for k in ("level1", "level2", "level3", "value")}


def _economic(rd: _Reader) -> list[EconomicItem]:
    table = rd.table("basic_by_economic")
    items: list[EconomicItem] = []
    group = ""
    for row in table.rows if table is not None else []:
        if row.kind == RowKind.GROUP:
            group = row.label
        elif row.kind == RowKind.ITEM:
            items.append(
                EconomicItem(
                    group=group,
                    name=row.label,
                    gov_econ=row.text("gov_econ") or "",
                    personnel=rd.y(row, "personnel"),
                    public=rd.y(row, "public"),
                )
            )
    return items


def _fiscal(rd: _Reader, row: Row | None) -> FiscalSources:
    return FiscalSources(**{k: rd.y(row, k) for k in ("general", "fund", "capital")})


def _three_public(rd: _Reader) -> ThreePublic:
    table = rd.table("three_public")
    rows = {r.label: r for r in table.rows} if table is not None else {}
    return ThreePublic(
        abroad=_fiscal(rd, rows.get("因公出国（境）费")),
        reception=_fiscal(rd, rows.get("公务接待费")),
        car_purchase=_fiscal(rd, rows.get("①公务用车购置费")),
        car_operation=_fiscal(rd, rows.get("②公务用车运行维护费")),
    )


def _operating(rd: _Reader) -> list[UnitCosts]:
    table = rd.table("operating_costs")
    return [
        UnitCosts(unit=r.label, amounts=_fiscal(rd, r))
        for r in (table.rows if table is not None else [])
        if r.kind != RowKind.TOTAL and r.label
    ]


def _yuan(figure: Figure | None) -> Decimal | None:
    return figure.value * WAN if figure is not None and figure.value is not None else None


def _reason(clause: str) -> str:
    found = re.search(r"(?:主要)?原因(?:是|为)([^；;。]*)", clause)
    return found.group(1).strip("，, ") if found else ""


_THREE_PUBLIC_WORDS = (
    ("出国", "abroad"),
    ("接待", "reception"),
    ("运行维护", "car_operation"),
    ("购置费", "car_purchase"),
)


def _prior(rd: _Reader) -> dict[str, Change]:
    """Last year's figures implied by the 比上年 sentences, with their reasons."""
    found: dict[str, Change] = {}
    path = rd.d.meta.source_file
    for section in rd.d.sections:
        number = parse_cn_numeral(section.number)
        text = SectionText.of(section, path)
        flat = text.text.replace("\n", "")
        for change in changes(text):
            if change.current is None:
                continue
            sign = 1 if change.direction == "增加" else -1
            prior = (change.current.value - sign * change.amount) * WAN
            reason = _reason(flat[flat.find(change.clause) :]) if change.clause in flat else ""
            name = change.current.name
            key = {1: "total", 5: "general_spending", 8: "operating_costs"}.get(number or 0)
            if number == 7:
                key = next(
                    (k for word, k in (("三公", "three_public"), ("出国", "abroad"),
                                       ("接待", "reception"), ("运行维护", "car_operation"),
                                       ("购置费", "car_purchase"), ("购置及运行", "car_total"))
                     if word in name),
                    None,
                )  # fmt: skip
            if key and key not in found:
                found[key] = Change(prior=prior, reason=reason)
        if number == 7:
            same = re.finditer(
                r"([\u4e00-\u9fff（）“”]+?)(\d[\d,]*(?:\.\d+)?)万元[，,]?与上年预算数相同", flat
            )
            for match in same:
                value = Decimal(match.group(2).replace(",", "")) * WAN
                for word, key in _THREE_PUBLIC_WORDS:
                    if word in match.group(1) and key not in found:
                        found[key] = Change(prior=value)
            if "three_public" in found and "reason" not in found:
                reason = _reason(flat.split("。")[-2] if "。" in flat else flat)
                found["three_public"].reason = found["three_public"].reason or reason
    return found


def _department(d: Disclosure) -> tuple[str | None, str | None]:
    names = Counter(t.department for t in d.performance_tables if t.department)
    if not names:
        return None, None
    printed = names.most_common(1)[0][0]
    match = re.match(r"^(\d+)[-－—](.+)$", printed)
    return (match.group(2), match.group(1)) if match else (printed, None)


def _section_text(d: Disclosure, number: int, sub: int | None = None) -> str:
    for section in d.sections:
        if parse_cn_numeral(section.number) == number:
            if sub is None:
                return section.text
            if sub <= len(section.subsections):
                return section.subsections[sub - 1].text
    return ""


def _performance_pins(d: Disclosure) -> list[tuple[list[Cell], Decimal]]:
    """A performance table's 年度资金总额 (元) is the exact amount behind its project's table-12
    rows; pin their total, and the one funded source column, to it."""
    t12 = d.table("projects_current")
    if t12 is None:
        return []
    annual: dict[str, Decimal] = {}
    for table in d.performance_tables:
        total = table.annual_funds.total
        if not table.whole_unit and table.confidence >= 0.5 and total and total.amount:
            annual.setdefault("".join(table.project.split()), total.amount)
    rows: dict[str, list[Row]] = {}
    for row in t12.rows:
        if row.kind == RowKind.PROJECT:
            rows.setdefault("".join(row.label.split()), []).append(row)
    pins: list[tuple[list[Cell], Decimal]] = []
    for name, members in rows.items():
        if name not in annual:
            continue
        pins.append(([r.cells["total"] for r in members], annual[name]))
        funded = {k for r in members for k, c in r.cells.items() if k != "total" and c.amount}
        if len(funded) == 1:
            key = funded.pop()
            pins.append(([r.cells[key] for r in members], annual[name]))
    return pins


_STAFFING = ("authorized", "actual", "internal_departments", "retired")


def to_budget_data(d: Disclosure) -> tuple[BudgetData, list[str]]:
    """Budget data that re-creates ``d`` (in its template), and notes on what had to be assumed.
    Raises ``UnsupportedStageError`` for a template whose budget data yusuan does not extract."""
    template = template_of(d)
    template.require("data", d.meta.source_file)
    if template.kind == "决算":  # its data is 决算 data: ``final_extract.to_final_data``
        raise UnsupportedStageError(
            d.meta.source_file, f"{template.name}的文件只能提取为决算数据，不能作为预算数据",
            "请用 yusuan data 把它转为决算数据（.yaml）",
        )  # fmt: skip
    if template.key == "shanghai":
        from yusuan.budget.shanghai_extract import to_shanghai_data

        return to_shanghai_data(d)
    reconstruction = reconstruct(d, _performance_pins(d))
    rd = _Reader(d, reconstruction)
    if not reconstruction.exact:
        rd.notes.append("文件中的表格数字相互不一致（超出尾差），按各表明细数提取，合计将重新计算")
    department, code = _department(d)
    t11 = d.table("operating_costs")
    unit = Unit(
        name=d.meta.unit_name,
        year=d.meta.year or 2025,
        scope="部门" if d.meta.scope == "部门" else "单位",
        department=department,
        department_code=code,
        units=[u for u in d.meta.units if u != d.meta.unit_name],
        operating_costs_apply=bool(t11 is not None and not t11.no_data),
    )
    p, a = d.procurement, d.assets
    vehicles = {k: v for k, v in a.vehicles.items() if k not in ("编制", "实有")}
    prior = _prior(rd)
    tables = list(d.tables.values())
    data = BudgetData(
        unit=unit,
        staffing=Staffing(**{k: getattr(d.staffing, k) for k in _STAFFING}),
        texts=Texts(
            duties=d.duties,
            organization=d.organization,
            purchase_of_services=_section_text(d, 12, 1) or "无",
            other=_section_text(d, 12, 2) or "无",
            operating_costs_note=_section_text(d, 8) if not unit.operating_costs_apply else "",
            whole_unit_goal=d.performance.whole_unit_goal,
        ),
        code_names={r.code: r.label for t in tables for r in t.rows if r.code and r.label},
        functions=_functions(rd),
        projects=_projects(rd),
        economic=_economic(rd),
        three_public=_three_public(rd),
        operating_costs=_operating(rd),
        prior_year=prior,
        procurement=Procurement(
            goods=_yuan(p.goods), works=_yuan(p.works), services=_yuan(p.services)
        ),
        assets=Assets(
            as_of=a.as_of,
            vehicles_authorized=a.vehicles.get("编制"),
            vehicles=vehicles,
            office_area=a.office_area.value if a.office_area else None,
            equipment_50=a.equipment_50,
            equipment_100=a.equipment_100,
        ),
        whole_unit_goals=[
            Indicator(**_ind(i))
            for t in d.performance_tables
            if t.whole_unit
            for i in t.period_indicators
        ],
        annexes=[Annex(title=x.title, text=x.text) for x in d.annexes],
        glossary=[GlossaryEntry(term=g.term, definition=g.definition) for g in d.glossary],
    )  # fmt: skip
    for annex in d.annexes:
        for hole in re.finditer(r"[\u4e00-\u9fff]{2,6}万元", annex.text):
            if not re.search(r"\d", annex.text[max(0, hole.start() - 1) : hole.start() + 1]):
                rd.notes.append(
                    f"附件“{annex.title}”中“{hole.group(0)}”缺少金额，已照原文保留，请补全"
                )
    return data, rd.notes
