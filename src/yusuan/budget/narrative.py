"""Write Part 3 (情况说明) from the derived tables, in the template's fixed sentences.

Every figure is taken from the tables just built, shares are computed from the figures as printed,
and changes from last year's figures in the data; the facts Part 3 states are then read back from
the written text by the same code that reads published documents, so text and facts agree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from yusuan.budget.amounts import WAN, wan
from yusuan.budget.model import BudgetData, Change
from yusuan.model import Disclosure, RowKind, Section, Side, Table
from yusuan.numerals import cn_numeral
from yusuan.recognize.narrative import read_facts
from yusuan.templates.shanxi import PART3_SECTIONS

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def money(value: Decimal | None) -> str:
    """万元 as Part 3 prints it: "1,104.61", "0" for nothing."""
    if not value:
        return "0"
    return f"{value:,.2f}"


def share(part: Decimal | None, whole: Decimal | None) -> str:
    if not part or not whole:
        return "0%"
    return f"{(part / whole * HUNDRED).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _value(table: Table | None, label: str, key: str, side: Side | None = None) -> Decimal | None:
    if table is None:
        return None
    row = next(
        (r for r in table.rows if r.label == label and (side is None or r.side == side)), None
    )
    return row.amount(key) if row is not None else None


def change(current: Decimal | None, before: Change, what: str = "比上年") -> str:
    """ "，比上年增加X万元，增长Y%" (empty when last year's figure is not given)."""
    if before.prior is None:
        return ""
    prior = wan(before.prior) or ZERO
    now = current or ZERO
    delta = now - prior
    if delta == 0:
        return "，与上年持平"
    word, rate_word = ("增加", "增长") if delta > 0 else ("减少", "下降")
    text = f"，{what}{word}{money(abs(delta))}万元"
    if prior > 0:
        rate = (abs(delta) / prior * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text += f"，{rate_word}{rate}%"
    return text


def _reason(before: Change) -> str:
    return f"，主要原因是{before.reason.rstrip('。')}" if before.reason and before.prior else ""


def write_part3(d: Disclosure, data: BudgetData) -> None:
    year, name = data.unit.year, data.unit.name
    scope = "部门" if data.unit.scope == "部门" else "单位"
    t1, t3, t4, t5, t6 = (
        d.table(key)
        for key in ("budget_summary", "expenditure_summary", "fiscal_summary",
                    "general_expenditure", "basic_by_economic")
    )  # fmt: skip
    t10, t11, t12 = (d.table(k) for k in ("three_public", "operating_costs", "projects_current"))
    prior = data.prior_year
    head = f"{year}年度{name}"

    grand = _value(t1, "收入总计", "amount", Side.INCOME)
    current = _value(t1, "本年收入合计", "amount", Side.INCOME)
    carried = _value(t1, "上年结转", "amount", Side.INCOME)
    total_change = change(grand, prior.total) + _reason(prior.total)
    one = (
        f"{head}预算收入总计{money(grand)}万元，其中：本年收入{money(current)}万元，"
        f"上年结转{money(carried)}万元{total_change}；本年{scope}预算支出总计{money(grand)}万元，"
        f"其中：本年预算安排{money(current)}万元，上年结转{money(carried)}万元{total_change}。"
    )

    sources = [
        ("一般公共预算拨款收入", "一、一般公共预算"),
        ("政府性基金预算拨款收入", "二、政府性基金预算"),
        ("国有资本经营预算拨款收入", "三、国有资本经营预算"),
        ("财政专户管理资金收入", "四、财政专户管理资金"),
        ("单位资金", "五、单位资金"),
    ]
    parts = []
    for word, label in sources:
        value = _value(t1, label, "amount", Side.INCOME)
        parts.append(f"{word}{money(value)}万元，占{share(value, grand)}")
    parts.append(f"上年结转{money(carried)}万元，占{share(carried, grand)}")
    two = f"{head}预算收入{money(grand)}万元，主要包括" + "；".join(parts) + "。"

    spend = _value(t3, "合计", "total")
    basic = _value(t3, "合计", "basic")
    project = _value(t3, "合计", "project")
    three = (
        f"{head}支出预算{money(spend)}万元，其中：基本支出{money(basic)}万元，"
        f"占{share(basic, spend)}；项目支出{money(project)}万元，占{share(project, spend)}。"
    )

    fiscal = _value(t4, "收入总计", "amount", Side.INCOME)
    out = {k: _value(t4, "支出总计", k, Side.EXPENDITURE) for k in ("general", "fund", "capital")}
    fiscal_current = _value(t4, "本年收入合计", "amount", Side.INCOME)
    fiscal_carried = _value(t4, "上年财政拨款结转", "amount", Side.INCOME)
    classes4 = _class_amounts(t4, "total")
    four = (
        f"{head}财政拨款收支总预算{money(fiscal)}万元。其中：一般公共预算拨款{money(out['general'])}万元，"
        f"政府性基金预算拨款{money(out['fund'])}万元，国有资本经营预算拨款{money(out['capital'])}万元。"
        f"其中：当年拨款收入{money(fiscal_current)}万元，上年结转收入{money(fiscal_carried)}万元。"
    )
    if classes4:
        four += "支出包括：" + "、".join(f"{n}{money(v)}万元" for n, v in classes4) + "等。"

    general = _value(t5, "合计", "total")
    five_one = (
        f"{head}一般公共预算当年支出{money(general)}万元"
        f"{change(general, prior.general_spending)}{_reason(prior.general_spending)}。"
    )
    classes5 = [
        (r.label, r.amount("total"))
        for r in (t5.rows if t5 else [])
        if r.kind == RowKind.CLASS and r.amount("total")
    ]
    five_two = f"{head}一般公共预算当年支出{money(general)}万元"
    if classes5:
        five_two += "，主要用于以下方面：" + "；".join(
            f"{n}{money(v)}万元，占{share(v, general)}" for n, v in classes5
        )
    five_two += "等。" if classes5 else "。"

    basic6 = _value(t6, "合计", "total")
    personnel = _value(t6, "合计", "personnel")
    public = _value(t6, "合计", "public")
    six = f"{head}一般公共预算安排基本支出{money(basic6)}万元，其中：\n"
    six += f"人员经费{money(personnel)}万元{_items(t6, 'personnel')}；\n"
    six += f"公用经费{money(public)}万元{_items(t6, 'public')}。"

    seven = _three_public(t10, data, year, name)
    eight = _operating(t11, data, year)

    p = data.procurement
    goods, works, services = (wan(v) for v in (p.goods, p.works, p.services))
    procurement_total = sum((v for v in (goods, works, services) if v), ZERO)
    nine = (
        f"{year}年{name}政府采购预算总额{money(procurement_total)}万元。其中：政府采购货物预算"
        f"{money(goods)}万元、政府采购工程预算{money(works)}万元、政府采购服务预算{money(services)}万元。"
    )

    ten = _performance(t12, data, current, year, name)
    eleven = _assets(data, name)
    sections = [one, two, three, four, None, six, seven, eight, nine, None, None, None]
    for number, text in enumerate(sections, start=1):
        section = Section(cn_numeral(number), _title(number, scope), text or "")
        if number == 5:
            section.subsections = [
                Section("(一)", "一般公共预算当年支出规模变化情况", five_one),
                Section("(二)", "一般公共预算当年支出结构情况", five_two),
            ]
        elif number == 10:
            section.subsections = [Section("1、", "整体绩效目标", ten[0]),
                                   Section("2、", "项目绩效目标", ten[1])]  # fmt: skip
        elif number == 11:
            section.subsections = eleven
        elif number == 12:
            section.subsections = [
                Section("（一）", "政府购买服务指导性目录", data.texts.purchase_of_services),
                Section("（二）", "其他", data.texts.other),
            ]
        d.sections.append(section)
    read_facts(d)


def _title(number: int, scope: str) -> str:
    title = PART3_SECTIONS[number]
    return f"{scope}预算{title}" if number == 1 else title


def _class_amounts(table: Table | None, key: str) -> list[tuple[str, Decimal]]:
    found = []
    for row in table.rows if table is not None else []:
        if row.side == Side.EXPENDITURE and "、" in row.label and row.amount(key):
            found.append((row.label.split("、", 1)[1], row.amount(key) or ZERO))
    return found


def _items(t6: Table | None, key: str) -> str:
    names = [r.label for r in (t6.rows if t6 else []) if r.kind == RowKind.ITEM and r.amount(key)]
    return "，主要包括：" + "、".join(names) + "等" if names else ""


def _three_public(t10: Table | None, data: BudgetData, year: int, name: str) -> str:
    total = _value(t10, "合计", "total")
    if not total:
        return "本单位无“三公”经费预算。"
    prior = data.prior_year
    text = (
        f"{year}年{name}财政拨款安排的“三公”经费预算{money(total)}万元"
        f"{change(total, prior.three_public, f'比{year - 1}年预算')}。其中："
    )
    items = [
        ("因公出国（境）费", "因公出国（境）费", prior.abroad),
        ("公务接待费", "公务接待费", prior.reception),
        ("公务用车运行维护费", "②公务用车运行维护费", prior.car_operation),
        ("公务用车购置费", "①公务用车购置费", prior.car_purchase),
    ]
    parts = []
    for word, label, before in items:
        value = _value(t10, label, "total")
        if before.prior is None or (wan(before.prior) or ZERO) == (value or ZERO):
            parts.append(f"{word}{money(value)}万元，与上年预算数相同")
        else:
            parts.append(f"{word}{money(value)}万元{change(value, before)}")
    text += "；".join(parts) + "。"
    if prior.three_public.reason:
        text += f"主要原因是{prior.three_public.reason.rstrip('。')}。"
    return text


def _operating(t11: Table | None, data: BudgetData, year: int) -> str:
    total = _value(t11, "部门合计", "total")
    if not data.unit.operating_costs_apply or not total:
        return data.texts.operating_costs_note or "本单位无机关运行经费。"
    before = data.prior_year.operating_costs
    text = (
        f"本单位{year}年机关运行经费财政拨款预算{money(total)}万元"
        f"{change(total, before, f'比{year - 1}年预算')}"
    )
    if before.reason and before.prior is not None:
        text += f"，原因是{before.reason.rstrip('。')}"
    return text + "。"


def _performance(
    t12: Table | None, data: BudgetData, current: Decimal | None, year: int, name: str
) -> tuple[str, str]:
    if data.texts.whole_unit_goal:
        whole = f"我单位{year}年编报单位整体绩效目标，涉及资金{money(current)}万元。"
    else:
        whole = f"{year}年编报单位无整体绩效目标，涉及资金0万元。"
    projects = [r for r in (t12.rows if t12 else []) if r.kind == RowKind.PROJECT]
    amount = sum((r.amount("total") or ZERO for r in projects), ZERO)
    count = len({r.label for r in projects})
    # Projects printed on several rows under one name count once (as table 12's readers do).
    by_name: dict[str, tuple[str, Decimal]] = {}
    for project in data.projects:
        if project.current.total():
            kind, subtotal = by_name.get(project.name, (project.kind or "", ZERO))
            by_name[project.name] = (kind, subtotal + (wan(project.current.total()) or ZERO))
    kinds: dict[str, list[Decimal]] = {}
    order = ("其他运转类", "特定目标类")
    for kind, subtotal in sorted(
        by_name.values(),
        key=lambda v: (v[0] not in order, order.index(v[0]) if v[0] in order else 0),
    ):
        kinds.setdefault(kind, []).append(subtotal)

    def by_kind(word: str) -> str:
        if not kinds or "" in kinds:
            return ""
        listed = "；".join(
            f"{k}项目{len(v)}个，涉及{word}{money(_wan_sum(v))}万元" for k, v in kinds.items()
        )
        return f"其中：{listed}。"

    text = f"{year}年{name}纳入绩效目标管理的二级项目{count}个，共计金额{money(amount)}万元。"
    text += by_kind("金额")
    text += (
        f"公开项目绩效目标{count}个，涉及项目金额{money(amount)}万元，占部门（单位）项目支出总额的"
    )
    text += f"{'100' if amount else '0'}%。" + by_kind("项目金额")
    return whole, text


def _rank(kind: str, order: tuple[str, ...]) -> int:
    return order.index(kind) if kind in order else len(order)


def _wan_sum(values: list[Decimal]) -> Decimal:
    """Projects' amounts as printed in table 12 (already in 万元), added."""
    return sum(values, ZERO)


def _assets(data: BudgetData, name: str) -> list[Section]:
    a = data.assets
    as_of = f"截至{a.as_of}，" if a.as_of else ""
    actual = sum(a.vehicles.values())
    categories = "，".join(f"{k}{v}辆" for k, v in a.vehicles.items())
    area = f"{a.office_area}" if a.office_area is not None else "0"
    vehicles = f"{as_of}{name}共有公务用车编制{a.vehicles_authorized or 0}辆，实有{actual}辆"
    vehicles += f"，其中：{categories}。" if categories else "。"
    equipment = (
        f"{as_of}{name}占有使用价值50万元（原值）以上的通用设备{a.equipment_50 or 0}台（套）；"
        f"{name}占有使用价值100万元（原值）以上的通用设备{a.equipment_100 or 0}台（套）。"
    )
    return [
        Section("1、", "车辆情况：", vehicles),
        Section("2、", "房屋情况：", f"{as_of}{name}使用的办公用房建筑总面积{area}平方米。"),
        Section("3、", "其他国有资产占有使用情况：", equipment),
    ]


__all__ = ["WAN", "write_part3"]
